// Which files of a site folder are inventories: Ansible's ignored names and extensions, the files a site keeps
// beside its inventory, and a look at a file's first lines (YAML or INI) before it is read whole.
import { closeSync, openSync, readSync } from 'node:fs';

// Ansible's INVENTORY_IGNORE_EXTS and the names it always skips in an inventory folder.
export const IGNORED_EXTS = [
  '.pyc',
  '.pyo',
  '.swp',
  '.bak',
  '~',
  '.rpm',
  '.md',
  '.txt',
  '.rst',
  '.orig',
  '.ini',
  '.cfg',
  '.retry',
];
export const IGNORED_NAMES = /^(\.|host_vars$|group_vars$|vars_plugins$)/;

/** INI or YAML? By extension; without one, by the first meaningful line (as Ansible tries yaml, then ini). */
export function looksLikeYaml(file: string, text: string): boolean {
  if (/\.(ya?ml|json)$/i.test(file)) return true;
  if (/\.ini$/i.test(file)) return false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    if (line === '---' || line.startsWith('{')) return true;
    return /^[^\s=#[][^=]*:(\s|$)/.test(line);
  }
  return false;
}

// Files a site folder holds beside its inventory (keys, certificates, known_hosts) are never read as one.
export const NOT_INVENTORY = new RegExp(
  '^(known_hosts.*|id_[a-z0-9_]+|authorized_keys|' +
    '.*\\.(pub|pem|key|crt|csr|srl|der|p12|kubeconfig|conf|sh|hbs|j2|tar|gz|tgz|zip))$',
);

/** In a folder, an extensionless file is an INI inventory only when it is called hosts/inventory or starts like one. */
export function looksLikeIni(name: string, text: string): boolean {
  if (/^(hosts|inventory)$/.test(name)) return true;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    return line.startsWith('[');
  }
  return false;
}

/** The first 8 KiB of a file. */
export function head(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(8192);
    return buf.toString('utf8', 0, readSync(fd, buf, 0, buf.length, 0));
  } finally {
    closeSync(fd);
  }
}
