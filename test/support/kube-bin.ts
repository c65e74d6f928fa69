// The cluster's binaries for tests, laid out as kubeasz's bin dir (the cluster suites pass the folder as
// `bin_src`): real Debian 12 binaries where Debian packages them (etcd, etcdctl from etcd-server/etcd-client;
// containerd, containerd-shim-runc-v2, ctr from containerd; runc; the CNI plugins in cni-bin/ from
// containernetworking-plugins), fetched with `apt-get download` and unpacked with `dpkg-deb -x`, never
// installed on the controller; and the POSIX sh stand-ins of test/fixtures/kube-standins/ for the Kubernetes
// server binaries, kubectl, crictl and calico's CNI plugins (cni-bin/calico, calico-ipam), which Debian 12 does
// not package.
//
// Built once into <cache>/kube-bin-<key> (cache: KPLAY_CACHE_DIR or ~/.cache/kplay); the key hashes the
// package list, the recipe and the stand-ins' names and contents, so later calls take milliseconds and an
// edited stand-in makes a new folder. The folder is made beside its final place and renamed into it.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The Debian 12 packages the real binaries come from. */
export const KUBE_BIN_PACKAGES = ['etcd-server', 'etcd-client', 'containerd', 'runc', 'containernetworking-plugins'];

/** Real binaries: bin dir name ← path inside the unpacked packages. */
const REAL: Record<string, string> = {
  etcd: 'usr/bin/etcd',
  etcdctl: 'usr/bin/etcdctl',
  containerd: 'usr/bin/containerd',
  'containerd-shim-runc-v2': 'usr/bin/containerd-shim-runc-v2',
  ctr: 'usr/bin/ctr',
  runc: 'usr/sbin/runc',
};
const CNI_DIR = 'usr/lib/cni';

/** Every file of the bin dir that a test may count on (cni-bin/ holds more). */
export const KUBE_BIN_FILES = [
  'etcd',
  'etcdctl',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kubelet',
  'kube-proxy',
  'kubectl',
  'containerd',
  'containerd-shim-runc-v2',
  'ctr',
  'runc',
  'crictl',
  'cni-bin/bridge',
  'cni-bin/host-local',
  'cni-bin/loopback',
  'cni-bin/portmap',
  'cni-bin/calico',
  'cni-bin/calico-ipam',
];

// Changing how the folder is made? Bump this so caches made the old way are not reused.
const RECIPE = 'kube-bin v2';

/** test/fixtures/kube-standins, from dist/test/support/ or test/support/. */
export function standinsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const cands = [resolve(here, '../../../test/fixtures/kube-standins'), resolve(here, '../fixtures/kube-standins')];
  const found = cands.find((d) => existsSync(d));
  if (!found) throw new Error(`kube-bin: the stand-ins folder is missing (looked in ${cands.join(', ')})`);
  return found;
}

/** Why the real binaries cannot be had here: apt-get download failed even after a cache refresh. */
export class KubeBinUnavailable extends Error {}

function cacheRoot(): string {
  return process.env.KPLAY_CACHE_DIR || join(homedir(), '.cache', 'kplay');
}

/** The stand-ins' files, relative to their folder (cni-bin/ holds the CNI plugins'), sorted. */
function standinFiles(standins: string): string[] {
  return readdirSync(standins, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(relative(standins, e.parentPath), e.name))
    .sort();
}

function keyOf(standins: string): string {
  const h = createHash('sha256').update(RECIPE).update('\0').update(KUBE_BIN_PACKAGES.join(' '));
  for (const n of standinFiles(standins))
    h.update('\0')
      .update(n)
      .update('\0')
      .update(readFileSync(join(standins, n)));
  return h.digest('hex').slice(0, 16);
}

async function aptDownload(dir: string): Promise<void> {
  // as root apt drops to _apt for downloads, which cannot write into a private temp folder: keep root then
  const asRoot = process.getuid?.() === 0 ? ['-o', 'APT::Sandbox::User=root'] : [];
  const download = () =>
    run('apt-get', ['download', '-q', ...asRoot, ...KUBE_BIN_PACKAGES], { cwd: dir, maxBuffer: 16 << 20 });
  try {
    await download();
    return;
  } catch (e) {
    // A fresh machine may have no package lists yet (.ci/run refreshes them only when it installs something).
    const first = (e as { stderr?: string }).stderr?.trim() ?? String(e);
    try {
      await run('apt-get', ['update', '-qq'], { maxBuffer: 16 << 20 });
      await download();
    } catch (e2) {
      const second = (e2 as { stderr?: string }).stderr?.trim() ?? String(e2);
      throw new KubeBinUnavailable(
        `kube-bin: apt-get download ${KUBE_BIN_PACKAGES.join(' ')} failed:\n` +
          `${first}\n(after apt-get update:)\n${second}`,
      );
    }
  }
}

async function build(into: string, standins: string): Promise<void> {
  const work = mkdtempSync(join(dirname(into), '.kube-bin-work-'));
  try {
    await aptDownload(work);
    const root = join(work, 'root');
    mkdirSync(root);
    for (const deb of readdirSync(work).filter((f) => f.endsWith('.deb')))
      await run('dpkg-deb', ['-x', join(work, deb), root]);
    mkdirSync(join(into, 'cni-bin'), { recursive: true });
    for (const [name, path] of Object.entries(REAL)) {
      const from = join(root, path);
      if (!existsSync(from))
        throw new Error(`kube-bin: ${path} is not in the Debian packages ${KUBE_BIN_PACKAGES.join(' ')}`);
      copyFileSync(from, join(into, name));
      chmodSync(join(into, name), 0o755);
    }
    for (const name of readdirSync(join(root, CNI_DIR))) {
      copyFileSync(join(root, CNI_DIR, name), join(into, 'cni-bin', name));
      chmodSync(join(into, 'cni-bin', name), 0o755);
    }
    for (const name of standinFiles(standins)) {
      copyFileSync(join(standins, name), join(into, name));
      chmodSync(join(into, name), 0o755);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

let pending: Promise<string> | undefined;

/** The bin dir folder (built on first use, then taken from the cache). */
export function kubeBinDir(): Promise<string> {
  pending ??= (async () => {
    const standins = standinsDir();
    const final = join(cacheRoot(), `kube-bin-${keyOf(standins)}`);
    if (existsSync(final)) return final;
    mkdirSync(dirname(final), { recursive: true });
    const tmp = mkdtempSync(`${final}.tmp-`);
    try {
      await build(tmp, standins);
      try {
        renameSync(tmp, final);
      } catch (e) {
        // another process finished first: its folder is as good as ours
        if (!existsSync(final)) throw e;
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    return final;
  })();
  pending.catch(() => (pending = undefined));
  return pending;
}
