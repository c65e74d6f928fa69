// Digests a plan file keeps instead of values: of what a plan read on a host (compared again at apply), and of
// the bytes a change writes. Text that holds a secret is digested with the secrets masked (its drift is then
// caught by the plan made again at apply), so a digest never stands for a secret.
import { createHash } from 'node:crypto';
import { holdsSecret, redact } from '../../core/secrets.js';
import type { Action, ProbeResult, StatInfo } from '../../tasks/contract.js';
import type { ActionShape } from './format.js';

export const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/** Text up to this size is searched for secrets; larger or binary bytes (a NUL near the start: the binaries a
 *  run pushes, read once and shared by every host) are shipped files, digested as they are. */
const SCAN_LIMIT = 1 << 20;
const isText = (b: Buffer) => b.length <= SCAN_LIMIT && !b.subarray(0, 8192).includes(0);
const secretIn = new WeakMap<Buffer, boolean>();

/** Whether bytes hold a secret (text only; remembered per Buffer, which a run shares between hosts). */
function holds(b: Buffer): boolean {
  let hit = secretIn.get(b);
  if (hit === undefined) secretIn.set(b, (hit = isText(b) && holdsSecret(b.toString('utf8'))));
  return hit;
}

const digests = new WeakMap<Buffer, string>();
const textDigest = (b: Buffer): string => {
  let d = digests.get(b);
  if (d === undefined) digests.set(b, (d = sha(holds(b) ? redact(b.toString('utf8')) : b)));
  return d;
};

/** What of a stat a plan depends on (a folder's mtime and size move with what is in it: not kept; a busy /tmp
 *  above a planned path would refuse every apply). */
export function statDigest(st: StatInfo): string {
  const { exists, isdir, isreg, islnk, lnk_target, mode, uid, gid, checksum } = st;
  const mtime = st.isreg ? st.mtime : undefined;
  const size = st.isdir ? undefined : st.size;
  return sha(JSON.stringify([exists, isdir, isreg, islnk, lnk_target, mode, uid, gid, size, checksum, mtime]));
}

export const readDigest = (b: Buffer | undefined): string => (b === undefined ? 'missing' : textDigest(b));

/** A command's answer: its exit code and output, or of a Key=Value answer only the keys the plan uses. */
export function probeDigest(r: ProbeResult, keys?: string[]): string {
  const out = keys
    ? r.stdout
        .split('\n')
        .filter((l) => keys.includes(l.slice(0, l.indexOf('='))))
        .sort()
        .join('\n')
    : r.stdout;
  return textDigest(Buffer.from(`${r.rc}\n${out}`));
}

/** An action as the plan file keeps it: no bytes, argv and names with secrets masked. */
export function actionShape(a: Action, anew: boolean): ActionShape {
  const content = (b: Buffer) => (anew ? 'anew' : holds(b) ? 'secret' : textDigest(b));
  if ('exec' in a) return { exec: a.exec.map(redact) };
  if ('put' in a) return { put: a.put, mode: a.mode, owner: a.owner, group: a.group, content: content(a.content) };
  if ('remove' in a) return { remove: a.remove, recurse: !!a.recurse };
  return { controllerPut: a.controllerPut, content: content(a.content) };
}

/** Where two shapes differ ('' when they match): bytes marked secret or anew are compared by their shape. */
export function shapeDiffers(planned: ActionShape, now: ActionShape): string {
  const loose = planned.content === 'secret' || planned.content === 'anew';
  const a = { ...planned, content: loose ? undefined : planned.content };
  const b = { ...now, content: loose ? undefined : now.content };
  if (JSON.stringify(a) === JSON.stringify(b)) return '';
  const what = a.put ?? a.remove ?? a.controllerPut ?? a.exec?.join(' ') ?? '?';
  return a.content !== b.content ? `the bytes of ${what} differ` : `${what} differs`;
}
