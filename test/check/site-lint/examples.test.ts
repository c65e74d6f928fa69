// The repository's example sites against the HA playbook, and a kubeasz site with a misspelt setting and settings
// kplay does not honour. The examples are kubeasz's hosts file as it is: its base_dir and cluster_dir (kubeasz's
// workspace) are the two settings kplay has no use for, and the linter says so.
import { expect } from 'chai';
import { join } from 'node:path';
import { Problems } from '../../../src/core/errors.js';
import { loadInventory } from '../../../src/inventory/inventory.js';
import { readPlaybook } from '../../../src/playbook/playbook.js';
import { formatFinding, lintSite } from '../../../src/check/site-lint/site-lint.js';
import type { Playbook } from '../../../src/core/types.js';
import { writeTree } from '../../support/tree.js';

const WORKSPACE =
  'kplay keeps a site in its own folder (bin_src, pki_dir under inventory_dir), not in a kubeasz workspace';

describe('site-lint: sites against playbooks/ha-cluster.yml', function () {
  this.timeout(20_000);
  let pb: Playbook;
  before(() => {
    const p = new Problems();
    pb = readPlaybook('playbooks/ha-cluster.yml', p);
    expect(p.size).to.equal(0);
  });
  const lint = (paths: string[]) => {
    const p = new Problems();
    const inv = loadInventory(paths, p);
    expect(p.size).to.equal(0);
    return lintSite(inv, pb).map(formatFinding);
  };

  const cases: [string, string, string[]][] = [
    [
      'inventories/example (INI)',
      'inventories/example',
      [
        `inventories/example/hosts:64:1: kubeasz setting base_dir is not honoured by kplay: ${WORKSPACE}`,
        `inventories/example/hosts:67:1: kubeasz setting cluster_dir is not honoured by kplay: ${WORKSPACE}`,
      ],
    ],
    [
      'inventories/example-yaml (YAML)',
      'inventories/example-yaml',
      [
        `inventories/example-yaml/hosts.yml:37:5: kubeasz setting base_dir is not honoured by kplay: ${WORKSPACE}`,
        `inventories/example-yaml/hosts.yml:38:5: kubeasz setting cluster_dir is not honoured by kplay: ${WORKSPACE}`,
      ],
    ],
  ];
  for (const [what, path, want] of cases)
    it(`${what}: only kubeasz's workspace settings`, () => expect(lint([path])).to.deep.equal(want));

  it('a kubeasz site with a misspelt setting and settings kplay does not honour', () => {
    const dir = writeTree({
      'site/hosts':
        '[etcd]\n10.0.0.1\n[kube_master]\n10.0.0.1 k8s_nodename=m1\n' +
        '[ex_lb]\n10.0.0.1 LB_ROLE=master EX_APISERVER_VPI=10.0.0.9\n' +
        '[all:vars]\nCLUSTER_NETWORK="calico"\nSERVICE_CDIR="10.68.0.0/16"\n' +
        'ansible_python_interpreter=/usr/bin/python3\n',
      'site/group_vars/all.yml': 'CLUSTER_NAME: c1\nKUBELET_ROOT_DIR: /k\napiserver_extra_sans: [a.example]\n',
    });
    expect(lint([join(dir, 'site')]).map((l) => l.replaceAll(`${dir}/`, ''))).to.deep.equal([
      "site/group_vars/all.yml:1:1: kubeasz setting CLUSTER_NAME is not honoured by kplay: kplay's kubeconfigs use " +
        'fixed cluster and context names',
      'site/group_vars/all.yml:2:1: kubeasz setting KUBELET_ROOT_DIR is not honoured by kplay: ' +
        "kplay's name for it is kubelet_root_dir",
      'site/hosts:6:25: unknown setting EX_APISERVER_VPI (did you mean EX_APISERVER_VIP?)',
      'site/hosts:9:1: unknown setting SERVICE_CDIR (did you mean SERVICE_CIDR?)',
    ]);
  });
});
