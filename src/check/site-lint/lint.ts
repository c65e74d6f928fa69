// The checks of a site's settings against what a playbook knows (known.ts): a setting nothing reads is an
// unknown setting, with the nearest known name; a kubeasz setting kplay does not honour says why. A name
// the playbook reads is never reported, even when kubeasz-settings.ts lists it: reading it is honouring it.
import { didYouMean } from '../../core/errors.js';
import type { Loc } from '../../core/loc.js';
import { ENGINE_NAMES } from './ansible-names.js';
import { KUBEASZ_NOT_HONOURED } from './kubeasz-settings.js';
import type { NameSets } from './names-in.js';
import type { SiteSetting } from './settings.js';

export type FindingKind = 'unknown' | 'kubeasz';

/** One problem, reported once, at every place it is written. */
export interface Finding {
  kind: FindingKind;
  name: string;
  message: string;
  locs: Loc[];
}

/** Is `name` read or defined by the playbook, or read by the engine itself? */
export function isKnown(name: string, known: NameSets): boolean {
  return known.read.has(name) || known.defined.has(name) || ENGINE_NAMES.has(name);
}

/** Names worth suggesting: defined ones, the engine's, and read ones long enough to be a variable. */
function suggestions(known: NameSets): string[] {
  const read = [...known.read].filter((n) => n.length >= 4);
  return [...new Set([...known.defined, ...ENGINE_NAMES, ...read])].sort();
}

const lowerCase = (s: string) => s === s.toLowerCase();

/** The nearest known name (core/errors.ts's distance ignores case); at equal distance one written in the same
 *  case wins: `k8s_nodname` suggests `k8s_nodename`, not `K8S_NODENAME`. */
function nearest(name: string, candidates: string[]): string | undefined {
  const same = candidates.filter((c) => lowerCase(c) === lowerCase(name));
  const other = candidates.filter((c) => lowerCase(c) !== lowerCase(name));
  return didYouMean(name, [...same, ...other]);
}

const locOrder = (x: Loc | undefined, y: Loc | undefined) => {
  if (!x || !y) return x ? -1 : y ? 1 : 0;
  return x.file.localeCompare(y.file) || x.line - y.line || x.col - y.col;
};
const byPlace = (a: Finding, b: Finding) => locOrder(a.locs[0], b.locs[0]);

const sameLoc = (a: Loc, b: Loc) => a.file === b.file && a.line === b.line && a.col === b.col;

export function lintSettings(
  settings: SiteSetting[],
  known: NameSets,
  notHonoured: ReadonlyMap<string, string> = KUBEASZ_NOT_HONOURED,
): Finding[] {
  const byName = new Map<string, Loc[]>();
  for (const s of settings) {
    if (isKnown(s.name, known)) continue;
    const locs = byName.get(s.name) ?? [];
    if (s.loc && !locs.some((l) => sameLoc(l, s.loc!))) locs.push(s.loc);
    byName.set(s.name, locs);
  }
  let candidates: string[] | undefined;
  const out: Finding[] = [];
  for (const [name, locs] of byName) {
    locs.sort(locOrder);
    const reason = notHonoured.get(name);
    if (reason !== undefined) {
      out.push({ kind: 'kubeasz', name, locs, message: `kubeasz setting ${name} is not honoured by kplay: ${reason}` });
      continue;
    }
    candidates ??= suggestions(known);
    const near = nearest(name, candidates);
    out.push({
      kind: 'unknown',
      name,
      locs,
      message: `unknown setting ${name}, read by nothing${near ? ` (did you mean ${near}?)` : ''}`,
    });
  }
  return out.sort(byPlace);
}

const at = (l: Loc) => `${l.file}:${l.line}:${l.col}`;

/** `file:line:col: message (also set at ...)`, as every kplay problem reads. */
export function formatFinding(f: Finding): string {
  const [first, ...rest] = f.locs;
  const more =
    rest.length > 4 ? `${rest.slice(0, 4).map(at).join(', ')} and ${rest.length - 4} more` : rest.map(at).join(', ');
  return `${first ? `${at(first)}: ` : ''}${f.message}${more ? ` (also set at ${more})` : ''}`;
}
