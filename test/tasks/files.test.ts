// file and stat against a fake host: every state of `file`, applied and planned again (converges), the
// failures Ansible reports, and stat's Ansible field names.
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { file, MORE_STAT, parseMime, parseMoreStat, stat } from '../../src/tasks/files.js';
import { resolveMode } from '../../src/tasks/lib/fsattrs.js';
import { FakeHost, type FakeSpec } from '../support/fake-host.js';
import { converge, planError, planOn } from '../support/plan-harness.js';

interface Case {
  name: string;
  files: Record<string, FakeSpec>;
  args: Record<string, unknown>;
  actions: unknown[] | 'none';
  /** What each change touches, when not the path alone (a link's target). */
  touches?: string[];
  check?: (h: FakeHost) => void;
}

const tree = (): Record<string, FakeSpec> => ({
  '/srv/d': { type: 'dir', mode: 0o700 },
  '/srv/d/a': { content: 'a', mode: 0o600 },
  '/srv/d/sub': { type: 'dir', mode: 0o700 },
  '/srv/d/sub/b': { content: 'b', mode: 0o755 },
  '/srv/d/ln': { type: 'link', target: '/etc' },
});

const cases: Case[] = [
  // directory
  {
    name: 'directory: creates missing parents, each with the mode and owner',
    files: { '/srv': { type: 'dir' } },
    args: { path: '/srv/a/b', state: 'directory', mode: '0750', owner: 'etcd' },
    actions: [
      { exec: ['mkdir', '-p', '--', '/srv/a/b'] },
      { exec: ['chmod', '0750', '--', '/srv/a'] },
      { exec: ['chown', 'etcd', '--', '/srv/a'] },
      { exec: ['chmod', '0750', '--', '/srv/a/b'] },
      { exec: ['chown', 'etcd', '--', '/srv/a/b'] },
    ],
    check: (h) => expect([h.nodeAt('/srv/a')!.mode, h.nodeAt('/srv/a/b')!.uid]).to.deep.equal([0o750, 1001]),
  },
  {
    name: 'directory: created without attributes',
    files: {},
    args: { path: '/srv/x/', state: 'directory' },
    actions: [{ exec: ['mkdir', '-p', '--', '/srv/x'] }],
  },
  {
    name: 'directory: exists, mode differs',
    files: { '/srv/d': { type: 'dir', mode: 0o700 } },
    args: { path: '/srv/d', state: 'directory', mode: '0755' },
    actions: [{ exec: ['chmod', '0755', '--', '/srv/d'] }],
  },
  {
    name: 'directory: exists and right',
    files: { '/srv/d': { type: 'dir', mode: 0o755 } },
    args: { path: '/srv/d', state: 'directory', mode: 0o755 },
    actions: 'none',
  },
  {
    name: 'directory: a link to a directory is followed',
    files: { '/srv/real': { type: 'dir', mode: 0o700 }, '/srv/d': { type: 'link', target: 'real' } },
    args: { path: '/srv/d', state: 'directory', mode: '0755' },
    actions: [{ exec: ['chmod', '0755', '--', '/srv/d'] }],
    check: (h) => expect(h.nodeAt('/srv/real')!.mode).to.equal(0o755),
  },
  {
    name: 'directory: recurse with an octal mode and owner',
    files: tree(),
    args: { path: '/srv/d', state: 'directory', recurse: true, mode: '0750', owner: 'kube' },
    actions: [
      { exec: ['chmod', '0750', '--', '/srv/d'] },
      { exec: ['chown', 'kube', '--', '/srv/d'] },
      { exec: ['chmod', '-R', '0750', '--', '/srv/d'] },
      { exec: ['chown', '-R', 'kube', '--', '/srv/d'] },
    ],
    check: (h) =>
      expect([h.nodeAt('/srv/d/a')!.mode, h.nodeAt('/srv/d/sub/b')!.uid, h.nodeAt('/srv/d/ln')!.mode]).to.deep.equal([
        0o750, 1002, 0o777,
      ]),
  },
  {
    name: 'directory: recurse with a symbolic mode (X for directories)',
    files: tree(),
    args: { path: '/srv/d', recurse: true, mode: 'u=rwX,g=rX,o=' },
    actions: [{ exec: ['chmod', '0750', '--', '/srv/d'] }, { exec: ['chmod', '-R', 'u=rwX,g=rX,o=', '--', '/srv/d'] }],
    check: (h) =>
      expect([h.nodeAt('/srv/d/a')!.mode, h.nodeAt('/srv/d/sub')!.mode, h.nodeAt('/srv/d/sub/b')!.mode]).to.deep.equal([
        0o640, 0o750, 0o750,
      ]),
  },
  {
    name: 'directory: recurse, everything right',
    files: { '/srv/d': { type: 'dir', owner: 'etcd' }, '/srv/d/f': { content: '', owner: 'etcd' } },
    args: { path: '/srv/d', state: 'directory', recurse: true, owner: 'etcd' },
    actions: 'none',
  },
  // file
  {
    name: 'file: attributes of an existing file',
    files: { '/srv/f': 'x' },
    args: { path: '/srv/f', state: 'file', mode: 'go-r', group: 'kube' },
    actions: [{ exec: ['chmod', '0600', '--', '/srv/f'] }, { exec: ['chown', ':kube', '--', '/srv/f'] }],
  },
  {
    name: 'file: default state of an existing file',
    files: { '/srv/f': 'x' },
    args: { path: '/srv/f', mode: '0600' },
    actions: [{ exec: ['chmod', '0600', '--', '/srv/f'] }],
  },
  {
    name: 'file: default state of an existing directory',
    files: { '/srv/d': { type: 'dir' } },
    args: { path: '/srv/d', mode: '0700' },
    actions: [{ exec: ['chmod', '0700', '--', '/srv/d'] }],
  },
  {
    name: 'file: through a link (follow=yes)',
    files: { '/srv/f': { content: 'x', mode: 0o600 }, '/srv/l': { type: 'link', target: 'f' } },
    args: { path: '/srv/l', state: 'file', mode: '0644' },
    actions: [{ exec: ['chmod', '0644', '--', '/srv/l'] }],
    check: (h) => expect(h.nodeAt('/srv/f')!.mode).to.equal(0o644),
  },
  // touch
  {
    name: 'touch: creates a missing file',
    files: { '/srv': { type: 'dir' } },
    args: { path: '/srv/t', state: 'touch', mode: '0600' },
    actions: [{ exec: ['touch', '--', '/srv/t'] }, { exec: ['chmod', '0600', '--', '/srv/t'] }],
    check: (h) => expect(h.nodeAt('/srv/t')!.mode).to.equal(0o600),
  },
  {
    name: 'touch: an existing file gets its times set to now, on every run (as in Ansible)',
    files: { '/srv/t': '' },
    args: { path: '/srv/t', state: 'touch' },
    actions: [{ exec: ['touch', '--', '/srv/t'] }],
  },
  {
    name: 'touch: times preserved: an existing file with the right attributes is ok',
    files: { '/srv/t': '' },
    args: { path: '/srv/t', state: 'touch', modification_time: 'preserve', access_time: 'preserve' },
    actions: 'none',
  },
  {
    name: 'touch: access_time only (modification_time preserved)',
    files: { '/srv/t': '' },
    args: { path: '/srv/t', state: 'touch', modification_time: 'preserve' },
    actions: [{ exec: ['touch', '-a', '--', '/srv/t'] }],
  },
  {
    name: 'file: modification_time=now sets it on every run',
    files: { '/srv/f': 'x' },
    args: { path: '/srv/f', modification_time: 'now' },
    actions: [{ exec: ['touch', '-m', '--', '/srv/f'] }],
  },
  {
    name: 'touch: an existing file, owner differs',
    files: { '/srv/t': '' },
    args: { path: '/srv/t', state: 'touch', owner: 'etcd' },
    actions: [{ exec: ['chown', 'etcd', '--', '/srv/t'] }, { exec: ['touch', '--', '/srv/t'] }],
  },
  // absent
  {
    name: 'absent: a file',
    files: { '/srv/f': 'x' },
    args: { path: '/srv/f', state: 'absent' },
    actions: [{ remove: '/srv/f', recurse: false }],
  },
  {
    name: 'absent: a directory, recursively',
    files: tree(),
    args: { path: '/srv/d', state: 'absent' },
    actions: [{ remove: '/srv/d', recurse: true }],
    check: (h) => expect(h.nodeAt('/srv/d/sub/b')).to.equal(undefined),
  },
  {
    name: 'absent: a link (not what it points to)',
    files: { '/srv/f': 'x', '/srv/l': { type: 'link', target: 'f' } },
    args: { path: '/srv/l', state: 'absent' },
    actions: [{ remove: '/srv/l', recurse: false }],
    check: (h) => expect(h.text('/srv/f')).to.equal('x'),
  },
  { name: 'absent: a missing path is ok', files: {}, args: { path: '/srv/none', state: 'absent' }, actions: 'none' },
  // link
  {
    name: 'link: a new link',
    files: { '/srv/f': 'x' },
    args: { path: '/srv/l', src: '/srv/f', state: 'link' },
    actions: [{ exec: ['ln', '-sfn', '--', '/srv/f', '/srv/l'] }],
    check: (h) => expect(h.text('/srv/l')).to.equal('x'),
  },
  {
    name: 'link: already right',
    files: { '/srv/f': 'x', '/srv/l': { type: 'link', target: '/srv/f' } },
    args: { path: '/srv/l', src: '/srv/f', state: 'link' },
    actions: 'none',
  },
  {
    name: 'link: the target changes',
    files: { '/srv/f': 'x', '/srv/g': 'y', '/srv/l': { type: 'link', target: '/srv/f' } },
    args: { path: '/srv/l', src: '/srv/g', state: 'link' },
    actions: [{ exec: ['ln', '-sfn', '--', '/srv/g', '/srv/l'] }],
    check: (h) => expect(h.text('/srv/l')).to.equal('y'),
  },
  {
    name: 'link: a relative src is relative to the link',
    files: { '/srv/f': 'x' },
    args: { path: '/srv/l', src: 'f', state: 'link' },
    actions: [{ exec: ['ln', '-sfn', '--', 'f', '/srv/l'] }],
  },
  {
    name: 'link: a dangling link with force',
    files: { '/srv': { type: 'dir' } },
    args: { path: '/srv/l', src: '/nowhere', state: 'link', force: true },
    actions: [{ exec: ['ln', '-sfn', '--', '/nowhere', '/srv/l'] }],
  },
  {
    name: 'link: replaces a file with force',
    files: { '/srv/f': 'x', '/srv/l': 'file' },
    args: { path: '/srv/l', src: '/srv/f', state: 'link', force: true },
    actions: [{ exec: ['ln', '-sfn', '--', '/srv/f', '/srv/l'] }],
  },
  {
    name: 'link: replaces an empty directory with force',
    files: { '/srv/f': 'x', '/srv/l': { type: 'dir' } },
    args: { path: '/srv/l', src: '/srv/f', state: 'link', force: true },
    actions: [{ remove: '/srv/l', recurse: true }, { exec: ['ln', '-sfn', '--', '/srv/f', '/srv/l'] }],
  },
  {
    name: 'link: owner of the link itself (follow=no)',
    files: { '/srv/f': 'x' },
    args: { path: '/srv/l', src: '/srv/f', state: 'link', owner: 'etcd', follow: false },
    actions: [{ exec: ['ln', '-sfn', '--', '/srv/f', '/srv/l'] }, { exec: ['chown', '-h', 'etcd', '--', '/srv/l'] }],
    check: (h) => expect([h.nodeAt('/srv/l')!.uid, h.nodeAt('/srv/f')!.uid]).to.deep.equal([1001, 0]),
  },
  {
    name: 'link: default state of an existing link keeps its target, sets the group of its target (follow=yes)',
    files: { '/srv/f': 'x', '/srv/l': { type: 'link', target: '/srv/f' } },
    args: { path: '/srv/l', group: 'kube' },
    actions: [{ exec: ['chown', ':kube', '--', '/srv/f'] }],
    touches: ['file:/srv/l', 'file:/srv/f'],
  },
  {
    name: 'link: a new link with a mode: the mode is set on its target (follow=yes)',
    files: { '/srv/f': { content: 'x', mode: 0o644 } },
    args: { path: '/srv/l', src: '/srv/f', state: 'link', mode: '0600' },
    actions: [{ exec: ['ln', '-sfn', '--', '/srv/f', '/srv/l'] }, { exec: ['chmod', '0600', '--', '/srv/f'] }],
    touches: ['file:/srv/l', 'file:/srv/f'],
    check: (h) => expect(h.nodeAt('/srv/f')!.mode).to.equal(0o600),
  },
  {
    name: 'link: state=link without src on an existing link keeps its target, sets its owner',
    files: { '/srv/f': 'x', '/srv/l': { type: 'link', target: '/srv/f' } },
    args: { path: '/srv/l', state: 'link', owner: 'etcd', follow: false },
    actions: [{ exec: ['chown', '-h', 'etcd', '--', '/srv/l'] }],
    check: (h) => expect([h.nodeAt('/srv/l')!.uid, h.nodeAt('/srv/f')!.uid]).to.deep.equal([1001, 0]),
  },
  // hard
  {
    name: 'hard: a new hard link',
    files: { '/srv/f': 'x' },
    args: { path: '/srv/h', src: '/srv/f', state: 'hard' },
    actions: [{ exec: ['ln', '-f', '--', '/srv/f', '/srv/h'] }],
    check: (h) => expect(h.nodeAt('/srv/h')).to.equal(h.nodeAt('/srv/f')),
  },
  {
    name: 'hard: already the same inode',
    files: { '/srv/f': 'x' },
    args: { path: '/srv/f', src: '/srv/f', state: 'hard' },
    actions: 'none',
  },
  {
    name: 'hard: a different file, with force',
    files: { '/srv/f': 'x', '/srv/h': 'y' },
    args: { path: '/srv/h', src: '/srv/f', state: 'hard', force: true },
    actions: [{ exec: ['ln', '-f', '--', '/srv/f', '/srv/h'] }],
    check: (h) => expect(h.text('/srv/h')).to.equal('x'),
  },
];

