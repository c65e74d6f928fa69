// Registered results carry Ansible's fields, through the real executor over a host kept in memory: each task
// registers `r` and a copy writes `r | to_json` to the host, read back here. A second run changes nothing, and
// check mode predicts the first run exactly.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { MemoryHost } from '../../src/transport/memory.js';
import { execTimes } from '../../src/exec/module-exec.js';
import { run } from '../support/play-harness.js';

const ON_A = (tasks: string) => `- hosts: a\n  gather_facts: no\n  tasks:\n${tasks}`;

/** A task registering r, then r written to /out/<name>.json (a copy that converges once r is the same). */
function registered(name: string, task: string): string {
  return (
    `    - ${task}\n      register: r\n      ignore_errors: true\n` +
    `    - copy: { dest: /out/${name}.json, content: "{{ r | to_json }}" }\n`
  );
}

function host(): MemoryHost {
  const a = new MemoryHost('a');
  a.seed('/out/.keep', '');
  a.seed('/srv/seed.txt', 'seed\n', 0o640);
  return a;
}

const read = (a: MemoryHost, name: string) =>
  JSON.parse(a.files.get(`/out/${name}.json`)!.content.toString()) as Record<string, unknown>;

describe('registered results: Ansible fields', () => {
  it('copy, file (directory, touch, link, absent): the fields of the path once done', async () => {
    const a = host();
    const pb = ON_A(
      registered('copy', 'copy: { dest: /srv/app.conf, content: "a=1\\n", mode: "0640", owner: root }') +
        registered('dir', 'file: { path: /srv/d, state: directory, mode: "0750" }') +
        registered('touch', 'file: { path: /srv/t, state: touch }') +
        registered('link', 'file: { path: /srv/l, src: /srv/seed.txt, state: link }') +
        registered('absent', 'file: { path: /srv/none, state: absent }'),
    );
    const first = await run(pb, { memory: [a] });
    expect(first.code).to.equal(0);
    const sum = (alg: string) => createHash(alg).update('a=1\n').digest('hex');
    expect(read(a, 'copy')).to.deep.include({
      changed: true,
      dest: '/srv/app.conf',
      checksum: sum('sha1'),
      md5sum: sum('md5'),
      size: 4,
      mode: '0640',
      owner: 'root',
      group: 'root',
      uid: 0,
      gid: 0,
      state: 'file',
    });
    expect(read(a, 'dir')).to.deep.include({ changed: true, path: '/srv/d', state: 'directory', mode: '0750', uid: 0 });
    expect(read(a, 'dir')).to.include.keys('gid', 'owner', 'group', 'size');
    expect(read(a, 'touch')).to.deep.include({ dest: '/srv/t', state: 'file', mode: '0644', size: 0 });
    expect(read(a, 'link')).to.deep.include({ dest: '/srv/l', src: '/srv/seed.txt', state: 'link', mode: '0777' });
    expect(read(a, 'absent')).to.deep.equal({ changed: false, failed: false, path: '/srv/none', state: 'absent' });
    // a second run: every module task ok but touch, which sets the times to now on every run as in Ansible (the
    // /out copies change: r now says changed=false), same fields
    const second = await run(pb, { memory: [a] });
    const statuses = second.lines.filter((_, i) => i % 2 === 0).map((l) => l.slice(l.lastIndexOf('|') + 1));
    expect(statuses).to.deep.equal(['ok', 'ok', 'changed', 'ok', 'ok']);
    expect(read(a, 'dir')).to.deep.include({ changed: false, path: '/srv/d', state: 'directory', mode: '0750' });
    expect(read(a, 'link')).to.deep.include({ changed: false, dest: '/srv/l', state: 'link' });
  });

  it('a second run reports the unchanged forms; check mode predicts the first run exactly', async () => {
    const pb = ON_A(registered('copy', 'copy: { dest: /srv/app.conf, content: "a=1\\n" }'));
    const a = host();
    const check = await run(pb, { memory: [a], check: true });
    const first = await run(pb, { memory: [a] });
    expect(check.lines).to.deep.equal(first.lines);
    const again = await run(`${pb}    - copy: { dest: /out/again.json, content: "{{ r | to_json }}" }\n`, {
      memory: [a],
    });
    expect(again.lines[0]).to.equal('copy|a|ok');
    expect(read(a, 'again')).to.deep.include({ changed: false, path: '/srv/app.conf', uid: 0, gid: 0 });
    expect(read(a, 'again')).to.not.have.property('md5sum');
  });

  it("--diff registers Ansible's diff list: before, after and their headers", async () => {
    const a = host();
    const pb = ON_A(registered('d', 'copy: { dest: /srv/seed.txt, content: "new\\n" }'));
    await run(pb, { memory: [a], diff: true });
    expect(read(a, 'd').diff).to.deep.equal([
      { before: 'seed\n', after: 'new\n', before_header: '/srv/seed.txt', after_header: '/srv/seed.txt' },
    ]);
    const b = host();
    await run(pb, { memory: [b] });
    expect(read(b, 'd')).to.not.have.property('diff');
  });

  it('command registers cmd as the argv, shell as the line given; start, end, delta as Ansible', async () => {
    const a = host();
    const pb = ON_A(registered('cmd', 'command: "true"') + registered('sh', 'shell: "true && true"'));
    await run(pb, { memory: [a] });
    const c = read(a, 'cmd');
    expect(c).to.include({ rc: 0, stdout: '' });
    expect(c.cmd).to.deep.equal(['true']);
    expect(c.delta).to.match(/^0:00:00\.\d{6}$/);
    expect(c.start).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    // the memory host runs no shell (rc 127), but the result still names the line as given
    expect(read(a, 'sh').cmd).to.equal('true && true');
  });

  it('execTimes: Python str() of the end, the start and the timedelta', () => {
    const end = new Date(2024, 0, 2, 3, 4, 5, 600).getTime();
    expect(execTimes(3_723_004.25, end)).to.deep.equal({
      start: '2024-01-02 02:02:02.595750',
      end: '2024-01-02 03:04:05.600000',
      delta: '1:02:03.004250',
    });
  });
});
