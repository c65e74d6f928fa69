// The FactReader a later plan gets in check mode (src/exec/predict/reader.ts), over a host kept in memory read
// through the real HostReader: each case seeds the host, folds earlier changes, then reads (stat, read, probe)
// and says what each read answers and which read, if any, was `uncertain` (the first key of something unknown).
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { HostReader } from '../../../src/exec/host-reader.js';
import { foldChanges } from '../../../src/exec/predict/changes.js';
import { mayBring, PredictedReader } from '../../../src/exec/predict/reader.js';
import { PredictedState } from '../../../src/exec/predict/state.js';
import type { Change, ProbeResult, StatInfo } from '../../../src/tasks/contract.js';
import { MemoryHost } from '../../../src/transport/memory.js';
import { ch, NO_BECOME, NO_FACTS, put, x } from './helpers.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

type StatOpts = { follow?: boolean; checksum?: 'sha1' | 'sha256' };
type Read =
  | { stat: string; opts?: StatOpts | undefined; want: Partial<StatInfo> }
  | { read: string; want: string | undefined }
  | { probe: string[]; want: Partial<ProbeResult> };
const st = (stat: string, want: Partial<StatInfo>, opts?: StatOpts): Read => ({ stat, want, opts });
const rd = (read: string, want: string | undefined): Read => ({ read, want });
const pr = (probe: string[], want: Partial<ProbeResult>): Read => ({ probe, want });

interface Case {
  name: string;
  seed?: Record<string, string>;
  prep?: (m: MemoryHost) => void;
  changes: Change[];
  /** Touches made unknown after folding, as the engine does for a command's plan. */
  mark?: string[];
  reads: Read[];
  uncertain?: string;
}

function world(c: Pick<Case, 'seed' | 'prep'>) {
  const mem = new MemoryHost('h');
  for (const [p, text] of Object.entries(c.seed ?? {})) mem.seed(p, text);
  c.prep?.(mem);
  const state = new PredictedState();
  const controller = new PredictedState();
  const reader = new PredictedReader(new HostReader(mem, NO_FACTS, NO_BECOME), state, controller, false);
  const fold = (changes: Change[]) => foldChanges(state, controller, changes, reader.hostSide());
  return { mem, state, controller, reader, fold };
}

/** Only the fields a case names (a field named as undefined must be missing). */
const pick = <T extends object>(got: T, want: Partial<T>): Partial<T> =>
  Object.fromEntries(Object.keys(want).map((k) => [k, got[k as keyof T]])) as Partial<T>;

async function answer(r: PredictedReader, q: Read): Promise<unknown> {
  if ('stat' in q) return pick(await r.stat(q.stat, q.opts), q.want);
  if ('read' in q) return (await r.read(q.read))?.toString();
  return pick(await r.probe(q.probe), q.want);
}

const FILE = { exists: true, isreg: true, isdir: false, islnk: false };
const DIR = { exists: true, isdir: true };
const LINK = { exists: true, islnk: true, mode: '0777' };
const ROOT = { uid: 0, gid: 0, owner: 'root', group: 'root' };
const ACTIVE = { rc: 0, stdout: 'active\n', stderr: '' };
const IS_ACTIVE = ['systemctl', 'is-active', 'u'];
const chown1000 = (path: string) => (m: MemoryHost) => Object.assign(m.files.get(path)!, { uid: 1000, gid: 1000 });
const hostLink = (path: string, target: string) => (m: MemoryHost) =>
  m.files.set(path, { type: 'link', content: Buffer.alloc(0), mode: 0o777, uid: 0, gid: 0, target, mtime: 1 });
/** A stat asking for the sha256 checksum, which must be that of `text`. */
const sts = (path: string, text: string, want: Partial<StatInfo>, follow = false): Read =>
  st(path, { ...want, checksum: sha256(text) }, { checksum: 'sha256', follow });
const predicting = (c: Change, probe: string[], result: ProbeResult, reads?: string[]): Change => ({
  ...c,
  predicts: [{ probe, result, reads }],
});

