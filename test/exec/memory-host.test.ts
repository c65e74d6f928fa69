// The whole host path (reader, plan, apply, re-plan, check-mode classification) through the real executor,
// over hosts kept in memory: the fast proofs of `uncertain`, the reader's invalidation and NOT_CONVERGED.
// The lab suites (test/e2e/check-mode.test.ts, failures.test.ts) prove the same on real sshd hosts.
import { expect } from 'chai';
import { MemoryHost } from '../../src/transport/memory.js';
import { run } from '../support/play-harness.js';

const ON_A = (tasks: string) => `- hosts: a\n  gather_facts: no\n  tasks:\n${tasks}`;

const WRITE = ON_A(`
    - name: config
      copy: { dest: /etc/app.conf, content: "port=1\\n", mode: "0640" }
    - name: data dir
      file: { path: /srv/data, state: directory, mode: "0750" }
`);

describe('the executor over an in-memory host', () => {
  it('a real run writes what it planned, and a second run changes nothing and writes nothing', async () => {
    const a = new MemoryHost('a');
    a.seed('/etc/motd', 'hi\n');
    const first = await run(WRITE, { memory: [a] });
    expect(first.lines).to.deep.equal(['config|a|changed', 'data dir|a|changed']);
    expect(a.files.get('/etc/app.conf')?.content.toString()).to.equal('port=1\n');
    expect(a.files.get('/etc/app.conf')?.mode).to.equal(0o640);
    expect(a.files.get('/srv/data')).to.include({ type: 'dir', mode: 0o750 });
    const writes = a.writes.length;
    const second = await run(WRITE, { memory: [a] });
    expect(second.lines).to.deep.equal(['config|a|ok', 'data dir|a|ok']);
    expect(second.recap.a).to.include({ changed: 0 });
    expect(a.writes.length).to.equal(writes);
  });

  it('check mode writes nothing and reports what the real run then does', async () => {
    const a = new MemoryHost('a');
    a.seed('/etc/motd', 'hi\n');
    const check = await run(WRITE, { memory: [a], check: true });
    expect(a.writes).to.deep.equal([]);
    expect(a.files.has('/etc/app.conf')).to.equal(false);
    const real = await run(WRITE, { memory: [a] });
    expect(check.lines).to.deep.equal(real.lines);
  });

  it('in check mode, a task reading what an earlier change would write reads the planned bytes', async () => {
    const a = new MemoryHost('a');
    a.seed('/etc/app.conf', 'port=0\n');
    const pb = ON_A(`
    - name: config
      copy: { dest: /etc/app.conf, content: "port=1\\n" }
    - name: one more line
      lineinfile: { path: /etc/app.conf, line: "debug=0" }
    - name: already there
      lineinfile: { path: /etc/app.conf, line: "port=1" }
    - name: elsewhere
      lineinfile: { path: /etc/other.conf, line: "x=1", create: yes }
`);
    const check = await run(pb, { memory: [a], check: true, diff: true });
    const want = ['config|a|changed', 'one more line|a|changed', 'already there|a|ok', 'elsewhere|a|changed'];
    expect(check.lines).to.deep.equal(want);
    expect(check.results[1]!.diff?.[0]).to.include({ before: 'port=1\n', after: 'port=1\ndebug=0\n' });
    expect(a.writes).to.deep.equal([]);
    const real = await run(pb, { memory: [a] });
    expect(real.lines).to.deep.equal(want);
    expect(a.files.get('/etc/app.conf')?.content.toString()).to.equal('port=1\ndebug=0\n');
  });

  it('in check mode, a task reading what an earlier command may alter is uncertain, and says why', async () => {
    const a = new MemoryHost('a');
    a.seed('/etc/app.conf', 'port=0\n');
    const pb = ON_A(`
    - name: generate
      command: { cmd: "true", creates: /etc/app.conf.d }
    - name: one more line
      lineinfile: { path: /etc/app.conf.d, line: "debug=0", create: yes }
    - name: elsewhere
      lineinfile: { path: /etc/app.conf, line: "x=1" }
`);
    const check = await run(pb, { memory: [a], check: true });
    expect(check.lines).to.deep.equal(['generate|a|changed', 'one more line|a|uncertain', 'elsewhere|a|changed']);
    expect(check.results[1]!.msg).to.equal('reads /etc/app.conf.d, which an earlier task would change');
  });

  it('after a change is applied, the host is read again, not from the cache', async () => {
    const a = new MemoryHost('a');
    const pb = ON_A(`
    - stat: { path: /etc/app.conf }
      register: before
    - copy: { dest: /etc/app.conf, content: "x\\n" }
    - stat: { path: /etc/app.conf }
      register: after
    - name: saw both
      assert: { that: ["not before.stat.exists", "after.stat.exists", "after.stat.size == 2"] }
`);
    const r = await run(pb, { memory: [a] });
    expect(r.lines.at(-1)).to.equal('saw both|a|ok');
    expect(a.log.filter((c) => c[0] === 'stat' && c[1] === '/etc/app.conf').length).to.be.greaterThan(1);
  });

  it('a change that does not stick fails the task with NOT_CONVERGED, naming what is still planned', async () => {
    const a = new MemoryHost('a');
    a.seed('/etc/app.conf', 'x\n', 0o600);
    a.ignored.add('chmod');
    const r = await run(ON_A('    - name: mode\n      file: { path: /etc/app.conf, mode: "0644" }\n'), { memory: [a] });
    expect(r.lines).to.deep.equal(['mode|a|failed']);
    expect(r.results[0]!.msg).to.match(/file did not converge: after applying, it still plans: .*0644/);
    expect(r.code).to.equal(2);
  });

  it('a command the memory host does not know fails as a real one would, rc 127', async () => {
    const a = new MemoryHost('a');
    const r = await run(ON_A('    - command: systemctl daemon-reload\n'), { memory: [a] });
    expect(r.lines).to.deep.equal(['command|a|failed']);
    expect(r.results[0]!.msg).to.match(/non-zero return code 127/);
  });

  it('--check --detailed-exitcode: 2 while changes are pending, 0 once converged, 1 when a host fails', async () => {
    const a = new MemoryHost('a');
    expect((await run(WRITE, { memory: [a], check: true, detailedExitcode: true })).code).to.equal(2);
    await run(WRITE, { memory: [a] });
    expect((await run(WRITE, { memory: [a], check: true, detailedExitcode: true })).code).to.equal(0);
    const failing = ON_A('    - fail: msg=no\n');
    expect((await run(failing, { memory: [a], check: true, detailedExitcode: true })).code).to.equal(1);
    expect((await run(failing, { memory: [a], check: true })).code).to.equal(2);
  });

  it('--detailed-exitcode counts an uncertain result as pending: it may change', async () => {
    const a = new MemoryHost('a');
    a.seed('/etc/app.conf', 'port=1\n');
    const pb = ON_A(`
    - copy: { dest: /etc/app.conf, content: "port=2\\n" }
    - lineinfile: { path: /etc/app.conf, line: "port=2" }
`);
    const r = await run(pb, { memory: [a], check: true, detailedExitcode: true });
    expect(r.code).to.equal(2);
  });

  it('in check mode, what a task whose plan failed may touch (its paths) makes later readers uncertain', async () => {
    const a = new MemoryHost('a');
    await a.exec(['mkdir', '-p', '--', '/opt', '/usr/local/bin']);
    const pb = ON_A(`
    - name: bundle
      BUNDLE
    - name: link
      file: { src: /opt/demo, dest: /usr/local/bin/demo, state: link }
    - name: look
      stat: { path: /usr/local/bin/demo }
      register: st
    - name: is a link
      assert: { that: [st.stat.islnk] }
`);
    const check = await run(pb.replace('BUNDLE', 'command: { cmd: "true", creates: /opt/demo }'), {
      memory: [a],
      check: true,
    });
    expect(check.lines).to.deep.equal([
      'bundle|a|changed',
      'link|a|uncertain',
      'look|a|uncertain',
      'is a link|a|uncertain',
    ]);
    expect(check.code).to.equal(0);
    // with a bundle whose bytes the plan knows, the link, the stat and the assert are predicted exactly
    const known = pb.replace('BUNDLE', 'copy: { dest: /opt/demo, content: "#!/bin/sh\\n", mode: "0755" }');
    const exact = await run(known, { memory: [a], check: true });
    const real = await run(known, { memory: [a] });
    expect(real.lines).to.deep.equal(['bundle|a|changed', 'link|a|changed', 'look|a|ok', 'is a link|a|ok']);
    expect(exact.lines).to.deep.equal(real.lines);
  });

  it('a looped task that is uncertain says why, naming the first uncertain item', async () => {
    const a = new MemoryHost('a');
    a.seed('/etc/app.conf', 'port=1\n');
    a.seed('/etc/other.conf', 'x=1\n');
    const pb = ON_A(`
    - command: { cmd: "true", removes: /etc/app.conf }
    - name: lines
      lineinfile: { path: "{{ item }}", line: "x=1", create: yes }
      loop: [/etc/other.conf, /etc/app.conf]
`);
    const r = await run(pb, { memory: [a], check: true });
    expect(r.lines[1]).to.equal('lines|a|uncertain');
    expect(r.results[1]!.msg).to.equal('item 2: reads /etc/app.conf, which an earlier task would change');
  });

  it('the text-editing modules take a relative path from the folder commands start in, as Ansible', async () => {
    const a = new MemoryHost('a');
    a.seed('/root/notes.txt', 'port=0\n');
    const pb = ON_A(`
    - name: line
      lineinfile: { path: notes.txt, line: "debug=0" }
    - name: block
      blockinfile: { path: notes.txt, block: "b=1" }
    - name: replace
      replace: { path: notes.txt, regexp: "port=0", replace: "port=1" }
`);
    const want = ['line|a|changed', 'block|a|changed', 'replace|a|changed'];
    const check = await run(pb, { memory: [a], check: true });
    expect(check.lines).to.deep.equal(want);
    expect((await run(pb, { memory: [a] })).lines).to.deep.equal(want);
    const text = 'port=1\ndebug=0\n# BEGIN ANSIBLE MANAGED BLOCK\nb=1\n# END ANSIBLE MANAGED BLOCK\n';
    expect(a.files.get('/root/notes.txt')?.content.toString()).to.equal(text);
    expect((await run(pb, { memory: [a] })).recap.a).to.include({ changed: 0 });
  });
});

