// The work of `kplay images SITE` (images.ts): the site and the playbook read as `kplay run` reads them (bad
// input is an error before anything else), then the manifests rendered on the controller.
import type { Output } from '../core/output.js';
import { manifestImages } from '../check/manifest-images.js';
import { prepareRun } from '../check/prepare.js';
import { playbookOf } from './site-check.js';

export interface ImagesArgs {
  site: string;
  playbook?: string | undefined;
  json: boolean;
}

export async function listImages(a: ImagesArgs, out: Output): Promise<number> {
  const prepared = await prepareRun({ playbook: playbookOf(a.playbook), inventory: [a.site] });
  const found = manifestImages(prepared);
  if (a.json) out.print(JSON.stringify(found, null, 2));
  else for (const image of found.images) out.print(image);
  return 0;
}
