// Check mode's predicted state (src/exec/predict/state.ts) on its own, no host: how paths are spelled, which touch
// covers which key, and what look(), plannedAt(), unknownKey() and the probe predictions answer after a few steps.
import { expect } from 'chai';
import { covers, type Look, normal, type PathNode, PredictedState } from '../../../src/exec/predict/state.js';

const FILE: PathNode = {
  type: 'file',
  content: Buffer.from('x'),
  mode: 0o644,
  uid: 0,
  gid: 0,
  owner: 'r',
  group: 'r',
  mtime: 1,
};
const dir = (fresh: boolean): PathNode => ({ ...FILE, type: 'dir', content: undefined, mode: 0o755, fresh });
const link = (target: string): PathNode => ({ ...FILE, type: 'link', content: undefined, mode: 0o777, target });

/** One step that builds a state: a node (or a removal) set at a path, or touch keys made unknown. */
type Step = { set: string; node: PathNode | 'absent' } | { unknown: string[] };

function build(steps: Step[], s = new PredictedState()): PredictedState {
  for (const st of steps) 'set' in st ? s.set(st.set, st.node) : s.markUnknown(st.unknown);
  return s;
}

/** A step in a test title. */
const told = (st: Step): string =>
  'set' in st ? `${st.set} is set ${st.node === 'absent' ? 'absent' : st.node.type}` : `${st.unknown} are unknown`;

/** A look as one word: the node's type, or absent / unknown / host. */
const kind = (l: Look): string => (l.kind === 'node' ? l.node.type : l.kind);

describe('predicted state: normal() and covers()', () => {
  const normals: [string, string][] = [
    ['/', '/'],
    ['//', '/'],
    ['/a/b/', '/a/b'],
    ['/a//b', '/a/b'],
    ['/a/b///', '/a/b'],
    ['/a/./b/../c', '/a/c'],
    ['/a/..', '/'],
    ['/..', '/'],
    ['//etc/hosts', '/etc/hosts'],
  ];
  for (const [p, want] of normals)
    it(`normal(${JSON.stringify(p)}) is ${want}`, () => expect(normal(p)).to.equal(want));

  const coverage: [string, string, boolean, string][] = [
    ['file:/a', 'file:/a', true, 'the same key'],
    ['file:/a/', 'file:/a/b', true, 'a tree covers what is in it'],
    ['file:/a/', 'file:/a/b/c', true, 'a tree covers every depth'],
    ['file:/a/', 'file:/a', true, 'a tree covers its folder itself'],
    ['file:/a/', 'file:/ab', false, 'a tree does not cover a sibling with the same prefix'],
    ['file:/a/b/', 'file:/a', false, 'a tree does not cover the folder above it'],
    ['file:/a', 'file:/a/b', false, 'an exact path is no tree'],
    ['file:/', 'file:/etc/hosts', true, 'the root tree covers every path'],
    ['probe:ls /', 'probe:ls /x', false, 'a probe covers only itself'],
    ['service:a/', 'service:a/b', false, 'only file keys are trees'],
    ['file:/a/', 'probe:/a/b', false, 'a file tree covers no probe'],
  ];
  for (const [touch, key, want, why] of coverage)
    it(`covers(${touch}, ${key}) is ${want}: ${why}`, () => expect(covers(touch, key)).to.equal(want));
});

