// The manifests a playbook renders (YAML templates with Kubernetes objects in them), checked before the run
// (`kplay run --syntax-check -i SITE`): each document
// is a Kubernetes object (apiVersion, kind, metadata.name), each namespace it names is one of the manifests'
// Namespaces or one Kubernetes makes, and with a mirror (REGISTRY_MIRROR) each image is from a registry the nodes
// pull through it (REGISTRY_MIRRORED, or the mirror itself), so an offline site cannot be set up to pull from
// where it cannot reach. Every problem is reported at once, at the template task, naming the template file.
import { parseAllDocuments } from 'yaml';
import { KplayError } from '../core/errors.js';
import { registryOf } from '../core/image-names.js';
import type { Vars } from '../core/types.js';
import { imagesIn, type RenderedManifest, renderedManifests } from './manifest-images.js';
import type { Prepared } from './prepare.js';

/** The namespaces a cluster has before anything is applied. */
const BUILT_IN = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

const meta = (d: Vars) => (d.metadata && typeof d.metadata === 'object' ? (d.metadata as Vars) : {});

/** What is wrong with one manifest (its objects, and its images against the mirror settings). */
export function manifestProblems(m: Pick<RenderedManifest, 'text' | 'vars'>, namespaces: Set<string>): string[] {
  const out: string[] = [];
  const docs = parseAllDocuments(m.text);
  // a YAML file none of whose documents has an apiVersion or a kind is some program's config, not a manifest; so
  // is a component's config (KubeletConfiguration: kubelet.config.k8s.io/v1beta1 ...), read from a file
  const objects = docs.filter((d) => !d.errors.length).map((d) => d.toJS() as unknown);
  const isObject = (d: unknown) => !!d && typeof d === 'object' && ('apiVersion' in d || 'kind' in d);
  const isConfig = (d: unknown) => isObject(d) && /config\.k8s\.io\//.test(String((d as Vars).apiVersion));
  if (!objects.some(isObject) || objects.some(isConfig)) return out;
  docs.forEach((doc, i) => {
    if (doc.errors.length) return void out.push(`document ${i + 1}: not YAML: ${doc.errors[0]!.message}`);
    const d = doc.toJS() as unknown;
    if (d === null || d === undefined) return;
    if (typeof d !== 'object' || Array.isArray(d)) return void out.push(`document ${i + 1}: not a mapping`);
    const o = d as Vars;
    const what = `document ${i + 1} (${String(o.kind ?? 'no kind')} ${String(meta(o).name ?? '')})`.replace(' )', ')');
    for (const k of ['apiVersion', 'kind']) if (typeof o[k] !== 'string' || !o[k]) out.push(`${what}: no ${k}`);
    if (typeof meta(o).name !== 'string' || !meta(o).name) out.push(`${what}: no metadata.name`);
    const ns = meta(o).namespace;
    if (typeof ns === 'string' && !namespaces.has(ns))
      out.push(`${what}: namespace ${ns} is neither made by these manifests nor one Kubernetes has`);
  });
  const mirror = typeof m.vars.REGISTRY_MIRROR === 'string' ? m.vars.REGISTRY_MIRROR : '';
  if (mirror) {
    const mirrored = new Set([mirror, ...((m.vars.REGISTRY_MIRRORED as string[] | undefined) ?? [])]);
    for (const image of imagesIn(m.text))
      if (!mirrored.has(registryOf(image)))
        out.push(
          `image ${image} is from ${registryOf(image)}, which the nodes do not pull through the mirror ${mirror}: ` +
            'add it to REGISTRY_MIRRORED, or name the image after the mirror',
        );
  }
  return out;
}

/** The problems of every manifest the playbook renders for the site, each at its template task. */
export function checkManifests(p: Prepared): KplayError[] {
  const manifests = renderedManifests(p);
  const namespaces = new Set(BUILT_IN);
  for (const m of manifests)
    for (const doc of parseAllDocuments(m.text)) {
      const d = doc.toJS() as Vars | null;
      if (d?.kind === 'Namespace' && typeof meta(d).name === 'string') namespaces.add(meta(d).name as string);
    }
  return manifests.flatMap((m) =>
    manifestProblems(m, namespaces).map(
      (msg) =>
        new KplayError(`${m.template}: ${msg}`, { code: 'MANIFEST', loc: m.task.loc, host: m.host, task: m.task.name }),
    ),
  );
}
