// The plan made again after a change (issue 18: the re-plan answered from what apply did): a file written in one
// call that also read its stat is not read again, neither its stat, nor its checksum, nor its bytes; what the
// changes made stale otherwise is read back in one command per kind. Over a host kept in memory, which answers
// its writes as the SSH transport does (with the file's stat as written), and logs every read.
import { expect } from 'chai';
import { applyChanges } from '../../src/exec/apply.js';
import { HostReader } from '../../src/exec/host-reader.js';
import { MemoryHost } from '../../src/transport/memory.js';
import { run } from '../support/play-harness.js';

const INV = 'all:\n  hosts:\n    a: {}\n';

/** What the host was asked after the first write to `path`. */
const after = (h: MemoryHost, path: string) => h.log.slice(h.log.findIndex((l) => l[0] === 'put' && l[1] === path) + 1);

describe('the plan made again after a change', () => {
  const cases: [string, string, string][] = [
    ['copy', 'copy: { dest: /etc/app.conf, content: "a=1\\n", mode: "0640" }', '/etc/app.conf'],
    ['template', 'template: { src: t.hbs, dest: /etc/t.conf }', '/etc/t.conf'],
    ['lineinfile', 'lineinfile: { path: /etc/l.conf, line: "x=1", create: true }', '/etc/l.conf'],
  ];
  for (const [name, task, path] of cases) {
    it(`${name}: reads nothing of the file it wrote, and a second run changes nothing`, async () => {
      const a = new MemoryHost('a');
      await a.exec(['mkdir', '-p', '/etc']);
      const pb = `- hosts: a\n  gather_facts: no\n  tasks:\n    - ${task}\n`;
      const files = { 't.hbs': 'host {{inventory_hostname}}\n' };
      const r = await run(pb, { inv: INV, memory: [a], files });
      expect(r.code, r.lines.join('\n')).to.equal(0);
      expect(r.recap.a?.changed).to.equal(1);
      const reads = after(a, path).filter((l) => l.some((w) => w.includes(path)));
      expect(reads, `after writing ${path}`).to.deep.equal([]);
      const again = await run(pb, { inv: INV, memory: [a], files });
      expect(again.recap.a?.changed, again.lines.join('\n')).to.equal(0);
    });
  }

  it('a command after a write in the same plan may change the file: that write tells nothing then', async () => {
    const a = new MemoryHost('a');
    await a.exec(['mkdir', '-p', '/etc']);
    const ran = await applyChanges(
      a,
      [
        {
          summary: 'write then touch',
          touches: ['file:/etc/x'],
          actions: [{ put: '/etc/x', content: Buffer.from('x\n') }, { exec: ['chmod', '600', '/etc/x'] }],
        },
      ],
      { become: false, failOnRc: true },
    );
    expect(ran.written).to.deep.equal([]);
    const only = await applyChanges(
      a,
      [{ summary: 'write', touches: ['file:/etc/y'], actions: [{ put: '/etc/y', content: Buffer.from('y\n') }] }],
      { become: false, failOnRc: true },
    );
    expect(only.written.map((w) => w.path)).to.deep.equal(['/etc/y']);
  });

  it('the reader: a written file is its stat line and its bytes; another size, its stat only', async () => {
    const a = new MemoryHost('a');
    const r = new HostReader(
      a,
      async () => ({}),
      () => false,
    );
    const line = 'regular file|640|0|0|root|root|4|7|1';
    r.seedWritten([
      { path: '/w', content: Buffer.from('a=1\n'), stat: line },
      { path: '/v', content: Buffer.from('longer\n'), stat: line },
      { path: '/d', content: Buffer.from(''), stat: 'directory|755|0|0|root|root|4096|7|2' },
    ]);
    const w = await r.stat('/w', { follow: true, checksum: 'sha1' });
    expect([w.mode, w.size, w.checksum]).to.deep.equal(['0640', 4, '9dc9cfd3b38b77561ec22b49a723432e26181003']);
    expect((await r.stat('/w', { checksum: 'sha256' })).checksum).to.equal(
      'fe3209d6d4f51935b391288a43df48d9ddece1a992597ae53387ca16611a9179',
    );
    expect((await r.read('/w'))?.toString()).to.equal('a=1\n');
    expect((await r.stat('/v')).size).to.equal(4);
    expect(a.log).to.deep.equal([]);
    await r.stat('/v', { checksum: 'sha1' });
    await r.read('/v');
    await r.stat('/d');
    expect(a.log.map((l) => l[0])).to.deep.equal(['stat', 'get', 'stat']);
  });
});
