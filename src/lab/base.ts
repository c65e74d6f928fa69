// The base image: a minimal Debian with systemd and sshd, made once with debootstrap and kept in the
// cache under a key that hashes the recipe. Every host boots from an overlay on top of it.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KplayError } from '../core/errors.js';
import { run, withLock } from './sys.js';

export const RECIPE = {
  // 2: apt's package cache built into the image; the generators below masked
  version: 2,
  suite: 'bookworm',
  mirror: 'http://deb.debian.org/debian',
  sources: [
    'deb http://deb.debian.org/debian bookworm main',
    'deb http://deb.debian.org/debian bookworm-updates main',
    'deb http://deb.debian.org/debian-security bookworm-security main',
  ],
  packages: [
    'systemd',
    'systemd-sysv',
    'dbus',
    'openssh-server',
    'iproute2',
    'iputils-ping',
    'procps',
    'ca-certificates',
    'kmod',
    'netbase',
    'less',
  ],
  // Units that do nothing useful in a lab host, or that take the dpkg lock in the middle of a test.
  mask: [
    'console-getty.service',
    'getty@tty1.service',
    'apt-daily.timer',
    'apt-daily-upgrade.timer',
    'apt-daily.service',
    'apt-daily-upgrade.service',
    'e2scrub_all.timer',
    'e2scrub_reap.service',
    'fstrim.timer',
  ],
  // systemd generators that have nothing to find in a container (disks, crypt, hibernation, kernel command line)
  // yet run on every daemon-reload: ~0.25 s of CPU per reload, ~300 reloads in a test run. The SysV one stays
  // (a package's init script still becomes a unit).
  maskGenerators: [
    'systemd-cryptsetup-generator',
    'systemd-debug-generator',
    'systemd-fstab-generator',
    'systemd-getty-generator',
    'systemd-gpt-auto-generator',
    'systemd-hibernate-resume-generator',
    'systemd-integritysetup-generator',
    'systemd-rc-local-generator',
    'systemd-run-generator',
    'systemd-system-update-generator',
    'systemd-veritysetup-generator',
  ],
  files: {
    // The kernel has no loadable modules; the lab seeds modules.builtin and this indexes it, so modprobe works.
    'etc/systemd/system/kplay-depmod.service': [
      '[Unit]',
      'Description=Index the built-in kernel modules (kplay lab)',
      'DefaultDependencies=no',
      'Before=systemd-modules-load.service sysinit.target',
      'ConditionPathExists=/usr/lib/modules/%v/modules.builtin',
      '',
      '[Service]',
      'Type=oneshot',
      'ExecStart=/usr/sbin/depmod -a %v',
      '',
      '[Install]',
      'WantedBy=sysinit.target',
      '',
    ].join('\n'),
    'etc/ssh/sshd_config.d/kplay-lab.conf': 'HostKey /etc/ssh/ssh_host_ed25519_key\nUseDNS no\n',
    'etc/resolv.conf': '# kplay lab: no DNS; apt goes through the proxy on the bridge\n',
  } as Record<string, string>,
  enable: { 'kplay-depmod.service': 'sysinit.target' } as Record<string, string>,
};

export function recipeKey(): string {
  return createHash('sha256').update(JSON.stringify(RECIPE)).digest('hex').slice(0, 16);
}

export function baseDir(cache: string): string {
  return join(cache, 'base', recipeKey());
}

/** The root filesystem of the base, or undefined when not built yet. */
export function cachedBase(cache: string): string | undefined {
  const root = join(baseDir(cache), 'rootfs');
  return existsSync(join(root, 'etc', 'kplay-base')) ? root : undefined;
}

