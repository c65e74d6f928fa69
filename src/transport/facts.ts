// Facts in one round trip: the POSIX sh script of facts-script.ts (fed to `sh -s` on stdin) prints `key=value`
// lines, and parseFacts() turns them into Ansible's fact names: OS and distribution (and its release file),
// kernel, architecture, machine id, host names, user, environment, clock, Python, init system, package
// manager, interfaces and addresses (facts-net.ts), CPUs, memory, mounts, resolver, virtualization, SELinux.
import { KplayError } from '../core/errors.js';
import { FACTS_SCRIPT } from './facts-script.js';
import { cpuFacts, dateTimeFacts, dnsFacts, lsbFacts, memoryFacts, pythonFacts, userFacts } from './facts-host.js';
import { netFacts } from './facts-net.js';
import { distFileFacts, envFacts, mountFacts, virtFacts } from './facts-platform.js';
import type { Transport } from './types.js';

export { FACTS_SCRIPT } from './facts-script.js';
export { factName } from './facts-net.js';

function unquote(v: string): string {
  const m = /^"(.*)"$/.exec(v) ?? /^'(.*)'$/.exec(v);
  return m ? m[1]!.replace(/\\(["$`\\])/g, '$1') : v;
}

const FAMILY: Record<string, string> = {
  debian: 'Debian',
  ubuntu: 'Debian',
  raspbian: 'Debian',
  linuxmint: 'Debian',
  pop: 'Debian',
  kali: 'Debian',
  devuan: 'Debian',
  rhel: 'RedHat',
  centos: 'RedHat',
  fedora: 'RedHat',
  rocky: 'RedHat',
  almalinux: 'RedHat',
  ol: 'RedHat',
  amzn: 'RedHat',
  sles: 'Suse',
  opensuse: 'Suse',
  'opensuse-leap': 'Suse',
  'opensuse-tumbleweed': 'Suse',
  arch: 'Archlinux',
  manjaro: 'Archlinux',
  alpine: 'Alpine',
  gentoo: 'Gentoo',
};
const DISTRO: Record<string, string> = {
  debian: 'Debian',
  ubuntu: 'Ubuntu',
  rhel: 'RedHat',
  centos: 'CentOS',
  fedora: 'Fedora',
  rocky: 'Rocky',
  almalinux: 'AlmaLinux',
  ol: 'OracleLinux',
  amzn: 'Amazon',
  sles: 'SLES',
  'opensuse-leap': 'openSUSE Leap',
  'opensuse-tumbleweed': 'openSUSE Tumbleweed',
  arch: 'Archlinux',
  alpine: 'Alpine',
  raspbian: 'Debian',
  linuxmint: 'Linux Mint',
  kali: 'Kali',
};

/** The script's output → Ansible facts (names with the `ansible_` prefix). */
export function parseFacts(out: string): Record<string, unknown> {
  const osr: Record<string, string> = {};
  const osrLines: string[] = [];
  const kv: Record<string, string> = {};
  const all = new Map<string, string[]>();
  const env: string[] = [];
  let inEnv = false;
  for (const line of out.split('\n')) {
    if (line === '@env' || line === '@/env') {
      inEnv = line === '@env';
      continue;
    }
    if (inEnv) {
      env.push(line);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    let k = line.slice(0, eq);
    let v = line.slice(eq + 1);
    if (k.startsWith('osr.')) {
      osr[k.slice(4)] = unquote(v);
      osrLines.push(line.slice(4));
      continue;
    }
    if (k.startsWith('lsb.')) [k, v] = ['lsbfile', line.slice(4)];
    kv[k] = v;
    const list = all.get(k);
    if (list) list.push(v);
    else all.set(k, [v]);
  }
  if (kv.end !== '1')
    throw new KplayError('fact gathering was cut short (the script did not finish)', { code: 'INTERNAL' });
  const f: Record<string, unknown> = {};
  const id = (osr.ID ?? kv.system ?? 'linux').toLowerCase();
  const like = (osr.ID_LIKE ?? '').toLowerCase().split(/\s+/);
  f.ansible_os_family = FAMILY[id] ?? like.map((l) => FAMILY[l]).find(Boolean) ?? osr.NAME ?? kv.system ?? 'Linux';
  f.ansible_distribution = DISTRO[id] ?? (osr.NAME ? osr.NAME.split(' ')[0] : kv.system);
  let version = osr.VERSION_ID ?? '';
  if (id === 'debian' && kv.debian_version && /^\d+(\.\d+)*$/.test(kv.debian_version)) version = kv.debian_version;
  f.ansible_distribution_version = version;
  f.ansible_distribution_major_version = version.split('.')[0] ?? '';
  const minor = id === 'debian' ? /(\d+)\.(\d+)/.exec(kv.debian_version ?? '')?.[2] : version.split('.')[1];
  if (minor !== undefined) f.ansible_distribution_minor_version = minor;
  f.ansible_distribution_release =
    osr.VERSION_CODENAME ?? /\(([^)]+)\)/.exec(osr.VERSION ?? '')?.[1]?.toLowerCase() ?? '';
  Object.assign(f, distFileFacts(all, osrLines.join('\n')), lsbFacts(all, osr));
  f.ansible_system = kv.system ?? 'Linux';
  f.ansible_kernel = kv.kernel ?? '';
  f.ansible_kernel_version = kv.kernel_version ?? '';
  f.ansible_architecture = kv.machine ?? '';
  f.ansible_machine = kv.machine ?? '';
  f.ansible_userspace_architecture = kv.machine ?? '';
  f.ansible_machine_id = kv.machine_id ?? '';
  f.ansible_nodename = kv.nodename ?? '';
  f.ansible_hostname = (kv.nodename ?? '').split('.')[0];
  f.ansible_fqdn = kv.fqdn || kv.nodename || '';
  f.ansible_domain =
    f.ansible_fqdn && String(f.ansible_fqdn).includes('.') ? String(f.ansible_fqdn).split('.').slice(1).join('.') : '';
  if (kv.user_id) f.ansible_user_id = kv.user_id;
  Object.assign(f, userFacts(all));
  if (env.length > 0) Object.assign(f, envFacts(env));
  Object.assign(f, dateTimeFacts(all), pythonFacts(all));
  const init = kv.init ?? '';
  f.ansible_service_mgr =
    init === 'systemd' ? 'systemd' : kv.openrc ? 'openrc' : init === 'init' ? 'sysvinit' : init || 'service';
  f.ansible_pkg_mgr = kv.pkg === 'apt-get' ? 'apt' : (kv.pkg ?? 'unknown');
  Object.assign(f, cpuFacts(all, kv.machine ?? '', Number(kv.vcpus) || 1), memoryFacts(kv));
  if (kv.uptime) f.ansible_uptime_seconds = Math.floor(Number(kv.uptime));
  if (kv.loadavg) {
    const [a, b, c] = kv.loadavg.split(' ').map(Number);
    f.ansible_loadavg = { '1m': a, '5m': b, '15m': c };
  }
  Object.assign(f, dnsFacts(all));
  f.ansible_selinux =
    kv.selinux === undefined
      ? { status: 'disabled' }
      : { status: 'enabled', mode: kv.selinux === '1' ? 'enforcing' : 'permissive' };
  f.ansible_apparmor = { status: kv.apparmor ? 'enabled' : 'disabled' };
  f.ansible_fips = kv.fips === '1';
  Object.assign(f, virtFacts(all), mountFacts(all));
  Object.assign(f, netFacts(all));
  return f;
}

/** Gathers the facts of the host behind `t` in one round trip (a call in its long-lived shell). */
export async function gatherFacts(t: Transport): Promise<Record<string, unknown>> {
  const r = await t.exec(['sh', '-c', FACTS_SCRIPT], { become: false });
  if (r.rc !== 0) {
    throw new KplayError(
      `fact gathering failed on ${t.host} (rc=${r.rc}): ${r.stderr.trim().split('\n').slice(-3).join('\n')}`,
      { code: 'TASK_FAILED', host: t.host },
    );
  }
  return parseFacts(r.stdout);
}
