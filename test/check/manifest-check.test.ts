// Manifests checked before the run (check/manifest-check.ts): a table of manifests and what is wrong with them;
// every manifest of the example sites passes for each network, with and without a mirror; `--syntax-check -i`
// reports a bad one at its template task, all problems at once, exit 4.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { checkManifests, manifestProblems } from '../../src/check/manifest-check.js';
import { renderedManifests } from '../../src/check/manifest-images.js';
import { prepareRun } from '../../src/check/prepare.js';

const NS = new Set(['default', 'kube-system', 'mine']);
const MIRROR = { REGISTRY_MIRROR: 'reg.local:5000', REGISTRY_MIRRORED: ['docker.io', 'registry.k8s.io'] };
const pod = (image: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec: { containers: [ { name: c, image: "${image}" } ] }\n`;

const CASES: [string, string, Record<string, unknown>, string[]][] = [
  ['a whole object', pod('x:1'), {}, []],
  [
    'no kind, no name',
    'apiVersion: v1\nmetadata: {}\n',
    {},
    ['document 1 (no kind): no kind', 'document 1 (no kind): no metadata.name'],
  ],
  [
    'a second document without apiVersion',
    `${pod('x:1')}---\nkind: Service\nmetadata: { name: s }\n`,
    {},
    ['document 2 (Service s): no apiVersion'],
  ],
  [
    'a namespace nothing makes',
    'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: nowhere }\n',
    {},
    ['document 1 (ConfigMap c): namespace nowhere is neither made by these manifests nor one Kubernetes has'],
  ],
  [
    'a namespace the manifests make',
    'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: mine }\n',
    {},
    [],
  ],
  ["some program's config, not a manifest", 'runtime-endpoint: unix:///run/x.sock\n', {}, []],
  ["a component's config", 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n', {}, []],
  [
    'with a mirror: Docker Hub and registry.k8s.io images',
    `${pod('nginx:1')}---\n${pod('registry.k8s.io/p:3')}`,
    MIRROR,
    [],
  ],
  ['with a mirror: an image named after the mirror', pod('reg.local:5000/team/app:2'), MIRROR, []],
  [
    'with a mirror: an image from a registry it does not mirror',
    pod('quay.io/x/y:1'),
    MIRROR,
    [
      'image quay.io/x/y:1 is from quay.io, which the nodes do not pull through the mirror reg.local:5000: add it ' +
        'to REGISTRY_MIRRORED, or name the image after the mirror',
    ],
  ],
];

describe('check: manifests before the run', () => {
  for (const [name, text, vars, want] of CASES)
    it(name, () => expect(manifestProblems({ text, vars }, NS)).to.deep.equal(want));

  const ALL_ADDONS = { headlamp_install: 'yes', local_path_provisioner_install: 'yes' };
  const EXAMPLES: [string, Record<string, unknown>][] = [
    ['inventories/example', {}],
    ['inventories/example-yaml', { CLUSTER_NETWORK: 'flannel' }],
    ['inventories/example', { CLUSTER_NETWORK: 'flannel', REGISTRY_MIRROR: 'reg.local:5000' }],
    ['inventories/example', { REGISTRY_MIRROR: 'reg.local:5000' }],
    ['inventories/example', { REGISTRY_MIRROR: 'reg.local:5000', REGISTRY_REWRITE: true }],
    ['inventories/example', { ...ALL_ADDONS, CALICO_NETWORKING_BACKEND: 'vxlan', REGISTRY_MIRROR: 'reg.local:5000' }],
    ['inventories/example', { ...ALL_ADDONS, CLUSTER_NETWORK: 'cilium', REGISTRY_MIRROR: 'reg.local:5000' }],
    ['inventories/example-yaml', { ...ALL_ADDONS, CLUSTER_NETWORK: 'cilium', PROXY_MODE: 'iptables' }],
    ['inventories/example', { ...ALL_ADDONS, CLUSTER_NETWORK: 'kube-router', REGISTRY_REWRITE: true }],
    ['inventories/example-yaml', { ...ALL_ADDONS, CLUSTER_NETWORK: 'kube-router', REGISTRY_MIRROR: 'reg.local:5000' }],
  ];
  for (const [site, extra] of EXAMPLES)
    it(`every manifest of ${site} with ${JSON.stringify(extra)} passes`, async () => {
      const p = await prepareRun({ playbook: 'playbooks/ha-cluster.yml', inventory: [site], extra });
      expect(checkManifests(p).map((e) => e.message)).to.deep.equal([]);
    });

  // What each manifest must hold, by kind/name (documents it may hold besides are not listed).
  const CALICO_CRDS = ['bgpconfigurations', 'bgpfilters', 'bgppeers', 'blockaffinities', 'caliconodestatuses']
    .concat(['clusterinformations', 'felixconfigurations', 'globalnetworkpolicies', 'globalnetworksets'])
    .concat(['hostendpoints', 'ipamblocks', 'ipamconfigs', 'ipamhandles', 'ippools', 'ipreservations'])
    .concat(['kubecontrollersconfigurations', 'networkpolicies', 'networksets'])
    .map((plural) => `CustomResourceDefinition/${plural}.crd.projectcalico.org`);
  const HOLDS: [string, Record<string, unknown>, string, string[]][] = [
    [
      'calico: the CRDs, RBAC, calico-node and calico-kube-controllers',
      { CLUSTER_NETWORK: 'calico' },
      'templates/network/calico.yaml.hbs',
      [
        ...CALICO_CRDS,
        ...['calico-node', 'calico-cni-plugin', 'calico-kube-controllers'].flatMap((n) => [
          `ClusterRole/${n}`,
          `ClusterRoleBinding/${n}`,
        ]),
        'ServiceAccount/calico-node',
        'ServiceAccount/calico-kube-controllers',
        'DaemonSet/calico-node',
        'Deployment/calico-kube-controllers',
        'ConfigMap/calico-config',
      ],
    ],
    [
      'cilium: the agent and the operator',
      { CLUSTER_NETWORK: 'cilium' },
      'templates/network/cilium.yaml.hbs',
      ['ConfigMap/cilium-config', 'ClusterRole/cilium', 'ClusterRole/cilium-operator', 'DaemonSet/cilium'].concat([
        'Deployment/cilium-operator',
      ]),
    ],
    [
      'kube-router: its DaemonSet and CNI config',
      { CLUSTER_NETWORK: 'kube-router' },
      'templates/network/kube-router.yaml.hbs',
      ['ClusterRole/kube-router', 'ConfigMap/kube-router-cfg', 'DaemonSet/kube-router'],
    ],
    [
      'nodelocaldns: the cache and its upstream service',
      {},
      'templates/addons/nodelocaldns.yaml.hbs',
      ['Service/kube-dns-upstream', 'ConfigMap/node-local-dns', 'DaemonSet/node-local-dns'],
    ],
    [
      'metrics-server: its APIService and the auth-reader binding',
      {},
      'templates/addons/metrics-server.yaml.hbs',
      ['APIService/v1beta1.metrics.k8s.io', 'RoleBinding/metrics-server-auth-reader', 'Deployment/metrics-server'],
    ],
    [
      'headlamp: the dashboard and an admin login',
      ALL_ADDONS,
      'templates/addons/headlamp.yaml.hbs',
      ['Deployment/headlamp', 'Service/headlamp', 'ClusterRoleBinding/headlamp-admin', 'Secret/headlamp-admin-token'],
    ],
    [
      'local-path: the provisioner and its StorageClass',
      ALL_ADDONS,
      'templates/addons/local-path-provisioner.yaml.hbs',
      ['Namespace/local-path-storage', 'Deployment/local-path-provisioner', 'StorageClass/local-path'],
    ],
  ];
  for (const [name, extra, template, want] of HOLDS)
    it(name, async () => {
      const p = await prepareRun({ playbook: 'playbooks/ha-cluster.yml', inventory: ['inventories/example'], extra });
      const m = renderedManifests(p).find((x) => x.template === template);
      type Doc = { kind: string; metadata: { name: string } };
      const docs = parseAllDocuments(m?.text ?? '').map((d) => d.toJS() as Doc);
      expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).to.include.members(want);
    });

  it('each network and addon switch renders only its own manifests', async () => {
    const templates = async (extra: Record<string, unknown>) => {
      const p = await prepareRun({ playbook: 'playbooks/ha-cluster.yml', inventory: ['inventories/example'], extra });
      return renderedManifests(p)
        .map((m) => m.template.replace(/^templates\/|\.yaml\.hbs$/g, ''))
        .filter((t) => /^(network|addons)\//.test(t));
    };
    expect(await templates({ CLUSTER_NETWORK: 'kube-router', ENABLE_LOCAL_DNS_CACHE: 'false' })).to.deep.equal([
      'network/kube-router',
      'addons/coredns',
      'addons/metrics-server',
    ]);
    expect(await templates({ dns_install: 'no', metricsserver_install: 'no', headlamp_install: 'yes' })).to.deep.equal([
      'network/calico',
      'addons/headlamp',
    ]);
  });

  it('--syntax-check -i reports every problem at its template task, exit 4', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kplay-manifests-'));
    try {
      mkdirSync(join(dir, 'templates'));
      writeFileSync(join(dir, 'templates/app.yaml.j2'), 'apiVersion: v1\nkind: Pod\nmetadata: { namespace: x }\n');
      writeFileSync(join(dir, 'hosts'), 'h1\n');
      writeFileSync(
        join(dir, 'site.yml'),
        '- hosts: all\n  tasks:\n    - name: Write the app\n' +
          '      template: { src: app.yaml.j2, dest: /tmp/app.yaml }\n',
      );
      const r = spawnSync(
        process.execPath,
        ['bin/kplay', 'run', join(dir, 'site.yml'), '-i', join(dir, 'hosts'), '--syntax-check'],
        { encoding: 'utf8' },
      );
      expect(r.status).to.equal(4);
      expect(r.stderr).to.include(
        `${join(dir, 'site.yml')}:3:7: ${join(dir, 'templates/app.yaml.j2')}: document 1 (Pod): no metadata.name`,
      );
      expect(r.stderr).to.include('namespace x is neither made by these manifests nor one Kubernetes has');
      expect(r.stderr).to.include('2 problems found; nothing was run.');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
