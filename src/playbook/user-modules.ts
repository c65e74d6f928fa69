// Your own modules: `.js`/`.mjs` (or `.ts`, compiled on load with TypeScript when it is installed) files in
// `library/` beside the playbook or on KPLAY_LIBRARY, each exporting a TaskModule (default export, or
// `module`, or `modules: TaskModule[]`). They are checked and registered before the playbook is read.
import { existsSync, readdirSync, readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { KplayError } from '../core/errors.js';
import { importModule } from '../core/import-module.js';
import type { ModuleRegistry } from '../tasks/index.js';
import type { ModuleSpec } from '../tasks/contract.js';

export function libraryDirs(playbookDir: string): string[] {
  return [join(playbookDir, 'library'), ...(process.env.KPLAY_LIBRARY ?? '').split(':').filter(Boolean)];
}

async function importFile(file: string): Promise<Record<string, unknown>> {
  if (!file.endsWith('.ts')) return importModule(pathToFileURL(file).href);
  let ts: typeof import('typescript');
  try {
    ts = (await importModule<{ default: typeof import('typescript') }>('typescript')).default;
  } catch {
    throw new KplayError(
      `${file}: a TypeScript module needs the 'typescript' package; compile it to .js or install typescript`,
      { code: 'PLAYBOOK' },
    );
  }
  const js = ts.transpileModule(readFileSync(file, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    fileName: file,
  }).outputText;
  const out = join(mkdtempSync(join(tmpdir(), 'kplay-mod-')), 'module.mjs');
  writeFileSync(out, js);
  return importModule(pathToFileURL(out).href);
}

function isModule(m: unknown): m is ModuleSpec {
  const x = m as ModuleSpec | undefined;
  return !!x && typeof x.name === 'string' && typeof x.args === 'object' && typeof x.description === 'string';
}

/** Load every module file of a folder into a run's registry. A bad file is an error naming it. */
export async function loadUserModules(dir: string, registry: ModuleRegistry): Promise<string[]> {
  const abs = resolve(dir);
  if (!existsSync(abs)) return [];
  const names: string[] = [];
  for (const f of readdirSync(abs).sort()) {
    if (!/\.(m?js|ts)$/.test(f) || f.endsWith('.d.ts')) continue;
    const file = join(abs, f);
    if (registry.loadedFiles.has(file)) continue;
    registry.loadedFiles.add(file);
    let mod: Record<string, unknown>;
    try {
      mod = await importFile(file);
    } catch (e) {
      if (e instanceof KplayError) throw e;
      throw new KplayError(`cannot load module file ${file}: ${(e as Error).message}`, { code: 'PLAYBOOK' });
    }
    const found = [mod.default, mod.module, ...(Array.isArray(mod.modules) ? mod.modules : [])].filter(isModule);
    if (found.length === 0)
      throw new KplayError(`${file} exports no module (export default { name, description, args, plan })`, {
        code: 'PLAYBOOK',
      });
    for (const m of found) {
      if (typeof (m as { plan?: unknown }).plan !== 'function')
        throw new KplayError(`${file}: module '${m.name}' has no plan() function`, { code: 'PLAYBOOK' });
      registry.add(m);
      names.push(m.name);
    }
  }
  return names;
}
