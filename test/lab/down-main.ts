// `node down-main.js PREFIX...`: takes labs down from a separate process (used by the tests' signal handler).
import { labDown } from '../../src/lab/lab.js';

for (const prefix of process.argv.slice(2)) {
  try {
    await labDown({ prefix });
  } catch (e) {
    console.error(`lab ${prefix}: ${(e as Error).message}`);
    process.exitCode = 1;
  }
}
