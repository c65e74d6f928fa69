// kubeasz's Jinja templates rendered by kplay and by ansible-playbook, byte for byte.
// Run: npm run build && node dist/bench/kubeasz-templates.js /path/to/kubeasz-checkout
// (a checkout of easzlab/kubeasz; nothing of it is kept in this repository). Needs ansible-playbook.
//
// One playbook, one play per role that has templates: the play reads the example site's config.yml and the
// role's defaults and vars, and renders each of the role's `.j2` templates with the template module for every
// host of the example inventory (example/hosts.multi-node, every host on a local connection), into a folder per
// tool. Variables kubeasz's tasks set at run time (set_fact, register) are given fixed values below, the same
// for both tools. The example's commented chrony server is switched on, and os-harden's play gathers facts and
// reads the role's vars for this machine's OS family (as its include_vars does). A template that draws a random
// number (`| random`) cannot render the same twice, even by Ansible: such renders are compared with the drawn
// numbers masked and counted apart. Prints the renders that differ and the tasks that failed with either tool.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { stringify } from 'yaml';

const KUBEASZ = resolve(process.argv[2] ?? '');
const ROOT = resolve(import.meta.dirname, '..', '..');
const WORK = '/tmp/kplay-kubeasz-templates';

/** Values of variables kubeasz sets while it runs (or asks the user for). */
const RUNTIME_VARS = {
  USER_NAME: 'alice',
  USER_TYPE: 'admin',
  LB_IF: 'eth0',
  EX_APISERVER_PORT: 8443,
  EX_APISERVER_VIP: '192.168.1.250',
  os_env_umask: '027',
  os_auth_uid_min: 1000,
  os_auth_sys_uid_min: 100,
  DOCKER_VER: '24.0.7',
  rocketmq_namespace: 'rocketmq',
  rocketmq_storage_class: 'local-path',
  item: 'https://registry.example.com',
  harbor_password_gen: { stdout: 's3cret' },
  db_password_gen: { stdout: 'dbpass' },
  NF_CONNTRACK_IPV4: { stdout: '4.19' },
};

