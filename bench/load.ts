// How long kplay takes to read and check ha-cluster.yml against a 100-host inventory, before any connection.
// Prints the in-process time (median of 5) and the time of a whole `kplay run --list-tasks` process.
// Run: npm run build && node dist/bench/load.js [hosts]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { prepareRun } from '../src/check/prepare.js';

const n = Number(process.argv[2] ?? 100);
const dir = mkdtempSync(join(tmpdir(), 'kplay-bench-'));
const host = (i: number) => `node${String(i).padStart(3, '0')}`;
const lines = [
  'all:',
  '  vars:',
  '    SECURE_PORT: 6443',
  '    CONTAINER_RUNTIME: containerd',
  '    CLUSTER_NETWORK: calico',
  '    CLUSTER_CIDR: 172.20.0.0/16',
  '    PROXY_MODE: ipvs',
  '    CLUSTER_DNS_DOMAIN: cluster.local',
  '  children:',
];
const group = (name: string, ids: number[], extra: (i: number) => string[] = () => []) => {
  lines.push(`    ${name}:`, '      hosts:');
  for (const i of ids)
    lines.push(
      `        ${host(i)}:`,
      `          ansible_host: 10.1.${Math.floor(i / 250)}.${(i % 250) + 1}`,
      ...extra(i).map((l) => `          ${l}`),
    );
};
group('etcd', [1, 2, 3]);
group('kube_master', [1, 2, 3]);
group(
  'kube_node',
  Array.from({ length: n - 3 }, (_, i) => i + 4),
);
group('ex_lb', [4, 5], (i) => [
  `LB_ROLE: ${i === 4 ? 'master' : 'backup'}`,
  'EX_APISERVER_VIP: 10.1.0.250',
  'EX_APISERVER_PORT: 8443',
]);
writeFileSync(join(dir, 'hosts.yml'), lines.join('\n') + '\n');

async function once(): Promise<number> {
  const t0 = performance.now();
  await prepareRun({ playbook: 'playbooks/ha-cluster.yml', inventory: [dir] });
  return performance.now() - t0;
}

const times: number[] = [];
for (let i = 0; i < 5; i++) times.push(await once());
times.sort((a, b) => a - b);
const t0 = performance.now();
execFileSync(process.execPath, ['bin/kplay', 'run', 'playbooks/ha-cluster.yml', '-i', dir, '--list-tasks'], {
  stdio: 'ignore',
});
const proc = performance.now() - t0;
console.log(`hosts: ${n}`);
console.log(
  `load + validate in process: first ${times.at(-1)!.toFixed(1)} ms (cold), median ${times[2]!.toFixed(1)} ms`,
);
console.log(`whole 'kplay run --list-tasks' process: ${proc.toFixed(0)} ms (node start included)`);
console.log(proc < 500 ? 'OK: under 0.5 s' : 'SLOW: over 0.5 s');
