// copy with remote_src and a folder as src, against a fake host: the folder itself (no trailing slash) or what
// it holds (trailing slash), nested folders made with the source's modes, links kept as links, mode applied to
// files, a second run changing nothing, and check mode planning exactly what the real run does without writing.
import { expect } from 'chai';
import { copy } from '../../../src/tasks/files.js';
import { FakeHost, type FakeSpec } from '../../support/fake-host.js';
import { converge, hostView, planError, planOn } from '../../support/plan-harness.js';

const tree = (): Record<string, FakeSpec> => ({
  '/src/a.txt': 'a\n',
  '/src/sub': { type: 'dir', mode: 0o700 },
  '/src/sub/b.txt': { content: 'b\n', mode: 0o600 },
  '/src/sub/deep/c.txt': 'c\n',
  '/src/lnk': { type: 'link', target: 'a.txt' },
  '/out/keep': '',
});

interface Case {
  name: string;
  args: Record<string, unknown>;
  files?: Record<string, FakeSpec>;
  /** path -> [type, mode, content or link target] after the run */
  want: Record<string, [string, number, string?]>;
  changes?: number;
}

const cases: Case[] = [
  {
    name: 'src without a trailing slash: the folder itself goes into dest',
    args: { src: '/src', dest: '/out' },
    want: {
      '/out/src': ['dir', 0o755],
      '/out/src/a.txt': ['file', 0o644, 'a\n'],
      '/out/src/sub': ['dir', 0o700],
      '/out/src/sub/b.txt': ['file', 0o600, 'b\n'],
      '/out/src/sub/deep/c.txt': ['file', 0o644, 'c\n'],
      '/out/src/lnk': ['link', 0o777, 'a.txt'],
    },
  },
  {
    name: 'src with a trailing slash: what it holds goes into dest (made with its parents)',
    args: { src: '/src/', dest: '/new/dir' },
    want: {
      '/new/dir': ['dir', 0o755],
      '/new/dir/a.txt': ['file', 0o644, 'a\n'],
      '/new/dir/sub/deep/c.txt': ['file', 0o644, 'c\n'],
      '/new/dir/lnk': ['link', 0o777, 'a.txt'],
    },
  },
  {
    name: 'mode and directory_mode: files and new folders get them',
    args: { src: '/src/', dest: '/out', mode: '0640', directory_mode: '0750' },
    want: {
      '/out/a.txt': ['file', 0o640, 'a\n'],
      '/out/sub': ['dir', 0o750],
      '/out/sub/b.txt': ['file', 0o640, 'b\n'],
    },
  },
  {
    name: 'only a file that differs is sent; an equal one is left alone',
    args: { src: '/src/', dest: '/out' },
    files: {
      '/out/a.txt': 'a\n',
      '/out/sub': { type: 'dir', mode: 0o700 },
      '/out/sub/b.txt': { content: 'old\n', mode: 0o600 },
      '/out/sub/deep/c.txt': 'c\n',
      '/out/lnk': { type: 'link', target: 'a.txt' },
    },
    want: { '/out/sub/b.txt': ['file', 0o600, 'b\n'], '/out/a.txt': ['file', 0o644, 'a\n'] },
    changes: 1,
  },
];

const seen = (host: FakeHost, path: string): [string, number, string?] => {
  const n = host.nodeAt(path)!;
  expect(n, path).to.not.equal(undefined);
  const third = n.type === 'link' ? n.target : n.type === 'file' ? host.text(path) : undefined;
  return third === undefined ? [n.type, n.mode] : [n.type, n.mode, third];
};

describe('copy: a folder on the host (remote_src)', () => {
  for (const c of cases) {
    it(`${c.name}; check mode plans the same; a second run changes nothing`, async () => {
      const host = new FakeHost({ ...tree(), ...c.files });
      const args = { remote_src: true, ...c.args };
      const before = JSON.stringify([...host.files.entries()]);
      const checked = await planOn(copy, args, host, hostView({}, { check: true }));
      expect(JSON.stringify([...host.files.entries()]), 'check mode writes nothing').to.equal(before);
      const plan = await converge(copy, args, host);
      expect(plan.changes.map((x) => x.summary)).to.deep.equal(checked.changes.map((x) => x.summary));
      if (c.changes !== undefined) expect(plan.changes).to.have.length(c.changes);
      for (const [p, w] of Object.entries(c.want)) expect(seen(host, p), p).to.deep.equal(w);
    });
  }

  it('a file in a folder it holds gets a changed file’s diff', async () => {
    const host = new FakeHost({ ...tree(), '/out/a.txt': 'old\n' });
    const plan = await planOn(
      copy,
      { src: '/src/', dest: '/out', remote_src: true },
      host,
      hostView({}, { diff: true }),
    );
    const d = plan.changes.find((x) => x.diff?.path === '/out/a.txt')!.diff!;
    expect([d.before, d.after]).to.deep.equal(['old\n', 'a\n']);
  });

  it('the folder itself into a dest whose parent is missing: refused as Ansible does', async () => {
    const host = new FakeHost(tree());
    const msg = await planError(copy, { src: '/src', dest: '/none/d', remote_src: true }, host);
    expect(msg).to.include('Destination directory /none does not exist');
  });

  it('a relative src is from the folder commands start in; its trailing slash is kept', async () => {
    const host = new FakeHost({ '/root/rel/f': 'x', '/out/keep': '' });
    await converge(copy, { src: 'rel/', dest: '/out', remote_src: true }, host);
    expect(host.text('/out/f')).to.equal('x');
  });
});
