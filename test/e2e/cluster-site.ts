// The lab as a kubeasz cluster folder, as kubeasz 3.7's `ezctl new` makes it from its example
// (example/hosts.multi-node and example/config.yml): the same groups, host variables and settings, with only the
// addresses (the lab's; the example's commented ex_lb lines given the two workers), bin_src (the lab's binaries,
// laid out as kubeasz's bin/ with bin/containerd-bin/) and the connection settings changed. Twice: `hosts` in
// kubeasz's INI form (hosts named by address, as kubeasz writes them) and hosts.yml, the same cluster as a
// Kubespray YAML inventory; config.yml beside either (its one group name made Kubespray's there). Connection
// settings (the lab's key and known_hosts) live in group_vars/all.yml, so the hosts file stays as kubeasz has it.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { LabHandle } from '../lab/helpers.js';

export interface ClusterLayout {
  etcd: string[];
  master: string[];
  node: string[];
  lb: string[];
}

/** Addresses by role: 3 etcd + masters, the rest workers, the last two workers are also the load balancers. */
export function clusterLayout(lab: LabHandle): ClusterLayout {
  const ips = lab.hosts.map((h) => h.ip);
  const master = ips.slice(0, 3);
  const node = ips.slice(3);
  return { etcd: master, master, node, lb: node.slice(-2) };
}

/** The node names the example's hosts file gives (k8s_nodename): master-01 ..., worker-01 ... */
export function exampleNodeNames(g: ClusterLayout): Map<string, string> {
  const two = (i: number) => String(i + 1).padStart(2, '0');
  return new Map([
    ...g.master.map((ip, i) => [ip, `master-${two(i)}`] as const),
    ...g.node.map((ip, i) => [ip, `worker-${two(i)}`] as const),
  ]);
}

/** The example's [all:vars], as written there. */
export function clusterVars(): Record<string, string> {
  return {
    SECURE_PORT: '6443',
    CONTAINER_RUNTIME: 'containerd',
    CLUSTER_NETWORK: 'calico',
    PROXY_MODE: 'nftables',
    SERVICE_CIDR: '10.68.0.0/16',
    CLUSTER_CIDR: '172.20.0.0/16',
    NODE_PORT_RANGE: '30000-32767',
    CLUSTER_DNS_DOMAIN: 'cluster.local',
    bin_dir: '/opt/kube/bin',
    base_dir: '/etc/kubeasz',
    cluster_dir: '{{ base_dir }}/clusters/lab',
    ca_dir: '/etc/kubernetes/ssl',
  };
}

// the example's ex_lb lines: the backup first, then the master
const lbRole = (i: number) => (i === 0 ? 'backup' : 'master');

export function iniHosts(lab: LabHandle, g: ClusterLayout): string {
  const names = exampleNodeNames(g);
  const node = (ip: string) => `${ip} k8s_nodename='${names.get(ip)}'`;
  const lines = [
    '# the lab as a kubeasz hosts file',
    '[etcd]',
    ...g.etcd,
    '',
    '[kube_master]',
    ...g.master.map(node),
    '',
    '[kube_node]',
    ...g.node.map(node),
    '',
    '[harbor]',
    '',
    '[ex_lb]',
    ...g.lb.map((ip, i) => `${ip} LB_ROLE=${lbRole(i)} EX_APISERVER_VIP=${lab.vip} EX_APISERVER_PORT=8443`),
    '',
    '[chrony]',
    '',
    '[all:vars]',
    ...Object.entries(clusterVars()).map(([k, v]) => `${k}="${v}"`),
    "k8s_nodename=''",
    'ansible_python_interpreter=/usr/bin/python3',
    '',
  ];
  return lines.join('\n');
}

/** The same cluster in Kubespray's shape: kube_control_plane, kube_node, etcd under k8s_cluster, each host with
 *  Kubespray's `ip` and `access_ip` (kplay's ex_lb and kubeasz's settings kept: Kubespray has no such group). */
export function kubesprayHosts(lab: LabHandle, g: ClusterLayout): string {
  const names = exampleNodeNames(g);
  const hosts = (ips: string[]) => ({ hosts: Object.fromEntries(ips.map((ip) => [ip, null])) });
  const doc = {
    all: {
      hosts: Object.fromEntries(
        [...g.master, ...g.node].map((ip) => [ip, { ip, access_ip: ip, k8s_nodename: names.get(ip) }]),
      ),
      children: {
        k8s_cluster: { children: { kube_control_plane: hosts(g.master), kube_node: hosts(g.node) } },
        etcd: hosts(g.etcd),
        ex_lb: {
          hosts: Object.fromEntries(
            g.lb.map((ip, i) => [ip, { LB_ROLE: lbRole(i), EX_APISERVER_VIP: lab.vip, EX_APISERVER_PORT: 8443 }]),
          ),
        },
        chrony: null,
      },
      vars: { ...clusterVars(), k8s_nodename: '' },
    },
  };
  return stringify(doc, { lineWidth: 0 });
}

/** The container runtime's binaries, which kubeasz keeps in bin/containerd-bin/. */
const CONTAINERD_BIN = ['containerd', 'containerd-shim-runc-v2', 'ctr', 'runc'];

/** A site folder: the hosts file (INI or YAML), config.yml, group_vars/all.yml with the lab's connection, and bin/
 *  from `binDir` in kubeasz's layout. */
export function writeClusterSite(
  lab: LabHandle,
  form: 'ini' | 'kubespray',
  binDir: string,
  extraVars: Record<string, unknown> = {},
): string {
  const dir = mkdtempSync(join(tmpdir(), `kplay-cluster-${form}-`));
  const g = clusterLayout(lab);
  if (form === 'ini') writeFileSync(join(dir, 'hosts'), iniHosts(lab, g));
  else writeFileSync(join(dir, 'hosts.yml'), kubesprayHosts(lab, g));
  mkdirSync(join(dir, 'group_vars'));
  writeFileSync(
    join(dir, 'group_vars', 'all.yml'),
    stringify({
      ansible_user: 'root',
      ansible_ssh_private_key_file: join(lab.inventory, 'id_ed25519'),
      ansible_ssh_common_args:
        `-o UserKnownHostsFile=${join(lab.inventory, 'known_hosts')} ` + '-o StrictHostKeyChecking=yes',
      // the hosts' apt lists come from the lab's base image, possibly an hour old: one going stale between a
      // --check and the apply of its plan would change the plan (apt would then refresh them)
      apt_cache_valid_time: 864000,
      ...extraVars,
    }),
  );
  // kubeasz's config.yml names its masters' group (IP_AUTODETECTION_METHOD): Kubespray's is kube_control_plane
  const config = readFileSync('test/e2e/fixtures/kubeasz-site/config.yml', 'utf8');
  const groupName = form === 'ini' ? 'kube_master' : 'kube_control_plane';
  writeFileSync(join(dir, 'config.yml'), config.replaceAll("groups['kube_master']", `groups['${groupName}']`));
  cpSync(binDir, join(dir, 'bin'), { recursive: true });
  mkdirSync(join(dir, 'bin', 'containerd-bin'), { recursive: true }); // a site's own bin/ has it already
  for (const b of CONTAINERD_BIN)
    if (existsSync(join(dir, 'bin', b))) renameSync(join(dir, 'bin', b), join(dir, 'bin', 'containerd-bin', b));
  return dir;
}
