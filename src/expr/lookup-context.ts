// The context lookups read from a scope (kept under a symbol, never a variable name): what the layers above
// expr/ hand in (the template renderer, the task's folder), and the folders a scope without variables keeps.
import type { JinjaOptions } from '../core/jinja-options.js';
import { scopeGet } from '../core/value-utils.js';

/** What lookups need from the layers above expr/, kept on the scope under a symbol (never a variable name). */
export interface LookupContext {
  /** Renders a template file (found by lookup('template')) with the given variables. */
  renderTemplate?: (path: string, vars: object, o?: JinjaOptions) => string;
  /** Renders a text holding `{{ }}` or `{% %}`: a lookup's terms are templated before it runs, as in Ansible. */
  renderText?: (text: string, vars: object) => unknown;
  /** The folder of the file the task is written in: Ansible also looks for a relative file there. */
  taskDir?: string;
  /** `role_path` and `playbook_dir` of a scope without variables (isolatedScope). */
  dirs?: Record<string, unknown>;
}

export const LOOKUP_CONTEXT: unique symbol = Symbol('kplay.lookupContext');

/**
 * Gives a scope its lookup context (in place; returns the scope). The key is an enumerable symbol: copies of the
 * scope (`{ ...vars }`) keep it, and nothing that lists variables (Object.keys, JSON, an expression) sees it.
 */
export function withLookupContext<T extends object>(scope: T, ctx: LookupContext): T {
  Object.defineProperty(scope, LOOKUP_CONTEXT, { value: ctx, enumerable: true, configurable: true, writable: true });
  return scope;
}

export function contextOf(scope: object): LookupContext {
  return ((scope as Record<symbol, unknown>)[LOOKUP_CONTEXT] as LookupContext | undefined) ?? {};
}

/** A folder variable lookups read (`role_path`, `playbook_dir`): the scope's, or the one it was isolated from. */
export function lookupDir(scope: object, name: string): unknown {
  return scopeGet(scope, name) ?? contextOf(scope).dirs?.[name];
}

/** A scope without variables whose lookups run as `scope`'s do: Jinja's `without context` (imports, includes). */
export function isolatedScope(scope: object): object {
  const dirs = { role_path: lookupDir(scope, 'role_path'), playbook_dir: lookupDir(scope, 'playbook_dir') };
  return withLookupContext(Object.create(null) as object, { ...contextOf(scope), dirs });
}