describe('file', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const host = new FakeHost(c.files);
      const plan = await planOn(file, c.args, host);
      if (c.actions === 'none') {
        expect(plan.changes).to.deep.equal([]);
        return;
      }
      expect(plan.changes.flatMap((ch) => ch.actions)).to.deep.equal(c.actions);
      const path = String(c.args.path).replace(/\/$/, '');
      // a removed or recursively changed directory touches its whole tree too (`file:/d/`)
      const tree =
        c.args.recurse ||
        (c.args.state === 'absent' && plan.changes.some((ch) => ch.actions.some((a) => 'remove' in a && a.recurse)));
      for (const ch of plan.changes)
        expect(ch.touches).to.deep.equal(c.touches ?? (tree ? [`file:${path}`, `file:${path}/`] : [`file:${path}`]));
      await converge(file, c.args, host);
      c.check?.(host);
    });
  }

  const at = (y: number, mo: number, d: number, h: number, mi: number, sec = 0): number =>
    new Date(y, mo - 1, d, h, mi, sec).getTime() / 1000;
  for (const [name, files, args, epoch] of [
    [
      'a fixed modification_time (default format)',
      { '/srv/f': 'x' },
      { path: '/srv/f', modification_time: '202001011200.0' },
      at(2020, 1, 1, 12, 0),
    ],
    [
      'a modification_time in its own format, on touch of a new file',
      { '/srv': { type: 'dir' } },
      {
        path: '/srv/n',
        state: 'touch',
        modification_time: '08/02/2022 14:14:05',
        modification_time_format: '%d/%m/%Y %H:%M:%S',
      },
      at(2022, 2, 8, 14, 14, 5),
    ],
  ] as const) {
    it(`sets ${name}, then converges`, async () => {
      const host = new FakeHost(files as Record<string, FakeSpec>);
      const plan = await planOn(file, args, host);
      expect(plan.changes.flatMap((c) => c.actions)).to.deep.include({
        exec: ['touch', '-m', `--date=@${epoch}`, '--', args.path],
      });
      await converge(file, args, host);
      expect(host.nodeAt(args.path)!.mtime).to.equal(epoch);
    });
  }

  it('returns path and state', async () => {
    const plan = await planOn(file, { path: '/srv/x', state: 'absent' }, new FakeHost());
    expect(plan.result).to.deep.equal({ path: '/srv/x', state: 'absent' });
  });

  for (const [name, files, args, msg] of [
    ['state=file on a missing path', {}, { path: '/srv/f', state: 'file' }, 'file (/srv/f) is absent, cannot continue'],
    [
      'default state on a missing path',
      {},
      { path: '/srv/f', mode: '0644' },
      'file (/srv/f) is absent, cannot continue',
    ],
    [
      'state=file on a directory',
      { '/srv/d': { type: 'dir' } },
      { path: '/srv/d', state: 'file' },
      'file (/srv/d) is directory, cannot continue',
    ],
    [
      'state=directory on a file',
      { '/srv/f': 'x' },
      { path: '/srv/f', state: 'directory' },
      '/srv/f already exists as a file',
    ],
    [
      'state=directory under a file',
      { '/srv/f': 'x' },
      { path: '/srv/f/sub', state: 'directory' },
      '/srv/f exists and is not a directory',
    ],
    [
      'link over a file without force',
      { '/srv/f': 'x', '/srv/l': 'y' },
      { path: '/srv/l', src: '/srv/f', state: 'link' },
      'refusing to convert from file to symlink for /srv/l',
    ],
    [
      'link over a non-empty directory',
      { '/srv/f': 'x', '/srv/l/x': 'y' },
      { path: '/srv/l', src: '/srv/f', state: 'link', force: true },
      'the directory /srv/l is not empty',
    ],
    [
      'link to a missing src without force',
      { '/srv': { type: 'dir' } },
      { path: '/srv/l', src: '/nowhere', state: 'link' },
      'src file does not exist, use "force=yes"',
    ],
    [
      'hard link over a different file without force',
      { '/srv/f': 'x', '/srv/h': 'y' },
      { path: '/srv/h', src: '/srv/f', state: 'hard' },
      'Cannot link, different file exists at destination',
    ],
    [
      'hard link to a missing src',
      { '/srv': { type: 'dir' } },
      { path: '/srv/h', src: '/srv/none', state: 'hard' },
      'src does not exist',
    ],
    [
      'recurse with state=file',
      { '/srv/f': 'x' },
      { path: '/srv/f', state: 'file', recurse: true },
      "recurse option requires state to be 'directory'",
    ],
    [
      'state=link without src on a path that is not a link',
      { '/srv/f': 'x' },
      { path: '/srv/f', state: 'link', force: true },
      'src is required for creating new symlinks (/srv/f is not a link)',
    ],
    [
      'a modification_time that does not fit its format',
      { '/srv/f': 'x' },
      { path: '/srv/f', modification_time: '2020-01-01' },
      'Error while obtaining timestamp for time 2020-01-01 using format %Y%m%d%H%M.%S',
    ],
    [
      'access_time other than preserve',
      { '/srv/f': 'x' },
      { path: '/srv/f', access_time: '202001011200.00' },
      'access_time=202001011200.00 is not supported (only preserve and now)',
    ],
  ] as const) {
    it(`fails: ${name}`, async () => {
      expect(await planError(file, args, new FakeHost(files as Record<string, FakeSpec>))).to.include(msg);
    });
  }
});

