// include_vars fails as Ansible's does (checked with ansible-playbook 2.14 on localhost): a file that cannot be
// found, or none named (a lookup that found nothing gives null), fails the task when it runs, with the text in
// `message` (which roles assert on: 'Could not find ...'), and nothing read.
import { expect } from 'chai';
import { play, run } from '../support/play-harness.js';

const cases: { name: string; args: string; message: RegExp }[] = [
  { name: 'a file not found', args: 'include_vars: nope.yml', message: /^Could not find or access 'nope.yml' on the/ },
  {
    name: 'a file a template made null',
    args: 'include_vars: { file: "{{ none }}" }\n      vars: { none: null }',
    message: /^Could not find file on the controller/,
  },
  {
    name: 'a file a lookup found nothing for (empty)',
    args: `include_vars: { file: "{{ lookup('first_found', ['nope.yml'], errors='ignore') }}" }`,
    message: /^Could not find file on the controller/,
  },
];

describe('include_vars failures', () => {
  for (const c of cases)
    it(`${c.name} fails when the task runs, with Ansible's 'message'`, async () => {
      const r = await run(
        play(
          `    - name: t\n      ${c.args}\n      register: out\n      ignore_errors: true\n` +
            '    - assert:\n        that: [out is failed, "out.ansible_facts == {}",' +
            ' "out.ansible_included_var_files == []"]\n',
        ),
        { limit: 'a' },
      );
      expect(r.lines).to.deep.equal(['t|a|ignored', 'assert|a|ok']);
      expect(r.results[0]!.result?.message).to.match(c.message);
    });

  it('a file found is read, and its result has no message', async () => {
    const r = await run(
      play(
        '    - include_vars: { file: "{{ f }}" }\n      vars: { f: v.yml }\n      register: out\n' +
          '    - assert: { that: [x == 1, out.message is undefined] }\n',
      ),
      { limit: 'a', files: { 'v.yml': 'x: 1\n' } },
    );
    expect(r.code, r.results.map((x) => x.msg).join('\n')).to.equal(0);
  });
});
