// `omit` leaves a module argument out, as if it were not written (in a mapping or a list, at any depth), through
// the real executor over a host kept in memory; a second run changes nothing.
import { expect } from 'chai';
import { MemoryHost } from '../../src/transport/memory.js';
import { OMIT } from '../../src/core/omit.js';
import { run } from '../support/play-harness.js';

const PB =
  '- hosts: a\n  gather_facts: no\n  vars: { none: "" }\n  tasks:\n' +
  '    - file: { path: /srv/d, state: directory, mode: "{{ unset_mode | default(omit) }}" }\n' +
  '    - copy: { dest: /srv/d/f, content: "x\\n", owner: "{{ none or omit }}" }\n' +
  '    - command: { argv: [echo, "{{ omit }}", hi] }\n      register: r\n      ignore_errors: true\n' +
  '    - debug: { msg: "{{ r.cmd }}", var: "{{ omit }}" }\n';

describe('omit', () => {
  it('leaves the argument out: the module sees it unwritten (a mapping key, a list item)', async () => {
    const a = new MemoryHost('a');
    const first = await run(PB, { memory: [a] });
    expect(first.lines.slice(0, 2)).to.deep.equal(['file|a|changed', 'copy|a|changed']);
    expect(a.files.get('/srv/d')!.mode).to.equal(0o755);
    expect(first.results[2]!.result!.cmd).to.deep.equal(['echo', 'hi']);
    expect(first.results[3]!.show).to.deep.equal({ msg: ['echo', 'hi'] });
    const again = await run(PB, { memory: [a] });
    expect(again.lines.slice(0, 2)).to.deep.equal(['file|a|ok', 'copy|a|ok']);
  });

  it('is a placeholder text no one writes by chance', () =>
    expect(OMIT).to.match(/^__omit_place_holder__[0-9a-f]{40}$/));
});
