// Debian's ansible-playbook, run for the parity suites with its JSON callback (the output is parsed by them).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Debian's ansible-mitogen (.ci/apt-packages.txt) puts its strategy among ansible-core's own. */
const MITOGEN =
  existsSync('/usr/lib/python3/dist-packages/ansible/plugins/strategy/mitogen_linear.py') &&
  process.env.KPLAY_ANSIBLE_PLAIN !== '1';

/** With `mitogen`, through Mitogen's strategy when Debian's ansible-mitogen is installed (not with
 *  KPLAY_ANSIBLE_PLAIN=1): the same modules, run in a Python kept on the host rather than started for each task,
 *  a fraction of the CPU (the big parity suite's two rounds: 330 s -> about 90 s, measured). */
export function ansiblePlaybook(
  args: string[],
  cwd: string,
  o: { mitogen?: boolean } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = {
      ...process.env,
      ANSIBLE_STDOUT_CALLBACK: 'json',
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_RETRY_FILES_ENABLED: '0',
      // modules through the ssh session's stdin: fewer round trips, the same results (no become here)
      ANSIBLE_PIPELINING: '1',
      // Ansible's ssh options less -C: compressing on a link to this machine's own hosts costs CPU, gains nothing
      ANSIBLE_SSH_ARGS: '-o ControlMaster=auto -o ControlPersist=60s',
      ANSIBLE_LOCAL_TEMP: join(cwd, '.ansible-tmp'),
      ...(o.mitogen && MITOGEN ? { ANSIBLE_STRATEGY: 'mitogen_linear' } : {}),
    };
    const child = spawn('ansible-playbook', args, { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface AnsibleTask {
  task: { name: string };
  hosts: Record<string, { changed?: boolean; failed?: boolean; msg?: unknown; stderr?: string }>;
}

/** ansible-playbook run on one lab host of an inventory, from `dir`: each task of its JSON output, in order. */
export async function ansibleTasks(inventory: string, host: string, dir: string): Promise<AnsibleTask[]> {
  const r = await ansiblePlaybook(
    ['-i', inventory, '--limit', host, '-e', 'ansible_python_interpreter=/usr/bin/python3', 'site.yml'],
    dir,
  );
  const start = r.stdout.indexOf('{');
  if (start < 0) throw new Error(`ansible-playbook gave no JSON (rc=${r.code}): ${r.stderr}\n${r.stdout}`);
  const out = JSON.parse(r.stdout.slice(start)) as { plays: { tasks: AnsibleTask[] }[] };
  return out.plays.flatMap((p) => p.tasks);
}
