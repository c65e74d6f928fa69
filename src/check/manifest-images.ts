// The container images a site pulls (`kplay images SITE`), read before connecting: every Kubernetes manifest the
// playbook's `template` tasks render (a template whose name ends in .yaml/.yml, rendered as the run renders it:
// the task's own variables, on the first host of its play that its `when` selects), and the pod sandbox image
// (SANDBOX_IMAGE) of the runtime role's hosts. An image is each `image:` of a pod template's containers,
// initContainers and ephemeralContainers, in any kind (Deployment, DaemonSet, Pod ...), and of a pod a ConfigMap
// holds as YAML (a helper pod a provisioner starts).
import { relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { KplayError } from '../core/errors.js';
import { mirroredImage } from '../core/image-names.js';
import type { Play, Task, TaskNode, Vars } from '../core/types.js';
import { evalCondition } from '../expr/expr.js';
import { findSource } from '../playbook/lookup-paths.js';
import { valueLoc } from '../core/places.js';
import { renderDeep, renderString, renderTemplateFile } from '../template/template.js';
import { newRunVars, taskVars } from '../vars/context.js';
import { extendVars } from '../vars/lazy-vars.js';
import type { Prepared } from './prepare.js';

export interface ManifestImages {
  /** The template task, the template file, the host it was rendered for, and the images it names. */
  manifests: { task: string; template: string; host: string; images: string[] }[];
  /** Every image, once, sorted. */
  images: string[];
}

const MANIFEST = /\.ya?ml(\.hbs|\.handlebars|\.j2)?$/;
const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'];

/** Every task of a list, blocks and static includes opened. */
function* allTasks(nodes: TaskNode[]): Generator<Task> {
  for (const n of nodes) {
    if (n.kind === 'task') yield n;
    else if (n.kind === 'block') yield* allTasks([...n.block, ...n.rescue, ...n.always]);
    else if ((n.kind === 'include_tasks' || n.kind === 'include_role') && n.loaded) yield* allTasks(n.loaded);
  }
}

/** The pods a ConfigMap's data holds as YAML (local-path-provisioner's helper pod): their images count too. */
function podsIn(data: unknown): unknown[] {
  if (!data || typeof data !== 'object') return [];
  const out: unknown[] = [];
  for (const v of Object.values(data as Vars)) {
    if (typeof v !== 'string' || !/^kind:\s*Pod\s*$/m.test(v)) continue;
    for (const d of parseAllDocuments(v)) if (!d.errors.length) out.push(d.toJS());
  }
  return out;
}

/** The images a manifest's documents name, in the order written. */
export function imagesIn(text: string): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v && typeof v === 'object') {
      if ((v as Vars).kind === 'ConfigMap') for (const pod of podsIn((v as Vars).data)) walk(pod);
      for (const [k, x] of Object.entries(v)) {
        if (CONTAINER_LISTS.includes(k) && Array.isArray(x))
          for (const c of x) {
            const image = (c as Vars | null)?.image;
            if (typeof image === 'string') out.push(image);
          }
        walk(x);
      }
    }
  };
  for (const doc of parseAllDocuments(text)) walk(doc.toJS());
  return out;
}

const holds = (t: Task, vars: Vars): boolean => t.when.every((c) => evalCondition(c.source, vars, c.loc));

/** A manifest as the run renders it: its task, template file (relative to the working folder when under it),
 *  host, variables and text. */
export interface RenderedManifest {
  task: Task;
  template: string;
  host: string;
  vars: Vars;
  text: string;
}

/** The first of `hosts` the task's `when` selects (a condition that needs facts cannot be judged here). */
function hostFor(rv: ReturnType<typeof newRunVars>, play: Play, t: Task, hosts: string[]) {
  for (const host of hosts) {
    const vars = taskVars(rv, play, t, host, hosts);
    try {
      if (holds(t, vars)) return { host, vars };
    } catch {
      // a condition that needs facts: the run decides it; another host may do
    }
  }
  return undefined;
}

/** The task's variables once per item of its `loop:` (the `with_*` forms are not read here), or once. */
function perItem(t: Task, vars: Vars, host: string): Vars[] {
  if (t.keywords.loop === undefined) return [vars];
  const items = renderDeep(t.keywords.loop, { vars, host }, valueLoc);
  if (!Array.isArray(items)) return [];
  const name = String((t.keywords.loop_control as Vars | undefined)?.loop_var ?? 'item');
  return items.map((x) => extendVars(vars, { [name]: x, ansible_loop_var: name }));
}

/** Every manifest the playbook's template tasks render (a template named *.yaml or *.yml, once each; a looped
 *  task's once per item). */
export function renderedManifests(p: Prepared): RenderedManifest[] {
  const rv = newRunVars(p.inv, p.extra, p.pb.dir, false);
  const out: RenderedManifest[] = [];
  const seen = new Set<string>();
  for (const { play, hosts } of p.plan.plays)
    for (const t of allTasks([...play.preTasks, ...play.tasks, ...play.postTasks])) {
      const raw = t.args.src;
      if (t.module !== 'template' || typeof raw !== 'string' || seen.has(t.id)) continue;
      if (!MANIFEST.test(raw) && t.keywords.loop === undefined) continue;
      const at = hostFor(rv, play, t, hosts);
      if (!at) continue;
      seen.add(t.id);
      const { host } = at;
      for (const vars of perItem(t, at.vars, host)) {
        const src = String(renderString(raw, { vars, host }, { loc: t.argLocs('src') }));
        if (!MANIFEST.test(src)) continue;
        const path = findSource('templates', src, t.role, p.pb.dir);
        if (!path) throw new KplayError(`template ${src} not found`, { code: 'PLAYBOOK', loc: t.argLocs('src'), host });
        const text = renderTemplateFile(path, { vars, host });
        const here = relative(process.cwd(), path);
        out.push({ task: t, template: here.startsWith('..') ? path : here, host, vars, text });
      }
    }
  return out;
}

/** The pod sandbox image of the runtime role's first host (SANDBOX_IMAGE, named after the mirror with
 *  REGISTRY_REWRITE, as config.toml.hbs names it), when the playbook has the role. */
function sandboxImage(p: Prepared): string | undefined {
  const rv = newRunVars(p.inv, p.extra, p.pb.dir, false);
  for (const { play, hosts } of p.plan.plays)
    for (const t of allTasks(play.tasks)) {
      if (t.role?.name !== 'runtime') continue;
      const at = hostFor(rv, play, t, hosts);
      const { SANDBOX_IMAGE: image, registry_rewrite_to: to } = at?.vars ?? {};
      if (typeof image === 'string') return mirroredImage(image, typeof to === 'string' ? to : '');
    }
  return undefined;
}

export function manifestImages(p: Prepared): ManifestImages {
  const manifests: ManifestImages['manifests'] = [];
  const images = new Set<string>();
  for (const m of renderedManifests(p)) {
    const found = imagesIn(m.text);
    if (!found.length) continue;
    manifests.push({ task: m.task.name ?? m.task.module, template: m.template, host: m.host, images: found });
    for (const i of found) images.add(i);
  }
  const sandbox = sandboxImage(p);
  if (sandbox) images.add(sandbox);
  return { manifests, images: [...images].sort() };
}