function templatesOf(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.j2'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

function main(): void {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  writeFileSync(join(WORK, 'runtime.yml'), stringify(RUNTIME_VARS));
  const hosts = readFileSync(join(KUBEASZ, 'example/hosts.multi-node'), 'utf8')
    .replace(/^\[chrony\]\n#/m, '[chrony]\n')
    .replace(/^(\d+\.\d+\.\d+\.\d+)/gm, '$1 ansible_connection=local');
  writeFileSync(join(WORK, 'hosts'), hosts);
  const names = [...new Set([...hosts.matchAll(/^(\d+\.\d+\.\d+\.\d+)/gm)].map((m) => m[1]!))];
  const plays = [];
  const roles = readdirSync(join(KUBEASZ, 'roles')).sort();
  for (const role of roles) {
    const dir = join(KUBEASZ, 'roles', role, 'templates');
    let tpls: string[];
    try {
      tpls = templatesOf(dir);
    } catch {
      continue;
    }
    if (!tpls.length) continue;
    const varsFiles = [join(KUBEASZ, 'example/config.yml')];
    for (const sub of ['defaults', 'vars']) {
      const f = join(KUBEASZ, 'roles', role, sub, 'main.yml');
      try {
        readFileSync(f);
        varsFiles.push(f);
      } catch {}
    }
    const facts = role === 'os-harden';
    if (facts) varsFiles.push(join(KUBEASZ, 'roles', role, 'vars', `${osFamily()}.yml`));
    varsFiles.push(join(WORK, 'runtime.yml'));
    const tasks = tpls.map((t) => {
      const rel = relative(dir, t);
      const dest = `{{ out }}/{{ inventory_hostname }}/${role}/${rel.replaceAll('/', '_')}`;
      return { name: `${role}/${rel}`, template: { src: t, dest }, ignore_errors: true };
    });
    plays.push({ name: role, hosts: 'all', gather_facts: facts, vars_files: varsFiles, tasks });
  }
  writeFileSync(join(WORK, 'pb.yml'), stringify(plays));
  const tools: Record<string, string[]> = {
    ansible: ['ansible-playbook', '-f', '10'],
    kplay: [process.execPath, join(ROOT, 'bin/kplay'), 'run', '-f', '10'],
  };
  for (const [tool, argv] of Object.entries(tools)) {
    const out = join(WORK, tool);
    for (const h of names) for (const r of roles) mkdirSync(join(out, h, r), { recursive: true });
    const r = spawnSync(
      argv[0]!,
      [...argv.slice(1), join(WORK, 'pb.yml'), '-i', join(WORK, 'hosts'), '-e', `out=${out}`],
      {
        cwd: WORK,
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      },
    );
    writeFileSync(join(WORK, `${tool}.log`), r.stdout + r.stderr);
    const failed = (r.stdout.match(/^fatal: .*$/gm) ?? []).map((l) => l.slice(0, 220));
    console.log(`${tool}: exit ${r.status}, ${failed.length} failed renders (log: ${join(WORK, `${tool}.log`)})`);
    for (const l of [...new Set(failed.map((l) => l.replace(/\[[\d.]+\]/, '[H]')))]) console.log(`  ${l}`);
  }
  const a = filesUnder(join(WORK, 'ansible'));
  const k = new Set(filesUnder(join(WORK, 'kplay')));
  let same = 0;
  let random = 0;
  for (const f of a) {
    if (!k.has(f)) {
      console.log(`only Ansible rendered ${f}`);
      continue;
    }
    const equal = readFileSync(join(WORK, 'ansible', f)).equals(readFileSync(join(WORK, 'kplay', f)));
    if (equal) same++;
    else if (onlyRandomDiffers(f)) random++;
    else console.log(`differs: ${f}\n${diffOf(join(WORK, 'ansible', f), join(WORK, 'kplay', f))}`);
    k.delete(f);
  }
  for (const f of k) console.log(`only kplay rendered ${f}`);
  console.log(`${same} of ${a.length} renders Ansible made are byte-identical in kplay's`);
  if (random) console.log(`${random} more differ only in the numbers their template draws with | random`);
}

/** The OS family as Ansible names it, from /etc/os-release (Debian for Debian and Ubuntu). */
function osFamily(): string {
  const rel = readFileSync('/etc/os-release', 'utf8');
  const like = /^ID_LIKE="?([^"\n]*)/m.exec(rel)?.[1] ?? '';
  const id = /^ID="?([^"\n]*)/m.exec(rel)?.[1] ?? '';
  return id === 'debian' || like.split(' ').includes('debian') ? 'Debian' : 'RedHat';
}

/** Whether two renders differ only in numbers, on at most as many lines as the template has `| random` draws. */
function onlyRandomDiffers(render: string): boolean {
  const [, role, flat] = render.split('/');
  const dir = join(KUBEASZ, 'roles', role!, 'templates');
  const src = templatesOf(dir).find((t) => relative(dir, t).replaceAll('/', '_') === flat);
  const draws = src ? (readFileSync(src, 'utf8').match(/\|\s*random\b/g) ?? []).length : 0;
  const a = readFileSync(join(WORK, 'ansible', render), 'utf8').split('\n');
  const k = readFileSync(join(WORK, 'kplay', render), 'utf8').split('\n');
  if (a.length !== k.length) return false;
  const differing = a.filter((l, i) => l !== k[i]);
  const numbersOnly = a.every((l, i) => l === k[i] || l.replace(/\d+/g, 'N') === k[i]!.replace(/\d+/g, 'N'));
  return numbersOnly && differing.length > 0 && differing.length <= draws;
}

function diffOf(x: string, y: string): string {
  try {
    execFileSync('diff', ['-u', x, y], { encoding: 'utf8' });
    return '';
  } catch (e) {
    return String((e as { stdout?: string }).stdout ?? '').slice(0, 2000);
  }
}

main();
