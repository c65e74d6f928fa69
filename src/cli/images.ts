// `kplay images SITE`: every container image the site's cluster pulls, one a line (docs/registry.md): what an
// offline site must put in its images/ folder. Read on the controller, before connecting to any host.
import type { Argv } from 'yargs';
import type { Output } from '../core/output.js';
import type { ImagesArgs } from './images-list.js';

/** Registers `kplay images`; the work (images-list.ts) is loaded when the command runs. */
export function imagesCommand(y: Argv, out: Output, guard: (fn: () => Promise<number>) => Promise<void>): Argv {
  return y.command(
    'images <site>',
    "List every container image the site's manifests use (and the pod sandbox image)",
    (a) =>
      a
        .positional('site', { type: 'string', describe: 'a site folder or hosts file', demandOption: true })
        .option('playbook', {
          type: 'string',
          describe: 'the playbook whose manifests are read (default: playbooks/ha-cluster.yml)',
        })
        .option('json', { type: 'boolean', default: false, describe: 'the manifests and their images as JSON' })
        .example('$0 images inventories/prod', 'the images to load into an offline site registry'),
    (a) => {
      const args: ImagesArgs = { site: a.site as string, playbook: a.playbook as string | undefined, json: !!a.json };
      return guard(async () => (await import('./images-list.js')).listImages(args, out));
    },
  );
}
