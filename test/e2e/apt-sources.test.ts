// apt_key, apt_repository and fetch on real hosts: apply, a second run changes nothing, absent removes.
import { expect } from 'chai';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useLab, type LabHandle } from '../lab/helpers.js';
import { checkedRun, kplay, results, siteFor, totalChanged } from './support.js';

const PLAYBOOK = 'test/e2e/fixtures/apt-sources/site.yml';

describe('@lab apt sources and fetch on real hosts', function () {
  this.timeout(300_000);
  let lab: LabHandle;
  let site: string;
  let host: string;
  const fetchDir = mkdtempSync(join(tmpdir(), 'kplay-fetch-'));
  before(async function () {
    lab = await useLab(this, { count: 3 });
    site = siteFor(lab);
    host = lab.hosts[0]!.name;
  });
  // whatever happens, leave apt on the shared lab host as it was (a broken source breaks every later apt run)
  after(async () => {
    await lab?.exec(host, 'rm -f /etc/apt/sources.list.d/kplay-e2e-backports.list /etc/apt/keyrings/kplay-e2e.gpg');
  });

  it('adds a key and a source, refreshes apt from it, fetches a file; then changes nothing', async () => {
    const args = ['run', PLAYBOOK, '-i', site, '--json', '--limit', host, '-e', `fetch_dir=${fetchDir}`];
    const r = await checkedRun(args);
    expect(r.code, r.stdout.slice(-3000) + r.stderr).to.equal(0);
    expect(results(r)).to.include.members([
      `${host}|signing key into its own keyring|changed`,
      `${host}|a source signed by it|changed`,
      `${host}|a file comes back to the controller|changed`,
    ]);
    const on = await lab.exec(
      host,
      'cat /etc/apt/sources.list.d/kplay-e2e-backports.list; test -s ' +
        '/etc/apt/keyrings/kplay-e2e.gpg && echo key; ls /var/lib/apt/lists | grep -c backports',
    );
    expect(on.stdout).to.include(
      'deb [signed-by=/etc/apt/keyrings/kplay-e2e.gpg] http://deb.debian.org/debian bookworm-backports main\n',
    );
    expect(on.stdout).to.include('key\n');
    expect(Number(on.stdout.trim().split('\n').pop())).to.be.greaterThan(0);
    expect(readFileSync(join(fetchDir, host, 'etc/hostname'), 'utf8')).to.equal(`${host}\n`);
    const again = await kplay(args);
    expect(totalChanged(again), JSON.stringify(results(again))).to.equal(0);
  });

  it('state=absent removes the source and the key', async () => {
    const r = await kplay([
      'run',
      PLAYBOOK,
      '-i',
      site,
      '--json',
      '--limit',
      host,
      '-e',
      `fetch_dir=${fetchDir}`,
      '-e',
      'state=absent',
    ]);
    expect(r.code, r.stdout.slice(-3000)).to.equal(0);
    const on = await lab.exec(host, 'ls /etc/apt/sources.list.d/ /etc/apt/keyrings/ 2>/dev/null');
    expect(on.stdout).not.to.match(/kplay-e2e/);
  });
});
