// Folding planned changes into the predicted state (src/exec/predict/changes.ts), over a host kept in memory read
// through the real HostReader: each case seeds the host, folds changes, and says what every path then looks like
// (a node as one line: type, mode, owner(uid):group(gid), then its bytes, `(host)` when they are the host's own).
import { expect } from 'chai';
import { HostReader } from '../../../src/exec/host-reader.js';
import { foldChanges } from '../../../src/exec/predict/changes.js';
import { PredictedReader } from '../../../src/exec/predict/reader.js';
import { type Look, PredictedState } from '../../../src/exec/predict/state.js';
import type { Change } from '../../../src/tasks/contract.js';
import { MemoryHost } from '../../../src/transport/memory.js';
import { ch, NO_BECOME, NO_FACTS, put, x } from './helpers.js';

function shape(l: Look): string {
  if (l.kind !== 'node') return l.kind;
  const n = l.node;
  const head = `${n.type} ${n.mode.toString(8).padStart(4, '0')} ${n.owner}(${n.uid}):${n.group}(${n.gid})`;
  if (n.type === 'link') return `${head} -> ${n.target}`;
  if (n.type === 'dir') return `${head}${n.fresh ? ' fresh' : ''}`;
  return `${head} ${n.content === undefined ? '(host)' : JSON.stringify(n.content.toString())}`;
}

const ROOT = 'root(0):root(0)';
const NEW = `dir 0755 ${ROOT} fresh`;
/** A host file owned by uid and gid 1000 (the memory host names them '1000'). */
const own1000 = (path: string) => (m: MemoryHost) => Object.assign(m.files.get(path)!, { uid: 1000, gid: 1000 });
const hostLink = (path: string, target: string) => (m: MemoryHost) =>
  m.files.set(path, { type: 'link', content: Buffer.alloc(0), mode: 0o777, uid: 0, gid: 0, target, mtime: 1 });

interface Case {
  name: string;
  seed?: Record<string, string>;
  prep?: (m: MemoryHost) => void;
  changes: Change[];
  want: Record<string, string>;
  /** The state's unknown touch keys after folding, when the case says. */
  unknown?: string[];
}