const CASES: Case[] = [
  {
    name: 'a new file put: its bytes, 0644 from the umask, root, planned; its folder holds something planned',
    changes: [ch(['file:/etc/app.conf'], put('/etc/app.conf', 'port=1\n'))],
    reads: [
      sts('/etc/app.conf', 'port=1\n', { ...FILE, ...ROOT, mode: '0644', size: 7, planned: true }),
      rd('/etc/app.conf', 'port=1\n'),
      st('/etc', { ...DIR, planned: true }),
      st('/tmp', { ...DIR, planned: undefined }),
    ],
  },
  {
    name: "a put over an existing file keeps the file's mode; one with its own mode and owner takes them",
    seed: { '/etc/tls.key': 'old', '/etc/b': 'old' },
    prep: (m) => (chown1000('/etc/b')(m), (m.files.get('/etc/tls.key')!.mode = 0o600)),
    changes: [
      ch(['file:/etc/tls.key'], put('/etc/tls.key', 'new')),
      ch(['file:/etc/b'], put('/etc/b', 'b', { mode: '0640', owner: 'root' })),
    ],
    reads: [
      st('/etc/tls.key', { ...FILE, mode: '0600', size: 3, planned: true }),
      sts('/etc/b', 'b', { mode: '0640', uid: 0, owner: 'root', gid: 1000, group: '1000' }),
      rd('/etc/tls.key', 'new'),
    ],
  },
  {
    name: 'mkdir -p makes fresh folders; a file under one reads as absent',
    changes: [ch(['file:/srv/a/b'], x('mkdir', '-p', '/srv/a/b'))],
    reads: [
      st('/srv/a/b', { ...DIR, mode: '0755', ...ROOT, size: 4096, planned: true }),
      st('/srv/a/b/x', { exists: false, path: '/srv/a/b/x', planned: true }),
      rd('/srv/a/x', undefined),
    ],
  },
  {
    name: 'chmod and chown of a host file: its attributes are planned, its bytes and size are the host',
    seed: { '/etc/x': 'abc' },
    prep: chown1000('/etc/x'),
    changes: [ch(['file:/etc/x'], x('chmod', '0600', '/etc/x'), x('chown', 'root:root', '/etc/x'))],
    reads: [sts('/etc/x', 'abc', { ...FILE, ...ROOT, mode: '0600', size: 3, planned: true }), rd('/etc/x', 'abc')],
  },
  {
    name: 'ln -sfn: the link without follow, what it leads to with follow (the host, or planned)',
    seed: { '/etc/app.conf.v2': 'v2' },
    changes: [
      ch(['file:/etc/app.conf'], x('ln', '-sfn', 'app.conf.v2', '/etc/app.conf')),
      ch(['file:/etc/b', 'file:/etc/a'], put('/etc/b', 'B'), x('ln', '-sfn', 'b', '/etc/a')),
    ],
    reads: [
      st('/etc/app.conf', { ...LINK, lnk_target: 'app.conf.v2', size: 11, planned: true }),
      st('/etc/app.conf', { ...FILE, path: '/etc/app.conf', size: 2, planned: undefined }, { follow: true }),
      rd('/etc/app.conf', 'v2'),
      sts('/etc/a', 'B', { ...FILE, path: '/etc/a', planned: true }, true),
      rd('/etc/a', 'B'),
    ],
  },
  {
    name: 'under a planned link the host is read, uncertain',
    seed: { '/opt/cur/bin': 'old' },
    changes: [ch(['file:/opt/cur/'], { remove: '/opt/cur' }, x('ln', '-sfn', '/opt/v2', '/opt/cur'))],
    reads: [rd('/opt/cur/bin', 'old')],
    uncertain: 'file:/opt/cur/bin',
  },
  {
    name: 'touch: a new file is empty; an existing one keeps its bytes',
    seed: { '/etc/old': 'kept' },
    changes: [ch(['file:/etc/new', 'file:/etc/old'], x('touch', '/etc/new', '/etc/old'))],
    reads: [
      st('/etc/new', { ...FILE, size: 0, mode: '0644', planned: true }),
      rd('/etc/new', ''),
      st('/etc/old', { ...FILE, size: 4, planned: true }),
      rd('/etc/old', 'kept'),
    ],
  },
  {
    name: 'rm -rf takes the known children and the host ones; the folders above stay, holding a planned removal',
    seed: { '/var/c/k/x': 'x' },
    changes: [
      ch(['file:/srv/'], x('mkdir', '-p', '/srv/d'), put('/srv/d/a', 'a')),
      ch(['file:/srv/d/', 'file:/var/c/k/'], x('rm', '-rf', '/srv/d', '/var/c/k')),
    ],
    reads: [
      st('/srv/d', { exists: false }),
      rd('/srv/d/a', undefined),
      st('/srv', { ...DIR, planned: true }),
      st('/var/c/k/x', { exists: false }),
      st('/var/c', { ...DIR, planned: true }),
    ],
  },
  {
    name: 'an unknown command: its touches read the host, uncertain; what a later action of it sets is known',
    seed: { '/var/apt/main': 'pkgs' },
    changes: [ch(['file:/var/apt/', 'file:/var/stamp', 'package:c'], x('apt-get', 'update'), x('touch', '/var/stamp'))],
    reads: [st('/var/stamp', { ...FILE, size: 0, planned: true }), rd('/var/apt/main', 'pkgs'), st('/var/apt', DIR)],
    uncertain: 'file:/var/apt/main',
  },
  {
    name: "a tree touch covers what is under the folder, not the folder's neighbours",
    seed: { '/d/x': 'x', '/dx': 'dx' },
    changes: [ch(['file:/d/'], x('tar', '-xf', '/tmp/a.tar', '-C', '/d'))],
    reads: [rd('/dx', 'dx'), st('/d/x', { ...FILE, size: 1 }), st('/d', DIR)],
    uncertain: 'file:/d/x',
  },
  {
    name: 'a known file made unknown later (markUnknown) is forgotten: the host is read, uncertain',
    seed: { '/etc/x': 'old' },
    changes: [ch(['file:/etc/x'], put('/etc/x', 'new'))],
    mark: ['file:/etc/x'],
    reads: [st('/etc/x', { ...FILE, size: 3, planned: undefined }), rd('/etc/x', 'old')],
    uncertain: 'file:/etc/x',
  },
  {
    name: 'a probe a change predicts is answered from the prediction',
    changes: [predicting(ch(['service:u'], x('systemctl', 'start', 'u')), IS_ACTIVE, ACTIVE)],
    reads: [pr(IS_ACTIVE, ACTIVE)],
  },
  {
    name: 'a probe a change touches without a prediction is the host, uncertain; one not touched is certain',
    changes: [ch(['probe:systemctl is-active u'], x('systemctl', 'start', 'u'))],
    reads: [pr(['sysctl', '-n', 'vm.swappiness'], { rc: 127 }), pr(IS_ACTIVE, { rc: 127 })],
    uncertain: 'probe:systemctl is-active u',
  },
  {
    name: 'a prediction read from a file a later change writes is stale: the host is probed, uncertain',
    changes: [
      predicting(ch([], x('true')), IS_ACTIVE, ACTIVE, ['file:/etc/u.service']),
      ch(['file:/etc/u.service'], put('/etc/u.service', '[Unit]\n')),
    ],
    reads: [pr(IS_ACTIVE, { rc: 127 })],
    uncertain: 'probe:systemctl is-active u',
  },
  {
    name: 'a probe naming a path the plan changes is the host, uncertain; one naming another path is certain',
    changes: [ch(['file:/srv/app/'], x('mkdir', '-p', '/srv/app'), put('/srv/app/x', 'x'))],
    reads: [pr(['ls', '/etc'], { rc: 127 }), pr(['find', '/srv/app'], { rc: 127 })],
    uncertain: 'file:/srv/app',
  },
];

