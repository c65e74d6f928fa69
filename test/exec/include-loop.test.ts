// loop / with_items / loop_control on include_tasks and include_role (src/exec/include-loop.ts): once per item,
// per host, the item visible to every included task, with fake hosts (test/support/play-harness.ts).
import { expect } from 'chai';
import { join } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { play, run } from '../support/play-harness.js';

describe('executor: loop on include_tasks / include_role', () => {
  const msgs = (r: Awaited<ReturnType<typeof run>>, task: string) =>
    r.results
      .filter((x) => x.task === task)
      .map((x) => `${x.host}:${x.status === 'skipped' ? 'skipped' : String(x.result?.msg)}`);

  it('a static include runs once per item, in order, with item in args and when; keys stay distinct', async () => {
    const r = await run(
      play('    - include_tasks: x.yml\n      loop: [p, q, r]\n    - name: after\n      debug: msg=done\n'),
      {
        files: {
          'x.yml':
            '- name: show\n  debug: msg="got {{ item }}"\n  when: item != "q"\n  register: shown\n' +
            '- name: seen\n  assert: { that: shown.msg == "got " + item }\n  when: item != "q"\n',
        },
      },
    );
    expect(r.code, JSON.stringify(r.results.filter((x) => x.status === 'failed'))).to.equal(0);
    expect(msgs(r, 'show')).to.deep.equal([
      'a:got p',
      'b:got p',
      'c:got p',
      'a:skipped',
      'b:skipped',
      'c:skipped',
      'a:got r',
      'b:got r',
      'c:got r',
    ]);
    expect(r.lines.slice(-3)).to.deep.equal(['after|a|ok', 'after|b|ok', 'after|c|ok']);
    const keys = r.results.filter((x) => x.task === 'show' && x.host === 'a').map((x) => x.key!.replace(/.*#/, '#'));
    expect(keys).to.deep.equal(['#1', '#2', '#3']);
  });

  it('loop_control: loop_var and index_var; with_items flattens', async () => {
    const r = await run(
      play(
        '    - include_tasks: x.yml\n      with_items: [[u, v], w]\n' +
          '      loop_control: { loop_var: pkg, index_var: idx, label: "{{ pkg }}" }\n',
      ),
      {
        limit: 'a',
        files: { 'x.yml': '- name: show\n  debug: msg="{{ idx }}={{ pkg }} {{ ansible_loop_var }}"\n' },
      },
    );
    expect(msgs(r, 'show')).to.deep.equal(['a:0=u pkg', 'a:1=v pkg', 'a:2=w pkg']);
  });

  it('a templated target may use the item', async () => {
    const r = await run(play('    - include_tasks: "t-{{ item }}.yml"\n      loop: [x, y]\n'), {
      limit: 'a',
      files: {
        't-x.yml': '- name: in x\n  debug: msg="x {{ item }}"\n',
        't-y.yml': '- name: in y\n  debug: msg="y {{ item }}"\n',
      },
    });
    expect(r.code).to.equal(0);
    expect(r.results.map((x) => `${x.task}:${String(x.result?.msg)}`)).to.deep.equal(['in x:x x', 'in y:y y']);
  });

  it(
    'include_role with a loop: the item reaches the role through ' +
      'its vars (over its defaults), for a static or templated role',
    async () => {
      const files = {
        'roles/greet/defaults/main.yml': 'greeting: hello\nwho: nobody\n',
        'roles/greet/tasks/main.yml': '- name: greet\n  debug: msg="{{ greeting }} {{ who }} ({{ item }})"\n',
      };
      const r = await run(
        play(
          '    - include_role: { name: greet }\n      vars: { who: "{{ item | upper }}" }\n      loop: [ann, bob]\n',
        ),
        { limit: 'a', files },
      );
      expect(r.code, JSON.stringify(r.results)).to.equal(0);
      expect(msgs(r, 'greet : greet')).to.deep.equal(['a:hello ANN (ann)', 'a:hello BOB (bob)']);
      const t = await run(
        play('    - include_role: { name: "{{ item }}" }\n      vars: { who: x }\n      loop: [greet]\n'),
        { limit: 'a', files },
      );
      expect(msgs(t, 'greet : greet')).to.deep.equal(['a:hello x (greet)']);
    },
  );

  it("the include's when holds per item; hosts may have different lists", async () => {
    const r = await run(
      play(
        '    - include_tasks: x.yml\n' +
          '      loop: "{{ [1, 2, 3] if inventory_hostname == \'a\' else [1] }}"\n      when: item != 2\n',
      ),
      {
        limit: 'a,b',
        files: { 'x.yml': '- name: show\n  debug: msg="{{ item }}"\n' },
      },
    );
    expect(msgs(r, 'show')).to.deep.equal(['a:1', 'b:1', 'a:3']);
  });

  it(
    'a failing item fails its host, which leaves the play (no further items); ' + 'handlers notified inside run once',
    async () => {
      const r = await run(
        play(
          '    - include_tasks: x.yml\n      loop: [1, 2, 3]\n    - name: after\n      debug: msg=done\n',
          '  handlers:\n    - name: h\n      debug: msg=handled\n',
        ),
        {
          files: {
            'x.yml':
              '- name: maybe fail\n  fail: msg="boom {{ item }}"\n  when: item == 2 and inventory_hostname == "b"\n' +
              '- name: poke\n  debug: msg="{{ item }}"\n  changed_when: true\n  notify: h\n',
          },
        },
      );
      expect(r.code).to.equal(2);
      expect(msgs(r, 'poke')).to.deep.equal(['a:1', 'b:1', 'c:1', 'a:2', 'c:2', 'a:3', 'c:3']);
      expect(r.results.find((x) => x.status === 'failed')!.msg).to.match(/boom 2/);
      expect(r.lines.filter((l) => l.startsWith('after') || l.startsWith('h|'))).to.deep.equal([
        'after|a|ok',
        'after|c|ok',
        'h|a|ok',
        'h|c|ok',
      ]);
    },
  );

  it('nested: an included file with a looped task sees both loop variables', async () => {
    const r = await run(play('    - include_tasks: x.yml\n      loop: [1, 2]\n'), {
      limit: 'a',
      files: {
        'x.yml':
          '- name: pair\n  debug: msg="{{ item }}-{{ inner }}"\n  loop: [a, b]\n  loop_control: { loop_var: inner }\n',
      },
    });
    expect(
      r.results
        .filter((x) => x.task === 'pair')
        .map((x) => (x.result!.results as { msg: string }[]).map((i) => i.msg).join(',')),
    ).to.deep.equal(['1-a,1-b', '2-a,2-b']);
  });

  it('a loop that does not render to a list fails its host with a positioned message', async () => {
    const r = await run(
      play('    - include_tasks: x.yml\n      loop: "{{ nope }}"\n    - name: after\n      debug: msg=x\n'),
      { limit: 'a', files: { 'x.yml': '- debug: msg=x\n' } },
    );
    expect(r.code).to.equal(2);
    expect(r.lines).to.deep.equal(['include_tasks: x.yml|a|failed']);
    expect(r.results[0]!.msg).to.match(
      /site\.yml:5:13: 'nope' is undefined \(host a\)\n {8}loop: "\{\{ nope \}\}"\n {14}\^$/,
    );
    const r2 = await run(play('    - include_tasks: x.yml\n      loop: "{{ 5 }}"\n'), {
      limit: 'a',
      files: { 'x.yml': '- debug: msg=x\n' },
    });
    expect(r2.results[0]!.msg).to.match(/site\.yml:5:13: loop expects a list, got 5/);
  });

  it('--resume: each item of a looped include keeps its own journal key', async () => {
    const journal = join(mkdtempSync(join(tmpdir(), 'kplay-j-')), 'j.jsonl');
    const pbText = play('    - include_tasks: x.yml\n      loop: [1, 2, 3]\n');
    const files = {
      'x.yml':
        '- name: step\n  fail: msg=broken\n' +
        '  when: inventory_hostname == "b" and item == 2 and not (fixed | default(false) | bool)\n' +
        '- name: show\n  debug: msg="{{ item }}"\n',
    };
    for (const [f, text] of Object.entries(files)) writeFileSync(join(journal, '..', f), text);
    const r1 = await run(pbText, { journal });
    expect(r1.code).to.equal(2);
    const r2 = await run(pbText, { journal, resume: true, extra: { fixed: true } });
    expect(r2.code).to.equal(0);
    const ran = r2.results
      .filter((x) => x.msg !== 'done in the run being resumed')
      .map((x) => `${x.task}|${x.host}|${x.status}|${String(x.result?.msg ?? '')}`);
    expect(ran).to.deep.equal(['step|b|skipped|', 'show|b|ok|2', 'step|b|skipped|', 'show|b|ok|3']);
  });

  it("an include's vars reach the included tasks; flushed handlers do not see the item", async () => {
    const r = await run(
      play(
        '    - include_tasks: x.yml\n      vars: { v: "{{ item * 10 }}" }\n      loop: [1, 2]\n',
        '  handlers:\n    - name: h\n      debug: msg="{{ item | default(\'none\') }}"\n',
      ),
      {
        limit: 'a',
        files: {
          'x.yml':
            '- name: show\n  debug: msg="v={{ v }}"\n  changed_when: true\n  notify: h\n- meta: flush_handlers\n',
        },
      },
    );
    expect(r.results.map((x) => `${x.task}:${String(x.result?.msg)}`)).to.deep.equal([
      'show:v=10',
      'h:none',
      'show:v=20',
      'h:none',
    ]);
  });

  it(
    'check mode: a looped include runs as in a real run; a ' +
      'loop over a value known only after a real run is uncertain',
    async () => {
      const r = await run(play('    - include_tasks: x.yml\n      loop: [1, 2]\n'), {
        check: true,
        limit: 'a',
        files: { 'x.yml': '- name: show\n  debug: msg="{{ item }}"\n' },
      });
      expect(msgs(r, 'show')).to.deep.equal(['a:1', 'a:2']);
      const u = await run(
        play(
          '    - name: list\n      command: ls /etc\n      register: out\n      changed_when: out.rc != 0\n' +
            '    - include_tasks: x.yml\n      loop: "{{ out.stdout_lines }}"\n',
        ),
        { check: true, limit: 'a', files: { 'x.yml': '- name: show\n  debug: msg="{{ item }}"\n' } },
      );
      expect(u.lines).to.deep.equal(['list|a|uncertain', 'include_tasks: x.yml|a|uncertain']);
      expect(u.results[1]!.msg).to.equal("depends on 'out', known only after a real run");
    },
  );

  it('free strategy: each host goes through its items on its own', async () => {
    const r = await run(
      play(
        '    - include_tasks: x.yml\n      loop: "{{ [1, 2] if inventory_hostname == \'a\' else [3] }}"\n',
        '  strategy: free\n',
      ),
      { limit: 'a,b', files: { 'x.yml': '- name: show\n  debug: msg="{{ item }}"\n' } },
    );
    expect(msgs(r, 'show').sort()).to.deep.equal(['a:1', 'a:2', 'b:3']);
  });
});
