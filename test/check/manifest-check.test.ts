// Manifests checked before the run (check/manifest-check.ts): a table of manifests and what is wrong with them;
// every manifest of the example sites passes for each network, with and without a mirror; `--syntax-check -i`
// reports a bad one at its template task, all problems at once, exit 4.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkManifests, manifestProblems } from '../../src/check/manifest-check.js';
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

  const EXAMPLES: [string, Record<string, unknown>][] = [
    ['inventories/example', {}],
    ['inventories/example-yaml', { CLUSTER_NETWORK: 'flannel' }],
    ['inventories/example', { CLUSTER_NETWORK: 'flannel', REGISTRY_MIRROR: 'reg.local:5000' }],
    ['inventories/example', { REGISTRY_MIRROR: 'reg.local:5000' }],
    ['inventories/example', { REGISTRY_MIRROR: 'reg.local:5000', REGISTRY_REWRITE: true }],
  ];
  for (const [site, extra] of EXAMPLES)
    it(`every manifest of ${site} with ${JSON.stringify(extra)} passes`, async () => {
      const p = await prepareRun({ playbook: 'playbooks/ha-cluster.yml', inventory: [site], extra });
      expect(checkManifests(p).map((e) => e.message)).to.deep.equal([]);
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
