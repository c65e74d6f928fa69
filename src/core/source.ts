// YAML files read into plain values, with the position of every mapping, sequence, key and value kept
// beside them (places.ts), so any later check can point to file:line:col.
import { readFileSync } from 'node:fs';
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Scalar, type Document, type Node } from 'yaml';
import { unsafeText } from './yaml-tags.js';
import { VaultText } from './vault.js';
import { unclosedOpening } from './yaml-cst.js';
import { tabIndenting } from './yaml-continuations.js';
import { parsedYaml } from './yaml-parsed.js';
import { KplayError, Problems, type Loc } from './errors.js';
import { rememberText } from './source-text.js';
import { places } from './places.js';
import { PROTO_KEY, PROTO_MESSAGE, setKey } from './own-keys.js';

export interface ParseOptions {
  /** Report problems here instead of throwing. */
  problems?: Problems;
}

/** Read and parse a YAML file. Syntax errors carry file:line:col; returns undefined when the file did not parse. */
export function loadYamlFile(file: string, opts: ParseOptions = {}): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const err = new KplayError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      code: 'NOT_FOUND',
    });
    if (opts.problems) {
      opts.problems.push(err);
      return undefined;
    }
    throw err;
  }
  return parseYaml(text, file, opts);
}

/** Parse YAML text (YAML 1.1, as Ansible's loader: yes/no are booleans, 0644 is octal). */
export function parseYaml(text: string, file: string, opts: ParseOptions = {}): unknown {
  rememberText(file, text);
  const lc = new LineCounter();
  lc.addNewLine(0);
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lc.addNewLine(i + 1);
  // quoted strings continued on tab-indented lines are read as Ansible reads them (yaml-continuations.ts); a text
  // read before is not parsed again (yaml-parsed.ts)
  const parsed = parsedYaml(text);
  const doc = parsed.doc;
  const linePos = (off: number) => lc.linePos(parsed.toOriginal(off));
  const problems = opts.problems ?? new Problems();
  const before = problems.size;
  // the first syntax error is the one to fix; the ones after it are mostly its echoes
  const e = doc.errors[0];
  if (e) {
    let off = e.pos[0];
    let msg = firstLine(e.message);
    let lp = linePos(off);
    const tab = tabIndenting(text, lp.line, lp.col);
    if (tab !== undefined) {
      msg = "a tab indents this line: YAML indents with spaces (a tab may start only a quoted string's next line)";
      lp = { line: lp.line, col: tab };
    } else {
      if (e.code === 'MULTIPLE_DOCS') msg = 'a second YAML document (---) in a file that holds one';
      // Ansible warns and keeps the last value (its ANSIBLE_DUPLICATE_YAML_DICT_KEY=error refuses it, as kplay)
      else if (e.code === 'DUPLICATE_KEY') msg = `found a duplicate dict key (${keyAt(parsed.text, off)})`;
      // an unclosed quote or bracket: the parser notices at the end; point where it opened
      else if (/Missing closing|end with a|Unexpected end/i.test(msg)) {
        const open = unclosedOpening(
          parsed.text,
          /quote/i.test(msg) ? `"'` : /end with a \]/.test(msg) ? '[' : /end with a \}/.test(msg) ? '{' : undefined,
        );
        if (open !== undefined && open <= off) {
          off = open;
          msg = `${msg.replace(/^Missing closing ["']?quote$/i, 'a quoted string that is never closed')}, opened here`;
        }
      }
      lp = linePos(off);
    }
    const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more after it)` : '';
    problems.add(`YAML syntax error: ${msg}${more}`, {
      code: 'YAML_SYNTAX',
      loc: { file, line: lp.line, col: lp.col },
    });
  }
  const at = (n: Node | null | undefined): Loc => {
    const off = n?.range?.[0] ?? 0;
    const lp = linePos(off);
    return { file, line: lp.line, col: lp.col };
  };
  // tags Ansible's loader refuses (!!python/object ... and any other it does not know)
  for (const w of doc.warnings) {
    if (w.code !== 'TAG_RESOLVE_FAILED') continue;
    const lp = linePos(w.pos[0]);
    problems.add(`YAML: unknown tag ${firstLine(w.message).replace(/^Unresolved tag:\s*/, '')}`, {
      code: 'YAML_SYNTAX',
      loc: { file, line: lp.line, col: lp.col },
    });
  }
  if (problems.size > before) {
    if (!opts.problems) problems.throwIfAny();
    return undefined;
  }
  // a collection with an anchor (`- &cleanup`) starts at its anchor, as Ansible places it
  const selfAt = (n: Node): Loc => {
    const off = n.range?.[0] ?? 0;
    const anchor = n.anchor ? parsed.text.lastIndexOf(`&${n.anchor}`, off) : -1;
    if (anchor < 0 || parsed.text.slice(anchor, off).includes('\n\n')) return at(n);
    const lp = linePos(anchor);
    return { file, line: lp.line, col: lp.col };
  };
  const ctx: Walk = { doc, at, selfAt, seen: new Map(), open: new Set(), sizes: new Map(), expanded: 0, problems };
  let value: unknown;
  try {
    value = toValue(doc.contents as Node | null, ctx);
  } catch (err) {
    if (!(err instanceof TooBig)) throw err;
  }
  if (problems.size > before) {
    if (!opts.problems) problems.throwIfAny();
    return undefined;
  }
  return value;
}

/** The mapping key written at `off` (up to its `:`). */
function keyAt(text: string, off: number): string {
  const line = text.slice(off).split('\n')[0]!;
  const m = /^(["'])(.*?)\1\s*:|^([^:]*?)\s*:(?:\s|$)/.exec(line);
  return m ? (m[2] ?? m[3]!) : line.trim();
}

function firstLine(msg: string): string {
  return msg.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/** How many values the aliases of one file may stand for, in all (a "billion laughs" file is far above it). */
export const MAX_EXPANDED = 100_000;

interface Walk {
  doc: Document;
  at: (n: Node | null | undefined) => Loc;
  selfAt: (n: Node) => Loc;
  seen: Map<Node, unknown>;
  /** Collections being converted: an alias to one of them is a value that contains itself. */
  open: Set<Node>;
  sizes: Map<Node, number>;
  expanded: number;
  problems: Problems;
  /** Inside a list or mapping tagged `!unsafe`. */
  unsafe?: boolean;
}

/** How many values a node stands for once its aliases are expanded (what a walk over the result visits). */
function sizeOf(node: Node | null | undefined, w: Walk): number {
  if (!node) return 1;
  const known = w.sizes.get(node);
  if (known !== undefined) return known;
  w.sizes.set(node, 1); // a cycle counts once
  let n = 1;
  if (isAlias(node)) n = sizeOf(node.resolve(w.doc) as Node | undefined, w);
  else if (isSeq(node)) for (const i of node.items) n += sizeOf(i as Node, w);
  else if (isMap(node)) for (const p of node.items) n += sizeOf(p.key as Node, w) + sizeOf(p.value as Node, w);
  n = Math.min(n, Number.MAX_SAFE_INTEGER);
  w.sizes.set(node, n);
  return n;
}

class TooBig extends Error {}

function toValue(node: Node | null, w: Walk): unknown {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) {
    const target = node.resolve(w.doc);
    if (!target) {
      w.problems.add(`YAML: alias *${node.source} refers to no anchor &${node.source} before it`, {
        code: 'YAML_SYNTAX',
        loc: w.at(node),
      });
      return null;
    }
    w.expanded += sizeOf(target as Node, w);
    if (w.expanded > MAX_EXPANDED) {
      w.problems.add(`YAML: aliases expand to more than ${MAX_EXPANDED} values (a file made to exhaust memory?)`, {
        code: 'YAML_ALIASES',
        loc: w.at(node),
      });
      throw new TooBig();
    }
    if (w.open.has(target as Node)) {
      w.problems.add(
        `YAML: alias *${node.source} is inside its own anchor &${node.source} (a value that contains itself)`,
        {
          code: 'YAML_ALIASES',
          loc: w.at(node),
        },
      );
      return null;
    }
    if (w.seen.has(target as Node)) return w.seen.get(target as Node);
    return toValue(target as Node, w);
  }
  if (isScalar(node)) {
    const v = scalarValue(node);
    return w.unsafe && typeof v === 'string' ? unsafeText(v) : v;
  }
  if ((isSeq(node) || isMap(node)) && node.tag === '!unsafe' && !w.unsafe) {
    w.unsafe = true;
    try {
      return toValue(node, w);
    } finally {
      w.unsafe = false;
    }
  }
  if (isSeq(node)) {
    const arr: unknown[] = [];
    w.seen.set(node, arr);
    w.open.add(node);
    const values = new Map<string | number, Loc>();
    node.items.forEach((item, i) => {
      arr.push(toValue(item as Node, w));
      values.set(i, w.at(item as Node));
    });
    places.set(arr, { self: w.selfAt(node), keys: new Map(), values });
    w.open.delete(node);
    return arr;
  }
  if (isMap(node)) {
    const obj: Record<string, unknown> = {};
    w.seen.set(node, obj);
    w.open.add(node);
    const keys = new Map<string | number, Loc>();
    const values = new Map<string | number, Loc>();
    const mergeSources: unknown[] = [];
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as Node | null;
      const rawKey = isScalar(keyNode) ? keyNode.value : toValue(keyNode, w);
      if ((rawKey === '<<' || typeof rawKey === 'symbol') && isScalar(keyNode) && keyNode.type === 'PLAIN') {
        const src = toValue(pair.value as Node, w);
        const list = Array.isArray(src) && !isMap(pair.value) ? src : [src];
        if (list.some((m) => !m || typeof m !== 'object' || Array.isArray(m))) {
          w.problems.add('YAML: a merge key (<<) takes a mapping or a list of mappings', {
            code: 'YAML_SYNTAX',
            loc: w.at(pair.value as Node),
          });
        }
        mergeSources.push(...list);
        continue;
      }
      const key = rawKey === null ? 'null' : typeof rawKey === 'object' ? JSON.stringify(rawKey) : String(rawKey);
      if (key === PROTO_KEY) {
        w.problems.add(PROTO_MESSAGE, { code: 'YAML_SYNTAX', loc: w.at(keyNode) });
        continue;
      }
      setKey(obj, key, toValue(pair.value as Node, w));
      keys.set(key, w.at(keyNode));
      values.set(key, pair.value ? w.at(pair.value as Node) : w.at(keyNode));
    }
    // merge keys: explicit keys win, earlier sources win over later ones; as PyYAML, merged keys come first
    // (the last source's keys first), then the explicit ones
    if (mergeSources.length > 0) {
      const explicit = Object.entries(obj);
      for (const [k] of explicit) delete obj[k];
      const maps = mergeSources.filter(
        (m): m is Record<string, unknown> => !!m && typeof m === 'object' && !Array.isArray(m),
      );
      for (const src of [...maps].reverse()) {
        for (const k of Object.keys(src)) {
          if (Object.hasOwn(obj, k)) continue;
          const from = maps.find((m) => Object.hasOwn(m, k))!;
          setKey(obj, k, from[k]);
        }
      }
      for (const [k, v] of explicit) setKey(obj, k, v);
    }
    places.set(obj, { self: w.selfAt(node), keys, values });
    w.open.delete(node);
    return obj;
  }
  return null;
}

function scalarValue(s: Scalar): unknown {
  const v = s.value;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (v instanceof VaultText) return new VaultText(v.ciphertext); // each read its own (the document is shared)
  return v;
}
