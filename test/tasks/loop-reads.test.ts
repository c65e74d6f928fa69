// What a module's plan will stat, from its arguments alone (a loop reads its items' at once): the paths its plan
// reads first, nothing for what is not an absolute path yet.
import { expect } from 'chai';
import { copy, template } from '../../src/tasks/copy.js';
import { file } from '../../src/tasks/file/file.js';
import type { FileRead, TaskModule, Vars } from '../../src/tasks/contract.js';

const put = (dest: string): FileRead[] => [
  { path: dest, follow: true },
  { path: dest, follow: false, checksum: 'sha256' },
  { path: dest.slice(0, dest.lastIndexOf('/')) || '/', follow: true },
];

const cases: [string, TaskModule, Vars, FileRead[]][] = [
  ['copy: the dest, its checksum, its folder', copy, { src: 'a', dest: '/opt/bin/etcd' }, put('/opt/bin/etcd')],
  ['template: the same', template, { src: 'a.j2', dest: '/etc/x.conf' }, put('/etc/x.conf')],
  ['copy into a folder (dest/): left to the plan', copy, { src: 'a', dest: '/opt/bin/' }, []],
  ['copy to a relative dest: left to the plan', copy, { src: 'a', dest: 'bin/x' }, []],
  [
    'file: the path, not followed',
    file,
    { path: '/etc/kubernetes/ssl/', state: 'directory' },
    [{ path: '/etc/kubernetes/ssl', follow: false }],
  ],
  [
    'file: by its alias dest',
    file,
    { dest: '/var/lib/k', state: 'directory' },
    [{ path: '/var/lib/k', follow: false }],
  ],
  ['file: ~/x is left to the plan (the home of the host user)', file, { path: '~/x' }, []],
];

describe('modules: the files a loop item will stat', () => {
  for (const [what, m, args, want] of cases)
    it(what, () => {
      expect(m.loopReads!(args)).to.deep.equal(want);
    });
});
