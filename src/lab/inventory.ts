// The site `up` writes: hosts.yml in Ansible's YAML shape with the groups an HA cluster uses, the lab's
// ssh key and a known_hosts holding the hosts' real keys (so strict host-key checking stays on).
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  readdirSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { KplayError } from '../core/errors.js';

export const MARKER = '.kplay-lab';

export interface InventoryHost {
  name: string;
  ip: string;
  hostKey: string; // "ssh-ed25519 AAAA..."
}

export interface InventoryInput {
  prefix: string;
  hosts: InventoryHost[];
  vip: string;
  keyFile: string; // the private key to copy in
}

/** Groups: first 3 hosts etcd + kube_master, the rest kube_node; ex_lb on two hosts (the last two when
 * there are at least 2 hosts outside the masters, else the first two). */
export function layout(names: string[]): { etcd: string[]; master: string[]; node: string[]; lb: string[] } {
  const master = names.slice(0, 3);
  const node = names.slice(3);
  const lb = node.length >= 2 ? node.slice(-2) : names.slice(0, 2);
  return { etcd: master, master, node, lb };
}

export function hostsYaml(dir: string, inp: InventoryInput): string {
  const abs = resolve(dir);
  const key = join(abs, 'id_ed25519');
  const kh = join(abs, 'known_hosts');
  const g = layout(inp.hosts.map((h) => h.name));
  const members = (list: string[], vars?: (n: string, i: number) => Record<string, unknown>) =>
    Object.fromEntries(list.map((n, i) => [n, vars ? vars(n, i) : {}]));
  const doc = {
    all: {
      vars: {
        ansible_user: 'root',
        ansible_ssh_private_key_file: key,
        ansible_ssh_common_args: `-o UserKnownHostsFile=${kh} -o StrictHostKeyChecking=yes`,
        lab_prefix: inp.prefix,
      },
      hosts: Object.fromEntries(inp.hosts.map((h) => [h.name, { ansible_host: h.ip }])),
      children: {
        etcd: { hosts: members(g.etcd) },
        kube_master: { hosts: members(g.master) },
        kube_node: { hosts: members(g.node) },
        ex_lb: {
          hosts: members(g.lb, (_n, i) => ({ LB_ROLE: i === 0 ? 'master' : 'backup' })),
          vars: { EX_APISERVER_VIP: inp.vip, EX_APISERVER_PORT: 8443 },
        },
      },
    },
  };
  return (
    `# Written by \`kplay lab up\` (lab "${inp.prefix}"); \`kplay lab down\` removes it.\n` +
    `${stringify(doc, { lineWidth: 0 })}`
  );
}

export function knownHosts(hosts: InventoryHost[]): string {
  return hosts.map((h) => `${h.ip},${h.name} ${h.hostKey}`).join('\n') + '\n';
}

/** Refuses to write over a folder that is not a lab site, or that belongs to another lab. */
export function checkInventoryDir(dir: string, prefix: string, otherLabRunning: (p: string) => boolean): void {
  if (!existsSync(dir)) return;
  const marker = join(dir, MARKER);
  const entries = readdirSync(dir);
  if (!existsSync(marker)) {
    if (entries.length === 0) return;
    throw new KplayError(`${dir} exists and is not a lab site; not writing over it`, {
      code: 'OPTIONS',
      hint: 'choose another folder with --inventory',
    });
  }
  const owner = readFileSync(marker, 'utf8').trim();
  if (owner !== prefix && otherLabRunning(owner)) {
    throw new KplayError(`${dir} holds the site of lab "${owner}", which is running`, {
      code: 'OPTIONS',
      hint: `give this lab its own folder with --inventory, or take "${owner}" down first`,
    });
  }
}

export function writeInventory(dir: string, inp: InventoryInput): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, MARKER), `${inp.prefix}\n`);
  const key = join(dir, 'id_ed25519');
  rmSync(key, { force: true });
  copyFileSync(inp.keyFile, key);
  chmodSync(key, 0o600);
  writeFileSync(`${key}.pub`, readFileSync(`${inp.keyFile}.pub`));
  writeFileSync(join(dir, 'known_hosts'), knownHosts(inp.hosts));
  writeFileSync(join(dir, 'hosts.yml'), hostsYaml(dir, inp));
}

/** Removes what writeInventory wrote (only if the folder is this lab's), and the folder when left empty. */
export function removeInventory(dir: string, prefix: string): void {
  const marker = join(dir, MARKER);
  if (!existsSync(marker) || readFileSync(marker, 'utf8').trim() !== prefix) return;
  for (const f of ['hosts.yml', 'known_hosts', 'id_ed25519', 'id_ed25519.pub', MARKER])
    rmSync(join(dir, f), { force: true });
  try {
    rmdirSync(dir);
  } catch {
    /* the user put something else there */
  }
}
