// The INI inventory (kubeasz's `hosts` file) read as Ansible's ini plugin reads it: `[group]`, `[group:vars]`,
// `[group:children]`; host lines split like a POSIX shell (quotes, `#` comments) with `k=v` values typed as
// Python literals; `:vars` values typed as Python literals too (so `"6443"` stays a string, `5` is a number);
// children may name a group declared further down. Every problem is reported with its line and column.
import type { Loc } from '../core/errors.js';
import type { InventoryBuilder } from './model.js';
import { parsePyValue } from './pyliteral.js';
import { expandRanges, hasRange, RangeProblem, splitPort } from './ranges.js';
import { rememberText } from '../core/source-text.js';
import { shellSplit } from '../core/shlex.js';

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/;

interface Pending {
  state: 'vars' | 'children';
  loc: Loc;
  parents: { name: string; loc: Loc }[];
}

/** Read one INI inventory file into the builder. */
export function readIniInventory(b: InventoryBuilder, file: string, text: string): void {
  rememberText(file, text);
  const problems = b.problems;
  const pending = new Map<string, Pending>();
  let group = 'ungrouped';
  let state: 'hosts' | 'vars' | 'children' = 'hosts';
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, idx) => {
    const lineNo = idx + 1;
    const lead = raw.length - raw.trimStart().length;
    const line = raw.trim();
    const at = (offset = 0): Loc => ({ file, line: lineNo, col: lead + offset + 1 });
    if (!line || line[0] === '#' || line[0] === ';') return;
    const m = SECTION.exec(line);
    if (m) {
      const kind = m[2] ?? 'hosts';
      if (kind !== 'hosts' && kind !== 'vars' && kind !== 'children') {
        problems.add(
          `section [${m[1]}:${kind}] has an unknown type "${kind}": ` +
            `use [${m[1]}], [${m[1]}:vars] or [${m[1]}:children]`,
          {
            code: 'INVENTORY',
            loc: at(m[1]!.length + 2),
          },
        );
        group = '\0skip';
        return;
      }
      group = m[1]!;
      state = kind;
      if (!b.groups.has(group)) {
        b.addGroup(group, at(1));
        if (state === 'vars' && !pending.has(group)) pending.set(group, { state: 'vars', loc: at(1), parents: [] });
      }
      const p = pending.get(group);
      if (p && state !== 'vars') {
        if (p.state === 'children') for (const parent of p.parents) b.addChild(parent.name, group, parent.loc);
        pending.delete(group);
      }
      return;
    }
    if (line.startsWith('[') && line.endsWith(']')) {
      problems.add(`invalid section "${line}": a section is [name], [name:vars] or [name:children], with no spaces`, {
        code: 'INVENTORY',
        loc: at(),
      });
      group = '\0skip';
      return;
    }
    if (group === '\0skip') return;
    if (state === 'hosts') hostLine(b, file, group, line, at);
    else if (state === 'vars') {
      const eq = line.indexOf('=');
      if (eq < 0) {
        problems.add(`expected key=value in [${group}:vars], got "${line}"`, { code: 'INVENTORY', loc: at() });
        return;
      }
      const key = line.slice(0, eq).trim();
      if (!key) {
        problems.add(`missing variable name before "=" in [${group}:vars]`, { code: 'INVENTORY', loc: at() });
        return;
      }
      b.setGroupVar(group, key, parsePyValue(line.slice(eq + 1).trim()), at());
    } else {
      const gm = GROUP_NAME.exec(line);
      if (!gm) {
        problems.add(`invalid group name "${line}" in [${group}:children]`, { code: 'INVENTORY', loc: at() });
        return;
      }
      const child = gm[1]!;
      if (b.groups.has(child)) b.addChild(group, child, at());
      else {
        const p = pending.get(child);
        if (p) p.parents.push({ name: group, loc: at() });
        else pending.set(child, { state: 'children', loc: at(), parents: [{ name: group, loc: at() }] });
      }
    }
  });
  for (const [name, p] of pending) {
    if (p.state === 'vars') {
      problems.add(
        `section [${name}:vars] is for a group that is never declared: add [${name}] or [${name}:children]`,
        {
          code: 'INVENTORY',
          loc: p.loc,
        },
      );
    } else {
      for (const parent of p.parents) {
        problems.add(`section [${parent.name}:children] names a group that is never declared: ${name}`, {
          code: 'INVENTORY',
          loc: parent.loc,
        });
      }
    }
  }
}

function hostLine(b: InventoryBuilder, file: string, group: string, line: string, at: (offset?: number) => Loc): void {
  const problems = b.problems;
  const { tokens, error } = shellSplit(line);
  if (error) {
    problems.add(`cannot split the host line: ${error.message}`, { code: 'INVENTORY', loc: at(error.offset) });
    return;
  }
  if (tokens.length === 0) return;
  const first = tokens[0]!;
  const { name, port } = splitPort(first.text);
  if (first.text.endsWith(':') && port === undefined) {
    problems.add(`host "${first.text}" ends in ":", which is kept for a port (host:port)`, {
      code: 'INVENTORY',
      loc: at(first.start),
    });
    return;
  }
  if (name === '---') {
    problems.add(`"---" is not a host: this looks like a YAML file; name it *.yml`, {
      code: 'INVENTORY',
      loc: at(first.start),
    });
    return;
  }
  let names: string[];
  try {
    names = hasRange(name) ? expandRanges(name) : [name];
  } catch (e) {
    if (!(e instanceof RangeProblem)) throw e;
    problems.add(e.message, { code: 'INVENTORY', loc: at(first.start + e.offset) });
    return;
  }
  const vars: [string, unknown, Loc][] = [];
  for (const t of tokens.slice(1)) {
    const eq = t.text.indexOf('=');
    if (eq <= 0) {
      problems.add(
        eq < 0
          ? `expected key=value after the host name, got "${t.text}"`
          : `missing variable name before "=" in "${t.text}"`,
        { code: 'INVENTORY', loc: at(t.start) },
      );
      continue;
    }
    vars.push([t.text.slice(0, eq), parsePyValue(t.text.slice(eq + 1)), at(t.start)]);
  }
  for (const n of names) {
    b.addHost(n, group, port, file, at(first.start));
    for (const [k, v, loc] of vars) b.setHostVar(n, k, v, loc);
  }
}
