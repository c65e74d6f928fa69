// apt's cache: what `apt-cache policy` says (installed, candidate and known versions per package), when the
// cache was last refreshed (the mtime of /var/lib/apt/periodic/update-success-stamp, else of
// /var/lib/apt/lists), and the change that refreshes it (`apt-get update`, then the stamp is touched, so
// cache_valid_time holds on the next run). Used by apt (and package) and apt_repository.
import { posix } from 'node:path';
import type { Change, FactReader } from '../contract.js';
import { taskFailed } from '../lib/fsattrs.js';

export const APT_ENV = { DEBIAN_FRONTEND: 'noninteractive', APT_LISTCHANGES_FRONTEND: 'none' };
export const STAMP = '/var/lib/apt/periodic/update-success-stamp';
export const LISTS = '/var/lib/apt/lists';

export interface PolicyEntry {
  installed?: string | undefined;
  candidate?: string | undefined;
  /** Known versions, as apt-cache lists them (highest first). */
  versions: string[];
}

export function parsePolicy(out: string): Map<string, PolicyEntry> {
  const m = new Map<string, PolicyEntry>();
  let cur: PolicyEntry | undefined;
  let inTable = false;
  for (const line of out.split('\n')) {
    const head = /^(\S+):$/.exec(line);
    if (head) {
      cur = { versions: [] };
      m.set(head[1]!.replace(/:.*$/, ''), cur);
      inTable = false;
      continue;
    }
    if (!cur) continue;
    const kv = /^ {2}(Installed|Candidate): (.*)$/.exec(line);
    if (kv) {
      const v = kv[2]!.trim() === '(none)' ? undefined : kv[2]!.trim();
      if (kv[1] === 'Installed') cur.installed = v;
      else cur.candidate = v;
      continue;
    }
    if (/^ {2}Version table:/.test(line)) {
      inTable = true;
      continue;
    }
    const ver = inTable ? /^ (?:\*\*\*| {3}) (\S+) -?\d+$/.exec(line) : null;
    if (ver && !cur.versions.includes(ver[1]!)) cur.versions.push(ver[1]!);
  }
  return m;
}

export async function aptPolicy(facts: FactReader, names: string[]): Promise<Map<string, PolicyEntry>> {
  if (names.length === 0) return new Map();
  const r = await facts.probe(['apt-cache', 'policy', ...names]);
  if (r.rc !== 0) throw taskFailed(`apt-cache policy failed: ${r.stderr.trim()}`);
  return parsePolicy(r.stdout);
}

/** When the apt cache was last refreshed (seconds since the epoch; 0 when never). */
export async function cacheTime(facts: FactReader): Promise<number> {
  const stamp = await facts.stat(STAMP, { follow: true });
  if (stamp.exists) return stamp.mtime ?? 0;
  const lists = await facts.stat(LISTS, { follow: true });
  return lists.exists ? (lists.mtime ?? 0) : 0;
}

/** The cache refresh, marked so the re-plan after it ran (HostView.applied) does not ask for it again. */
export function updateChange(module: string): Change {
  return {
    mark: { key: 'apt-update' },
    summary: `${module}: update the apt cache`,
    actions: [
      { exec: ['apt-get', 'update', '-q'], env: APT_ENV },
      { exec: ['mkdir', '-p', posix.dirname(STAMP)] },
      { exec: ['touch', STAMP] },
    ],
    touches: [`file:${LISTS}/`, `file:${STAMP}`],
  };
}