describe('the predicted reader', () => {
  for (const c of CASES)
    it(c.name, async () => {
      const { state, reader, fold } = world(c);
      await fold(c.changes);
      state.markUnknown(c.mark ?? []);
      for (const q of c.reads) expect(await answer(reader, q), JSON.stringify(q)).to.deep.equal(q.want);
      expect(reader.uncertain).to.equal(c.uncertain);
    });

  it('the host sees no write while every case is folded and read', async () => {
    const w = world({
      seed: Object.fromEntries(CASES.flatMap((c) => Object.entries(c.seed ?? {}))),
      prep: (m) => {
        for (const c of CASES) c.prep?.(m);
      },
    });
    const files = () => [...w.mem.files.entries()].map(([p, n]) => [p, n.type, n.mode, n.uid, n.content.toString()]);
    const before = files();
    await w.fold(CASES.flatMap((c) => c.changes));
    const reads = CASES.flatMap((c) => c.reads).filter((q) => !('probe' in q) || w.state.probe(q.probe));
    for (const q of reads) await answer(w.reader, q);
    await w.reader.controllerRead('/tmp/none').catch(() => undefined);
    expect(w.mem.writes).to.deep.equal([]);
    expect(files()).to.deep.equal(before);
    expect(w.mem.log.length).to.be.greaterThan(10);
  });

  it('a controller file an earlier change writes is read as planned; an unknown one from disk, uncertain', async () => {
    const w = world({});
    await w.fold([ch([], { controllerPut: '/tmp/kplay-f/h/etc/hosts', content: Buffer.from('planned\n') })]);
    expect((await w.reader.controllerRead('/tmp/kplay-f/h/etc/hosts')).toString()).to.equal('planned\n');
    expect(w.reader.uncertain).to.equal(undefined);
    w.controller.set('/tmp/kplay-f/h/gone', 'absent');
    const err = await w.reader.controllerRead('/tmp/kplay-f/h/gone').catch((e: Error) => e.message);
    expect(err).to.match(/no such file \(an earlier task would remove it\)/);
    const dir = mkdtempSync(join(tmpdir(), 'kplay-predict-'));
    writeFileSync(join(dir, 'on-disk'), 'disk\n');
    w.controller.markUnknown([`file:${dir}/`]);
    expect((await w.reader.controllerRead(join(dir, 'on-disk'))).toString()).to.equal('disk\n');
    expect(w.reader.uncertain).to.equal(`file:${join(dir, 'on-disk')}`);
    rmSync(dir, { recursive: true });
    expect(w.mem.log).to.deep.equal([]);
  });

  // a link the host has is followed through the overlay (a link higher up the path, /lib -> usr/lib, is not)
  it('a host link to a planned file reads the planned bytes', async () => {
    const w = world({ seed: { '/srv/app.conf': 'old' }, prep: hostLink('/etc/alt', '/srv/app.conf') });
    await w.fold([ch(['file:/srv/app.conf'], put('/srv/app.conf', 'new'))]);
    expect((await w.reader.read('/etc/alt'))?.toString()).to.equal('new');
    expect(await w.reader.stat('/etc/alt', { follow: true })).to.include({ size: 3, planned: true });
  });

  // a file the host has there, removed and made a folder by the plan, is no file to read
  it('a path planned as a folder reads as no file', async () => {
    const w = world({ seed: { '/srv/x': 'old' } });
    await w.fold([ch(['file:/srv/x/'], { remove: '/srv/x' }, x('mkdir', '/srv/x'))]);
    expect(await w.reader.read('/srv/x')).to.equal(undefined);
  });

  // a planned removal is planned too (systemd/predict.ts then knows a removed unit file needs a daemon-reload)
  it('a path a planned change removes is planned', async () => {
    const w = world({ seed: { '/etc/systemd/system/u.service': '[Unit]\n' } });
    await w.fold([ch(['file:/etc/systemd/system/u.service'], { remove: '/etc/systemd/system/u.service' })]);
    expect(await w.reader.stat('/etc/systemd/system/u.service')).to.include({ exists: false, planned: true });
  });
});