describe('predicted state: look()', () => {
  const cases: { name: string; steps: Step[]; want: Record<string, string> }[] = [
    { name: 'nothing planned: every path is the host', steps: [], want: { '/etc/x': 'host', '/': 'host' } },
    {
      name: 'a set file is a node, however its path is spelled; nothing is under a file',
      steps: [{ set: '/srv/a.conf', node: FILE }],
      want: {
        '/srv/a.conf': 'file',
        '/srv//a.conf/': 'file',
        '/srv/./a.conf': 'file',
        '/srv': 'host',
        '/srv/a.conf/x': 'absent',
      },
    },
    {
      name: 'a removal is absent, and so is everything under it',
      steps: [{ set: '/opt/d', node: 'absent' }],
      want: { '/opt/d': 'absent', '/opt/d/x/y': 'absent', '/opt': 'host', '/opt/dd': 'host' },
    },
    {
      name: 'under a fresh folder is only what the overlay holds',
      steps: [
        { set: '/srv', node: dir(true) },
        { set: '/srv/a', node: FILE },
      ],
      want: { '/srv': 'dir', '/srv/a': 'file', '/srv/b': 'absent', '/srv/c/d': 'absent' },
    },
    {
      name: 'under a folder the host had, the rest is the host',
      steps: [{ set: '/etc', node: dir(false) }],
      want: { '/etc': 'dir', '/etc/hosts': 'host' },
    },
    {
      name: 'under a planned link, where it leads is unknown',
      steps: [{ set: '/opt/cur', node: link('/opt/v2') }],
      want: { '/opt/cur': 'link', '/opt/cur/bin': 'unknown', '/opt/v2': 'host' },
    },
    {
      name: 'an exact unknown touch covers that path only',
      steps: [{ unknown: ['file:/etc/x'] }],
      want: { '/etc/x': 'unknown', '/etc/x/': 'unknown', '/etc/x/y': 'host', '/etc': 'host' },
    },
    {
      name: 'a tree touch covers the folder and everything under it',
      steps: [{ unknown: ['file:/d/'] }],
      want: { '/d': 'unknown', '/d/x': 'unknown', '/d/x/y': 'unknown', '/dd': 'host', '/': 'host' },
    },
    {
      name: 'markUnknown forgets a known node',
      steps: [{ set: '/x', node: FILE }, { unknown: ['file:/x'] }],
      want: { '/x': 'unknown' },
    },
    {
      name: 'a tree touch forgets the known nodes under it',
      steps: [{ set: '/d', node: dir(true) }, { set: '/d/a', node: FILE }, { unknown: ['file:/d/'] }],
      want: { '/d': 'unknown', '/d/a': 'unknown', '/d/b': 'unknown' },
    },
    {
      name: 'a set after an unknown touch makes the path known again',
      steps: [{ unknown: ['file:/x'] }, { set: '/x', node: FILE }],
      want: { '/x': 'file' },
    },
    {
      name: 'a removal clears the unknown tree under it',
      steps: [{ unknown: ['file:/d/', 'file:/d/e'] }, { set: '/d', node: 'absent' }],
      want: { '/d': 'absent', '/d/e': 'absent', '/d/x/y': 'absent' },
    },
    {
      name: 'a file set over a folder takes its known children with it',
      steps: [
        { set: '/d', node: dir(false) },
        { set: '/d/a', node: FILE },
        { set: '/d', node: FILE },
      ],
      want: { '/d': 'file', '/d/a': 'absent' },
    },
    {
      name: 'a folder set again (chmod) keeps its children',
      steps: [
        { set: '/d', node: dir(false) },
        { set: '/d/a', node: FILE },
        { set: '/d', node: dir(false) },
      ],
      want: { '/d': 'dir', '/d/a': 'file' },
    },
    {
      name: 'the root tree touch makes every path unknown',
      steps: [{ set: '/x', node: FILE }, { unknown: ['file:/'] }],
      want: { '/x': 'unknown', '/a/b': 'unknown', '/': 'unknown' },
    },
    {
      name: 'a removal inside an unknown tree is known; its siblings stay unknown',
      steps: [{ unknown: ['file:/d/'] }, { set: '/d/x', node: 'absent' }],
      want: { '/d/x': 'absent', '/d/y': 'unknown' },
    },
    {
      name: 'touches that are no files leave the paths alone',
      steps: [{ unknown: ['service:x', 'package:y', 'probe:cat /x'] }],
      want: { '/x': 'host', '/y': 'host' },
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const s = build(c.steps);
      const got = Object.fromEntries(Object.keys(c.want).map((p) => [p, kind(s.look(p))]));
      expect(got).to.deep.equal(c.want);
    });

  // a relative path is the remote user's: the host's while nothing is planned, else unknown
  it('a relative path is looked up without walking up forever', () => {
    expect(new PredictedState().look('rel/x').kind).to.equal('host');
    const s = new PredictedState();
    s.markUnknown(['file:/x']);
    expect(s.look('rel/x').kind).to.equal('unknown');
  });
});

