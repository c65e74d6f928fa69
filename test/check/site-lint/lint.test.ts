// The site linter: a setting nothing reads is an unknown setting (with the nearest known name), a kubeasz setting
// kplay does not honour says why, and a name the playbook reads is never reported. Every message at its place.
import { expect } from 'chai';
import { join } from 'node:path';
import { Problems } from '../../../src/core/errors.js';
import { loadInventory } from '../../../src/inventory/inventory.js';
import { readPlaybook } from '../../../src/playbook/playbook.js';
import { knownNames } from '../../../src/check/site-lint/known.js';
import { formatFinding, lintSettings } from '../../../src/check/site-lint/lint.js';
import { siteSettings } from '../../../src/check/site-lint/settings.js';
import type { NameSets } from '../../../src/check/site-lint/names-in.js';
import { writeTree } from '../../support/tree.js';

/** The findings of a site (files under site/) against a playbook, paths shown from the temporary folder. */
function lint(files: Record<string, string>, known: (dir: string) => NameSets, notHonoured?: Map<string, string>) {
  const dir = writeTree(files);
  const p = new Problems();
  const inv = loadInventory([join(dir, 'site')], p);
  expect(p.list.map((e) => e.format())).to.deep.equal([]);
  return lintSettings(siteSettings(inv), known(dir), notHonoured).map((f) =>
    formatFinding(f).replaceAll(`${dir}/`, ''),
  );
}

// A small playbook: a play var, a role with defaults, a task, a template reading through hostvars.
const PLAYBOOK = {
  'pb.yml': '- hosts: all\n  vars:\n    play_var: 1\n  roles: [web]\n',
  'roles/web/defaults/main.yml': 'web_port: 80\n',
  'roles/web/tasks/main.yml':
    '- template: {src: a.conf.j2, dest: /a}\n  when: web_enabled | default(true)\n' +
    '- debug: {msg: "{{ web_name }}"}\n',
  'roles/web/templates/a.conf.j2': "listen {{ web_port }}\n{{ hostvars[h]['web_peer'] }}\n",
  // a role beside the playbook that this playbook does not run: its names still count
  'roles/db/defaults/main.yml': 'db_port: 5432\n',
  'roles/db/templates/db.conf.hbs': '{{db_user}}\n',
};
const small = (dir: string) => {
  const p = new Problems();
  const names = knownNames(readPlaybook(join(dir, 'pb.yml'), p));
  expect(p.list.map((e) => e.format())).to.deep.equal([]);
  return names;
};

describe('site-lint: settings against a playbook', () => {
  const cases: [string, string, string[]][] = [
    ['every name the playbook defines or reads', 'play_var=1 web_port=1 web_enabled=1 web_name=a web_peer=b', []],
    ['names of roles beside the playbook', 'db_port=1 db_user=a', []],
    [
      "Ansible's connection variables",
      'ansible_host=h ansible_user=u ansible_become=yes ansible_python_interpreter=p',
      [],
    ],
    [
      'a misspelt setting, with the nearest known name',
      'web_prot=81',
      ['site/hosts:4:1: unknown setting web_prot, read by nothing (did you mean web_port?)'],
    ],
    [
      'another case of a known name',
      'WEB_PORT=81',
      ['site/hosts:4:1: unknown setting WEB_PORT, read by nothing (did you mean web_port?)'],
    ],
    [
      'a misspelt connection variable',
      'ansible_ssh_private_keyfile=/k',
      [
        'site/hosts:4:1: unknown setting ansible_ssh_private_keyfile, read by nothing ' +
          '(did you mean ansible_ssh_private_key_file?)',
      ],
    ],
    ['a name nothing is near', 'zzz_qqq=1', ['site/hosts:4:1: unknown setting zzz_qqq, read by nothing']],
    [
      'a kubeasz setting kplay does not honour',
      'OS_HARDEN=true',
      [
        'site/hosts:4:1: kubeasz setting OS_HARDEN is not honoured by kplay: kplay does not harden the ' +
          'operating system',
      ],
    ],
  ];
  for (const [what, vars, want] of cases)
    it(what, () => {
      const hosts = `[web]\nn1\n[all:vars]\n${vars.split(' ').join('\n')}\n`;
      expect(lint({ ...PLAYBOOK, 'site/hosts': hosts }, small)).to.deep.equal(want);
    });

  it('a setting made in several places is one finding, at its first place, naming the others', () => {
    const files = {
      ...PLAYBOOK,
      'site/hosts': '[web]\nn1 web_prot=1\nn2 web_prot=2\n[all:vars]\nweb_prot=3\n',
      'site/group_vars/web.yml': '# x\nweb_prot: 4\n',
    };
    expect(lint(files, small)).to.deep.equal([
      'site/group_vars/web.yml:2:1: unknown setting web_prot, read by nothing (did you mean web_port?) ' +
        '(also set at site/hosts:2:4, site/hosts:3:4, site/hosts:5:1)',
    ]);
  });

  it('findings are sorted by place, across files', () => {
    const files = {
      ...PLAYBOOK,
      'site/hosts': '[web]\nn1 zz_b=1\n[all:vars]\nzz_a=1\n',
      'site/host_vars/n1.yml': 'zz_c: 1\n',
    };
    expect(lint(files, small)).to.deep.equal([
      'site/host_vars/n1.yml:1:1: unknown setting zz_c, read by nothing',
      'site/hosts:2:4: unknown setting zz_b, read by nothing',
      'site/hosts:4:1: unknown setting zz_a, read by nothing',
    ]);
  });

  it('a name the playbook reads wins over the list of kubeasz settings kplay does not honour', () => {
    const list = new Map([
      ['web_port', 'listed, but read'],
      ['MAX_PODS', 'not read'],
    ]);
    const files = { ...PLAYBOOK, 'site/hosts': '[web]\nn1\n[all:vars]\nweb_port=1\nMAX_PODS=2\n' };
    expect(lint(files, small, list)).to.deep.equal([
      'site/hosts:5:1: kubeasz setting MAX_PODS is not honoured by kplay: not read',
    ]);
  });
});
