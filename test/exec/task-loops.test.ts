// The loop keywords on a task and on an include, run end to end (test/support/play-harness.ts): the items each
// keyword gives, loop_control's extended and pause, and a loop that cannot be evaluated failing at its keyword.
import { expect } from 'chai';
import { play, run } from '../support/play-harness.js';

type Run = Awaited<ReturnType<typeof run>>;
/** The messages of a looped debug task on host a, item by item. */
const msgs = (r: Run, task: string) =>
  r.results
    .filter((x) => x.task === task && x.host === 'a')
    .flatMap((x) => ((x.result?.results ?? []) as { msg?: unknown }[]).map((i) => i.msg));

describe('executor: loop keywords on a task', () => {
  const cases: [string, string, Record<string, string>, unknown[]][] = [
    ['with_indexed_items', 'with_indexed_items: [a, [b, c]]', {}, ['0:a', '1:b', '2:c']],
    ['with_together', 'with_together: [[1, 2], [x]]', {}, ['1:x', '2:']],
    ['with_nested', 'with_nested: [[a, b], [1]]', {}, ['a:1', 'b:1']],
    ['with_flattened', 'with_flattened: [[a, [b]], c]', {}, ['a', 'b', 'c']],
    ['with_sequence', 'with_sequence: "start=1 end={{ n }} format=node%02d"', {}, ['node01', 'node02', 'node03']],
    ['with_sequence, short form', "with_sequence: '4-8/2'", {}, ['4', '6', '8']],
    ['with_subelements', 'with_subelements: [[{u: x, k: [1, 2]}], k]', {}, ['x:1', 'x:2']],
    [
      'with_fileglob, beside the playbook',
      'with_fileglob: "*.conf"',
      { 'files/b.conf': '', 'files/a.conf': '', 'files/c.txt': '' },
      ['a.conf', 'b.conf'],
    ],
    ['with_first_found', 'with_first_found: [none.yml, c.txt, b.conf]', { 'files/c.txt': '' }, ['c.txt']],
    ['with_first_found, none with skip', 'with_first_found: [{files: [none], skip: true}]', {}, []],
  ];
  const show: Record<string, string> = {
    with_indexed_items: '{{ item[0] }}:{{ item[1] }}',
    with_together: '{{ item.0 }}:{{ item.1 }}',
    with_nested: '{{ item[0] }}:{{ item[1] }}',
    with_subelements: '{{ item.0.u }}:{{ item.1 }}',
    with_fileglob: '{{ item | basename }}',
    with_first_found: '{{ item | basename }}',
  };
  for (const [what, loop, files, want] of cases) {
    it(what, async () => {
      const key = loop.split(':')[0]!;
      const msg = show[key] ?? '{{ item }}';
      const r = await run(play(`    - name: t\n      debug: msg="${msg}"\n      ${loop}\n`, '  vars: { n: 3 }\n'), {
        limit: 'a',
        files,
      });
      expect(r.code, JSON.stringify(r.results)).to.equal(0);
      expect(msgs(r, 't')).to.deep.equal(want);
    });
  }

  it('a loop that cannot be evaluated fails the task at its keyword', async () => {
    const r = await run(play('    - name: t\n      debug: msg={{ item }}\n      with_sequence: "start=1"\n'), {
      limit: 'a',
    });
    expect(r.code).to.not.equal(0);
    const msg = String(r.results.find((x) => x.task === 't')?.msg);
    expect(msg).to.match(/site\.yml:6:22: must specify count or end in with_sequence \(host a, task "t"\)/);
    const none = await run(play('    - name: t\n      debug: msg={{ item }}\n      with_first_found: [p, q]\n'), {
      limit: 'a',
    });
    expect(String(none.results.find((x) => x.task === 't')?.msg)).to.match(
      /site\.yml:6:25: with_first_found: none of 'p', 'q' was found on the controller/,
    );
  });

  it('loop_control extended sets ansible_loop; pause waits between items; label is accepted', async () => {
    const started = Date.now();
    const r = await run(
      play(
        '    - name: t\n      debug: msg="{{ ansible_loop.index }}/{{ ansible_loop.length }} ' +
          "{{ ansible_loop.previtem | default('-') }} {{ ansible_loop.allitems | length }}\"\n" +
          '      loop: [a, b, c]\n      loop_control: { extended: yes, pause: "{{ p }}", label: "{{ item }}" }\n',
        '  vars: { p: 0.1 }\n',
      ),
      { limit: 'a' },
    );
    expect(r.code, JSON.stringify(r.results)).to.equal(0);
    expect(msgs(r, 't')).to.deep.equal(['1/3 - 3', '2/3 a 3', '3/3 b 3']);
    expect(Date.now() - started).to.be.at.least(200);
  });

  it('an include loops with the new keywords too, and its included tasks see ansible_loop', async () => {
    const r = await run(
      play('    - include_tasks: x.yml\n      with_nested: [[a, b], [1]]\n      loop_control: { extended: true }\n'),
      {
        limit: 'a',
        files: {
          'x.yml':
            "- name: show\n  debug: msg=\"{{ item | join('') }} {{ ansible_loop.last | ternary('last', '-') }}\"\n",
        },
      },
    );
    expect(r.code, JSON.stringify(r.results)).to.equal(0);
    expect(r.results.filter((x) => x.task === 'show').map((x) => x.result?.msg)).to.deep.equal(['a1 -', 'b1 last']);
  });

  it('a loop that cannot be made skips a task whose when is false, and fails one whose when is true', async () => {
    const task = (when: string) => `    - name: t\n      debug: msg=x\n      loop: "{{ nope }}"\n      when: ${when}\n`;
    const skipped = await run(play(`${task('false')}      register: out\n    - assert: { that: out is skipped }\n`), {
      limit: 'a',
    });
    expect(skipped.lines).to.deep.equal(['t|a|skipped', 'assert|a|ok']);
    const failed = await run(play(task('true')), { limit: 'a' });
    expect(failed.lines).to.deep.equal(['t|a|failed']);
    expect(failed.results[0]!.msg).to.match(/'nope' is undefined/);
  });

  it('check mode: a loop over a field of what an earlier task registers is uncertain, not a failure', async () => {
    const pb = play(
      '    - name: list\n      command: ls /etc\n      register: out\n' +
        '    - name: t\n      debug: msg="{{ item }}"\n      loop: "{{ out.stdout_lines }}"\n',
    );
    const r = await run(pb, { check: true, limit: 'a' });
    expect(r.lines).to.deep.equal(['list|a|changed', 't|a|uncertain']);
    expect(r.results[1]!.msg).to.equal("depends on 'out', known only after a real run");
  });

  it('ansible_search_path: the role, the task file folder, the playbook folder, as Ansible lists them', async () => {
    const r = await run(
      '- hosts: web\n  gather_facts: no\n  roles: [r]\n  tasks:\n    - debug: { var: ansible_search_path }\n',
      {
        limit: 'a',
        files: { 'roles/r/tasks/main.yml': '- debug: { var: ansible_search_path }\n' },
      },
    );
    const [inRole, inPlay] = r.results.map((x) => x.result?.ansible_search_path as string[]);
    const top = inPlay![0]!;
    expect(inPlay).to.deep.equal([top]);
    expect(inRole).to.deep.equal([`${top}/roles/r`, `${top}/roles/r/tasks`, top]);
  });
});
