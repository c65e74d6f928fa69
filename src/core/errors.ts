// Errors that point to the line. Every problem kplay reports carries a code, and where it knows them
// a source position, a host and a task. Loaders collect problems in a Problems list and report them all at once.
import type { Loc } from './loc.js';
import { snippet } from './source-text.js';

export type { Loc } from './loc.js';

/** Error codes and the exit code each one gives (Ansible: 4 parse error, 5 bad options, 1 anything else). */
export const EXIT_FOR_CODE = {
  YAML_SYNTAX: 4,
  /** an alias bomb, or an alias inside its own anchor */
  YAML_ALIASES: 4,
  INVENTORY: 4,
  PLAYBOOK: 4,
  UNKNOWN_MODULE: 4,
  UNKNOWN_KEYWORD: 4,
  BAD_ARGS: 4,
  TEMPLATE: 4,
  /** a Kubernetes manifest the playbook renders is not one, or names what the site cannot give it */
  MANIFEST: 4,
  EXPR: 4,
  VARS: 4,
  PATTERN: 4,
  OPTIONS: 5,
  /** a plan file (kplay apply) that cannot be read, or was made from other files than there are now */
  PLAN_FILE: 4,
  /** another kplay run holds the site (LOCKED) or a host (HOST_LOCKED) */
  LOCKED: 3,
  HOST_LOCKED: 3,
  NOT_FOUND: 1,
  /** kplay new: the site folder exists and is not empty (nothing is written) */
  SITE_EXISTS: 1,
  INTERNAL: 1,
  // raised while running, per host (the run's exit code comes from the recap: 2 failed, 4 unreachable)
  UNREACHABLE: 4,
  HOST_KEY: 4,
  AUTH: 4,
  BECOME: 2,
  TIMEOUT: 2,
  TASK_FAILED: 2,
  NOT_CONVERGED: 2,
  /** kplay apply: a host changed since the plan (a fact it read, or what a task would now do) */
  PLAN_DRIFT: 2,
  INTERRUPTED: 99,
  // kplay lab
  LAB_COMMAND: 1,
  LAB_UNSUPPORTED: 1,
  LAB_HOST: 1,
  LAB_TIMEOUT: 1,
  LAB_NET: 1,
  LAB_PROXY: 1,
  LAB_INJECTED: 1,
  LAB_ABORTED: 1,
} as const satisfies Record<string, number>;

/** Every code an error may carry: a code missing from EXIT_FOR_CODE does not compile. */
export type ErrorCode = keyof typeof EXIT_FOR_CODE;

export interface ErrorInfo {
  code: ErrorCode;
  loc?: Loc | undefined;
  host?: string | undefined;
  task?: string | undefined;
  hint?: string | undefined;
  /** The module argument whose value decides this failure: the executor names what sets it (a site variable). */
  arg?: string | undefined;
  /** Fields a task failed by this error registers besides `failed` (a module's own `msg` without kplay's
   *  prefix, command's `rc: 256`), as the module reports them. */
  result?: Record<string, unknown> | undefined;
}

export class KplayError extends Error {
  readonly code: ErrorCode;
  readonly loc: Loc | undefined;
  readonly host: string | undefined;
  readonly task: string | undefined;
  readonly hint: string | undefined;
  readonly arg: string | undefined;
  readonly result: Record<string, unknown> | undefined;
  constructor(message: string, info: ErrorInfo) {
    super(message);
    this.name = 'KplayError';
    this.code = info.code;
    this.loc = info.loc;
    this.host = info.host;
    this.task = info.task;
    this.hint = info.hint;
    this.arg = info.arg;
    this.result = info.result;
  }
  get exitCode(): number {
    return EXIT_FOR_CODE[this.code] ?? 1;
  }
  /** The same error placed at a task: what it already knows is kept, what it lacks is filled in. */
  at(where: { loc?: Loc | undefined; host?: string | undefined; task?: string | undefined }): KplayError {
    return new KplayError(this.message, {
      code: this.code,
      loc: this.loc ?? where.loc,
      host: this.host ?? where.host,
      task: this.task ?? where.task,
      hint: this.hint,
      arg: this.arg,
      result: this.result,
    });
  }
  /** `path:line:col: message` then the offending line and a caret. */
  format(): string {
    const where = this.loc ? `${this.loc.file}:${this.loc.line}:${this.loc.col}: ` : '';
    const who = [this.host && `host ${this.host}`, this.task && `task "${this.task}"`].filter(Boolean).join(', ');
    let out = `${where}${this.message}${who ? ` (${who})` : ''}`;
    if (this.hint) out += `\n  hint: ${this.hint}`;
    if (this.loc) {
      const s = snippet(this.loc);
      if (s) out += `\n${s}`;
    }
    return out;
  }
}

/** Many problems at once. Thrown by loaders after collecting everything they could find. */
export class KplayErrors extends Error {
  readonly errors: KplayError[];
  constructor(errors: KplayError[]) {
    super(errors.map((e) => e.format()).join('\n'));
    this.name = 'KplayErrors';
    this.errors = errors;
  }
  get exitCode(): number {
    return Math.max(...this.errors.map((e) => e.exitCode));
  }
}

/** A collector: add every problem found, then `throwIfAny()` once the whole input was read. */
export class Problems {
  readonly list: KplayError[] = [];
  /** A problem met twice (a role's file read for two plays) is listed once. */
  private readonly seen = new Set<string>();
  add(message: string, info: ErrorInfo): void {
    this.push(new KplayError(message, info));
  }
  push(...errors: KplayError[]): void {
    for (const e of errors) {
      const l = e.loc;
      const key = [e.code, l ? `${l.file}:${l.line}:${l.col}` : '', e.message, e.host ?? '', e.task ?? ''].join('\0');
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.list.push(e);
    }
  }
  /** Runs fn; a KplayError or KplayErrors thrown inside is recorded instead of propagating. */
  catch<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      if (e instanceof KplayError) this.push(e);
      else if (e instanceof KplayErrors) this.push(...e.errors);
      else throw e;
      return undefined;
    }
  }
  get size(): number {
    return this.list.length;
  }
  throwIfAny(): void {
    if (this.list.length > 0) throw new KplayErrors(sortByPlace(this.list));
  }
}

function sortByPlace(list: KplayError[]): KplayError[] {
  return [...list].sort((a, b) => {
    if (!a.loc || !b.loc) return a.loc ? -1 : b.loc ? 1 : 0;
    return a.loc.file.localeCompare(b.loc.file) || a.loc.line - b.loc.line || a.loc.col - b.loc.col;
  });
}

/** Closest candidate by edit distance, for "did you mean". */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  const limit = Math.max(2, Math.floor(word.length / 3));
  return best !== undefined && bestD <= limit ? best : undefined;
}

function editDistance(a: string, b: string): number {
  // Optimal string alignment: insertions, deletions, substitutions and swaps of two neighbours.
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}
