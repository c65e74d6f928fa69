// Many stats in one command (src/exec/host-stat.ts), run by a real `sh` on this machine through the local
// transport: each path's result is the one its own stat gives, in every kind asked; links are left out, files
// with two hard links named; one command per kind.
import { expect } from 'chai';
import { linkSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostReader } from '../../src/exec/host-reader.js';
import { statKey, statMany, type StatRequest } from '../../src/exec/host-stat.js';
import { LocalTransport } from '../../src/transport/local.js';
import type { ExecOptions, ExecResult } from '../../src/transport/types.js';

class Counting extends LocalTransport {
  execs = 0;
  override exec(argv: string[], o?: ExecOptions): Promise<ExecResult> {
    this.execs++;
    return super.exec(argv, o);
  }
}

describe('host stats, many at once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kplay-stat-'));
  const at = (p: string) => join(dir, p);
  writeFileSync(at('file'), 'some bytes\n');
  writeFileSync(at('empty'), '');
  writeFileSync(at('two links'), 'shared\n');
  linkSync(at('two links'), at('other link'));
  writeFileSync(at('back\\slash'), 'x');
  mkdirSync(at('folder'));
  symlinkSync('file', at('link'));
  const paths = ['file', 'empty', 'two links', 'back\\slash', 'folder', 'link', 'missing', 'folder/missing'].map(at);
  const kinds: [string, Omit<StatRequest, 'path'>][] = [
    ['not followed, with sha256', { follow: false, checksum: 'sha256' }],
    ['not followed, with sha1', { follow: false, checksum: 'sha1' }],
    ['not followed', { follow: false }],
    ['followed', { follow: true }],
  ];
  let t: Counting;
  beforeEach(() => {
    t = new Counting('localhost');
  });
  afterEach(() => t.close());

  for (const [what, kind] of kinds)
    it(`${what}: each path as its own stat says, links left out`, async () => {
      const got = await statMany(
        t,
        false,
        [...paths, ...paths].map((path) => ({ path, ...kind })),
      );
      expect(t.execs).to.equal(1);
      const own = new HostReader(
        t,
        async () => ({}),
        () => false,
      );
      for (const path of paths) {
        const one = await own.stat(path, kind);
        const many = got.stats.get(statKey({ path, ...kind }));
        if (path.endsWith('/link')) expect(many, path).to.equal(undefined);
        else expect(many, path).to.deep.equal(one);
      }
      expect(got.linked).to.deep.equal([at('two links')]);
    });

  it('the host reader reads ahead once, and the stats after it run no command', async () => {
    const r = new HostReader(
      t,
      async () => ({}),
      () => false,
    );
    await r.prefetch(paths.map((path) => ({ path, follow: false, checksum: 'sha256' })));
    expect(t.execs).to.equal(1);
    for (const path of paths.filter((p) => !p.endsWith('/link'))) await r.stat(path, { checksum: 'sha256' });
    expect(t.execs).to.equal(1);
    await r.stat(at('link'), { checksum: 'sha256' });
    expect(t.execs).to.equal(2);
  });
});