describe('predicted state: plannedAt(), unknownKey(), probes and packages', () => {
  const planned: { steps: Step[]; want: Record<string, boolean> }[] = [
    {
      steps: [{ set: '/etc/app/a.conf', node: FILE }],
      want: { '/etc/app/a.conf': true, '/etc/app': true, '/etc/app/': true, '/etc': true, '/': true },
    },
    { steps: [{ set: '/etc/app/a.conf', node: FILE }], want: { '/etc/ap': false, '/etc/app/a': false, '/var': false } },
    { steps: [{ set: '/tmp/x', node: 'absent' }], want: { '/tmp/x': true, '/tmp': true, '/tmp/x/y': false } },
    { steps: [{ unknown: ['file:/u', 'file:/t/'] }], want: { '/u': false, '/t': false, '/': false } },
  ];
  for (const [i, c] of planned.entries())
    it(`plannedAt(), case ${i + 1}: ${JSON.stringify(c.want)}`, () => {
      const s = build(c.steps);
      expect(Object.fromEntries(Object.keys(c.want).map((p) => [p, s.plannedAt(p)]))).to.deep.equal(c.want);
    });

  const keys: [string[], string, string | undefined][] = [
    [['file:/x', 'file:/d/'], 'file:/d/x', 'file:/d/'],
    [['file:/x', 'file:/d/'], 'file:/x', 'file:/x'],
    [['file:/x', 'file:/d/'], 'file:/y', undefined],
    [['file:/x', 'file:/d/'], 'probe:ls /d/x', undefined],
    [['probe:systemctl is-active a'], 'probe:systemctl is-active a', 'probe:systemctl is-active a'],
    [['probe:systemctl is-active a'], 'probe:systemctl is-active', undefined],
  ];
  for (const [unknown, key, want] of keys)
    it(`unknownKey(${key}) with ${unknown.join(', ')} unknown is ${want}`, () => {
      expect(build([{ unknown }]).unknownKey(key)).to.equal(want);
    });

  it('a predicted probe is answered; a probe touched later is forgotten, and predicted again is known', () => {
    const s = new PredictedState();
    const active = { rc: 0, stdout: 'active\n', stderr: '' };
    expect(s.probe(['systemctl', 'is-active', 'u'])).to.equal(undefined);
    s.predictProbe(['systemctl', 'is-active', 'u'], active);
    expect(s.probe(['systemctl', 'is-active', 'u'])).to.deep.equal(active);
    expect(s.probe(['systemctl', 'is-active', 'v'])).to.equal(undefined);
    s.markUnknown(['probe:systemctl is-active u']);
    expect(s.probe(['systemctl', 'is-active', 'u'])).to.equal(undefined);
    expect(s.unknownKey('probe:systemctl is-active u')).to.equal('probe:systemctl is-active u');
    s.predictProbe(['systemctl', 'is-active', 'u'], active);
    expect(s.unknownKey('probe:systemctl is-active u')).to.equal(undefined);
    expect(s.probe(['systemctl', 'is-active', 'u'])).to.deep.equal(active);
  });

  // A prediction says which paths its answer is read from; a later set or unknown touch there makes it stale.
  const stale: [string[], Step, boolean][] = [
    [['file:/etc/u.service'], { set: '/etc/u.service', node: FILE }, true],
    [['file:/etc/u.service'], { set: '/etc/u.service2', node: FILE }, false],
    [['file:/etc/u.service'], { set: '/etc', node: 'absent' }, true],
    [['file:/etc/u.service.d/'], { set: '/etc/u.service.d/a.conf', node: FILE }, true],
    [['file:/etc/u.service.d/'], { set: '/etc/u.service.dx', node: FILE }, false],
    [['file:/etc/u.service'], { unknown: ['file:/etc/'] }, true],
    [['file:/etc/u.service'], { unknown: ['file:/etc/u.service'] }, true],
    [['file:/etc/u.service'], { unknown: ['service:u', 'package:u'] }, false],
    [[], { set: '/etc/u.service', node: 'absent' }, false],
  ];
  for (const [reads, step, gone] of stale)
    it(`a probe predicted from ${reads.join(', ') || 'nothing'} is ${gone ? 'stale' : 'kept'} if ${told(step)}`, () => {
      const s = new PredictedState();
      const active = { rc: 0, stdout: 'active\n', stderr: '' };
      s.predictProbe(['systemctl', 'is-active', 'u'], active, reads);
      build([step], s);
      expect(s.probe(['systemctl', 'is-active', 'u'])).to.deep.equal(gone ? undefined : active);
      expect(s.unknownKey('probe:systemctl is-active u')).to.equal(gone ? 'probe:systemctl is-active u' : undefined);
    });

  it('packages() lists the package touches made unknown, nothing else', () => {
    const s = build([{ unknown: ['package:nginx', 'service:nginx', 'file:/etc/nginx/', 'package:curl'] }]);
    expect(s.packages()).to.deep.equal(['nginx', 'curl']);
    expect([...s.unknown]).to.deep.equal(['package:nginx', 'service:nginx', 'file:/etc/nginx/', 'package:curl']);
  });
});
