// ansible.cfg found in Ansible's order and read as configparser reads it, for [defaults] roles_path; the roles
// path from ANSIBLE_ROLES_PATH, ansible.cfg or Ansible's default, relative folders resolved as Ansible does.
import { expect } from 'chai';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Problems } from '../../src/core/errors.js';
import { cfgGet, findAnsibleCfg, parseAnsibleCfg } from '../../src/playbook/ansible-cfg.js';
import { configuredRolesPath } from '../../src/playbook/role-search.js';
import { writeTree } from '../support/tree.js';

const parse = (text: string) => {
  const p = new Problems();
  const cfg = parseAnsibleCfg(text, '/x/ansible.cfg', p);
  return { cfg, problems: p.list.map((e) => `${e.loc?.line}:${e.loc?.col} ${e.message}`) };
};

describe('ansible.cfg', () => {
  // table: [text, roles_path as read]
  const values: [string, string | undefined][] = [
    ['[defaults]\nroles_path = /a:/b\n', '/a:/b'],
    ['[defaults]\nroles_path=/a \n', '/a'],
    ['[defaults]\nroles_path: /a\n', '/a'],
    ['[defaults]\nROLES_PATH = /a\n', '/a'], // keys in any case
    ['[defaults]\nroles_path = /a ;a comment\n', '/a'],
    ['[defaults]\nroles_path = /a;b#c\n', '/a;b#c'], // ; only after a space, # never inline
    ['# c\n; c\n[defaults]\n  # indented comment\nroles_path = /a\n', '/a'],
    ['[defaults]\nroles_path = /a:\n    /b\n', '/a:\n/b'], // a deeper line continues the value
    ['[defaults]\nroles_path = %(x)s:%%\n', '%(x)s:%%'], // raw: no interpolation
    ['[DEFAULT]\nroles_path = /d\n[defaults]\nx = 1\n', '/d'],
    ['[other]\nroles_path = /a\n', undefined],
  ];
  for (const [text, want] of values)
    it(`reads ${JSON.stringify(text)}`, () => {
      const { cfg, problems } = parse(text);
      expect(problems).to.deep.equal([]);
      expect(cfgGet(cfg, 'defaults', 'roles_path')?.value).to.equal(want);
    });

  // table: [text, problem]
  const bad: [string, string][] = [
    ['roles_path = /a\n', "1:1 ansible.cfg: 'roles_path = /a' comes before any [section]"],
    ['[defaults]\n  roles_path /a\n', "2:3 ansible.cfg: 'roles_path /a' is neither a [section] nor a key = value line"],
    ['[defaults]\nx = 1\n[defaults]\n', '3:1 ansible.cfg: section [defaults] is given twice'],
    ['[defaults]\nx = 1\nX = 2\n', "3:1 ansible.cfg: 'x' is given twice in [defaults]"],
    ['[defaults]\n= 2\n', "2:1 ansible.cfg: '= 2' is neither a [section] nor a key = value line"],
  ];
  for (const [text, want] of bad)
    it(`refuses ${JSON.stringify(text)}`, () => {
      expect(parse(text).problems).to.deep.equal([want]);
    });

  it('the position of a value', () => {
    expect(cfgGet(parse('[defaults]\n  roles_path  =  /a\n').cfg, 'defaults', 'roles_path')?.loc).to.deep.equal({
      file: '/x/ansible.cfg',
      line: 2,
      col: 18,
    });
  });

  it('is found as Ansible finds it: ANSIBLE_CONFIG, ./ansible.cfg, ~/.ansible.cfg, /etc/ansible/ansible.cfg', () => {
    const d = writeTree({
      'env/my.cfg': '',
      'envdir/ansible.cfg': '',
      'cwd/ansible.cfg': '',
      'home/.ansible.cfg': '',
      'bare/x': '',
    });
    const home = join(d, 'home');
    expect(findAnsibleCfg({ ANSIBLE_CONFIG: join(d, 'env/my.cfg'), HOME: home }, join(d, 'cwd'))).to.equal(
      join(d, 'env/my.cfg'),
    );
    expect(findAnsibleCfg({ ANSIBLE_CONFIG: 'my.cfg', HOME: home }, join(d, 'env'))).to.equal(join(d, 'env/my.cfg'));
    expect(findAnsibleCfg({ ANSIBLE_CONFIG: join(d, 'envdir'), HOME: home }, join(d, 'cwd'))).to.equal(
      join(d, 'envdir/ansible.cfg'),
    );
    // ANSIBLE_CONFIG naming no file: the next place
    expect(findAnsibleCfg({ ANSIBLE_CONFIG: join(d, 'none.cfg'), HOME: home }, join(d, 'cwd'))).to.equal(
      join(d, 'cwd/ansible.cfg'),
    );
    expect(findAnsibleCfg({ HOME: home }, join(d, 'bare'))).to.equal(join(d, 'home/.ansible.cfg'));
    expect(findAnsibleCfg({ HOME: join(d, 'bare') }, join(d, 'bare'))).to.equal(undefined);
    // a world-writable working folder is not read
    chmodSync(join(d, 'cwd'), 0o777);
    expect(findAnsibleCfg({ HOME: home }, join(d, 'cwd'))).to.equal(join(d, 'home/.ansible.cfg'));
  });

  it('roles_path: ANSIBLE_ROLES_PATH (current folder), else ansible.cfg (its folder), else the default', () => {
    const d = writeTree({ 'proj/ansible.cfg': '[defaults]\nroles_path = roles:~/r:$SITE/r:/abs\n' });
    mkdirSync(join(d, 'cwd'));
    const env = { HOME: '/home/u', SITE: '/srv', ANSIBLE_CONFIG: join(d, 'proj/ansible.cfg') };
    expect(configuredRolesPath(new Problems(), env, join(d, 'cwd'))).to.deep.equal([
      join(d, 'proj/roles'),
      '/home/u/r',
      '/srv/r',
      '/abs',
    ]);
    expect(
      configuredRolesPath(new Problems(), { ...env, ANSIBLE_ROLES_PATH: 'a:/b::~/c' }, join(d, 'cwd')),
    ).to.deep.equal([join(d, 'cwd/a'), '/b', '/home/u/c']);
    expect(configuredRolesPath(new Problems(), { HOME: join(d, 'cwd') }, join(d, 'cwd'))).to.deep.equal([
      join(d, 'cwd/.ansible/roles'),
      '/usr/share/ansible/roles',
      '/etc/ansible/roles',
    ]);
  });

  it('a bad ansible.cfg is reported once, with its position', () => {
    const d = writeTree({ 'ansible.cfg': 'roles_path = x\n' });
    const p = new Problems();
    configuredRolesPath(p, { ANSIBLE_CONFIG: join(d, 'ansible.cfg') }, d);
    configuredRolesPath(p, { ANSIBLE_CONFIG: join(d, 'ansible.cfg') }, d);
    expect(p.list.map((e) => [e.message, e.loc?.line, e.loc?.col, e.code])).to.deep.equal([
      ["ansible.cfg: 'roles_path = x' comes before any [section]", 1, 1, 'OPTIONS'],
    ]);
  });
});
