// mount against a fake host with live kernel state (cases: table.ts).
import { expect } from 'chai';
import { planError } from '../../support/plan-harness.js';
import { SysHost } from '../system-fake.js';
import { mount } from '../../../src/tasks/kernel/mount.js';
import { table, FSTAB } from './table.js';

describe('mount', () => {
  table(
    mount,
    [
      {
        name: 'mounted on a fresh host: mount point created, fstab line added, mounted',
        setup: () => {},
        args: { path: '/mnt/data/', src: 'tmpfs', fstype: 'tmpfs', opts: 'size=16m', state: 'mounted' },
        changes: [/\/etc\/fstab: add the entry for \/mnt\/data/, /mount tmpfs on \/mnt\/data/],
        check: (h, p) => {
          expect(h.text('/etc/fstab')).to.equal(`${FSTAB}tmpfs /mnt/data tmpfs size=16m 0 0\n`);
          expect(h.mounts.get('/mnt/data')).to.deep.equal({ source: 'tmpfs', fstype: 'tmpfs', options: 'size=16m' });
          expect(p.changes[1]!.actions).to.deep.equal([
            { exec: ['mkdir', '-p', '--', '/mnt/data'] },
            { exec: ['mount', '-t', 'tmpfs', '-o', 'size=16m', '--', 'tmpfs', '/mnt/data'] },
          ]);
        },
      },
      {
        name: 'mounted, and the fstab entry changes: remount',
        setup: (h) => {
          h.mounts.set('/mnt/data', { source: 'tmpfs', fstype: 'tmpfs', options: 'size=16m' });
          h.files.set('/etc/fstab', {
            ...h.nodeAt('/etc/fstab')!,
            content: Buffer.from(`${FSTAB}tmpfs /mnt/data tmpfs size=16m 0 0\n`),
          });
        },
        args: { path: '/mnt/data', src: 'tmpfs', fstype: 'tmpfs', opts: 'size=32m', state: 'mounted' },
        changes: [/update the entry/, /remount \/mnt\/data/],
        check: (h) => expect(h.mounts.get('/mnt/data')!.options).to.equal('size=32m'),
      },
      {
        name: 'present: only fstab (a bind mount line)',
        setup: () => {},
        args: { path: '/srv/b', src: '/srv/a', fstype: 'none', opts: 'bind', state: 'present' },
        changes: [/add the entry/],
        check: (h) => {
          expect(h.text('/etc/fstab')).to.equal(`${FSTAB}/srv/a /srv/b none bind 0 0\n`);
          expect(h.mounts.size).to.equal(0);
        },
      },
      {
        name: 'boot=no adds noauto; spaces in paths are written as \\040',
        setup: () => {},
        args: { path: '/mnt/my disk', src: 'tmpfs', fstype: 'tmpfs', state: 'present', boot: false },
        changes: [/add the entry/],
        check: (h) => expect(h.text('/etc/fstab')).to.equal(`${FSTAB}tmpfs /mnt/my\\040disk tmpfs noauto 0 0\n`),
      },
      {
        name: 'unmounted: umount, fstab kept',
        setup: (h) => {
          h.mounts.set('/mnt/data', { source: 'tmpfs', fstype: 'tmpfs', options: 'rw' });
          h.files.set('/etc/fstab', {
            ...h.nodeAt('/etc/fstab')!,
            content: Buffer.from(`${FSTAB}tmpfs /mnt/data tmpfs defaults 0 0\n`),
          });
        },
        args: { path: '/mnt/data', state: 'unmounted' },
        changes: [/unmount \/mnt\/data/],
        check: (h) => expect(h.text('/etc/fstab')).to.include('/mnt/data'),
      },
      {
        name: 'absent: unmount, remove the line and the mount point',
        setup: (h) => {
          h.mounts.set('/mnt/data', { source: 'tmpfs', fstype: 'tmpfs', options: 'rw' });
          h.files.set('/etc/fstab', {
            ...h.nodeAt('/etc/fstab')!,
            content: Buffer.from(`${FSTAB}tmpfs /mnt/data tmpfs defaults 0 0\n`),
          });
          h.files.set('/mnt', { ...h.nodeAt('/')!, ino: 500 });
          h.files.set('/mnt/data', { ...h.nodeAt('/')!, ino: 501 });
        },
        args: { path: '/mnt/data', state: 'absent' },
        changes: [/remove the entry/, /unmount/, /remove the mount point/],
        check: (h) => {
          expect(h.text('/etc/fstab')).to.equal(FSTAB);
          expect(h.nodeAt('/mnt/data')).to.equal(undefined);
        },
      },
      {
        name: 'absent_from_fstab: the line only, still mounted',
        setup: (h) => {
          h.mounts.set('/mnt/data', { source: 'tmpfs', fstype: 'tmpfs', options: 'rw' });
          h.files.set('/etc/fstab', {
            ...h.nodeAt('/etc/fstab')!,
            content: Buffer.from(`${FSTAB}tmpfs /mnt/data tmpfs defaults 0 0\n`),
          });
        },
        args: { path: '/mnt/data', state: 'absent_from_fstab' },
        changes: [/remove the entry/],
        check: (h) => expect(h.mounts.has('/mnt/data')).to.equal(true),
      },
      {
        name: 'ephemeral: mounted, fstab untouched',
        setup: () => {},
        args: { path: '/mnt/e', src: 'tmpfs', fstype: 'tmpfs', state: 'ephemeral' },
        changes: [/mount tmpfs on \/mnt\/e/],
        check: (h) => expect(h.text('/etc/fstab')).to.equal(FSTAB),
      },
      {
        name: 'fstype swap: matched by src, swapon for mounted',
        setup: (h) =>
          h.files.set('/etc/fstab', {
            ...h.nodeAt('/etc/fstab')!,
            content: Buffer.from(`${FSTAB}/swapfile none swap sw 0 0\n`),
          }),
        args: { path: 'none', src: '/swapfile', fstype: 'swap', opts: 'sw', state: 'mounted' },
        changes: [/swapon \/swapfile/],
        check: (h) => expect(h.swaps).to.deep.equal(['/swapfile']),
      },
      {
        name: 'fstype swap absent: swapoff and the line removed',
        setup: (h) => {
          h.swaps = ['/swapfile'];
          h.files.set('/etc/fstab', {
            ...h.nodeAt('/etc/fstab')!,
            content: Buffer.from(`${FSTAB}/swapfile none swap sw 0 0\n`),
          });
        },
        args: { path: 'none', src: '/swapfile', fstype: 'swap', state: 'absent' },
        changes: [/remove the entry for \/swapfile/, /swapoff \/swapfile/],
        check: (h) => {
          expect(h.swaps).to.deep.equal([]);
          expect(h.text('/etc/fstab')).to.equal(FSTAB);
        },
      },
    ],
    { '/etc/fstab': FSTAB },
  );

  it('remounted is refused with a hint (it never converges)', async () => {
    expect(await planError(mount, { path: '/x', state: 'remounted' }, new SysHost())).to.match(
      /remounted is not supported.*mount -o remount/,
    );
  });

  it('src and fstype are required for mounted', async () => {
    expect(await planError(mount, { path: '/x', state: 'mounted' }, new SysHost())).to.match(/src|fstype/);
  });
});
