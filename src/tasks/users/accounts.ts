// Module family "users": user and group, with the shadow tools (useradd/usermod/userdel, groupadd/groupmod/
// groupdel). State is read with `getent passwd NAME`, `getent group` (every group: members and ids) and,
// only when a password is managed, `getent shadow NAME`.
import type { FactReader } from '../contract.js';
import { taskFailed } from '../lib/fsattrs.js';

const NAME_RE = /^[A-Za-z0-9_.][A-Za-z0-9_.-]*\$?$/;

export function checkName(kind: string, name: string | undefined): string {
  const n = (name ?? '').trim();
  if (!NAME_RE.test(n) || n.length > 256) throw taskFailed(`${kind}: "${name}" is not a valid ${kind} name`);
  return n;
}

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  comment: string;
  home: string;
  shell: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export const passwdArgv = (name: string) => ['getent', 'passwd', name];
export const GROUPS_ARGV = ['getent', 'group'];
export const groupArgv = (name: string) => ['getent', 'group', name];
export const key = (argv: string[]) => `probe:${argv.join(' ')}`;

export async function getPasswd(facts: FactReader, name: string): Promise<PasswdEntry | undefined> {
  const r = await facts.probe(passwdArgv(name));
  if (r.rc === 2) return undefined;
  if (r.rc !== 0) throw taskFailed(`user: getent passwd ${name} failed (rc=${r.rc}): ${r.stderr.trim()}`);
  const f = r.stdout.trim().split('\n')[0]!.split(':');
  return {
    name: f[0]!,
    uid: Number(f[2]),
    gid: Number(f[3]),
    comment: f[4] ?? '',
    home: f[5] ?? '',
    shell: f[6] ?? '',
  };
}

export function parseGroups(out: string): GroupEntry[] {
  return out
    .split('\n')
    .filter((l) => l.includes(':'))
    .map((l) => {
      const f = l.split(':');
      return {
        name: f[0]!,
        gid: Number(f[2]),
        members: (f[3] ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      };
    });
}

export async function allGroups(facts: FactReader): Promise<GroupEntry[]> {
  const r = await facts.probe(GROUPS_ARGV);
  if (r.rc !== 0) throw taskFailed(`getent group failed (rc=${r.rc}): ${r.stderr.trim()}`);
  return parseGroups(r.stdout);
}

/** A group given by name or number, as the group database has it. */
export function findGroup(groups: GroupEntry[], g: string): GroupEntry | undefined {
  return /^\d+$/.test(g) ? groups.find((x) => x.gid === Number(g)) : groups.find((x) => x.name === g);
}

export const touchesFor = (name: string, home?: string) => [
  key(passwdArgv(name)),
  key(GROUPS_ARGV),
  key(groupArgv(name)),
  key(['getent', 'shadow', name]),
  'file:/etc/passwd',
  'file:/etc/group',
  'file:/etc/shadow',
  `user:${name}`,
  ...(home ? [`file:${home}`] : []),
];