describe('modes', () => {
  for (const [mode, cur, isDir, want] of [
    [420, 0o600, false, 0o644],
    ['0644', 0, false, 0o644],
    ['644', 0, false, 0o644],
    ['u=rw,g=r,o=r', 0o777, false, 0o644],
    ['a+x', 0o644, false, 0o755],
    ['+x', 0o644, false, 0o755],
    ['go-w', 0o666, false, 0o644],
    ['u=rwX,go=rX', 0o600, false, 0o644],
    ['u=rwX,go=rX', 0o700, false, 0o755],
    ['a=rX', 0o000, true, 0o555],
    ['u+s,g+s', 0o755, false, 0o6755],
    ['+t', 0o777, true, 0o1777],
    ['g=u', 0o640, false, 0o660],
    ['o=', 0o1777, true, 0o1770],
    ['u=rw,u+x', 0o000, false, 0o700],
  ] as const) {
    it(`${String(mode)} on ${cur.toString(8)}${isDir ? ' (dir)' : ''} → ${want.toString(8)}`, () => {
      expect(resolveMode(mode, cur, isDir)).to.equal(want);
    });
  }
});

describe('stat', () => {
  const host = () =>
    new FakeHost({
      '/srv/f': { content: 'hello', mode: 0o4750, owner: 'etcd', group: 'kube' },
      '/srv/d': { type: 'dir' },
      '/srv/l': { type: 'link', target: 'f' },
    });

  it("`~` in path is the host user's home (from ansible_env), for stat and file, as Ansible expands it", async () => {
    const host = new FakeHost({ '/root/.jobs': { type: 'dir' } });
    for (const p of ['~/.jobs', '~']) {
      const plan = await planOn(stat, { path: p }, host);
      expect((plan.result!.stat as Record<string, unknown>).isdir, p).to.equal(true);
    }
    await converge(file, { path: '~/.jobs', state: 'absent' }, host);
    expect((await planOn(stat, { path: '/root/.jobs' }, host)).result!.stat).to.deep.equal({ exists: false });
  });
  it('a missing path', async () => {
    expect(await planOn(stat, { path: '/srv/none' }, host())).to.deep.equal({
      changes: [],
      result: { stat: { exists: false } },
    });
  });

  it("a file, with Ansible's field names and a sha1 checksum", async () => {
    const s = (await planOn(stat, { path: '/srv/f' }, host())).result!.stat as Record<string, unknown>;
    expect(s).to.include({
      exists: true,
      path: '/srv/f',
      mode: '4750',
      isdir: false,
      isreg: true,
      islnk: false,
      uid: 1001,
      gid: 1002,
      pw_name: 'etcd',
      gr_name: 'kube',
      size: 5,
      rusr: true,
      xusr: true,
      rgrp: true,
      xgrp: true,
      roth: false,
      isuid: true,
      isgid: false,
      checksum: createHash('sha1').update('hello').digest('hex'),
      mimetype: 'text/plain',
      charset: 'us-ascii',
    });
  });

  for (const [out, want] of [
    ['text/plain; charset=us-ascii\n', { mimetype: 'text/plain', charset: 'us-ascii' }],
    ['inode/directory; charset=binary', { mimetype: 'inode/directory', charset: 'binary' }],
    ['', { mimetype: 'unknown', charset: 'unknown' }],
  ] as const)
    it(`mimetype and charset from ${JSON.stringify(out)}`, () => expect(parseMime(out)).to.deep.equal(want));

  it('mimetype and charset of a real text file, read by the real `file` here', () => {
    const d = mkdtempSync(join(tmpdir(), 'kplay-mime-'));
    writeFileSync(join(d, 't.txt'), 'plain text\n');
    const out = execFileSync('file', ['-b', '-i', '--', join(d, 't.txt')], { encoding: 'utf8' });
    expect(parseMime(out)).to.deep.equal({ mimetype: 'text/plain', charset: 'us-ascii' });
  });

  for (const alg of ['sha256', 'md5', 'sha512'] as const) {
    it(`checksum_algorithm=${alg}`, async () => {
      const s = (await planOn(stat, { path: '/srv/f', checksum_algorithm: alg }, host())).result!.stat as Record<
        string,
        unknown
      >;
      expect(s.checksum).to.equal(createHash(alg).update('hello').digest('hex'));
    });
  }

  it('get_checksum=no', async () => {
    const s = (await planOn(stat, { path: '/srv/f', get_checksum: false }, host())).result!.stat as Record<
      string,
      unknown
    >;
    expect(s).to.not.have.property('checksum');
  });

  it('a link, not followed', async () => {
    const s = (await planOn(stat, { path: '/srv/l' }, host())).result!.stat as Record<string, unknown>;
    expect(s).to.include({ islnk: true, isreg: false, lnk_target: 'f', lnk_source: '/srv/f' });
    expect(s).to.not.have.property('checksum');
  });

  it('a link, followed', async () => {
    const s = (await planOn(stat, { path: '/srv/l', follow: true }, host())).result!.stat as Record<string, unknown>;
    expect(s).to.include({ islnk: false, isreg: true, size: 5 });
  });

  it('a directory', async () => {
    const s = (await planOn(stat, { path: '/srv/d' }, host())).result!.stat as Record<string, unknown>;
    expect(s).to.include({ isdir: true, isreg: false, mode: '0755' });
  });

  it("returns Ansible's times, inode, links and types from one more stat (the fake host's answer)", async () => {
    const s = (await planOn(stat, { path: '/srv/f' }, host())).result!.stat as Record<string, unknown>;
    expect(s).to.include({ dev: 8, nlink: 1, isblk: false, ischr: false, isfifo: false, issock: false });
    expect(s).to.include({ block_size: 4096, readable: true, writeable: true, executable: false });
    expect(s.inode).to.be.a('number');
    expect(s.mtime).to.equal(s.atime);
  });

  it('reads those fields with the real stat here: a file, a character device, a fifo, a directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kplay-stat-'));
    writeFileSync(join(dir, 'f'), 'abc');
    execFileSync('mkfifo', [join(dir, 'p')]);
    const more = (p: string) =>
      parseMoreStat(spawnSync('sh', ['-c', MORE_STAT, 'sh', p, ''], { encoding: 'utf8' }).stdout);
    const f = more(join(dir, 'f'));
    const real = statSync(join(dir, 'f'));
    expect(f).to.include({ inode: real.ino, nlink: 1, dev: real.dev, blocks: real.blocks, block_size: real.blksize });
    expect(f.mtime).to.be.closeTo(real.mtimeMs / 1000, 0.001);
    expect(f).to.include({ isfifo: false, ischr: false, readable: true });
    expect(more('/dev/null')).to.include({ ischr: true, device_type: statSync('/dev/null').rdev });
    expect(more(join(dir, 'p'))).to.include({ isfifo: true });
    expect(more(dir)).to.include({ executable: true });
    expect(more(join(dir, 'none'))).to.deep.equal({});
  });
});