describe('the predicted reader: what a package being installed may bring', () => {
  const cases: [string, string[], boolean][] = [
    ['/etc/chrony', ['chrony'], true],
    ['/etc/chrony/chrony.conf', ['chrony'], true],
    ['/etc/default/keepalived', ['keepalived'], true],
    ['/var/lib/haproxy', ['haproxy'], true],
    ['/etc/ssh/sshd_config.d', ['openssh-server'], false],
    ['/etc/openssh', ['openssh-server'], true],
    ['/usr/sbin/chronyd', ['conntrack'], true],
    ['/lib/systemd/system/x.service', ['ipset'], true],
    ['/usr/local/bin/kubectl', ['chrony'], false],
    ['/opt/kube/bin', ['chrony', 'haproxy'], false],
    ['/etc/kubernetes/ssl/ca.pem', ['chrony'], false],
    ['/etc/chronyd-extra', ['chrony'], false],
    ['/etc/systemd/system/chrony.service.d/x.conf', ['chrony'], false],
    ['/run/chrony', ['chrony'], false],
    ['/opt/chrony', ['chrony'], false],
  ];
  for (const [path, pkgs, want] of cases)
    it(`${path} after installing ${pkgs.join(', ')}: ${want ? 'may' : 'does not'}`, () =>
      expect(mayBring(path, pkgs)).to.equal(want));
});
