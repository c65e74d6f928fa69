// The `diff` the file module registers, in Ansible's shape, for each state: planned against a fake host.
import { expect } from 'chai';
import { file } from '../../../src/tasks/files.js';
import { diffMode } from '../../../src/tasks/file/diff.js';
import { FakeHost, type FakeSpec } from '../../support/fake-host.js';
import { planOn } from '../../support/plan-harness.js';

const cases: { name: string; files: Record<string, FakeSpec>; args: Record<string, unknown>; diff: unknown }[] = [
  {
    name: 'a link whose target changes: before and after src',
    files: { '/srv/f': 'x', '/srv/g': 'y', '/srv/l': { type: 'link', target: '/srv/f' } },
    args: { path: '/srv/l', src: 'g', state: 'link' },
    diff: { before: { path: '/srv/l', src: '/srv/f' }, after: { path: '/srv/l', src: 'g' } },
  },
  {
    name: 'a new directory: the states',
    files: { '/srv': { type: 'dir' } },
    args: { path: '/srv/d', state: 'directory' },
    diff: { before: { path: '/srv/d', state: 'absent' }, after: { path: '/srv/d', state: 'directory' } },
  },
  {
    name: 'a mode and an owner changed: mode text, ids (a user not in /etc/passwd stays a name)',
    files: { '/srv/f': { content: 'x', mode: 0o644 } },
    args: { path: '/srv/f', mode: '0600', owner: 'etcd' },
    diff: {
      before: { path: '/srv/f', mode: '0644', owner: 0 },
      after: { path: '/srv/f', mode: '0600', owner: 'etcd' },
    },
  },
  {
    name: 'nothing to change: the path alone',
    files: { '/srv/f': 'x' },
    args: { path: '/srv/f', state: 'file' },
    diff: { before: { path: '/srv/f' }, after: { path: '/srv/f' } },
  },
  {
    name: 'touch of an existing file names both states (touch is never a state)',
    files: { '/srv/f': 'x' },
    args: { path: '/srv/f', state: 'touch', modification_time: 'preserve', access_time: 'preserve' },
    diff: { before: { path: '/srv/f', state: 'file' }, after: { path: '/srv/f', state: 'touch' } },
  },
  {
    name: 'a directory removed: what it held',
    files: { '/srv/d/a': 'x', '/srv/d/s': { type: 'dir' } },
    args: { path: '/srv/d', state: 'absent' },
    diff: {
      before: { path: '/srv/d', state: 'directory', path_content: { directories: ['/srv/d/s'], files: ['/srv/d/a'] } },
      after: { path: '/srv/d', state: 'absent' },
    },
  },
  { name: 'absent already: no diff', files: {}, args: { path: '/srv/none', state: 'absent' }, diff: undefined },
];

describe('file: registered diff', () => {
  for (const c of cases)
    it(c.name, async () => {
      const plan = await planOn(file, c.args, new FakeHost(c.files));
      expect(plan.result?.diff).to.deep.equal(c.diff);
    });

  for (const [mode, text] of [
    [0o644, '0644'],
    [0o1777, '01777'],
    [0o7, '0007'],
  ] as const)
    it(`writes mode ${mode.toString(8)} as ${text}`, () => expect(diffMode(mode)).to.equal(text));
});
