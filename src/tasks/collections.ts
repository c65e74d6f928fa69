// Which module a collection-style name (FQCN) stands for: an explicit table of the names Ansible's collections
// give, not a prefix strip (`community.general.copy` is no module in Ansible, so it is none here). A name maps
// to kplay's module of the same short name only if that collection has it; any other `ns.collection.name` is a
// module kplay does not implement. Facts from ansible-core 2.14 and the collections Debian ships with it.

/** ansible.builtin's modules and actions. */
// biome-ignore format: a table
const BUILTIN = [
  'add_host', 'apt', 'apt_key', 'apt_repository', 'assemble', 'assert', 'async_status', 'blockinfile', 'command',
  'copy', 'cron', 'debconf', 'debug', 'dnf', 'dpkg_selections', 'expect', 'fail', 'fetch', 'file', 'find',
  'gather_facts', 'get_url', 'getent', 'git', 'group', 'group_by', 'hostname', 'import_playbook', 'import_role',
  'import_tasks', 'include_role', 'include_tasks', 'include_vars', 'iptables', 'known_hosts', 'lineinfile', 'meta',
  'package', 'package_facts', 'pause', 'ping', 'pip', 'raw', 'reboot', 'replace', 'rpm_key', 'script', 'service',
  'service_facts', 'set_fact', 'set_stats', 'setup', 'shell', 'slurp', 'stat', 'subversion', 'systemd',
  'systemd_service', 'sysvinit', 'tempfile', 'template', 'unarchive', 'uri', 'user', 'validate_argument_spec',
  'wait_for', 'wait_for_connection', 'yum', 'yum_repository',
];

/** ansible.posix's modules (all of them); ansible.builtin redirects the short names marked here. */
// biome-ignore format: a table
const POSIX = [
  'acl', 'at', 'authorized_key', 'firewalld', 'firewalld_info', 'mount', 'patch', 'rhel_facts', 'rhel_rpm_ostree',
  'rpm_ostree_upgrade', 'seboolean', 'selinux', 'synchronize', 'sysctl',
];
// biome-ignore format: a table
const POSIX_REDIRECTED = [
  'acl', 'at', 'authorized_key', 'firewalld', 'mount', 'patch', 'seboolean', 'selinux', 'synchronize', 'sysctl',
];

/** community.general's modules that Linux sites' roles call (the collection has some 500 more; each of these
 *  is also a short name ansible.builtin redirects to it). */
// biome-ignore format: a table
const COMMUNITY_GENERAL = [
  'alternatives', 'capabilities', 'filesystem', 'ini_file', 'kernel_blacklist', 'locale_gen', 'lvg', 'lvol',
  'make', 'modprobe', 'nmcli', 'open_iscsi', 'pam_limits', 'parted', 'sefcontext', 'seport', 'timezone', 'ufw',
];

const COLLECTIONS: Record<string, ReadonlySet<string>> = {
  'ansible.builtin': new Set([...BUILTIN, ...POSIX_REDIRECTED, ...COMMUNITY_GENERAL]),
  'ansible.posix': new Set(POSIX),
  'community.general': new Set(COMMUNITY_GENERAL),
};

/** A collection-qualified name: namespace.collection.name, each part a word. */
const FQCN = /^([A-Za-z_]\w*)\.([A-Za-z_]\w*)\.([A-Za-z_]\w*)$/;

export function isFqcn(name: string): boolean {
  return FQCN.test(name);
}

/** The short name an FQCN stands for, or undefined when no collection kplay knows has that module. A name
 *  without a collection is returned as it is. ansible.legacy is ansible.builtin plus the playbook's library/
 *  modules (and kplay's own, which play that part here); `kplay.` names any kplay module. */
export function shortModuleName(name: string): string | undefined {
  if (/^kplay\.[A-Za-z_]\w*$/.test(name)) return name.slice(6);
  const m = FQCN.exec(name);
  if (!m) return name.includes('.') ? undefined : name;
  const [, ns, coll, short] = m as unknown as [string, string, string, string];
  const collection = `${ns}.${coll}`;
  if (collection === 'ansible.legacy') return short;
  return COLLECTIONS[collection]?.has(short) ? short : undefined;
}

/** Every collection-qualified name that stands for the module `short`: its collections' names, and
 *  ansible.legacy's and kplay's, which name any module. */
export function qualifiedNames(short: string): string[] {
  const homes = Object.keys(COLLECTIONS).filter((c) => COLLECTIONS[c]!.has(short));
  return [...homes, 'ansible.legacy', 'kplay'].map((c) => `${c}.${short}`);
}

/** The FQCN Ansible gives a short name (its home collection), for "did you mean"; undefined for kplay's own. */
export function homeFqcn(short: string): string | undefined {
  if (BUILTIN.includes(short)) return `ansible.builtin.${short}`;
  if (POSIX.includes(short)) return `ansible.posix.${short}`;
  if (COMMUNITY_GENERAL.includes(short)) return `community.general.${short}`;
  return undefined;
}
