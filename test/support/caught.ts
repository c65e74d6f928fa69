// The KplayError a call throws (a test fails when it throws nothing, or something else).
import { KplayError } from '../../src/core/errors.js';

export function caught(f: () => unknown): KplayError {
  try {
    f();
  } catch (e) {
    if (e instanceof KplayError) return e;
    throw e;
  }
  throw new Error('expected an error');
}
