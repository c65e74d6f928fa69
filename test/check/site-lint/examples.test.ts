// The repository's example sites against the HA playbook, and a kubeasz site with a misspelt setting and settings
// kplay does not honour. The examples are kubeasz's hosts file as it is: its cluster_dir (kubeasz's workspace) is
// the one setting kplay has no use for, and the linter says so.
import { expect } from 'chai';
import { join } from 'node:path';
import { Problems } from '../../../src/core/errors.js';
import { loadInventory } from '../../../src/inventory/inventory.js';
import { readPlaybook } from '../../../src/playbook/playbook.js';
import { formatFinding, lintSite } from '../../../src/check/site-lint/site-lint.js';
import type { Playbook } from '../../../src/core/types.js';
import { writeTree } from '../../support/tree.js';

const WORKSPACE = "kplay reads a cluster's files (config.yml, ssl/) from the site folder itself, not cluster_dir";

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
      [`inventories/example/hosts:67:1: kubeasz setting cluster_dir is not honoured by kplay: ${WORKSPACE}`],
    ],
    [
      'inventories/example-yaml (YAML)',
      'inventories/example-yaml',
      [`inventories/example-yaml/hosts.yml:38:5: kubeasz setting cluster_dir is not honoured by kplay: ${WORKSPACE}`],
    ],
  ];
  for (const [what, path, want] of cases)
    it(`${what}: only kubeasz's workspace settings`, () => expect(lint([path])).to.deep.equal(want));

  it("the lab's kubeasz folder: config.yml's settings are linted at their places; its names are honoured", () => {
    const found = lint(['test/e2e/fixtures/kubeasz-site']);
    const at = (name: string) => found.find((f) => f.includes(` ${name} `));
    expect(at('OS_HARDEN')).to.match(
      /\/test\/e2e\/fixtures\/kubeasz-site\/config\.yml:6:1: kubeasz setting OS_HARDEN /,
    );
    for (const honoured of ['K8S_NODENAME', 'MASTER_CERT_HOSTS', 'MAX_PODS', 'CA_EXPIRY', 'SANDBOX_IMAGE', 'K8S_VER'])
      expect(at(honoured), honoured).to.equal(undefined);
    expect(found.filter((f) => f.includes('unknown setting'))).to.deep.equal([]);
  });

  it('a kubeasz site with a misspelt setting and settings kplay does not honour', () => {
    const dir = writeTree({
      'site/hosts':
        '[etcd]\n10.0.0.1\n[kube_master]\n10.0.0.1 k8s_nodename=m1\n' +
        '[ex_lb]\n10.0.0.1 LB_ROLE=master EX_APISERVER_VPI=10.0.0.9\n' +
        '[all:vars]\nCLUSTER_NETWORK="calico"\nSERVICE_CDIR="10.68.0.0/16"\n' +
        'ansible_python_interpreter=/usr/bin/python3\n',
      'site/group_vars/all.yml': 'CLUSTER_NAME: c1\nENABLE_CLUSTER_AUDIT: true\nMASTER_CERT_HOST: [a.example]\n',
    });
    expect(lint([join(dir, 'site')]).map((l) => l.replaceAll(`${dir}/`, ''))).to.deep.equal([
      'site/group_vars/all.yml:2:1: kubeasz setting ENABLE_CLUSTER_AUDIT is not honoured by kplay: ' +
        'apiserver audit logging is not set up; apiserver_extra_args passes apiserver flags',
      'site/group_vars/all.yml:3:1: unknown setting MASTER_CERT_HOST, read by nothing ' +
        '(did you mean MASTER_CERT_HOSTS?)',
      'site/hosts:6:25: unknown setting EX_APISERVER_VPI, read by nothing (did you mean EX_APISERVER_VIP?)',
      'site/hosts:9:1: unknown setting SERVICE_CDIR, read by nothing (did you mean SERVICE_CIDR?)',
    ]);
  });
});
