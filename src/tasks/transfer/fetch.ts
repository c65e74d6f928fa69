// fetch: a host file for the controller: the plan reads it (`dest` computed as
// Ansible does: <dest>/<inventory_hostname>/<src path>, or <dest> with flat=yes). Writing it on the
// controller is an action the engine runs on the controller (controllerPut).
import { posix } from 'node:path';
import type { Plan, Vars } from '../contract.js';
import { sha1, taskFailed } from '../lib/fsattrs.js';
import { abool, defineTask, apath } from '../lib/schema.js';

export function fetchDest(dest: string, src: string, host: string, flat: boolean, baseDir: string | undefined): string {
  const base = posix.isAbsolute(dest) || baseDir === undefined ? dest : posix.join(baseDir, dest);
  if (flat) return base.endsWith('/') ? posix.join(base, posix.basename(src)) : base;
  return posix.join(base, host, posix.normalize(`/${src}`));
}

export const fetch = defineTask({
  name: 'fetch',
  description: 'Copy a file from the host to the controller (<dest>/<host>/<path>, or <dest> with flat=yes).',
  args: {
    src: apath(),
    dest: apath(),
    flat: abool().default(false),
    fail_on_missing: abool().default(true),
    validate_checksum: abool().default(true),
  },
  required: ['src', 'dest'],
  returns: { dest: 'the controller path', checksum: 'sha1 of the file', remote_checksum: 'sha1 on the host' },
  example: '- fetch: src=/etc/kubernetes/admin.conf dest=/etc/kubeasz/clusters/k8s-01/ flat=yes',
  async plan(args, host, facts): Promise<Plan> {
    const src = args.src!;
    const st = await facts.stat(src, { follow: true });
    if (!st.exists || st.isdir) {
      const msg = st.isdir
        ? 'remote file is a directory, fetch cannot work on directories'
        : 'the remote file does not exist, not transferring';
      if (args.fail_on_missing) throw taskFailed(msg);
      return { changes: [], result: { msg, file: src } };
    }
    const b = (await facts.read(src))!;
    const baseDir = typeof host.vars.playbook_dir === 'string' ? host.vars.playbook_dir : undefined;
    const dest = fetchDest(args.dest!, src, host.name, args.flat, baseDir);
    const sum = sha1(b);
    let local: Buffer | undefined;
    try {
      local = await facts.controllerRead(dest);
    } catch {
      local = undefined;
    }
    const result: Vars = { file: src, dest, checksum: sum, remote_checksum: sum };
    if (local !== undefined && sha1(local) === sum) return { changes: [], result };
    return {
      changes: [
        {
          summary: `fetch: ${src} to the controller's ${dest}`,
          actions: [{ controllerPut: dest, content: b }],
          touches: [`controller:${dest}`],
        },
      ],
      result,
    };
  },
});
