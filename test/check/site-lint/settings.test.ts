// The settings of a site as the linter reads them: every variable, where it applies, and where its name is written.
import { expect } from 'chai';
import { join } from 'node:path';
import { Problems } from '../../../src/core/errors.js';
import { loadInventory } from '../../../src/inventory/inventory.js';
import { siteSettings } from '../../../src/check/site-lint/settings.js';
import { writeTree } from '../../support/tree.js';
import type { Loc } from '../../../src/core/loc.js';

function settings(files: Record<string, string>): string[] {
  const dir = writeTree(files);
  const p = new Problems();
  const inv = loadInventory([join(dir, 'site')], p);
  expect(p.list.map((e) => e.format())).to.deep.equal([]);
  const at = (l: Loc | undefined) => (l ? `${l.file.slice(dir.length + 1)}:${l.line}:${l.col}` : '-');
  return siteSettings(inv).map((s) => `${s.name}=${JSON.stringify(s.value)} ${s.scope} ${at(s.loc)}`);
}

describe('site-lint: the settings of a site', () => {
  const cases: [string, Record<string, string>, string[]][] = [
    [
      'an INI hosts file: [all:vars], [group:vars], host lines',
      {
        'site/hosts':
          '[etcd]\nn1 k8s_nodename=a LB_ROLE=master\n[etcd:vars]\nETCD_DATA_DIR=/d\n' +
          '[all:vars]\n# c\nSECURE_PORT="6443"\n',
      },
      [
        'SECURE_PORT="6443" group all site/hosts:7:1',
        'ETCD_DATA_DIR="/d" group etcd site/hosts:4:1',
        'k8s_nodename="a" host n1 site/hosts:2:4',
        'LB_ROLE="master" host n1 site/hosts:2:19',
      ],
    ],
    [
      'a YAML inventory: group vars and host vars at their keys',
      {
        'site/hosts.yml':
          'all:\n  vars:\n    SECURE_PORT: 6443\n  children:\n    etcd:\n      hosts:\n        n1: {k8s_nodename: a}\n',
      },
      ['SECURE_PORT=6443 group all site/hosts.yml:3:5', 'k8s_nodename="a" host n1 site/hosts.yml:7:14'],
    ],
    [
      'group_vars/ and host_vars/ files, a group_vars folder of several files',
      {
        'site/hosts': '[etcd]\nn1\n',
        'site/group_vars/all.yml': '---\nbin_dir: /b\n',
        'site/group_vars/etcd/a.yml': 'x: 1\n',
        'site/group_vars/etcd/b.yml': '\ny: 2\n',
        'site/host_vars/n1': 'ansible_user: root\n',
      },
      [
        'bin_dir="/b" group_vars/all site/group_vars/all.yml:2:1',
        'x=1 group_vars/etcd site/group_vars/etcd/a.yml:1:1',
        'y=2 group_vars/etcd site/group_vars/etcd/b.yml:2:1',
        'ansible_user="root" host_vars/n1 site/host_vars/n1:1:1',
      ],
    ],
    [
      'host:port sets ansible_port on the host',
      { 'site/hosts': '[etcd]\nn1:2222\n' },
      ['ansible_port=2222 host n1 site/hosts:2:1'],
    ],
  ];
  for (const [what, files, want] of cases) it(what, () => expect(settings(files)).to.deep.equal(want));
});
