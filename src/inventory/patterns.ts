// Host patterns, for a play's `hosts:` and for --limit, with Ansible's meaning: `a:b` and `a,b` (union),
// `a:&b` (and), `a:!b` (but not), `all` and `*`, globs (`web*`, `192.168.*`), `~regex` (matched from the start),
// subscripts `g[0]`, `g[-1]`, `g[1:3]` (both ends included), `@file` in a limit (one pattern a line).
// Hosts come back in inventory order; names that match nothing give Ansible's warning instead of an error.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { KplayError, type Loc } from '../core/errors.js';
import { groupHosts, LOCALHOST_NAMES, type Inventory } from './inventory.js';
import { fnmatch } from '../core/fnmatch.js';

export interface SelectOptions {
  /** A --limit: only hosts it selects are kept. `@file` entries are read here. */
  limit?: string | undefined;
  /** Folder for relative `@file` paths (default: the current folder). */
  baseDir?: string | undefined;
  /** Where the pattern was written, for errors. */
  loc?: Loc | undefined;
}

export interface Selection {
  hosts: string[];
  warnings: string[];
}

/** Split a pattern into single patterns: on commas, else on colons outside brackets (an IPv6 address stays whole). */
export function splitPatterns(pattern: string): string[] {
  let parts: string[];
  if (pattern.includes(',')) parts = pattern.split(',');
  else if (/^\[?[0-9a-fA-F]*:[0-9a-fA-F]*:[0-9a-fA-F:.]*\]?(:\d+)?$/.test(pattern.trim())) parts = [pattern];
  // a lone bracket stays in its pattern (Ansible drops it silently, which turns `~[` into `~`, matching all)
  else parts = pattern.match(/(?:[^\s:[\]]|\[[^\]]*\]|[[\]])+/g) ?? [];
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** Regular patterns first, then `&` ones, then `!` ones; only `&`/`!` means `all` first. */
export function orderPatterns(patterns: string[]): string[] {
  const regular = patterns.filter((p) => p && p[0] !== '&' && p[0] !== '!');
  const and = patterns.filter((p) => p[0] === '&');
  const not = patterns.filter((p) => p[0] === '!');
  return [...(regular.length ? regular : ['all']), ...and, ...not];
}

const SUBSCRIPT = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]+)?)\]$/;

class Matcher {
  readonly warnings: string[] = [];
  private readonly cache = new Map<string, string[]>();
  constructor(
    readonly inv: Inventory,
    readonly loc: Loc | undefined,
  ) {}

  private fail(message: string, hint?: string): never {
    throw new KplayError(message, { code: 'PATTERN', loc: this.loc, hint });
  }

  /** Hosts that one name, glob or regex (no subscript) stands for. */
  private enumerate(pattern: string): string[] {
    let re: RegExp;
    if (pattern[0] === '~') {
      try {
        re = new RegExp(`^(?:${pattern.slice(1)})`);
      } catch (e) {
        this.fail(
          `invalid regular expression in host pattern "${pattern}": ` +
            `${(e as Error).message.replace(/^Invalid regular expression: /, '')}`,
        );
      }
    } else re = fnmatch(pattern);
    const out: string[] = [];
    const groups = [...this.inv.groups.keys()].filter((g) => re.test(g));
    for (const g of groups) out.push(...groupHosts(this.inv, g));
    if (groups.length === 0 || pattern[0] === '~' || /[.?*[]/.test(pattern)) {
      for (const h of this.inv.hosts.keys()) if (re.test(h)) out.push(h);
    }
    if (out.length === 0 && LOCALHOST_NAMES.includes(pattern)) return [pattern];
    if (out.length === 0 && groups.length === 0 && pattern !== 'all') {
      const sub = /^([^[]+)\[([^\]]*)\]$/.exec(pattern);
      if (sub && this.inv.groups.has(sub[1]!)) {
        this.fail(
          `bad subscript [${sub[2]}] on group "${sub[1]}"`,
          `use ${sub[1]}[0], ${sub[1]}[-1] or ${sub[1]}[1:3] (first and last included)`,
        );
      }
      this.warnings.push(`Could not match supplied host pattern, ignoring: ${pattern}`);
    }
    return out;
  }

  /** Hosts of one single pattern (a leading & or ! is ignored here). */
  one(raw: string): string[] {
    const pattern = raw[0] === '&' || raw[0] === '!' ? raw.slice(1) : raw;
    const hit = this.cache.get(pattern);
    if (hit) return hit;
    let expr = pattern;
    let sub: [number, number | undefined] | undefined;
    const m = pattern[0] !== '~' ? SUBSCRIPT.exec(pattern) : null;
    if (m) {
      expr = m[1]!;
      if (m[2] !== undefined) sub = [Number(m[2]), undefined];
      else {
        sub = [Number(m[3]), m[5] !== undefined ? Number(m[5]) : -1];
        if (m[4] === '-') this.warnings.push('Use [x:y] inclusive subscripts instead of [x-y] which has been removed');
      }
    }
    let hosts = this.enumerate(expr);
    if (sub) {
      const [start, end] = sub;
      if (end) hosts = hosts.slice(start, (end === -1 ? hosts.length - 1 : end) + 1);
      else {
        const i = start < 0 ? hosts.length + start : start;
        if (i < 0 || i >= hosts.length) {
          this.warnings.push(`No hosts matched the subscripted pattern '${pattern}'`);
          hosts = [];
        } else hosts = [hosts[i]!];
      }
    }
    this.cache.set(pattern, hosts);
    return hosts;
  }

  evaluate(patterns: string[]): string[] {
    let hosts: string[] = [];
    for (const p of orderPatterns(patterns)) {
      if (this.inv.hosts.has(p)) {
        if (!hosts.includes(p)) hosts.push(p);
        continue;
      }
      const that = this.one(p);
      if (p[0] === '!') {
        const s = new Set(that);
        hosts = hosts.filter((h) => !s.has(h));
      } else if (p[0] === '&') {
        const s = new Set(that);
        hosts = hosts.filter((h) => s.has(h));
      } else {
        const have = new Set(hosts);
        for (const h of that) {
          if (!have.has(h)) {
            have.add(h);
            hosts.push(h);
          }
        }
      }
    }
    return hosts;
  }
}

/** Patterns of a --limit: `@file` entries replaced by the file's lines. */
export function limitPatterns(limit: string, baseDir = '.', loc?: Loc): string[] {
  const out: string[] = [];
  for (const x of splitPatterns(limit)) {
    if (x[0] !== '@') {
      out.push(x);
      continue;
    }
    const file = resolve(baseDir, x.slice(1));
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new KplayError(`cannot read limit file ${x.slice(1)}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
        code: 'NOT_FOUND',
        loc,
      });
    }
    out.push(
      ...text
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean),
    );
  }
  return out;
}

/**
 * The hosts a pattern selects, in inventory order, and the warnings Ansible would print. Throws KplayError
 * (PATTERN).
 */
export function selectHosts(inv: Inventory, pattern: string, opts: SelectOptions = {}): Selection {
  const m = new Matcher(inv, opts.loc);
  let hosts = m.evaluate(splitPatterns(pattern));
  if (opts.limit !== undefined && opts.limit !== '') {
    const keep = new Set(m.evaluate(limitPatterns(opts.limit, opts.baseDir, opts.loc)));
    hosts = hosts.filter((h) => keep.has(h));
  }
  return { hosts, warnings: [...new Set(m.warnings)] };
}
