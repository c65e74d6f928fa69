// Reads ahead across tasks (loop-reads.ts, issue 18): before a task runs on a host, the stats of it and of the
// plain tasks after it are asked in one command per kind. Over a host kept in memory, whose log shows each such
// command with its paths (the memory host then answers each stat alone, so the run is the same either way).
import { expect } from 'chai';
import { MemoryHost } from '../../src/transport/memory.js';
import { run } from '../support/play-harness.js';

const INV = 'all:\n  hosts:\n    a: {}\n';
const PB = `- hosts: a
  gather_facts: no
  vars: { conf: /etc/app }
  tasks:
    - { name: folder, file: { path: "{{ conf }}", state: directory } }
    - { name: config, copy: { dest: "{{ conf }}/app.conf", content: "x\\n" } }
    - { name: not now, file: { path: /srv/skipped, state: directory }, when: false }
    - { name: not known yet, copy: { dest: "/srv/{{ later }}/y", content: "y\\n" } }
    - { name: a lookup, copy: { dest: "/etc/app/{{ lookup('env', 'KPLAY_UNSET') }}z", content: "z\\n" } }
    - { name: a command, command: "true", changed_when: true }
    - { name: data, file: { path: /srv/data, state: directory } }
    - { name: log, file: { path: /srv/log, state: directory } }
`;

/** The read-ahead commands of the log, each as its kind and paths. */
const aheads = (h: MemoryHost) => h.log.filter((l) => l[0] === 'stat-many').map((l) => l.slice(1).join(' '));

describe('reads ahead across tasks', () => {
  it('before the first task: one command per kind for the plain tasks ahead, those it can tell', async () => {
    const a = new MemoryHost('a');
    const r = await run(PB, { inv: INV, memory: [a] });
    expect(r.code, r.lines.join('\n')).to.equal(2); // 'not known yet' fails on its undefined variable
    // folder, config (with its folder), data and log; not the task `when` skips, the undefined variable, the
    // lookup (rendered twice, it could do something twice)
    expect(aheads(a).slice(0, 3)).to.deep.equal([
      'nofollow /etc/app /srv/data /srv/log',
      '-L /etc/app/app.conf /etc/app',
      'nofollow sha256 /etc/app/app.conf',
    ]);
  });

  it('after a command (it may change any file) the tasks ahead are read again', async () => {
    const a = new MemoryHost('a');
    const pb = PB.replace(/ {4}- \{ name: not known yet.*\n/, '');
    const r = await run(pb, { inv: INV, memory: [a] });
    expect(r.code, r.lines.join('\n')).to.equal(0);
    expect(aheads(a).at(-1)).to.equal('nofollow /srv/data /srv/log');
    // a second run, where nothing changes
    const again = new MemoryHost('a');
    for (const [path, node] of a.files) again.files.set(path, node);
    expect((await run(pb, { inv: INV, memory: [again] })).code).to.equal(0);
    // read ahead at the start and after the command (it reports a change), not at each task; config's own read
    // ahead (a task's reads, issue 18) asks again only because a memory host answers none of them
    expect(aheads(again)).to.deep.equal([
      'nofollow /etc/app /srv/data /srv/log',
      '-L /etc/app/app.conf /etc/app',
      'nofollow sha256 /etc/app/app.conf',
      '-L /etc/app/app.conf /etc/app',
      'nofollow sha256 /etc/app/app.conf',
      'nofollow /srv/data /srv/log',
    ]);
  });

  it('never past a wait, a background job or a retried task: the tasks after it are read after it ran', async () => {
    const a = new MemoryHost('a');
    const pb = `- hosts: a
  gather_facts: no
  tasks:
    - { name: one, file: { path: /etc/one, state: directory } }
    - { name: two, file: { path: /etc/two, state: directory } }
    - { name: wait, wait_for: { timeout: 0 } }
    - { name: three, file: { path: /etc/three, state: directory } }
    - { name: four, file: { path: /etc/four, state: directory } }
    - { name: retried, file: { path: /etc/five, state: directory }, until: true }
    - { name: six, file: { path: /etc/six, state: directory } }
`;
    const r = await run(pb, { inv: INV, memory: [a] });
    expect(r.code, r.lines.join('\n')).to.equal(0);
    expect(aheads(a)).to.deep.equal(['nofollow /etc/one /etc/two', 'nofollow /etc/three /etc/four']);
  });
});
