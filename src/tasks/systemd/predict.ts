// Check mode for units: the unit files a plan reads are as the earlier planned changes leave them (the reader's
// predicted state), while `systemctl show` answers from the running systemd, which has not seen them yet. Here
// the two are put together: a unit whose file an earlier task would write is loaded from it (inactive, enabled
// only through [Install]); a loaded unit whose files would change needs a daemon-reload. And each plan says
// what `systemctl show` will answer once its changes are made, so a later task on the unit reads that.
import type { Change, FactReader } from '../contract.js';

/** Marks a `systemctl show` answer that a planned change predicted: systemd loaded the unit files as planned. */
export const PREDICTED = 'KplayPredicted';

export const UNIT_DIRS = [
  '/etc/systemd/system',
  '/run/systemd/system',
  '/usr/local/lib/systemd/system',
  '/lib/systemd/system',
  '/usr/lib/systemd/system',
];
/** The user manager's (scope user and global; a user's own ~/.config/systemd/user is not looked at). */
const USER_DIRS = ['/etc/systemd/user', '/run/systemd/user', '/usr/local/lib/systemd/user', '/usr/lib/systemd/user'];

export type Scope = 'system' | 'user' | 'global';
const dirsOf = (scope: Scope) => (scope === 'system' ? UNIT_DIRS : USER_DIRS);

/** What a check-mode prediction of the unit's state is read from: its files and its admin drop-in folder. */
export function unitReads(unit: string, status: Record<string, string>, scope: Scope): string[] {
  const files = [status.FragmentPath, ...(status.DropInPaths ?? '').split(/\s+/)].filter((p) => p?.startsWith('/'));
  return [...files.map((p) => `file:${p}`), `file:${dirsOf(scope)[0]}/${unit}`, `file:${dirsOf(scope)[0]}/${unit}.d/`];
}

/** The unit's files read (recorded for check mode), and its state as it will be when earlier changes are made. */
export async function unitAsPlanned(
  facts: FactReader,
  check: boolean,
  unit: string,
  status: Record<string, string>,
  found: boolean,
  scope: Scope = 'system',
): Promise<Record<string, string>> {
  if (found) {
    const paths = [status.FragmentPath, ...(status.DropInPaths ?? '').split(/\s+/)].filter(
      (p): p is string => !!p && p.startsWith('/'),
    );
    const sts = await Promise.all(paths.map((p) => facts.stat(p, { follow: false })));
    if (!check || status[PREDICTED]) return status;
    // a drop-in an earlier task would add (its folder holds something planned) changes the unit too
    const dropIns = await facts.stat(`${dirsOf(scope)[0]}/${unit}.d`, { follow: false });
    return sts.some((s) => s.planned) || dropIns.planned ? { ...status, NeedDaemonReload: 'yes' } : status;
  }
  // the first unit folder that has it is where systemd will load it from
  for (const d of dirsOf(scope)) {
    const st = await facts.stat(`${d}/${unit}`, { follow: false });
    if (!st.exists) continue;
    if (!check || !st.planned) return status;
    const text = (await facts.read(st.path))?.toString() ?? '';
    return {
      ...status,
      LoadState: 'loaded',
      FragmentPath: st.path,
      UnitFileState: installable(text) ? 'disabled' : alsoOnly(text) ? 'indirect' : 'static',
      ActiveState: 'inactive',
      SubState: 'dead',
      NeedDaemonReload: 'no',
      // systemd has not loaded it yet: its drop-ins are read with it, and no reload is needed
      [PREDICTED]: 'yes',
    };
  }
  return status;
}

/** Does a unit file have an [Install] section that enable links (WantedBy, RequiredBy, UpheldBy, Alias)? */
export function installable(text: string): boolean {
  return installKeys(text).some((k) => k !== 'Also');
}

/** Only Also= in [Install]: systemd calls the unit `indirect`. */
const alsoOnly = (text: string) => installKeys(text).length > 0 && !installable(text);

function installKeys(text: string): string[] {
  let inInstall = false;
  const keys: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) inInstall = line === '[Install]';
    else if (inInstall) {
      const m = /^(WantedBy|RequiredBy|UpheldBy|Alias|Also)\s*=\s*\S/.exec(line);
      if (m) keys.push(m[1]!);
    }
  }
  return keys;
}

const AFTER: Record<string, Record<string, string>> = {
  start: { ActiveState: 'active', SubState: 'running' },
  restart: { ActiveState: 'active', SubState: 'running' },
  reload: { ActiveState: 'active', SubState: 'running' },
  stop: { ActiveState: 'inactive', SubState: 'dead' },
  enable: { UnitFileState: 'enabled' },
  disable: { UnitFileState: 'disabled' },
  mask: { UnitFileState: 'masked', LoadState: 'masked' },
  'daemon-reload': { NeedDaemonReload: 'no' },
  'daemon-reexec': {},
};

/** Check mode: the last change says what `systemctl show` answers after all of them (unmasking leaves the
 *  enablement unknown: then nothing is said, and a later reader is uncertain). */
export function predictShow(
  changes: Change[],
  show: string[],
  status: Record<string, string>,
  ctl: number,
  reads: string[] = [],
): void {
  const after = { ...status, [PREDICTED]: 'yes' };
  for (const c of changes) {
    const a = c.actions[0];
    const verb = a && 'exec' in a ? a.exec[ctl] : undefined;
    const set = verb === undefined ? undefined : AFTER[verb];
    if (!set) return;
    Object.assign(after, set);
  }
  const last = changes.at(-1);
  if (!last) return;
  const stdout = `${Object.entries(after)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`;
  last.predicts = [{ probe: show, result: { rc: 0, stdout, stderr: '' }, reads }];
}
