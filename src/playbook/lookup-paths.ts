// Where a task's `src:` is found on the controller, as Ansible searches: the role's templates/ or files/,
// the project's templates/<role>/, then beside the playbook (templates/, files/, itself).
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { RoleInstance } from '../core/types.js';

export function candidates(
  kind: 'templates' | 'files',
  src: string,
  role: RoleInstance | undefined,
  playbookDir: string,
): string[] {
  if (isAbsolute(src)) return [src];
  const out: string[] = [];
  if (role) out.push(join(role.path, kind, src), join(role.path, src));
  if (kind === 'templates' && role)
    out.push(resolve('templates', role.name, src), resolve(playbookDir, '..', 'templates', role.name, src));
  out.push(join(playbookDir, kind, src), join(playbookDir, src), resolve(kind, src));
  return [...new Set(out)];
}

export function findSource(
  kind: 'templates' | 'files',
  src: string,
  role: RoleInstance | undefined,
  playbookDir: string,
): string | undefined {
  return candidates(kind, src, role, playbookDir).find((p) => existsSync(p));
}
