// playbooks/fetch-bin.yml against a local HTTP server in this process (127.0.0.1, no lab hosts): a plain file
// and two tar.gz archives (members picked by name; a whole archive into a folder) with checksum files, as
// upstream publishes them. Files land in bin_src with mode 0755; a second run downloads nothing (only the
// checksum files are read) and changes nothing; a wrong checksum fails naming the file and leaves nothing.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kplay, results, totalChanged, type KplayRun } from './support.js';

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

function tarGz(files: Record<string, string>, topDir?: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'kplay-fetchbin-tar-'));
  try {
    const root = join(dir, 'root');
    for (const [name, text] of Object.entries(files)) {
      const p = join(root, topDir ?? '', name);
      mkdirSync(join(p, '..'), { recursive: true });
      writeFileSync(p, text, { mode: 0o644 });
    }
    execFileSync('tar', ['-czf', join(dir, 'a.tgz'), '-C', root, topDir ?? '.']);
    return readFileSync(join(dir, 'a.tgz'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('fetch-bin: downloads into bin_src from a local server', () => {
  let server: Server;
  let base: string;
  let work: string;
  const hits = new Map<string, number>();
  const served = new Map<string, Buffer>();

  before(async () => {
    const tool = Buffer.from('#!/bin/sh\necho tool v1\n');
    const pack = tarGz(
      { alpha: '#!/bin/sh\necho alpha\n', beta: '#!/bin/sh\necho beta\n', 'README.md': 'not wanted\n' },
      'pack-v1-linux',
    );
    const plugins = tarGz({ p1: '#!/bin/sh\necho p1\n', p2: '#!/bin/sh\necho p2\n' });
    served.set('/dl/tool', tool);
    served.set('/dl/tool.sha256', Buffer.from(`${sha256(tool)}\n`)); // a lone digest, as dl.k8s.io serves
    served.set('/rel/pack-v1-linux.tar.gz', pack);
    served.set(
      '/rel/SHA256SUMS',
      Buffer.from(`${sha256('other')}  other.tar.gz\n${sha256(pack)}  pack-v1-linux.tar.gz\n`),
    );
    served.set('/rel/plugins.tgz', plugins);
    served.set('/rel/plugins.tgz.sha256', Buffer.from(`${sha256(plugins)}  plugins.tgz\n`));
    server = createServer((req, res) => {
      const body = served.get(req.url ?? '');
      hits.set(req.url ?? '', (hits.get(req.url ?? '') ?? 0) + 1);
      if (!body) {
        res.writeHead(404).end('not found\n');
        return;
      }
      res.writeHead(200, { 'content-length': body.length }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    work = mkdtempSync(join(tmpdir(), 'kplay-fetchbin-'));
  });
  after(async () => {
    await new Promise((r) => server?.close(r));
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const downloads = () => [
    { dest: 'tool', url: `${base}/dl/tool`, checksum: `sha256:${base}/dl/tool.sha256` },
    {
      dest: 'alpha',
      url: `${base}/rel/pack-v1-linux.tar.gz`,
      checksum: `sha256:${base}/rel/SHA256SUMS`,
      member: 'pack-v1-linux/alpha',
    },
    {
      dest: 'beta',
      url: `${base}/rel/pack-v1-linux.tar.gz`,
      checksum: `sha256:${base}/rel/SHA256SUMS`,
      member: 'pack-v1-linux/beta',
    },
    // a member into a folder another entry fills (calico's plugins into cni-bin/), listed before it
    {
      dest: 'cni-bin/beta',
      url: `${base}/rel/pack-v1-linux.tar.gz`,
      checksum: `sha256:${base}/rel/SHA256SUMS`,
      member: 'pack-v1-linux/beta',
    },
    { dest: 'cni-bin', url: `${base}/rel/plugins.tgz`, checksum: `sha256:${base}/rel/plugins.tgz.sha256`, member: '/' },
  ];
  // A site as users have one: its hosts.yml (never contacted: the play runs on localhost) and bin/ beside it.
  const site = () => {
    const dir = join(work, 'site');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'hosts.yml'),
      'all:\n  children:\n    etcd:\n      hosts:\n        node1: { ansible_host: 192.0.2.11 }\n' +
        '    kube_master:\n      hosts:\n        node1: {}\n' +
        '    kube_node:\n      hosts:\n        node2: { ansible_host: 192.0.2.12 }\n',
    );
    return dir;
  };
  /** fetch-bin.yml with these bin_downloads; bin_src is the site's bin/ unless given. */
  const run = (binSrc: string | undefined, list: unknown[], extra: string[] = []): Promise<KplayRun> => {
    const vars = join(work, `vars-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(vars, JSON.stringify({ ...(binSrc ? { bin_src: binSrc } : {}), bin_downloads: list }));
    return kplay(['run', 'playbooks/fetch-bin.yml', '-i', site(), '--json', '-e', `@${vars}`, ...extra]);
  };
  const ok = (r: KplayRun) => expect(r.code, r.stderr + r.stdout.slice(-4000)).to.equal(0);
  const mode = (p: string) => (statSync(p).mode & 0o7777).toString(8);

  it(
    'downloads a file and archive members into bin_src (0755); ' + 'a second run downloads nothing and changes nothing',
    async function () {
      this.timeout(120_000);
      const bin = join(work, 'site', 'bin'); // bin_src's default: the site folder's bin/
      const t0 = Date.now();
      const r = await run(undefined, downloads());
      ok(r);
      const first = Date.now() - t0;
      expect(readdirSync(bin).sort()).to.deep.equal(['alpha', 'beta', 'cni-bin', 'tool']);
      expect(readdirSync(join(bin, 'cni-bin')).sort()).to.deep.equal(['beta', 'p1', 'p2']);
      for (const f of ['tool', 'alpha', 'beta', 'cni-bin/p1', 'cni-bin/p2', 'cni-bin/beta'])
        expect(mode(join(bin, f)), f).to.equal('755');
      expect(execFileSync(join(bin, 'alpha')).toString()).to.equal('alpha\n');
      expect(readFileSync(join(bin, 'tool'))).to.deep.equal(served.get('/dl/tool'));
      // the archives are kept beside bin_src, not in it
      expect(existsSync(join(work, 'site', 'bin-downloads', 'pack-v1-linux.tar.gz'))).to.equal(true);
      expect(hits.get('/dl/tool')).to.equal(1);
      expect(hits.get('/rel/pack-v1-linux.tar.gz')).to.equal(1);

      const t1 = Date.now();
      const again = await run(undefined, downloads());
      ok(again);
      expect(totalChanged(again), results(again).join('\n')).to.equal(0);
      for (const p of ['/dl/tool', '/rel/pack-v1-linux.tar.gz', '/rel/plugins.tgz']) expect(hits.get(p), p).to.equal(1);
      console.log(`      (first run ${first} ms, second run ${Date.now() - t1} ms, changed=0)`);

      // --check on the converged folder predicts nothing
      const check = await run(undefined, downloads(), ['--check']);
      ok(check);
      expect(totalChanged(check)).to.equal(0);
    },
  );

  it('a wrong checksum fails naming the file and leaves nothing in bin_src', async function () {
    this.timeout(60_000);
    const bin = join(work, 'bad');
    const wrong = sha256('something else');
    const r = await run(bin, [{ url: `${base}/dl/tool`, checksum: `sha256:${wrong}`, dest: 'tool' }]);
    expect(r.code).to.not.equal(0);
    const failed = r.events.find((e) => e.type === 'host_result' && e.status === 'failed');
    expect(String(failed?.msg)).to.include(`The checksum for ${join(bin, 'tool')} did not match ${wrong}`);
    expect(readdirSync(bin)).to.deep.equal([]);

    // an archive with a wrong checksum: nothing in bin_src, nothing left half-written in the download folder
    const bad2 = await run(bin, [
      { dest: 'cni-bin', url: `${base}/rel/plugins.tgz`, checksum: `sha256:${wrong}`, member: '/' },
    ]);
    expect(bad2.code).to.not.equal(0);
    expect(String(bad2.events.find((e) => e.type === 'host_result' && e.status === 'failed')?.msg)).to.include(
      `The checksum for ${join(bin + '-downloads', 'plugins.tgz')} did not match`,
    );
    expect(readdirSync(bin)).to.deep.equal([]);
    expect(readdirSync(`${bin}-downloads`)).to.deep.equal([]);
  });

  it('an entry without a checksum or a dest is refused before anything is downloaded', async function () {
    this.timeout(60_000);
    const bin = join(work, 'refused');
    const before = hits.get('/dl/tool') ?? 0;
    const r = await run(bin, [{ url: `${base}/dl/tool`, dest: 'tool' }]);
    expect(r.code).to.not.equal(0);
    expect(r.stdout).to.include('bin_downloads: the entry tool needs a url, a checksum and a dest');
    const r2 = await run(bin, [{ url: `${base}/dl/tool`, checksum: `sha256:${base}/dl/tool.sha256` }]);
    expect(r2.code).to.not.equal(0);
    expect(r2.stdout).to.include(`bin_downloads: the entry ${base}/dl/tool needs a url, a checksum and a dest`);
    expect(hits.get('/dl/tool') ?? 0).to.equal(before);
    expect(existsSync(join(bin, 'tool'))).to.equal(false);
  });
});
