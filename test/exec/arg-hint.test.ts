// A failure an argument decides names the variables that set it (what a site changes), with the place the task
// takes them; an argument set from the loop or from facts names no variable.
import { expect } from 'chai';
import { MemoryHost } from '../../src/transport/memory.js';
import { run } from '../support/play-harness.js';

const play = (vars: string, args: string) =>
  `- hosts: a\n  gather_facts: no\n  vars:\n${vars}\n  tasks:\n    - name: the dir\n      file: ${args}\n`;

const cases = [
  {
    name: 'a value set from a site variable: the variable is named, with where the task reads it',
    pb: play('    site_state: bogus', '{ path: /srv/x, state: "{{ site_state }}" }'),
    hint: new RegExp(
      "hint: state is '\\{\\{ site_state \\}\\}': set 'site_state' for this host " +
        '\\(the site\'s group_vars or host_vars, or -e\\) to change it\n.*state: "\\{\\{ site_state',
    ),
  },
  {
    name: 'two variables in one value: both are named; the loop variable and facts are not',
    pb: play(
      '    a_mode: "0"\n    b_mode: "9"',
      '{ path: /srv/x, state: directory, mode: "{{ a_mode ~ b_mode ~ inventory_hostname }}" }',
    ),
    hint: /set 'a_mode', 'b_mode' for this host/,
  },
  {
    name: "a module's failure that an argument decides (a link to nothing without force): where the task reads it",
    pb: play('    site_force: false', '{ path: /srv/l, src: /nowhere, state: link, force: "{{ site_force }}" }'),
    hint: /src file does not exist.*\n.*hint: force is '\{\{ site_force \}\}' at \S+:7:64: set 'site_force' for /,
  },
  {
    name: 'a value from the loop: no variable a site sets, no hint',
    pb: `${play('    unused: 1', '{ path: /srv/x, state: "{{ item }}" }')}      loop: [bogus]\n`,
    hint: undefined,
  },
];

describe('a failure names the variable that sets the argument it is about', () => {
  for (const c of cases)
    it(c.name, async () => {
      const r = await run(c.pb, { memory: [new MemoryHost('a')] });
      const failed = r.results.find((e) => e.status === 'failed');
      expect(failed, r.lines.join('\n')).to.not.equal(undefined);
      if (c.hint) expect(failed!.msg).to.match(c.hint);
      else expect(failed!.msg ?? '').not.to.include('hint:');
    });
});