const CASES: Case[] = [
  {
    name: 'put of a new file: mode from the umask (022), owned by the writer',
    changes: [ch(['file:/etc/app.conf'], put('/etc/app.conf', 'port=1\n'))],
    want: { '/etc/app.conf': `file 0644 ${ROOT} "port=1\\n"`, '/etc': 'host' },
    unknown: [],
  },
  {
    name: "put over an existing file keeps the file's mode and owner",
    seed: { '/etc/app.conf': 'old' },
    prep: (m) => (own1000('/etc/app.conf')(m), (m.files.get('/etc/app.conf')!.mode = 0o600)),
    changes: [ch(['file:/etc/app.conf'], put('/etc/app.conf', 'new'))],
    want: { '/etc/app.conf': 'file 0600 1000(1000):1000(1000) "new"' },
  },
  {
    name: 'put with its own mode, owner and group (a group by id gets its name)',
    seed: { '/etc/app.conf': 'old' },
    prep: own1000('/etc/app.conf'),
    changes: [ch(['file:/etc/app.conf'], put('/etc/app.conf', 'new', { mode: '0640', owner: 'root', group: '0' }))],
    want: { '/etc/app.conf': `file 0640 ${ROOT} "new"` },
  },
  {
    name: 'a removal makes the path and what is under it absent',
    seed: { '/srv/old/a': 'a' },
    changes: [ch(['file:/srv/old/'], { remove: '/srv/old', recurse: true })],
    want: { '/srv/old': 'absent', '/srv/old/a': 'absent', '/srv': 'host' },
  },
  {
    name: 'mkdir -p makes fresh folders (0755) up to the path; nothing is in them yet',
    changes: [ch(['file:/srv/a/b'], x('mkdir', '-p', '/srv/a/b'))],
    want: { '/srv': NEW, '/srv/a': NEW, '/srv/a/b': NEW, '/srv/a/b/c': 'absent', '/etc': 'host' },
  },
  {
    name: 'mkdir -p leaves the folders the host has alone',
    changes: [ch(['file:/var/lib/k'], x('mkdir', '-p', '/var/lib/k'))],
    want: { '/var': 'host', '/var/lib': NEW, '/var/lib/k': NEW },
  },
  {
    name: 'chmod and chown of an existing file change its attributes; its bytes stay the host',
    seed: { '/etc/x': 'abc', '/etc/y': 'y' },
    prep: (m) => (own1000('/etc/x')(m), own1000('/etc/y')(m)),
    changes: [
      ch(['file:/etc/x'], x('chmod', '0600', '/etc/x'), x('chown', 'root:root', '/etc/x')),
      ch(['file:/etc/y'], x('chown', ':root', '/etc/y')),
    ],
    want: { '/etc/x': `file 0600 ${ROOT} (host)`, '/etc/y': 'file 0644 1000(1000):root(0) (host)' },
  },
  {
    name: 'chmod of a planned file keeps its planned bytes; chown -h of a link changes the link',
    prep: hostLink('/etc/l', '/etc/x'),
    changes: [
      ch(
        ['file:/etc/x', 'file:/etc/l'],
        put('/etc/x', 'p'),
        x('chmod', '640', '/etc/x'),
        x('chown', '-h', '0:0', '/etc/l'),
      ),
    ],
    want: { '/etc/x': `file 0640 ${ROOT} "p"`, '/etc/l': `link 0777 ${ROOT} -> /etc/x` },
  },
  {
    name: 'ln -sfn makes a link, and replaces one',
    prep: hostLink('/opt/cur', '/opt/v1'),
    changes: [
      ch(['file:/opt/new'], x('ln', '-sfn', 'v2', '/opt/new')),
      ch(['file:/opt/cur'], x('ln', '-s', '-f', '-n', '/opt/v2', '/opt/cur')),
    ],
    want: { '/opt/new': `link 0777 ${ROOT} -> v2`, '/opt/cur': `link 0777 ${ROOT} -> /opt/v2` },
  },
  {
    name: 'touch makes an empty file, and keeps an existing one as it is',
    seed: { '/etc/old': 'kept' },
    changes: [ch(['file:/etc/new', 'file:/etc/old'], x('touch', '/etc/new', '/etc/old'))],
    want: { '/etc/new': `file 0644 ${ROOT} ""`, '/etc/old': `file 0644 ${ROOT} (host)` },
  },
  {
    name: 'touch -m and -a (file: times set to now) keep an existing file as it is',
    seed: { '/etc/old': 'kept' },
    changes: [ch(['file:/etc/old'], x('touch', '-m', '--', '/etc/old'), x('touch', '-a', '--', '/etc/old'))],
    want: { '/etc/old': `file 0644 ${ROOT} (host)` },
  },
  {
    name: 'rm -rf takes the known children; rmdir removes a folder; true changes nothing',
    seed: { '/var/e/x': 'x' },
    changes: [
      ch(['file:/srv/'], x('mkdir', '-p', '/srv/d'), put('/srv/d/a', 'a'), x('rm', '-rf', '/srv/d')),
      ch(['file:/var/e/', 'file:/etc/c'], x('rmdir', '/var/e'), x('true')),
    ],
    want: {
      '/srv': NEW,
      '/srv/d': 'absent',
      '/srv/d/a': 'absent',
      '/var/e': 'absent',
      '/var/e/x': 'absent',
      '/etc/c': 'host',
    },
    unknown: [],
  },
  {
    name: 'an unknown command makes its touches unknown, but what a later action of the change sets is known',
    changes: [
      ch(
        ['file:/var/lib/apt/', 'file:/var/lib/stamp', 'package:curl'],
        x('apt-get', 'update'),
        x('touch', '/var/lib/stamp'),
      ),
    ],
    want: { '/var/lib/apt/lists': 'unknown', '/var/lib/apt': 'unknown', '/var/lib/stamp': `file 0644 ${ROOT} ""` },
    unknown: ['file:/var/lib/apt/', 'package:curl'],
  },
  {
    name: 'an unknown command after a known action makes what that set unknown again',
    changes: [ch(['file:/etc/x'], put('/etc/x', 'a'), x('sed', '-i', 's/a/b/', '/etc/x'))],
    want: { '/etc/x': 'unknown' },
  },
  {
    name: 'a put over an unknown path stays unknown (its mode is not known); a later removal is known',
    changes: [
      ch(['file:/etc/x', 'file:/etc/y'], x('sed', '-i', 's/a/b/', '/etc/x', '/etc/y')),
      ch(['file:/etc/x'], put('/etc/x', 'b', { mode: '0644' })),
      ch(['file:/etc/y'], x('rm', '-f', '/etc/y')),
    ],
    want: { '/etc/x': 'unknown', '/etc/y': 'absent' },
    unknown: ['file:/etc/x'],
  },
  {
    name: 'touches that are no files are unknown even when every action is known',
    changes: [ch(['file:/etc/u.service', 'service:u', 'user:u'], put('/etc/u.service', '[Unit]\n'))],
    want: { '/etc/u.service': `file 0644 ${ROOT} "[Unit]\\n"` },
    unknown: ['service:u', 'user:u'],
  },
  // What is not known exactly: the action's one path is unknown (the host has /etc/x, /etc/f, /etc/d/in, /srv/f and
  // a link /etc/l -> /opt/v1).
  ...(
    [
      ['a put with a symbolic mode', put('/etc/a', 'x', { mode: 'u=rw' }), '/etc/a'],
      ['a put with an owner the host lacks', put('/etc/a', 'x', { owner: 'nobody' }), '/etc/a'],
      ['a put onto a folder', put('/etc/d', 'x'), '/etc/d'],
      ['mkdir without -p of an existing folder (it fails)', x('mkdir', '/etc/d'), '/etc/d'],
      ['mkdir -p through a file', x('mkdir', '-p', '/srv/f/d'), '/srv/f/d'],
      ['mkdir -m', x('mkdir', '-m', '0700', '/srv/d'), '/srv/d'],
      ['chmod symbolic', x('chmod', 'u+x', '/etc/x'), '/etc/x'],
      ['chmod -R', x('chmod', '-R', '0700', '/etc/d'), '/etc/d'],
      ['chmod of a missing file', x('chmod', '0600', '/etc/none'), '/etc/none'],
      ['chown to a user the host lacks', x('chown', 'nobody', '/etc/x'), '/etc/x'],
      ['chown of a link without -h (it changes the target)', x('chown', 'root', '/etc/l'), '/etc/l'],
      ['ln -s onto a file without -f', x('ln', '-s', '/opt/v2', '/etc/f'), '/etc/f'],
      ['ln -sf onto a link without -n (it may lead to a folder)', x('ln', '-sf', '/opt/v2', '/etc/l'), '/etc/l'],
      ['ln -sfn onto a folder', x('ln', '-sfn', '/opt/v2', '/etc/d'), '/etc/d'],
      ['a hard ln', x('ln', '/etc/x', '/etc/new'), '/etc/new'],
      ['touch -c', x('touch', '-c', '/etc/new'), '/etc/new'],
      ['rm -i', x('rm', '-i', '/etc/x'), '/etc/x'],
      ['true with operands', x('true', '/etc/x'), '/etc/x'],
    ] as const
  ).map(
    ([what, a, path]): Case => ({
      name: `${what} is unknown`,
      seed: { '/etc/x': 'x', '/etc/f': 'f', '/etc/d/in': 'in', '/srv/f': 'f' },
      prep: hostLink('/etc/l', '/opt/v1'),
      changes: [ch([`file:${path}`], a)],
      want: { [path]: 'unknown' },
      unknown: [`file:${path}`],
    }),
  ),
];