describe('check mode --diff over hosts in memory: predicted diffs', () => {
  it('a template made on the controller, then edited: each diff is against what the task before leaves', async () => {
    const a = new MemoryHost('a');
    const ctl = new MemoryHost('localhost');
    ctl.seed('/srv/out/report.txt', 'old\n');
    const pb = ON_A(`
    - name: report
      template: { src: report.hbs, dest: /srv/out/report.txt }
      delegate_to: localhost
    - name: one more line
      lineinfile: { path: /srv/out/report.txt, line: "ok=1" }
      delegate_to: localhost
    - name: on the host
      template: { src: t.hbs, dest: /etc/t.conf }
`);
    const files = {
      'templates/t.hbs': 'name={{ inventory_hostname }}\n',
      'templates/report.hbs': 'host={{ inventory_hostname }}\n',
    };
    const check = await run(pb, { memory: [a, ctl], check: true, diff: true, files });
    expect(check.lines).to.deep.equal(['report|a|changed', 'one more line|a|changed', 'on the host|a|changed']);
    const diffs = check.results.map((r) => r.diff?.[0]);
    expect(diffs[0]).to.include({ path: '/srv/out/report.txt', before: 'old\n', after: 'host=a\n' });
    expect(diffs[1]).to.include({ path: '/srv/out/report.txt', before: 'host=a\n', after: 'host=a\nok=1\n' });
    expect(diffs[2]).to.include({ path: '/etc/t.conf', before: '', after: 'name=a\n' });
    expect([...ctl.writes, ...a.writes]).to.deep.equal([]);
    const real = await run(pb, { memory: [a, ctl], diff: true, files });
    expect(real.results.map((r) => r.diff?.[0])).to.deep.equal(diffs);
  });
});
