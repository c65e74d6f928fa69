// Facts about where the host runs and what it mounts, from the fact script's lines (facts-script.ts), under
// Ansible's names: the distribution's release file (ansible_distribution_file_*), the virtualization
// (containers first, then a VM's DMI names), the mounts with their sizes, the environment.
type Lines = Map<string, string[]>;
type Facts = Record<string, unknown>;

const first = (all: Lines, k: string) => all.get(k)?.[0];

// Ansible's order of release files, and what each one's content must hold for it to count ('' = existing
// is enough). os-release rules come in Ansible's order too.
const RELEASE_FILES: [path: string, variety: string, holds: RegExp][] = [
  ['/etc/altlinux-release', 'Altlinux', /ALT/],
  ['/etc/oracle-release', 'OracleLinux', /./],
  ['/etc/slackware-version', 'Slackware', /Slackware/],
  ['/etc/centos-release', 'CentOS', /CentOS Stream|TencentOS Server/],
  ['/etc/redhat-release', 'RedHat', /./],
  ['/etc/vmware-release', 'VMwareESX', /(?:)/],
  ['/etc/openwrt_release', 'OpenWrt', /OpenWrt/],
  ['/etc/os-release', 'Amazon', /Amazon/],
  ['/etc/system-release', 'Amazon', /Amazon/],
  ['/etc/alpine-release', 'Alpine', /./],
  ['/etc/arch-release', 'Archlinux', /(?:)/],
  ['/etc/os-release', 'Archlinux', /Arch Linux/],
  ['/etc/os-release', 'SUSE', /suse/i],
  ['/etc/SuSE-release', 'SUSE', /suse/i],
  ['/etc/gentoo-release', 'Gentoo', /./],
  ['/etc/os-release', 'Debian', /Debian|Raspbian|Ubuntu|SteamOS|Kali|Parrot|Devuan|Cumulus|Mint|Pop!_OS|Uos|Deepin/],
  ['/etc/lsb-release', 'Debian', /Debian|Raspbian|Ubuntu|SteamOS|Kali|Parrot|Devuan|Cumulus|Mint/],
  ['/etc/os-release', 'Flatcar', /flatcar/i],
];

/**
 * ansible_distribution_file_variety, _path and _parsed: the first release file (Ansible's order) that exists
 * and names its distribution. Only /etc/os-release's content is known here: other files count by existing
 * (their content is what the distribution ships).
 */
export function distFileFacts(all: Lines, osrText: string): Facts {
  const files = new Set(all.get('relfile') ?? []);
  if (osrText) files.add('/etc/os-release');
  for (const [path, variety, holds] of RELEASE_FILES) {
    if (!files.has(path)) continue;
    if (path === '/etc/os-release' && !holds.test(osrText)) continue;
    return {
      ansible_distribution_file_path: path,
      ansible_distribution_file_variety: variety,
      ansible_distribution_file_parsed: true,
    };
  }
  return osrText
    ? {
        ansible_distribution_file_path: '/etc/os-release',
        ansible_distribution_file_variety: 'NA',
        ansible_distribution_file_parsed: true,
      }
    : {};
}

// a VM's DMI names → Ansible's virtualization_type (the common ones)
const VMS: [RegExp, string][] = [
  [/^(KVM|KVM Server|Bochs|AHV)$/, 'kvm'],
  [/^QEMU$/, 'kvm'],
  [/^Amazon EC2$/, 'kvm'],
  [/^OpenStack/, 'openstack'],
  [/^oVirt/, 'oVirt'],
  [/^RHEV/, 'RHEV'],
  [/^(VMware|VMW)/, 'VMware'],
  [/^VirtualBox$|^innotek GmbH$/, 'virtualbox'],
  [/^Xen$|^HVM domU$/, 'xen'],
  [/^Parallels/, 'parallels'],
  [/^Google$/, 'kvm'],
];

/** ansible_virtualization_type / _role / _tech_guest / _tech_host, containers first as Ansible looks. */
export function virtFacts(all: Lines): Facts {
  const guest = new Set<string>();
  let type: string | undefined;
  const found = (t: string) => {
    guest.add(t);
    type ??= t;
  };
  for (const l of all.get('cgroup') ?? []) {
    if (/\/docker(\/|-[0-9a-f]+\.scope)/.test(l)) found('docker');
    if (/\/lxc\/|\/machine\.slice\/machine-lxc/.test(l)) found('lxc');
    if (/\/system\.slice\/containerd\.service/.test(l)) found('containerd');
  }
  const container = first(all, 'container');
  if (container === 'lxc') found('lxc');
  if (container === 'podman') found('podman');
  if (container) found('container');
  const vz = first(all, 'openvz');
  if (vz === 'guest') found('openvz');
  const sd = first(all, 'sdcontainer');
  if (sd) found(sd);
  if (first(all, 'dockerenv')) found('docker');
  if ([...guest].some((g) => ['docker', 'lxc', 'podman', 'openvz', 'containerd'].includes(g)) || sd)
    guest.add('container');
  let role = type ? 'guest' : undefined;
  if (vz === 'host') {
    type ??= 'openvz';
    role ??= 'host';
  }
  for (const name of [first(all, 'dmi.product_name'), first(all, 'dmi.sys_vendor'), first(all, 'dmi.bios_vendor')]) {
    const vm = name === undefined ? undefined : VMS.find(([re]) => re.test(name))?.[1];
    if (!vm) continue;
    guest.add(vm);
    type ??= vm;
    role ??= 'guest';
    break;
  }
  return {
    ansible_virtualization_type: type ?? 'NA',
    ansible_virtualization_role: role ?? 'NA',
    ansible_virtualization_tech_guest: [...guest],
    ansible_virtualization_tech_host: vz === 'host' ? ['openvz'] : [],
  };
}

const octalEscapes = (s: string) =>
  s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));

/** ansible_mounts: the device mounts of /proc/mounts, with statvfs sizes for local ones. */
export function mountFacts(all: Lines): Facts {
  const sizes = new Map<string, Facts>();
  for (const l of all.get('statfs') ?? []) {
    const [mount, frsize, bsize, blocks, bfree, bavail, files, ffree] = l.split('|');
    const n = [frsize, bsize, blocks, bfree, bavail, files, ffree].map(Number);
    if (mount === undefined || n.some((x) => Number.isNaN(x))) continue;
    const [fr, bs, tot, , avail, fi, ff] = n as [number, number, number, number, number, number, number];
    sizes.set(mount, {
      size_total: fr * tot,
      size_available: fr * avail,
      block_size: bs,
      block_total: tot,
      block_available: avail,
      block_used: tot - avail,
      inode_total: fi,
      inode_available: ff,
      inode_used: fi - ff,
    });
  }
  const mounts = (all.get('mount') ?? []).map((l) => {
    const [device, mount, fstype, options] = l.split(' ').map(octalEscapes);
    return { mount, device, fstype, options, ...sizes.get(mount ?? ''), uuid: 'N/A' };
  });
  return { ansible_mounts: mounts };
}

/** ansible_env from the `@env` section: NAME=value lines, a value's newlines sent as \001. Without `_`, the last
 *  command a shell ran (bash exports it to what it starts), which Ansible's env never has. */
export function envFacts(lines: string[]): Facts {
  const env: Record<string, string> = {};
  for (const l of lines) {
    const eq = l.indexOf('=');
    if (eq > 0 && !l.startsWith('_=')) env[l.slice(0, eq)] = l.slice(eq + 1).replace(/\x01/g, '\n');
  }
  return { ansible_env: env };
}
