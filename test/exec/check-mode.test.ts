import { expect } from 'chai';
import { taskCheckMode } from '../../src/exec/check-mode.js';
import type { Task } from '../../src/core/types.js';

const task = (check_mode: unknown) =>
  ({ keywords: check_mode === undefined ? {} : { check_mode }, raw: {}, name: 't' }) as unknown as Task;

describe('check mode of a task', () => {
  const cases: [string, unknown, boolean, boolean][] = [
    // keyword, value, --check, dry run?
    ['no keyword, a real run', undefined, false, false],
    ['no keyword, --check', undefined, true, true],
    ['true without --check', true, false, true],
    ['yes without --check', 'yes', false, true],
    ['on without --check', 'on', false, true],
    ['1 without --check', 1, false, true],
    ['false under --check', false, true, false],
    ['no under --check', 'no', true, false],
    ['a template giving yes', '{{ dry }}', false, true],
    ['a template giving false', '{{ wet }}', true, false],
  ];
  for (const [what, v, check, want] of cases) {
    it(`${what}: ${want ? 'dry run' : 'real run'}`, () => {
      expect(taskCheckMode(check, task(v), { dry: 'yes', wet: false }, 'h1')).to.equal(want);
    });
  }

  it('a value that is not a boolean is an error naming the value', () => {
    expect(() => taskCheckMode(false, task('{{ x }}'), { x: 'maybe' }, 'h1')).to.throw(
      /check_mode must be a boolean, got "maybe"/,
    );
  });
});