function world(prep: (m: MemoryHost) => void = () => {}) {
  const mem = new MemoryHost('h');
  prep(mem);
  const state = new PredictedState();
  const controller = new PredictedState();
  const reader = new PredictedReader(new HostReader(mem, NO_FACTS, NO_BECOME), state, controller, false);
  return { mem, state, controller, side: reader.hostSide() };
}

describe('folding planned changes', () => {
  for (const c of CASES)
    it(c.name, async () => {
      const { mem, state, controller, side } = world((m) => {
        for (const [p, text] of Object.entries(c.seed ?? {})) m.seed(p, text);
        c.prep?.(m);
      });
      await foldChanges(state, controller, c.changes, side);
      expect(Object.fromEntries(Object.keys(c.want).map((p) => [p, shape(state.look(p))]))).to.deep.equal(c.want);
      if (c.unknown) expect([...state.unknown].sort()).to.deep.equal([...c.unknown].sort());
      expect(mem.writes, 'folding writes nothing on the host').to.deep.equal([]);
      expect(controller.plannedAt('/'), 'no controller file').to.equal(false);
    });

  it('a predicted probe is answered after the change, the unit itself stays unknown', async () => {
    const { mem, state, controller, side } = world();
    const active = { rc: 0, stdout: 'active\n', stderr: '' };
    const start = ch(['service:u', 'probe:systemctl is-active u'], x('systemctl', 'start', 'u'));
    start.predicts = [{ probe: ['systemctl', 'is-active', 'u'], result: active }];
    await foldChanges(state, controller, [start], side);
    expect(state.probe(['systemctl', 'is-active', 'u'])).to.deep.equal(active);
    expect([...state.unknown]).to.deep.equal(['service:u']);
    expect(mem.log).to.deep.equal([]);
  });

  it('a controller file goes to the controller state, not to the host', async () => {
    const { mem, state, controller, side } = world();
    const fetch = ch(['file:/tmp/f/h/etc/hosts'], { controllerPut: '/tmp/f/h/etc/hosts', content: Buffer.from('h\n') });
    await foldChanges(state, controller, [fetch], side);
    expect(shape(controller.look('/tmp/f/h/etc/hosts'))).to.match(/^file 0644 \(\d+\):\(\d+\) "h\\n"$/);
    expect(state.plannedAt('/')).to.equal(false);
    expect(mem.log).to.deep.equal([]);
  });

  it("hostSide(): the host's own stat (links not followed), who writes, and accounts by name or id", async () => {
    const { mem, side } = world((m) => (m.seed('/etc/x', 'x'), hostLink('/etc/l', '/etc/x')(m)));
    expect(await side.stat('/etc/l')).to.include({ islnk: true, lnk_target: '/etc/x' });
    expect(await side.writer()).to.deep.equal({ umask: 0o22, uid: 0, gid: 0, owner: 'root', group: 'root' });
    expect(await side.account('passwd', 'root')).to.deep.equal({ id: 0, name: 'root' });
    expect(await side.account('group', '0')).to.deep.equal({ id: 0, name: 'root' });
    expect(await side.account('passwd', 'nobody')).to.equal(undefined);
    expect(mem.writes).to.deep.equal([]);
  });
});
