// Variables with Ansible's precedence, low to high:
//   role defaults < inventory (all < parent < child groups < host) < facts < play vars (+ vars_files)
//   < role vars < block vars < task vars < set_fact / register < role params < -e extra vars
// and the -e forms: k=v, @file.yml, and inline JSON/YAML.
import { existsSync } from 'node:fs';
import { KplayError } from '../core/errors.js';
import { parseKv } from '../core/kv.js';
import { loadYamlFile, parseYaml } from '../core/source.js';
import { PROTO_KEY, PROTO_MESSAGE } from '../core/own-keys.js';
import type { Vars } from '../core/types.js';

export interface VarLayers {
  connection?: Vars | undefined; // ansible_host: the host's name unless a layer above sets it, as Ansible's tasks see
  roleDefaults?: Vars | undefined;
  inventory?: Vars | undefined;
  facts?: Vars | undefined;
  play?: Vars | undefined;
  roleVars?: Vars | undefined;
  task?: Vars | undefined; // block vars merged with the task's own
  hostFacts?: Vars | undefined; // set_fact and register
  roleParams?: Vars | undefined;
  extra?: Vars | undefined;
  magic?: Vars | undefined; // inventory_hostname, groups, hostvars ... (not overridable, as in Ansible)
}

const ORDER: (keyof VarLayers)[] = [
  'connection',
  'roleDefaults',
  'inventory',
  'facts',
  'play',
  'roleVars',
  'task',
  'hostFacts',
  'roleParams',
  'extra',
  'magic',
];

/** Merge layers (a top-level key of a higher layer replaces the lower one whole, as Ansible's default `replace`). */
export function mergeVars(layers: VarLayers): Vars {
  const out: Vars = {};
  for (const k of ORDER) {
    const layer = layers[k];
    if (layer) Object.assign(out, layer);
  }
  return out;
}

/** Which layer a variable's value came from (for `kplay` debugging output and tests). */
export function varSource(name: string, layers: VarLayers): keyof VarLayers | undefined {
  for (let i = ORDER.length - 1; i >= 0; i--) {
    const layer = layers[ORDER[i]!];
    if (layer && Object.hasOwn(layer, name)) return ORDER[i];
  }
  return undefined;
}

/** `-e` values, in order (a later one wins): `k=v k2=v2`, `@file.yml`, `{"json": 1}` or YAML. */
export function parseExtraVars(values: string[]): Vars {
  const out: Vars = {};
  values.forEach((v, i) => {
    const where = `-e #${i + 1}`;
    const s = v.trim();
    if (s.startsWith('@')) {
      const file = s.slice(1);
      if (!existsSync(file)) throw new KplayError(`${where}: extra vars file not found: ${file}`, { code: 'OPTIONS' });
      const data = loadYamlFile(file);
      if (data === null || data === undefined) return;
      if (typeof data !== 'object' || Array.isArray(data))
        throw new KplayError(`${where}: ${file} must hold a mapping`, { code: 'OPTIONS' });
      Object.assign(out, data);
    } else if (s.startsWith('{') || s.startsWith('[')) {
      let data: unknown;
      try {
        data = parseYaml(s, `<${where}>`);
      } catch (e) {
        throw new KplayError(`${where}: not valid JSON/YAML: ${(e as Error).message.split('\n')[0]}`, {
          code: 'OPTIONS',
        });
      }
      if (typeof data !== 'object' || data === null || Array.isArray(data))
        throw new KplayError(`${where}: must be a mapping`, { code: 'OPTIONS' });
      Object.assign(out, data);
    } else if (s.length > 0) {
      const kv = parseKv(s);
      if (kv.bare.length)
        throw new KplayError(
          `${where}: '${kv.bare[0]!.text}' is not key=value (use -e 'key=value', -e @file.yml or -e '{"key": 1}')`,
          { code: 'OPTIONS' },
        );
      if (PROTO_KEY in kv.args && Object.hasOwn(kv.args, PROTO_KEY))
        throw new KplayError(`${where}: ${PROTO_MESSAGE}`, { code: 'OPTIONS' });
      Object.assign(out, kv.args);
    }
  });
  return out;
}
