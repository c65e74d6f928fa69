// package, selinux, include_vars and pause on a real lab host: apply, a second run changes nothing,
// and --check on a drifted host predicts the install without doing it.
import { expect } from 'chai';
import { useLab, type LabHandle } from '../lab/helpers.js';
import { kplay, results, siteFor, totalChanged } from './support.js';

const PLAYBOOK = 'test/e2e/fixtures/modules-misc/site.yml';

describe('@lab package, selinux, include_vars, pause on real hosts', function () {
  this.timeout(300_000);
  let lab: LabHandle;
  let site: string;
  let host: string;
  before(async function () {
    lab = await useLab(this, { count: 3 });
    site = siteFor(lab);
    host = lab.hosts[1]!.name;
    await lab.exec(host, 'DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq tree >/dev/null 2>&1 || true', {
      timeoutMs: 120_000,
    });
  });

  it('installs through package, leaves selinux alone, then changes nothing', async () => {
    const check = await kplay(['run', PLAYBOOK, '-i', site, '--json', '--check', '--limit', host]);
    expect(results(check)).to.include(`${host}|a package through the generic module|changed`);
    expect((await lab.exec(host, "dpkg-query -W -f='${Status}' tree 2>/dev/null || true")).stdout).not.to.include(
      'install ok installed',
    );
    const r = await kplay(['run', PLAYBOOK, '-i', site, '--json', '--limit', host]);
    expect(r.code, r.stdout.slice(-2000)).to.equal(0);
    expect(results(r)).to.include.members([
      `${host}|a package through the generic module|changed`,
      `${host}|selinux where there is none|ok`,
      `${host}|variables from a file|ok`,
      `${host}|a short pause|ok`,
    ]);
    expect((await lab.exec(host, "dpkg-query -W -f='${Status}' tree")).stdout).to.equal('install ok installed');
    const again = await kplay(['run', PLAYBOOK, '-i', site, '--json', '--limit', host]);
    expect(totalChanged(again), JSON.stringify(results(again))).to.equal(0);
  });
});
