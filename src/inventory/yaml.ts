// The YAML (and JSON) inventory in Ansible's shape: top-level keys are groups (usually just `all`), each with
// `hosts`, `children` and `vars`, nested to any depth, host names with ranges and `:port`. Where Ansible only
// warns and skips (an unknown key, a group given as a list), kplay stops with the place and a suggestion.
import { didYouMean, type Loc } from '../core/errors.js';
import type { InventoryBuilder } from './model.js';
import { expandRanges, hasRange, RangeProblem, splitPort } from './ranges.js';
import { keyLoc, locOf, valueLoc } from '../core/places.js';
import { textOf } from '../core/source-text.js';

export const SECTIONS = ['hosts', 'children', 'vars'];

function kind(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `a ${typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'boolean' : 'string'} (${JSON.stringify(v)})`;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Read one parsed YAML inventory document into the builder. */
export function readYamlInventory(b: InventoryBuilder, file: string, data: unknown): void {
  const problems = b.problems;
  if (data === null || data === undefined) {
    b.warnings.push(`${file}: the inventory file is empty`);
    return;
  }
  if (!isMap(data)) {
    problems.add(`a YAML inventory must be a mapping of groups (like "all:"), got ${kind(data)}`, {
      code: 'INVENTORY',
      loc: locOf(data) ?? { file, line: 1, col: 1 },
    });
    return;
  }
  if ('plugin' in data) {
    problems.add('inventory plugin configuration files ("plugin:") are not supported; list hosts and groups instead', {
      code: 'INVENTORY',
      loc: keyLoc(data, 'plugin'),
    });
    return;
  }
  for (const name of Object.keys(data)) readGroup(b, file, name, data[name], keyLoc(data, name), valueLoc(data, name));
}

function readGroup(
  b: InventoryBuilder,
  file: string,
  name: string,
  body: unknown,
  at: Loc | undefined,
  bodyAt: Loc | undefined,
): boolean {
  const problems = b.problems;
  if (body !== null && body !== undefined && !isMap(body)) {
    problems.add(`group "${name}" must be a mapping with hosts, children or vars, got ${kind(body)}`, {
      code: 'INVENTORY',
      loc: bodyAt ?? at,
    });
    return false;
  }
  b.addGroup(name, at);
  if (!body) return true;
  for (const key of Object.keys(body)) {
    let value = body[key];
    const kAt = keyLoc(body, key);
    const vAt = valueLoc(body, key);
    if (!SECTIONS.includes(key)) {
      const guess = didYouMean(key, SECTIONS);
      problems.add(`unknown key "${key}" in group "${name}": a group has only hosts, children and vars`, {
        code: 'INVENTORY',
        loc: kAt,
        hint: guess ? `did you mean "${guess}"?` : undefined,
      });
      continue;
    }
    if (typeof value === 'string') value = { [value]: null }; // Ansible allows `hosts: name`
    if (value === null || value === undefined) continue;
    if (!isMap(value)) {
      const example = key === 'hosts' ? ' (write "host1:" on its own line, not "- host1")' : '';
      problems.add(`"${key}" of group "${name}" must be a mapping, got ${kind(value)}${example}`, {
        code: 'INVENTORY',
        loc: vAt,
      });
      continue;
    }
    const section = value;
    const fromText = section === body[key]; // not the string shorthand
    const kl = (k: string) => (fromText ? keyLoc(section, k) : vAt);
    const vl = (k: string) => (fromText ? valueLoc(section, k) : vAt);
    if (key === 'vars') {
      for (const v of Object.keys(section)) b.setGroupVar(name, v, section[v], kl(v));
    } else if (key === 'children') {
      for (const child of Object.keys(section)) {
        if (readGroup(b, file, child, section[child], kl(child), vl(child))) b.addChild(name, child, kl(child));
      }
    } else {
      for (const pattern of Object.keys(section))
        readHost(b, file, name, pattern, section[pattern], kl(pattern), vl(pattern));
    }
  }
  return true;
}

function readHost(
  b: InventoryBuilder,
  file: string,
  group: string,
  pattern: string,
  vars: unknown,
  at: Loc | undefined,
  varsAt: Loc | undefined,
): void {
  const problems = b.problems;
  if (vars !== null && vars !== undefined && !isMap(vars)) {
    problems.add(`variables of host "${pattern}" must be a mapping, got ${kind(vars)}`, {
      code: 'INVENTORY',
      loc: varsAt ?? at,
    });
    return;
  }
  const { name, port } = splitPort(pattern);
  let names: string[];
  try {
    names = hasRange(name) ? expandRanges(name) : [name];
  } catch (e) {
    if (!(e instanceof RangeProblem)) throw e;
    problems.add(e.message, { code: 'INVENTORY', loc: at && { ...at, col: at.col + e.offset + quoteShift(at) } });
    return;
  }
  for (const n of names) {
    b.addHost(n, group, port, file, at);
    if (vars) for (const k of Object.keys(vars)) b.setHostVar(n, k, vars[k], keyLoc(vars, k) ?? at);
  }
}

/** A quoted key starts one column before its text. */
function quoteShift(at: Loc): number {
  return /^["']/.test(lineAt(at)) ? 1 : 0;
}

function lineAt(at: Loc): string {
  const line = textOf(at.file)?.split(/\r?\n/)[at.line - 1] ?? '';
  return line.slice(at.col - 1);
}
