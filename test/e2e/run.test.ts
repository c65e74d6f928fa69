// kplay run against real lab hosts over the real ssh2 transport: apply, idempotence, an honest check mode.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { useLab, type LabHandle } from '../lab/helpers.js';
import { E2E_TOKEN, kplay, results, siteFor, totalChanged } from './support.js';

const PLAYBOOK = 'test/e2e/fixtures/basics/site.yml';

/** Every path, mode, owner and size under the places a playbook could write, with content hashes for /etc and /opt. */
const SNAPSHOT =
  'find /etc /opt /srv /root /usr/local /var/lib -xdev \\( -path /var/lib/systemd ' +
  `-o -path /var/lib/apt -o -path /var/lib/dpkg \\) -prune -o -printf '%p %m %u ` +
  `%g %s %y %l\\n' | sort; find /etc /opt -xdev -type f -exec sha256sum {} + | sort`;

describe('@lab kplay run on real hosts', () => {
  let lab: LabHandle;
  let site: string;
  before(async function () {
    lab = await useLab(this, { count: 3 });
    site = siteFor(lab);
  });

  it(
    '--check on fresh hosts writes nothing, and predicts exactly ' +
      'what the real run changes; a second run changes nothing',
    async function () {
      this.timeout(180_000);
      const host = lab.hosts[0]!.name;
      const before = (await lab.exec(host, SNAPSHOT)).stdout;
      const check = await kplay(['run', PLAYBOOK, '-i', site, '--check', '--json']);
      expect(check.code, check.stderr + check.stdout.slice(-2000)).to.equal(0);
      const after = (await lab.exec(host, SNAPSHOT)).stdout;
      expect(after).to.equal(before);

      const real = await kplay(['run', PLAYBOOK, '-i', site, '--json']);
      expect(real.code, real.stderr + real.stdout.slice(-3000)).to.equal(0);
      expect(totalChanged(real)).to.be.greaterThan(0);
      const predicted = results(check).filter((r) => !r.endsWith('|uncertain'));
      const realSet = new Set(results(real));
      for (const p of predicted) {
        // a check-mode skip of a command is a prediction that it runs
        if (p.endsWith('|skipped') && realSet.has(p.replace(/\|skipped$/, '|changed'))) continue;
        expect(
          realSet.has(p),
          `predicted ${p}; the real run did: ${results(real)
            .filter((x) => x.startsWith(p.split('|').slice(0, 2).join('|')))
            .join(', ')}`,
        ).to.equal(true);
      }
      const again = await kplay(['run', PLAYBOOK, '-i', site, '--json']);
      expect(again.code, again.stderr).to.equal(0);
      expect(totalChanged(again), JSON.stringify(results(again).filter((r) => r.endsWith('|changed')))).to.equal(0);
    },
  );

  it('the files are what the playbook says, on every host', async () => {
    for (const h of lab.hosts) {
      const r = await lab.exec(
        h.name,
        'cat /opt/kplay-e2e/conf/app.env /opt/kplay-e2e/conf/settings.conf; stat -c ' +
          '"%a %U" /opt/kplay-e2e/conf/app.env; readlink /opt/kplay-e2e/current; cat ' +
          '/etc/kplay-e2e-web.conf; test -e /etc/kplay-e2e-web.reloaded && echo reloaded',
      );
      expect(r.stdout).to.include(`token=${E2E_TOKEN}\nhost=${h.name}\nlevel=info\n600 root\n/opt/kplay-e2e/conf\n`);
      expect(r.stdout).to.include(`listen ${h.ip}:8080`);
      for (const p of lab.hosts) expect(r.stdout).to.include(`peer ${p.name}`);
      expect(r.stdout).to.include('reloaded');
    }
  });

  it('--check after a drift predicts the repair, and the real run makes it', async function () {
    this.timeout(120_000);
    const host = lab.hosts[1]!.name;
    await lab.exec(
      host,
      'chmod 0644 /opt/kplay-e2e/conf/app.env && sed -i s/level=info/level=debug/ /opt/kplay-e2e/conf/settings.conf',
    );
    const check = await kplay(['run', PLAYBOOK, '-i', site, '--check', '--diff', '--json', '--limit', host]);
    expect(results(check)).to.include(`${host}|a line in a config|changed`);
    expect(results(check)).to.include(`${host}|a file from content|changed`);
    const real = await kplay(['run', PLAYBOOK, '-i', site, '--json', '--limit', host]);
    expect(results(real)).to.include(`${host}|a line in a config|changed`);
    const again = await kplay(['run', PLAYBOOK, '-i', site, '--json', '--limit', host]);
    expect(totalChanged(again)).to.equal(0);
  });

  it('on a terminal, shows the live view: a line per task, naming its hosts once it is done', async function () {
    this.timeout(60_000);
    const cmd = `stty cols 120 rows 40; ${process.execPath} bin/kplay run ${PLAYBOOK} -i ${site}`;
    const r = spawnSync('script', ['-qc', cmd, '/dev/null'], { encoding: 'utf8', env: { ...process.env, CI: '' } });
    const screen = r.stdout.replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, '').replace(/\r/g, '\n');
    const link = screen.split('\n').filter((l) => l.includes('✔ TASK [a link]'));
    expect(link, screen).to.not.deep.equal([]);
    for (const h of lab.hosts) expect(link.at(-1)).to.include(h.name);
    expect(screen).to.include('PLAY RECAP');
  });
});
