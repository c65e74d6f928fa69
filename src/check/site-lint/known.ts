// What a playbook knows by name: the variables its plays (vars_files included), roles (defaults/, vars/, params)
// define, and every name its tasks, handlers, role files and templates read. Besides the roles the playbook
// loads, every role in a `roles/` folder beside one of its playbook files counts, with its templates (the
// role's templates/ and the project's templates/<role>/, as lookup-paths.ts searches): a stage playbook
// (02.etcd.yml) is run against the same site as ha-cluster.yml, and the site's network settings are not
// unknown because this run does not install the network.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Problems } from '../../core/errors.js';
import { loadYamlFile } from '../../core/source.js';
import type { Playbook, TaskNode } from '../../core/types.js';
import { emptyNames, type NameSets, namesInTemplate, walkYaml } from './names-in.js';

const MAX_FILE = 1 << 20;

function entries(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((n) => !n.startsWith('.'))
      .sort()
      .map((n) => join(dir, n));
  } catch {
    return [];
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Every file under a folder (none when it does not exist). */
function filesUnder(dir: string, depth = 0): string[] {
  if (depth > 16) return [];
  return entries(dir).flatMap((p) => (isDir(p) ? filesUnder(p, depth + 1) : [p]));
}

function readYaml(file: string): unknown {
  return loadYamlFile(file, { problems: new Problems() }); // the playbook's own check reports its problems
}

/** A vars file: its top-level keys are defined, its values read. */
function varsFile(file: string, out: NameSets): void {
  const data = readYaml(file);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return;
  for (const k of Object.keys(data)) out.defined.add(k);
  walkYaml(data, undefined, out);
}

function templateFile(file: string, out: NameSets): void {
  try {
    if (statSync(file).size > MAX_FILE) return;
    const text = readFileSync(file, 'utf8');
    if (!text.includes('\0')) namesInTemplate(text, out.read);
  } catch {
    // unreadable: the task that uses it reports it
  }
}

const isYaml = (f: string) => /\.ya?ml$/.test(f) || !/\.[^/]+$/.test(basename(f));

/** A role folder read from disk: vars in defaults/ and vars/, reads in every YAML file and template. */
function roleFolder(path: string, playDirs: string[], out: NameSets): void {
  for (const sub of ['defaults', 'vars']) for (const f of filesUnder(join(path, sub))) if (isYaml(f)) varsFile(f, out);
  for (const sub of ['tasks', 'handlers', 'meta'])
    for (const f of filesUnder(join(path, sub))) if (isYaml(f)) walkYaml(readYaml(f), undefined, out);
  const name = basename(path);
  const templateDirs = [join(path, 'templates'), resolve('templates', name)];
  for (const d of playDirs) templateDirs.push(resolve(d, '..', 'templates', name));
  for (const d of new Set(templateDirs)) for (const f of filesUnder(d)) templateFile(f, out);
}

function walkTasks(nodes: TaskNode[], out: NameSets): void {
  for (const n of nodes) {
    walkYaml(n.raw, undefined, out);
    if (n.kind === 'block') for (const part of [n.block, n.rescue, n.always]) walkTasks(part, out);
    else if (n.kind !== 'task' && n.loaded) walkTasks(n.loaded, out);
  }
}

/** The names `pb` defines and reads (see the header). */
export function knownNames(pb: Playbook): NameSets {
  const out = emptyNames();
  const playDirs = [...new Set([pb.dir, ...pb.plays.map((p) => dirname(p.file))])];
  const roles = new Set<string>();
  for (const p of pb.plays) {
    for (const k of Object.keys(p.vars)) out.defined.add(k);
    for (const q of p.prompts) out.defined.add(q.name);
    walkYaml(p.vars, undefined, out);
    walkYaml(p.keywords, undefined, out);
    namesInTemplate(p.hosts, out.read);
    for (const r of p.roles) {
      for (const vars of [r.defaults, r.vars, r.params]) for (const k of Object.keys(vars)) out.defined.add(k);
      walkYaml([r.defaults, r.vars, r.params], undefined, out);
      walkTasks(r.handlers, out);
      roles.add(r.path);
    }
    for (const list of [p.preTasks, p.tasks, p.postTasks, p.handlers]) walkTasks(list, out);
  }
  for (const d of playDirs) {
    for (const r of entries(join(d, 'roles'))) if (isDir(r)) roles.add(r);
    for (const f of filesUnder(join(d, 'templates'))) templateFile(f, out);
  }
  for (const r of roles) roleFolder(r, playDirs, out);
  return out;
}
