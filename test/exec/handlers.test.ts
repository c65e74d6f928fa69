// Handlers as Ansible runs them (each case checked with ansible-playbook 2.14 on localhost): force_handlers (the
// play keyword, a template, --force-handlers), notify on a block (a task's own notify wins), templated handler
// and notify names.
import { expect } from 'chai';
import { play, run } from '../support/play-harness.js';
import { one } from '../support/problems.js';

const NOTIFY_THEN_FAIL =
  '    - name: change\n      debug: msg=x\n      changed_when: true\n      notify: h\n' +
  '    - name: boom\n      fail: msg=no\n      when: inventory_hostname == "a"\n' +
  '    - name: after\n      debug: msg=x\n';
const H = '  handlers:\n    - name: h\n      debug: msg=handled\n';
const ran = (lines: string[], task: string) =>
  lines.filter((l) => l.startsWith(`${task}|`)).map((l) => l.split('|')[1]);

describe('force_handlers', () => {
  const cases: { name: string; extra: string; force?: boolean; vars?: Record<string, unknown>; want: string[] }[] = [
    { name: 'without it, a failed host runs no handler', extra: '', want: ['b', 'c'] },
    { name: 'the play keyword', extra: '  force_handlers: true\n', want: ['a', 'b', 'c'] },
    { name: 'a template', extra: '  force_handlers: "{{ fh }}"\n', vars: { fh: true }, want: ['a', 'b', 'c'] },
    { name: 'a template saying no', extra: '  force_handlers: "{{ fh }}"\n', vars: { fh: false }, want: ['b', 'c'] },
    { name: '--force-handlers', extra: '', force: true, want: ['a', 'b', 'c'] },
  ];
  for (const c of cases)
    it(c.name, async () => {
      const r = await run(play(NOTIFY_THEN_FAIL, c.extra) + H, { forceHandlers: c.force, extra: c.vars });
      expect(ran(r.lines, 'h')).to.have.members(c.want);
      expect(ran(r.lines, 'after')).to.deep.equal(['b', 'c']);
      // the failed host stays failed: the run fails, and the next play does not take it
      expect(r.code).to.equal(2);
      expect(r.recap.a).to.include({ failed: 1 });
    });

  it('a host that failed stays out of the next play', async () => {
    const pb = play(NOTIFY_THEN_FAIL, '  force_handlers: true\n') + H + play('    - name: next\n      debug: msg=x\n');
    const r = await run(pb);
    expect(ran(r.lines, 'next')).to.deep.equal(['b', 'c']);
  });
});

describe('notify', () => {
  const HS =
    '  handlers:\n    - name: blockh\n      debug: msg=x\n    - name: own\n      debug: msg=x\n' +
    '    - name: "restart {{ svc }}"\n      debug: msg=x\n';
  const cases: { name: string; tasks: string; want: string[] }[] = [
    {
      name: 'on a block: its tasks notify it',
      tasks: '    - block:\n        - debug: msg=x\n          changed_when: true\n      notify: blockh\n',
      want: ['blockh'],
    },
    {
      name: "a task's own notify replaces the block's",
      tasks:
        '    - block:\n        - debug: msg=x\n          changed_when: true\n          notify: own\n' +
        '      notify: blockh\n',
      want: ['own'],
    },
    {
      name: 'a templated handler name, notified by the rendered name',
      tasks: '    - debug: msg=x\n      changed_when: true\n      notify: restart nginx\n',
      want: ['restart {{ svc }}'],
    },
    {
      name: 'a templated notify, rendered for the host',
      tasks: '    - debug: msg=x\n      changed_when: true\n      notify: "{{ which }}"\n',
      want: ['own'],
    },
  ];
  for (const c of cases)
    it(c.name, async () => {
      const pb = play(c.tasks, '  vars: { svc: nginx, which: own }\n') + HS;
      const r = await run(pb);
      expect(r.code).to.equal(0);
      const handlers = [...new Set(r.lines.map((l) => l.split('|')[0]!).filter((t) => t !== 'debug'))];
      expect(handlers).to.deep.equal(c.want);
    });

  it('a notify that no handler, templated or not, can answer is refused at its place', () => {
    const pb =
      '- hosts: all\n  tasks:\n    - debug: msg=x\n      notify: stop nginx\n' +
      '  handlers:\n    - name: "restart {{ svc }}"\n      debug: msg=x\n';
    expect(one({ 'site.yml': pb })).to.include({
      line: 4,
      col: 15,
      msg: "notify: no handler named 'stop nginx' in this play",
    });
  });

  it('a notify that cannot be rendered on a host warns that it notifies nothing there', async () => {
    const tasks =
      '    - name: change\n      debug: msg=x\n      changed_when: true\n      notify: "restart {{ nope }}"\n';
    const pb = play(tasks, '') + '  handlers:\n    - name: restart nginx\n      debug: msg=x\n';
    const r = await run(pb);
    const warned = r.events.filter((e) => e.type === 'warning').map((e) => (e as { msg: string }).msg);
    expect(warned[0]).to.match(
      /^notify 'restart \{\{ nope \}\}' on a cannot be rendered, so it notifies nothing: .*nope/,
    );
    expect(r.lines.filter((l) => l.startsWith('restart nginx|'))).to.deep.equal([]);
  });
});
