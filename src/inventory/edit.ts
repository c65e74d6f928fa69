// Edits a site's inventory file for the day-2 verbs (`kplay cluster add-node`, `del-node`): one host line
// added to a group or taken out of it, everything else byte for byte as it was (comments, order, blank lines,
// quoting). INI (kubeasz's `hosts`): the host line goes after the group's last host line. YAML: the text is
// spliced at the positions the YAML parser reports, so the rest of the file is never re-serialised.
import { isMap, isPair, isScalar, parseDocument, stringify, type Pair, type YAMLMap } from 'yaml';
import { KplayError } from '../core/errors.js';
import { shellSplit } from '../core/shlex.js';
import { looksLikeYaml } from './sniff.js';

/** A host's variables as the command line gives them: KEY=VALUE words. */
export type HostVarWords = string[];

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:[#;].*)?$/;
const VAR_WORD = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;

function editError(msg: string, file: string, hint?: string): KplayError {
  return new KplayError(msg, { code: 'INVENTORY', loc: { file, line: 1, col: 1 }, hint });
}

/** KEY=VALUE words checked: every word has a name and an `=`. */
export function parseVarWords(words: HostVarWords): [string, string][] {
  return words.map((w) => {
    const m = VAR_WORD.exec(w);
    if (!m) throw new KplayError(`a host variable is KEY=VALUE, got ${JSON.stringify(w)}`, { code: 'OPTIONS' });
    return [m[1]!, m[2]!];
  });
}

/** The text with `host` added to `group`. */
export function addHost(file: string, text: string, group: string, host: string, vars: HostVarWords = []): string {
  const pairs = parseVarWords(vars);
  return looksLikeYaml(file, text) ? yamlAdd(file, text, group, host, pairs) : iniAdd(file, text, group, host, pairs);
}

/** The text with `host` taken out of `group` (its other groups keep it). */
export function removeHost(file: string, text: string, group: string, host: string): string {
  return looksLikeYaml(file, text) ? yamlRemove(file, text, group, host) : iniRemove(file, text, group, host);
}

// ---- INI ----

/** The lines of `[group]` (its hosts section): [header index, end index (exclusive)]. */
function iniSection(file: string, lines: string[], group: string): [number, number] {
  const h = lines.findIndex((l) => {
    const m = SECTION.exec(l.trim());
    return m !== null && m[1] === group && (m[2] ?? 'hosts') === 'hosts';
  });
  if (h < 0) throw editError(`${file} has no [${group}] section`, file, `add a [${group}] line to it`);
  let e = h + 1;
  while (e < lines.length && !SECTION.test(lines[e]!.trim())) e++;
  return [h, e];
}

const isHostLine = (l: string) => {
  const t = l.trim();
  return t !== '' && !t.startsWith('#') && !t.startsWith(';');
};
const hostOfLine = (l: string) => shellSplit(l.trim()).tokens[0]?.text;

const iniValue = (v: string) => (/^[\w.:/@,+-]*$/.test(v) && v !== '' ? v : `'${v.replaceAll("'", "'\\''")}'`);

function iniAdd(file: string, text: string, group: string, host: string, vars: [string, string][]): string {
  const lines = text.split('\n');
  const [h, e] = iniSection(file, lines, group);
  let last = h;
  for (let i = h + 1; i < e; i++)
    if (isHostLine(lines[i]!)) {
      if (hostOfLine(lines[i]!) === host) throw editError(`${host} is already in [${group}] of ${file}`, file);
      last = i;
    }
  const eol = lines[h]!.endsWith('\r') ? '\r' : '';
  lines.splice(last + 1, 0, [host, ...vars.map(([k, v]) => `${k}=${iniValue(v)}`)].join(' ') + eol);
  return lines.join('\n');
}

function iniRemove(file: string, text: string, group: string, host: string): string {
  const lines = text.split('\n');
  const [h, e] = iniSection(file, lines, group);
  for (let i = h + 1; i < e; i++)
    if (isHostLine(lines[i]!) && hostOfLine(lines[i]!) === host) {
      lines.splice(i, 1);
      return lines.join('\n');
    }
  throw editError(`${host} is not in [${group}] of ${file}`, file);
}

// ---- YAML ----

const keyOf = (p: Pair) => (isScalar(p.key) ? String(p.key.value) : undefined);

/** The pair `group: ...` under a `children:` map (or at the top), as Ansible's YAML inventory nests groups. */
function findGroup(map: YAMLMap, group: string, top = true): Pair | undefined {
  for (const p of map.items) {
    if (!isPair(p)) continue;
    const k = keyOf(p);
    if (top && k === group) return p;
    if (!isMap(p.value)) continue;
    for (const q of p.value.items) {
      if (!isPair(q) || keyOf(q) !== 'children' || !isMap(q.value)) continue;
      const direct = q.value.items.find((c) => isPair(c) && keyOf(c) === group);
      if (direct) return direct as Pair;
      const deeper = findGroup(q.value, group, false);
      if (deeper) return deeper;
    }
  }
  return undefined;
}

const lineStart = (text: string, at: number) => text.lastIndexOf('\n', at - 1) + 1;
const lineEnd = (text: string, at: number) => {
  const n = text.indexOf('\n', at);
  return n < 0 ? text.length : n;
};
const indentAt = (text: string, at: number) => at - lineStart(text, at);
/** Where a pair's own text ends: its value's end, or its key's when it has no value. */
const pairEnd = (p: Pair) => {
  const v = p.value as { range?: [number, number, number] } | null;
  const k = p.key as { range?: [number, number, number] };
  return Math.max(k.range![1], v?.range ? v.range[1] : 0);
};

function yamlGroup(file: string, text: string, group: string) {
  const doc = parseDocument(text);
  if (doc.errors.length > 0 || !isMap(doc.contents))
    throw editError(`${file} is not a YAML inventory kplay can edit: ${doc.errors[0]?.message ?? 'not a map'}`, file);
  const g = findGroup(doc.contents, group);
  if (!g) throw editError(`${file} has no group ${group}`, file, `add ${group}: under all.children`);
  return g;
}

function hostEntry(host: string, vars: [string, string][]): string {
  if (vars.length === 0) return `${host}:`;
  const typed = Object.fromEntries(vars.map(([k, v]) => [k, parseDocument(v).toJS() ?? v]));
  return `${host}: ${stringify(typed, { collectionStyle: 'flow', flowCollectionPadding: false }).trim()}`;
}

function yamlAdd(file: string, text: string, group: string, host: string, vars: [string, string][]): string {
  const g = yamlGroup(file, text, group);
  const gIndent = indentAt(text, (g.key as { range: number[] }).range[0]!);
  const entry = hostEntry(host, vars);
  const splice = (at: number, add: string) => text.slice(0, at) + add + text.slice(at);
  const hostsPair = isMap(g.value) ? g.value.items.find((p) => isPair(p) && keyOf(p) === 'hosts') : undefined;
  if (!hostsPair) {
    if (isMap(g.value) && g.value.flow) throw editError(`${group} in ${file} is a flow map: edit it by hand`, file);
    const at = lineEnd(text, pairEnd(g));
    const pad = isMap(g.value) ? indentAt(text, (g.value.items[0]!.key as { range: number[] }).range[0]!) : gIndent + 2;
    return splice(at, `\n${' '.repeat(pad)}hosts:\n${' '.repeat(pad + 2)}${entry}`);
  }
  const hosts = hostsPair.value;
  if (isMap(hosts) && hosts.flow) throw editError(`${group}.hosts in ${file} is a flow map: edit it by hand`, file);
  if (isMap(hosts) && hosts.items.length > 0) {
    if (hosts.items.some((p) => keyOf(p as Pair) === host)) throw editError(`${host} is already in ${group}`, file);
    const last = hosts.items[hosts.items.length - 1] as Pair;
    const pad = indentAt(text, (last.key as { range: number[] }).range[0]!);
    return splice(lineEnd(text, pairEnd(last) - 1), `\n${' '.repeat(pad)}${entry}`);
  }
  if (!(isScalar(hosts) && hosts.value === null) && hosts !== null)
    throw editError(`${group}.hosts in ${file} is not a map of hosts`, file);
  const hostsKey = hostsPair.key as { range: number[] };
  const at = lineEnd(text, pairEnd(hostsPair as Pair));
  return splice(at, `\n${' '.repeat(indentAt(text, hostsKey.range[0]!) + 2)}${entry}`);
}

function yamlRemove(file: string, text: string, group: string, host: string): string {
  const g = yamlGroup(file, text, group);
  const hosts = isMap(g.value) ? g.value.items.find((p) => isPair(p) && keyOf(p) === 'hosts')?.value : undefined;
  const entry = isMap(hosts) ? (hosts.items.find((p) => keyOf(p as Pair) === host) as Pair | undefined) : undefined;
  if (!entry) throw editError(`${host} is not in ${group} of ${file}`, file);
  if ((hosts as YAMLMap).flow) throw editError(`${group}.hosts in ${file} is a flow map: edit it by hand`, file);
  const from = lineStart(text, (entry.key as { range: number[] }).range[0]!);
  const to = lineEnd(text, pairEnd(entry) - 1);
  return text.slice(0, from) + text.slice(Math.min(text.length, to + 1));
}
