// What a site folder holds beside its inventory and group_vars/host_vars: the `.env` (secrets, lowest
// precedence) and kubeasz's `config.yml` (the cluster's settings, which kubeasz passes as `-e @config.yml`).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import type { Problems } from '../core/errors.js';
import { setKey } from '../core/own-keys.js';
import { addSecret } from '../core/secrets.js';
import { parseYaml } from '../core/source.js';
import { rememberText } from '../core/source-text.js';
import { checkDotenv } from './dotenv-check.js';

/** The name of kubeasz's settings file in a cluster folder (`clusters/<name>/config.yml`). */
export const CLUSTER_CONFIG = 'config.yml';

export function loadEnv(dir: string, env: Record<string, string>, problems: Problems): void {
  const file = join(dir, '.env');
  if (!existsSync(file)) return;
  const text = readFileSync(file, 'utf8');
  rememberText(file, text, { secret: true });
  const bad = checkDotenv(text, file);
  for (const p of bad) problems.add(p.message, { code: 'INVENTORY', loc: p.loc });
  if (bad.length) return;
  for (const [k, v] of Object.entries(parseDotenv(text))) {
    addSecret(v);
    setKey(env, k, v);
  }
}

export interface ClusterConfig {
  files: string[];
  /** The settings, merged. */
  vars: Record<string, unknown>;
  /** Each file's mapping as read (its keys keep their places: core/places.ts). */
  parsed: Record<string, unknown>[];
}

/** Each folder's config.yml, merged in order (a later folder's key wins); undefined when no folder has one. */
export function loadClusterConfig(dirs: string[], problems: Problems): ClusterConfig | undefined {
  const files = dirs.map((d) => join(d, CLUSTER_CONFIG)).filter((f) => existsSync(f));
  if (!files.length) return undefined;
  const vars: Record<string, unknown> = {};
  const parsed: Record<string, unknown>[] = [];
  for (const file of files) {
    const data = parseYaml(readFileSync(file, 'utf8'), file, { problems });
    if (data === null || data === undefined) continue;
    if (typeof data !== 'object' || Array.isArray(data)) {
      problems.add(`${file} must hold a mapping of settings (kubeasz's config.yml)`, { code: 'INVENTORY' });
      continue;
    }
    parsed.push(data as Record<string, unknown>);
    for (const [k, v] of Object.entries(data)) setKey(vars, k, v);
  }
  return { files, vars, parsed };
}
