// Module arguments checked against the module's declaration before any host is reached: unknown names
// (with "did you mean"), aliases, required / one-of / exclusive rules and types. Templated values
// (`{{ }}`) cannot be typed before the run, so they count as given and are checked again once rendered.
import type { z } from 'zod';
import { didYouMean, KplayError, type Loc } from '../core/errors.js';
import type { ModuleSpec } from '../tasks/contract.js';
import type { Vars } from '../core/types.js';

export function isTemplated(v: unknown): boolean {
  return typeof v === 'string' && (v.includes('{{') || v.includes('{%'));
}

export interface ArgCheck {
  args: Vars; // canonical names, defaults applied for values that could be checked
  errors: KplayError[];
}

export interface ArgContext {
  locOf: (key: string) => Loc | undefined; // where the value is written
  keyLocOf?: (key: string) => Loc | undefined; // where the name is written
  taskLoc: Loc | undefined;
  task?: string | undefined;
  host?: string | undefined;
}

/** Ansible's actions that check their own options (`_VALID_ARGS`), and their words for one they do not take. */
const OWN_OPTIONS = new Set(['wait_for_connection', 'reboot', 'debug', 'assert', 'fail', 'group_by', 'pause', 'fetch']);

/** What a task given an argument its module does not take registers, in Ansible's words. */
function unsupportedInAnsible(module: string, arg: string, names: string[]): string {
  if (OWN_OPTIONS.has(module)) return `Invalid options for ${module}: ${arg}`;
  return `Unsupported parameters for (${module}) module: ${arg}. Supported parameters include: ${names.join(', ')}.`;
}

/** Check raw args (as written) against a module. `rendered` = true after templating: nothing is skipped then. */
export function checkArgs(spec: ModuleSpec, raw: Vars, ctx: ArgContext, rendered = false): ArgCheck {
  const errors: KplayError[] = [];
  const keyLoc = ctx.keyLocOf ?? ctx.locOf;
  const at = (key: string | undefined, value: boolean) =>
    (key ? (value ? ctx.locOf(key) : keyLoc(key)) : undefined) ?? ctx.taskLoc;
  const add = (message: string, loc: Loc | undefined, hint?: string, result?: Vars, arg?: string) =>
    errors.push(
      new KplayError(`${spec.name}: ${message}`, {
        code: 'BAD_ARGS',
        loc,
        task: ctx.task,
        host: ctx.host,
        hint,
        result,
        arg,
      }),
    );
  const err = (message: string, key: string | undefined, hint?: string) => add(message, at(key, false), hint);
  // a broken group, in the module's own words when it has them
  const groupErr = (rule: 'requiredOneOf' | 'mutuallyExclusive', group: string[], message: string, key?: string) => {
    const own = spec.groupFailures?.[rule]?.[group.join(',')];
    add(own?.msg ?? message, at(key, false), undefined, own);
  };
  const valueErr = (message: string, key: string) => add(message, at(key, true), undefined, undefined, key);
  const args: Vars = {};
  const given = new Map<string, string>(); // canonical → name as written
  // `mod: "{{ a_dict }}"`: its names are known when the task runs, which renders them into the arguments
  const later = !rendered && isTemplated(raw._variable_params);
  for (const [k, v] of Object.entries(raw)) {
    if (k === '_variable_params' && later) continue;
    const canon = spec.argAliases?.[k] ?? k;
    if (given.has(canon)) {
      err(`'${k}' and '${given.get(canon)}' are the same argument; give only one`, k);
      continue;
    }
    if (!(canon in spec.args) && !spec.anyArgs) {
      const names = [
        ...Object.keys(spec.args).filter((n) => !n.startsWith('_')),
        ...Object.keys(spec.argAliases ?? {}),
      ];
      const near = didYouMean(k, names);
      add(
        `unsupported argument '${k}'${near ? ` (did you mean '${near}'?)` : ''}`,
        at(k, false),
        `supported: ${names.sort().join(', ')}`,
        { msg: unsupportedInAnsible(spec.name, k, names) },
      );
      continue;
    }
    given.set(canon, k);
    args[canon] = v;
  }
  // null is a value only of an argument whose type takes it (include_vars' `file`); else it is not given
  const present = (n: string) => args[n] !== undefined && (args[n] !== null || takesNull(spec.args[n]));
  const named = (n: string) => later || present(n);
  const nameOf = (n: string) => (n === '_raw_params' ? 'a free-form command' : `'${n}'`);
  for (const r of spec.required ?? []) if (!named(r)) err(`missing required argument ${nameOf(r)}`, undefined);
  for (const group of spec.requiredOneOf ?? []) {
    if (!group.some(named)) groupErr('requiredOneOf', group, `one of ${group.map(nameOf).join(', ')} is required`);
  }
  for (const group of spec.mutuallyExclusive ?? []) {
    // a templated value may render to `omit`: only the run can tell it is given
    const both = group.filter((n) => present(n) && (rendered || !containsTemplate(args[n])));
    if (both.length > 1)
      groupErr(
        'mutuallyExclusive',
        group,
        `${both.map(nameOf).join(' and ')} cannot be used together`,
        given.get(both[1]!),
      );
  }
  for (const [name, value, needs] of spec.requiredIf ?? []) {
    const v = args[name] ?? defaultOf(spec.args[name]);
    if (isTemplated(v) && !rendered) continue;
    if (v === value)
      for (const n of needs) if (!present(n)) err(`${name}=${String(value)} requires ${nameOf(n)}`, given.get(name));
  }
  for (const [name, type] of Object.entries(spec.args)) {
    const v = args[name];
    if (v === undefined || (v === null && !takesNull(type))) {
      // null (`~`, or a template that rendered to None) leaves the argument to its default, as in Ansible
      if (v === null) delete args[name];
      const d = defaultOf(type);
      if (d !== undefined) args[name] = d;
      continue;
    }
    if (!rendered && containsTemplate(v)) continue;
    const r = (type as z.ZodType).safeParse(v);
    if (r.success) args[name] = r.data;
    else valueErr(`argument '${given.get(name) ?? name}': ${issueText(r.error, v)}`, given.get(name) ?? name);
  }
  return { args, errors };
}

export function containsTemplate(v: unknown): boolean {
  if (isTemplated(v)) return true;
  if (Array.isArray(v)) return v.some(containsTemplate);
  if (v && typeof v === 'object') return Object.values(v).some(containsTemplate);
  return false;
}

function takesNull(type: unknown): boolean {
  return type !== undefined && (type as z.ZodType).safeParse(null).success;
}

function defaultOf(type: unknown): unknown {
  const r = (type as z.ZodType | undefined)?.safeParse(undefined);
  return r?.success ? r.data : undefined;
}

function issueText(error: z.ZodError, value: unknown): string {
  const issue = error.issues[0]!;
  const shown = JSON.stringify(value);
  switch (issue.code) {
    case 'invalid_value':
      return `${shown} is not one of ${(issue as { values: unknown[] }).values.map((x) => String(x)).join(', ')}`;
    case 'invalid_type':
      return `expected ${(issue as { expected: string }).expected}, got ${shown}`;
    default:
      return `${issue.message} (got ${shown})`;
  }
}