/** Runs argv in fresh mount and pid namespaces: mounts made inside vanish, processes left behind die. */
function isolated(argv: string[], procDir?: string) {
  const ns = ['unshare', '--mount', '--pid', '--fork', '--propagation', 'private', '--kill-child'];
  if (procDir) ns.push(`--mount-proc=${procDir}`);
  return run([...ns, '--', ...argv], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C.UTF-8' } });
}

/** Returns the base root, building it first when the cache does not have it. */
export async function ensureBase(cache: string, log: (s: string) => void): Promise<string> {
  const have = cachedBase(cache);
  if (have) return have;
  const dir = baseDir(cache);
  mkdirSync(dir, { recursive: true });
  return withLock(join(dir, '.lock'), 'building the base', async () => {
    const again = cachedBase(cache);
    if (again) return again;
    const t0 = Date.now();
    log(`building the base image (debootstrap ${RECIPE.suite}, once; cached in ${dir})`);
    const tmp = join(dir, `rootfs.build-${process.pid}`);
    rmSync(tmp, { recursive: true, force: true });
    try {
      await buildInto(tmp, log);
      rmSync(join(dir, 'rootfs'), { recursive: true, force: true });
      renameSync(tmp, join(dir, 'rootfs'));
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      throw e instanceof KplayError
        ? new KplayError(`building the base image failed: ${e.message}`, { code: e.code })
        : e;
    }
    writeFileSync(join(dir, 'recipe.json'), JSON.stringify(RECIPE, null, 2));
    log(`base image ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return join(dir, 'rootfs');
  });
}

async function buildInto(root: string, log: (s: string) => void): Promise<void> {
  const chroot = (...argv: string[]) => isolated(['chroot', root, ...argv], join(root, 'proc'));
  // Stage one unpacks; before stage two configures anything, a policy-rc.d keeps package scripts from
  // starting daemons on this machine.
  await isolated([
    'debootstrap',
    '--foreign',
    '--variant=minbase',
    `--include=${RECIPE.packages.join(',')}`,
    RECIPE.suite,
    root,
    RECIPE.mirror,
  ]);
  const policy = join(root, 'usr/sbin/policy-rc.d');
  writeFileSync(policy, '#!/bin/sh\nexit 101\n');
  chmodSync(policy, 0o755);
  // No fsync per unpacked file while building: a build cut short is thrown away whole (rootfs.build-<pid>).
  const unsafeIo = join(root, 'etc/dpkg/dpkg.cfg.d/kplay-build-unsafe-io');
  mkdirSync(join(root, 'etc/dpkg/dpkg.cfg.d'), { recursive: true });
  writeFileSync(unsafeIo, 'force-unsafe-io\n');
  log('base: configuring packages');
  await chroot('/debootstrap/debootstrap', '--second-stage');
  writeFileSync(join(root, 'etc/apt/sources.list'), RECIPE.sources.join('\n') + '\n');
  log('base: apt-get update, dist-upgrade');
  await chroot('apt-get', 'update', '-qq');
  await chroot(
    'apt-get',
    'dist-upgrade',
    '-y',
    '-qq',
    '-o',
    'Dpkg::Options::=--force-confdef',
    '-o',
    'Dpkg::Options::=--force-confold',
  );
  await chroot('apt-get', 'clean');
  // the binary package cache, made once here rather than by the first apt command on every host (~1 s each)
  await chroot('apt-cache', 'gencaches');
  for (const [path, text] of Object.entries(RECIPE.files)) {
    const f = join(root, path);
    mkdirSync(join(f, '..'), { recursive: true });
    rmSync(f, { force: true });
    writeFileSync(f, text);
  }
  const sys = join(root, 'etc/systemd/system');
  for (const unit of RECIPE.mask) {
    rmSync(join(sys, unit), { force: true });
    symlinkSync('/dev/null', join(sys, unit));
  }
  const generators = join(root, 'etc/systemd/system-generators');
  mkdirSync(generators, { recursive: true });
  for (const g of RECIPE.maskGenerators) symlinkSync('/dev/null', join(generators, g));
  for (const [unit, target] of Object.entries(RECIPE.enable)) {
    const wants = join(sys, `${target}.wants`);
    mkdirSync(wants, { recursive: true });
    rmSync(join(wants, unit), { force: true });
    symlinkSync(`/etc/systemd/system/${unit}`, join(wants, unit));
  }
  // Per-host identity is seeded at `up`: no host keys, hostname or machine-id in the base.
  for (const f of readdirSync(join(root, 'etc/ssh'))) if (f.startsWith('ssh_host_')) rmSync(join(root, 'etc/ssh', f));
  rmSync(join(root, 'etc/hostname'), { force: true });
  writeFileSync(join(root, 'etc/machine-id'), '');
  rmSync(join(root, 'var/lib/dbus/machine-id'), { force: true });
  rmSync(policy, { force: true });
  rmSync(unsafeIo, { force: true });
  rmSync(join(root, 'debootstrap'), { recursive: true, force: true });
  writeFileSync(join(root, 'etc/kplay-base'), `${recipeKey()}\n`);
}
