// The schemas of `kplay schema`, compiled by ajv (a maintained JSON Schema validator, draft-07 as editors use),
// and what they report for a YAML text read by kplay's own reader.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { JsonSchema } from '../../src/core/json-forms.js';
import { parseYaml } from '../../src/core/source.js';

export type Validators = Record<string, ValidateFunction>;

/** Strict: an unknown keyword or a malformed schema fails to compile. Union types and `required` of names a
 *  branch does not declare are meant (a mapping or a template string; `if: {required: [block]}`). References are
 *  compiled as calls, not inlined: a module's arguments are referenced by each of its names (seconds, not 10). */
export function compileSchemas(schemas: Record<string, JsonSchema>): Validators {
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    allowUnionTypes: true,
    strictRequired: false,
    strictTypes: false,
    inlineRefs: false,
  });
  return Object.fromEntries(Object.entries(schemas).map(([kind, s]) => [kind, ajv.compile(s)]));
}

/** The errors of a value (undefined when it is valid). */
export function errorsOf(v: ValidateFunction, data: unknown): ErrorObject[] | undefined {
  return v(data) ? undefined : (v.errors ?? []);
}

/** The errors of a YAML text, read as kplay reads a playbook (YAML 1.1). */
export function yamlErrors(v: ValidateFunction, text: string): ErrorObject[] | undefined {
  return errorsOf(v, parseYaml(text, 'case.yml'));
}

/** One line per error, for a failure message. */
export function describeErrors(errors: ErrorObject[] | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`).join('\n');
}
