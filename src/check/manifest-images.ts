// The container images a site pulls (`kplay images SITE`), read before connecting: every Kubernetes manifest the
// playbook's `template` tasks render (a template whose name ends in .yaml/.yml, rendered as the run renders it:
// the task's own variables, on the first host of its play that its `when` selects), and the pod sandbox image
// (SANDBOX_IMAGE) of the runtime role's hosts. An image is each `image:` of a pod template's containers,
// initContainers and ephemeralContainers, in any kind (Deployment, DaemonSet, Pod ...).
import { relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { KplayError } from '../core/errors.js';
import type { Task, TaskNode, Vars } from '../core/types.js';
import { evalCondition } from '../expr/expr.js';
import { findSource } from '../playbook/lookup-paths.js';
import { renderString, renderTemplateFile } from '../template/template.js';
import { newRunVars, taskVars } from '../vars/context.js';
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

/** The images a manifest's documents name, in the order written. */
export function imagesIn(text: string): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        if (CONTAINER_LISTS.includes(k) && Array.isArray(x))
          for (const c of x) {
            const image = (c as Vars | null)?.image;
            if (typeof image === 'string') out.push(image);
          }
        walk(x);
      }
  };
  for (const doc of parseAllDocuments(text)) walk(doc.toJS());
  return out;
}

const holds = (t: Task, vars: Vars): boolean => t.when.every((c) => evalCondition(c.source, vars, c.loc));

export function manifestImages(p: Prepared): ManifestImages {
  const rv = newRunVars(p.inv, p.extra, p.pb.dir, false);
  const manifests: ManifestImages['manifests'] = [];
  const images = new Set<string>();
  const seen = new Set<string>();
  let sandboxRead = false;
  for (const { play, hosts } of p.plan.plays) {
    for (const t of allTasks([...play.preTasks, ...play.tasks, ...play.postTasks])) {
      if (seen.has(t.id)) continue;
      const isTemplate = t.module === 'template' && typeof t.args.src === 'string';
      const sandbox = !sandboxRead && t.role?.name === 'runtime';
      if (!isTemplate && !sandbox) continue;
      const host = hosts.find((h) => {
        try {
          return holds(t, taskVars(rv, play, t, h, hosts));
        } catch {
          return false; // a condition that needs facts: the run decides it; another host may do
        }
      });
      if (host === undefined) continue;
      const vars = taskVars(rv, play, t, host, hosts);
      if (sandbox && typeof vars.SANDBOX_IMAGE === 'string') {
        images.add(vars.SANDBOX_IMAGE);
        sandboxRead = true;
      }
      if (!isTemplate) continue;
      const src = String(renderString(t.args.src as string, { vars, host }, { loc: t.argLocs('src') }));
      if (!MANIFEST.test(src)) continue;
      seen.add(t.id);
      const path = findSource('templates', src, t.role, p.pb.dir);
      if (!path) throw new KplayError(`template ${src} not found`, { code: 'PLAYBOOK', loc: t.argLocs('src'), host });
      const found = imagesIn(renderTemplateFile(path, { vars, host }));
      if (!found.length) continue;
      manifests.push({ task: t.name ?? t.module, template: relative(process.cwd(), path), host, images: found });
      for (const i of found) images.add(i);
    }
  }
  return { manifests, images: [...images].sort() };
}
