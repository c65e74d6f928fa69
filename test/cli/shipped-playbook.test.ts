// `kplay run playbooks/NAME.yml` from a folder without one runs kplay's own (an installed kplay): the path lookup
// as a table over real folders, and the real command line from a folder outside the checkout.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { shippedPlaybook } from '../../src/cli/shipped-playbook.js';

const REPO = resolve('.');

describe('the playbook kplay ships, named playbooks/... from any folder', () => {
  const root = mkdtempSync(join(tmpdir(), 'kplay-shipped-root-'));
  const cwd = mkdtempSync(join(tmpdir(), 'kplay-shipped-cwd-'));
  mkdirSync(join(root, 'playbooks'));
  mkdirSync(join(cwd, 'playbooks'));
  for (const f of ['ha-cluster.yml', 'fetch-bin.yml']) writeFileSync(join(root, 'playbooks', f), '[]\n');
  writeFileSync(join(cwd, 'playbooks', 'fetch-bin.yml'), '[]\n');
  writeFileSync(join(cwd, 'site.yml'), '[]\n');
  const cases: { given: string; want: (r: string, c: string) => string }[] = [
    { given: 'playbooks/ha-cluster.yml', want: (r) => join(r, 'playbooks', 'ha-cluster.yml') },
    { given: './playbooks/ha-cluster.yml', want: () => './playbooks/ha-cluster.yml' }, // ./: this folder's
    { given: 'playbooks/../../x/ha-cluster.yml', want: () => 'playbooks/../../x/ha-cluster.yml' },
    { given: 'playbooks/fetch-bin.yml', want: () => 'playbooks/fetch-bin.yml' }, // the working folder's wins
    { given: 'playbooks/none.yml', want: () => 'playbooks/none.yml' }, // neither: the error names the path given
    { given: 'site.yml', want: () => 'site.yml' },
    { given: 'ha-cluster.yml', want: () => 'ha-cluster.yml' }, // only playbooks/... is looked up
    { given: '../playbooks/ha-cluster.yml', want: () => '../playbooks/ha-cluster.yml' },
    { given: '/elsewhere/playbooks/ha-cluster.yml', want: () => '/elsewhere/playbooks/ha-cluster.yml' },
  ];
  for (const c of cases)
    it(`${c.given} -> ${c.want('<kplay>', '<here>')}`, () => {
      expect(shippedPlaybook(c.given, root, cwd)).to.equal(c.want(root, cwd));
    });

  it('kplay run playbooks/ha-cluster.yml --syntax-check from a folder outside the checkout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kplay-shipped-'));
    cpSync(join(REPO, 'inventories/example'), join(dir, 'site'), { recursive: true });
    const r = spawnSync(
      process.execPath,
      [join(REPO, 'bin/kplay'), 'run', 'playbooks/ha-cluster.yml', '-i', 'site', '--syntax-check'],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.include(`playbook: ${join(REPO, 'playbooks', 'ha-cluster.yml')}`);
  });
});
