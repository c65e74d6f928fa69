// The host reader's cache: what a change touched is read again, the rest is not.
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { controllerTree, HostReader, readsTouched } from '../../src/exec/host-reader.js';
import { parseStat } from '../../src/exec/host-stat.js';
import type { ExecResult, Transport } from '../../src/transport/types.js';

class CountingTransport implements Transport {
  readonly host = 'h';
  calls: string[] = [];
  async connect(): Promise<void> {}
  async exec(argv: string[]): Promise<ExecResult> {
    this.calls.push(argv[argv.length - 3] ?? argv.join(' '));
    return { rc: 0, stdout: 'MISSING\n', stderr: '', cmd: argv, durationMs: 0 };
  }
  async put(): Promise<undefined> {
    return undefined;
  }
  async get(p: string): Promise<Buffer | undefined> {
    this.calls.push(`get ${p}`);
    return undefined;
  }
  async close(): Promise<void> {}
}

describe('host reader', () => {
  it('caches reads and forgets only what a file change touched (and the folders above it)', async () => {
    const t = new CountingTransport();
    const r = new HostReader(
      t,
      async () => ({}),
      () => false,
    );
    for (const p of ['/a', '/a/b', '/a/b/c', '/x', '/d/e']) await r.stat(p);
    await r.stat('/a/b');
    expect(t.calls).to.have.length(5);
    r.invalidate(['file:/a/b/c', 'file:/d/']);
    for (const p of ['/a', '/a/b', '/a/b/c', '/x', '/d/e']) await r.stat(p);
    // /a and /a/b sit above the touched path; /d/e is under a touched tree; /x is kept
    expect(t.calls.slice(5)).to.deep.equal(['/a', '/a/b', '/a/b/c', '/d/e']);
  });
  it('a file change forgets every hard-linked file read (the changed file may be their inode)', async () => {
    const t = new CountingTransport();
    // /f and /hard have two links, /x one
    t.exec = async (argv) => {
      const p = argv[argv.length - 3]!;
      t.calls.push(p);
      const out = `regular file|644|0|0|root|root|1|1|${p === '/x' ? 1 : 2}\n`;
      return { rc: 0, stdout: out, stderr: '', cmd: argv, durationMs: 0 };
    };
    const r = new HostReader(
      t,
      async () => ({}),
      () => false,
    );
    for (const p of ['/f', '/hard', '/x']) await r.stat(p);
    r.invalidate(['file:/x']);
    for (const p of ['/f', '/hard', '/x']) await r.stat(p);
    r.invalidate(['file:/f']);
    for (const p of ['/f', '/hard', '/x']) await r.stat(p);
    expect(t.calls).to.deep.equal(['/f', '/hard', '/x', '/f', '/hard', '/x', '/f', '/hard']);
  });
  it('forgets everything after a command, or a change that is not a file', async () => {
    const t = new CountingTransport();
    const r = new HostReader(
      t,
      async () => ({}),
      () => false,
    );
    await r.stat('/x');
    r.invalidate(['service:etcd']);
    await r.stat('/x');
    r.invalidate();
    await r.stat('/x');
    expect(t.calls).to.have.length(3);
  });
  it('caches a probe for the run, but never a fresh one (which still counts as a read)', async () => {
    const t = new CountingTransport();
    const r = new HostReader(
      t,
      async () => ({}),
      () => false,
    );
    await r.probe(['sysctl', '-n', 'x']);
    await r.probe(['sysctl', '-n', 'x']);
    await r.probe(['curl', 'u'], { fresh: true });
    await r.probe(['curl', 'u'], { fresh: true });
    expect(t.calls).to.deep.equal(['sysctl', 'curl u', 'curl u']);
    expect([...r.reads]).to.deep.equal(['probe:sysctl -n x', 'probe:curl u']);
  });
  it('parses stat output', () => {
    expect(parseStat('/l', 'symbolic link|777|0|0|root|root|4|1700000000\nL|/target\n')).to.deep.include({
      exists: true,
      islnk: true,
      mode: '0777',
      lnk_target: '/target',
    });
    expect(parseStat('/f', 'regular file|644|0|0|root|root|3|1\nC|abc\n')).to.deep.include({
      isreg: true,
      mode: '0644',
      checksum: 'abc',
    });
    expect(parseStat('/n', 'MISSING\n')).to.deep.equal({ exists: false, path: '/n' });
  });
  it('tells when a read falls under a pending change', () => {
    expect(readsTouched(new Set(['file:/etc/x']), new Set(['file:/etc/x']))).to.equal('file:/etc/x');
    expect(readsTouched(new Set(['file:/d/a/b']), new Set(['file:/d/']))).to.equal('file:/d/a/b');
    expect(readsTouched(new Set(['file:/d/a']), new Set(['file:/d']))).to.equal(undefined);
  });
});

describe('controllerTree: a controller folder as copy walks it', () => {
  const root = mkdtempSync(join(tmpdir(), 'kplay-tree-'));
  const outside = mkdtempSync(join(tmpdir(), 'kplay-out-'));
  writeFileSync(join(outside, 'o.txt'), 'o');
  mkdirSync(join(root, 'd/sub'), { recursive: true });
  writeFileSync(join(root, 'd/sub/f.txt'), 'f');
  writeFileSync(join(root, 'a.txt'), 'a');
  symlinkSync('a.txt', join(root, 'file-link'));
  symlinkSync('d/sub', join(root, 'dir-link'));
  symlinkSync(outside, join(root, 'out-link'));
  symlinkSync('..', join(root, 'd/circle'));
  symlinkSync('nowhere', join(root, 'broken'));
  const cases: [string, boolean, string[]][] = [
    [
      'links followed: to a file a file, to a folder a folder walked; broken and circles stay links',
      true,
      [
        'a.txt',
        'broken -> nowhere',
        'd/',
        'd/circle -> ..',
        'd/sub/',
        'd/sub/f.txt',
        'dir-link/',
        'dir-link/f.txt',
        'file-link',
        'out-link/',
        'out-link/o.txt',
      ],
    ],
    [
      'local_follow false: every link kept',
      false,
      [
        'a.txt',
        'broken -> nowhere',
        'd/',
        'd/circle -> ..',
        'd/sub/',
        'd/sub/f.txt',
        'dir-link -> d/sub',
        'file-link -> a.txt',
        `out-link -> ${outside}`,
      ],
    ],
  ];
  for (const [what, follow, want] of cases) {
    it(what, async () => {
      const tree = (await controllerTree(root, follow))!;
      expect(
        tree.map((e) => `${e.path}${e.dir ? '/' : ''}${e.link !== undefined ? ` -> ${e.link}` : ''}`),
      ).to.deep.equal(want);
    });
  }
  it('a file or a missing path is no folder', async () => {
    expect(await controllerTree(join(root, 'a.txt'))).to.equal(undefined);
    expect(await controllerTree(join(root, 'none'))).to.equal(undefined);
  });
});
