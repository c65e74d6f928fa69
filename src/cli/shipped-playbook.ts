// `kplay run playbooks/NAME.yml` where the working folder has no playbooks/NAME.yml runs the one kplay ships
// (an installed kplay: `npm install -g`), so the commands the README and `kplay new` print work from any folder.
// A file of the working folder always wins; only a path written as playbooks/... (not ./playbooks/...) is looked
// up in kplay's folder.
import { existsSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { KPLAY_ROOT } from '../core/package-root.js';

/** The playbook to read: `given` itself, or kplay's own when it names playbooks/... and this folder has none. */
export function shippedPlaybook(given: string, root: string = KPLAY_ROOT, cwd = process.cwd()): string {
  const path = normalize(given);
  if (!given.startsWith('playbooks/') || !path.startsWith('playbooks/') || existsSync(join(cwd, given))) return given;
  const shipped = join(root, path);
  return existsSync(shipped) ? shipped : given;
}
