// The lab as a kubeasz site, twice: `hosts` in kubeasz's INI form (hosts named by address, as kubeasz writes
// them) and hosts.yml, the same site in Ansible's YAML form. Connection settings (the lab's key and
// known_hosts) live in group_vars/all.yml, so the hosts file stays as kubeasz has it.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
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

const nameOf = (lab: LabHandle, ip: string) => lab.hosts.find((h) => h.ip === ip)!.name;

/** Cluster-wide settings as kubeasz's [all:vars] (PROXY_MODE iptables: the lab kernel has no ip_vs). */
export function clusterVars(): Record<string, string> {
  return {
    SECURE_PORT: '6443',
    CONTAINER_RUNTIME: 'containerd',
    CLUSTER_NETWORK: 'flannel',
    PROXY_MODE: 'iptables',
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

export function iniHosts(lab: LabHandle, g: ClusterLayout): string {
  const node = (ip: string) => `${ip} k8s_nodename='${nameOf(lab, ip)}'`;
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
    ...g.lb.map(
      (ip, i) => `${ip} LB_ROLE=${i === 0 ? 'master' : 'backup'} EX_APISERVER_VIP=${lab.vip} EX_APISERVER_PORT=8443`,
    ),
    '',
    '[chrony]',
    g.master[0]!,
    '',
    '[all:vars]',
    ...Object.entries(clusterVars()).map(([k, v]) => `${k}="${v}"`),
    "k8s_nodename=''",
    '',
  ];
  return lines.join('\n');
}

export function yamlHosts(lab: LabHandle, g: ClusterLayout): string {
  const members = (ips: string[], vars: (ip: string, i: number) => Record<string, unknown> | null) => ({
    hosts: Object.fromEntries(ips.map((ip, i) => [ip, vars(ip, i)])),
  });
  const named = (ip: string) => ({ k8s_nodename: nameOf(lab, ip) });
  const doc = {
    all: {
      children: {
        etcd: members(g.etcd, () => null),
        kube_master: members(g.master, named),
        kube_node: members(g.node, named),
        harbor: null,
        ex_lb: members(g.lb, (_ip, i) => ({
          LB_ROLE: i === 0 ? 'master' : 'backup',
          EX_APISERVER_VIP: lab.vip,
          EX_APISERVER_PORT: 8443,
        })),
        chrony: members([g.master[0]!], () => null),
      },
      vars: { ...clusterVars(), k8s_nodename: '' },
    },
  };
  return stringify(doc, { lineWidth: 0 });
}

/** A site folder: the hosts file (INI or YAML), group_vars/all.yml with the lab's connection, bin/ from `binDir`. */
export function writeClusterSite(
  lab: LabHandle,
  form: 'ini' | 'yaml',
  binDir: string,
  extraVars: Record<string, unknown> = {},
): string {
  const dir = mkdtempSync(join(tmpdir(), `kplay-cluster-${form}-`));
  const g = clusterLayout(lab);
  if (form === 'ini') writeFileSync(join(dir, 'hosts'), iniHosts(lab, g));
  else writeFileSync(join(dir, 'hosts.yml'), yamlHosts(lab, g));
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
  cpSync(binDir, join(dir, 'bin'), { recursive: true });
  return dir;
}
