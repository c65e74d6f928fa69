// Image names as Docker reads them (core/image-names.ts): a table of names, each with its registry, its full
// name, and its repository and tag.
import { expect } from 'chai';
import { fullImageName, registryOf, splitImageName } from '../../src/core/image-names.js';

const CASES: [string, string, string, { repo: string; tag: string } | undefined][] = [
  ['nginx:1.27', 'docker.io', 'docker.io/library/nginx:1.27', { repo: 'docker.io/library/nginx', tag: '1.27' }],
  ['nginx', 'docker.io', 'docker.io/library/nginx', undefined],
  [
    'flannel/flannel:v0.25.6',
    'docker.io',
    'docker.io/flannel/flannel:v0.25.6',
    {
      repo: 'docker.io/flannel/flannel',
      tag: 'v0.25.6',
    },
  ],
  ['docker.io/calico/node:v3', 'docker.io', 'docker.io/calico/node:v3', { repo: 'docker.io/calico/node', tag: 'v3' }],
  [
    'registry.k8s.io/pause:3.9',
    'registry.k8s.io',
    'registry.k8s.io/pause:3.9',
    {
      repo: 'registry.k8s.io/pause',
      tag: '3.9',
    },
  ],
  [
    'reg.local:5000/team/app:2',
    'reg.local:5000',
    'reg.local:5000/team/app:2',
    {
      repo: 'reg.local:5000/team/app',
      tag: '2',
    },
  ],
  ['reg.local:5000/team/app', 'reg.local:5000', 'reg.local:5000/team/app', undefined],
  ['localhost/x:1', 'localhost', 'localhost/x:1', { repo: 'localhost/x', tag: '1' }],
  ['x/y@sha256:abc', 'docker.io', 'docker.io/x/y@sha256:abc', undefined],
];

describe('image names', () => {
  for (const [image, registry, full, split] of CASES)
    it(`${image}: from ${registry}, ${full}`, () => {
      expect(registryOf(image)).to.equal(registry);
      expect(fullImageName(image)).to.equal(full);
      expect(splitImageName(image)).to.deep.equal(split);
    });
});
