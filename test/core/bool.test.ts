// Ansible's yes/no, read one way everywhere (core/value-utils.ts): keywords, module arguments, host variables.
import { expect } from 'chai';
import { boolWord, toBool } from '../../src/core/value-utils.js';
import { sysctlValue } from '../../src/tasks/kernel/sysctl.js';
import { abool } from '../../src/tasks/lib/schema.js';
import { connectionSpec } from '../../src/transport/connection-spec.js';
import { play, run } from '../support/play-harness.js';

describe("Ansible's booleans", () => {
  const cases: [unknown, boolean | undefined][] = [
    [true, true],
    ['yes', true],
    ['On', true],
    [' TRUE ', true],
    ['y', true],
    ['t', true],
    ['1', true],
    [1, true],
    [false, false],
    ['no', false],
    ['off', false],
    ['n', false],
    ['0', false],
    [0, false],
    ['', false],
    [2, undefined],
    ['maybe', undefined],
    [null, undefined],
  ];
  for (const [v, want] of cases) {
    it(`${JSON.stringify(v)} is ${want ?? 'not a boolean word'}, the same for every reader`, () => {
      expect(boolWord(v)).to.equal(want);
      expect(toBool(v)).to.equal(want === true);
      const arg = abool().safeParse(v);
      expect(arg.success ? arg.data : undefined).to.equal(want);
      expect(connectionSpec({ ansible_become: v ?? false }, 'h').become).to.equal(want === true);
      if (typeof v === 'string' && v !== '' && want !== undefined) expect(sysctlValue(v)).to.equal(want ? '1' : '0');
    });
  }

  it('a keyword takes any of the words: run_once: "on" runs the task on one host (its fact goes to all)', async () => {
    const tasks = (once: string) =>
      `    - set_fact: { first: "{{ inventory_hostname }}" }\n      run_once: ${once}\n` +
      `    - assert: { that: "first == 'a'" }\n`;
    expect((await run(play(tasks('"on"')))).lines.slice(3)).to.deep.equal([
      'assert|a|ok',
      'assert|b|ok',
      'assert|c|ok',
    ]);
    expect((await run(play(tasks('"off"')))).lines.slice(3)).to.deep.equal([
      'assert|a|ok',
      'assert|b|failed',
      'assert|c|failed',
    ]);
  });
});
