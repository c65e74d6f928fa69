// `kplay images SITE` (check/manifest-images.ts): the images of a manifest's pod templates (a table of kinds),
// and of the example sites' rendered manifests with the sandbox image, as the settings choose them.
import { expect } from 'chai';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imagesIn, manifestImages } from '../../src/check/manifest-images.js';
import { prepareRun } from '../../src/check/prepare.js';

const CASES: [string, string, string[]][] = [
  ['a Pod', 'kind: Pod\nspec:\n  containers: [{ name: a, image: x:1 }]\n', ['x:1']],
  [
    'a Deployment with an init container',
    'kind: Deployment\nspec:\n  template:\n    spec:\n      initContainers: [{ image: "i:2" }]\n' +
      '      containers: [{ image: "c:3" }, { image: "d:4" }]\n',
    ['i:2', 'c:3', 'd:4'],
  ],
  [
    'a CronJob, deep',
    'kind: CronJob\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n' +
      '            - image: reg.local/j:5\n',
    ['reg.local/j:5'],
  ],
  ['several documents', 'kind: A\n---\nkind: Pod\nspec: { containers: [ { image: a } ] }\n---\n', ['a']],
  ['a ConfigMap naming an image in its data: not one', 'kind: ConfigMap\ndata: { image: "n:1" }\n', []],
  [
    'a ConfigMap holding a pod as YAML (a helper pod): its image',
    'kind: ConfigMap\ndata:\n  helperPod.yaml: |\n    kind: Pod\n    spec:\n      containers: [{ image: "h:1" }]\n',
    ['h:1'],
  ],
];

describe('check: the images of manifests', () => {
  for (const [name, text, want] of CASES) it(name, () => expect(imagesIn(text)).to.deep.equal(want));

  const made: string[] = [];
  after(() => {
    for (const d of made) rmSync(d, { recursive: true, force: true });
  });
  const site = (vars: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'kplay-images-'));
    made.push(dir);
    copyFileSync('inventories/example/hosts', join(dir, 'hosts'));
    mkdirSync(join(dir, 'group_vars'));
    writeFileSync(join(dir, 'group_vars/all.yml'), vars);
    return dir;
  };
  const listed = async (dir: string) =>
    manifestImages(await prepareRun({ playbook: 'playbooks/ha-cluster.yml', inventory: [dir] }));

  it("the example site (calico): the network, kubeasz's default addons and the sandbox image", async () => {
    const r = await listed('inventories/example');
    expect(r.images).to.deep.equal([
      'docker.io/calico/kube-controllers:v3.28.2',
      'docker.io/calico/node:v3.28.2',
      'registry.k8s.io/coredns/coredns:v1.11.3',
      'registry.k8s.io/dns/k8s-dns-node-cache:1.23.1',
      'registry.k8s.io/metrics-server/metrics-server:v0.7.2',
      'registry.k8s.io/pause:3.9',
    ]);
    expect(r.manifests.map((m) => m.template)).to.deep.equal([
      'templates/network/calico.yaml.hbs',
      'templates/addons/coredns.yaml.hbs',
      'templates/addons/nodelocaldns.yaml.hbs',
      'templates/addons/metrics-server.yaml.hbs',
    ]);
  });

  it('every addon switched on, kubeasz version names: their images, the helper pod too', async () => {
    const r = await listed(
      site(
        'CLUSTER_NETWORK: cilium\nheadlamp_install: "yes"\nlocal_path_provisioner_install: "yes"\n' +
          'metricsserver_install: "no"\ncilium_ver: 1.16.9\nheadlampVer: 0.26.0\n',
      ),
    );
    expect(r.images).to.deep.equal([
      'docker.io/library/busybox:1.36',
      'docker.io/rancher/local-path-provisioner:v0.0.30',
      'ghcr.io/headlamp-k8s/headlamp:v0.26.0',
      'quay.io/cilium/cilium:v1.16.9',
      'quay.io/cilium/operator-generic:v1.16.9',
      'registry.k8s.io/coredns/coredns:v1.11.3',
      'registry.k8s.io/dns/k8s-dns-node-cache:1.23.1',
      'registry.k8s.io/pause:3.9',
    ]);
  });

  it('REGISTRY_REWRITE names every image after the mirror, the sandbox image too', async () => {
    const r = await listed(
      site(
        'CLUSTER_NETWORK: flannel\nREGISTRY_MIRROR: reg.local:5000\nREGISTRY_REWRITE: true\n' +
          'ENABLE_LOCAL_DNS_CACHE: false\nmetricsserver_install: "no"\nlocal_path_provisioner_install: "yes"\n',
      ),
    );
    expect(r.images).to.deep.equal([
      'reg.local:5000/docker.io/flannel/flannel-cni-plugin:v1.5.1-flannel2',
      'reg.local:5000/docker.io/flannel/flannel:v0.25.6',
      'reg.local:5000/docker.io/library/busybox:1.36',
      'reg.local:5000/docker.io/rancher/local-path-provisioner:v0.0.30',
      'reg.local:5000/registry.k8s.io/coredns/coredns:v1.11.3',
      'reg.local:5000/registry.k8s.io/pause:3.9',
    ]);
  });

  it("flannel's images; dns_install=no leaves coredns and nodelocaldns out; the site's own images", async () => {
    const r = await listed(
      site(
        'CLUSTER_NETWORK: flannel\ncoredns_image: reg.local/coredns:v9\nSANDBOX_IMAGE: reg.local/pause:9\n' +
          'dns_install: "no"\nmetricsserver_install: "no"\n',
      ),
    );
    expect(r.images).to.deep.equal([
      'docker.io/flannel/flannel-cni-plugin:v1.5.1-flannel2',
      'docker.io/flannel/flannel:v0.25.6',
      'reg.local/pause:9',
    ]);
  });
});
