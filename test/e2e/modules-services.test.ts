// apt, dpkg_selections, systemd_service/service on real lab hosts (Debian 12, systemd, apt through the lab's
// caching proxy): installs converge, --check predicts without installing, pins, holds, a missing package's
// message; a unit file written by the play: started+enabled, stopped, masked, daemon-reload after an edit,
// restarted always changed.
import { expect } from 'chai';
import { useLab, type LabHandle } from '../lab/helpers.js';
import { checkedRun, kplay, results, siteFor, totalChanged, type KplayRun } from './support.js';

const F = 'test/e2e/fixtures/modules-services';

describe('@lab modules: packages and services', () => {
  let lab: LabHandle;
  let site: string;
  let h0: string;
  let h1: string;
  before(async function () {
    lab = await useLab(this, { count: 3 });
    site = siteFor(lab);
    [h0, h1] = [lab.hosts[0]!.name, lab.hosts[1]!.name];
    // a clean slate when the shared lab is reused
    for (const h of [h0, h1])
      await lab.exec(
        h,
        'apt-get purge -y -q tree hello >/dev/null 2>&1; systemctl unmask ' +
          'kplay-sleep 2>/dev/null; systemctl disable --now kplay-sleep ' +
          '2>/dev/null; rm -f /usr/local/lib/systemd/system/kplay-sleep.service; ' +
          'systemctl daemon-reload; mkdir -p /usr/local/lib/systemd/system; true',
      );
    // The unit directory exists beforehand: in check mode, a task after one that is itself uncertain (the copy
    // into a directory an earlier task creates) would fail rather than be uncertain (see the report to the lead).
  });

  const run = async (
    playbook: string,
    host: string,
    vars: Record<string, string>,
    extra: string[] = [],
    checked = false,
  ): Promise<KplayRun> =>
    (checked ? checkedRun : kplay)([
      'run',
      `${F}/${playbook}`,
      '-i',
      site,
      '--json',
      '--limit',
      host,
      ...Object.entries(vars).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
      ...extra,
    ]);
  const ok = (r: KplayRun) => expect(r.code, r.stderr + r.stdout.slice(-3000)).to.equal(0);
  const installed = async (host: string, pkg: string) =>
    (await lab.exec(host, `dpkg-query -W -f='\${db:Status-Abbrev}\${Version}' ${pkg} 2>/dev/null || true`)).stdout;

  it(
    'apt: --check predicts an install without installing; ' + 'the real run installs; a second run changes nothing',
    async function () {
      this.timeout(300_000);
      const check = await run('apt.yml', h1, { pkg: 'tree' }, ['--check']);
      ok(check);
      expect(results(check)).to.include(`${h1}|package|changed`);
      expect(await installed(h1, 'tree')).to.not.match(/^ii/);

      const real = await run('apt.yml', h0, { pkg: 'tree' }, [], true);
      ok(real);
      expect(results(real)).to.include(`${h0}|package|changed`);
      expect(await installed(h0, 'tree')).to.match(/^ii /);
      const again = await run('apt.yml', h0, { pkg: 'tree' });
      ok(again);
      expect(totalChanged(again)).to.equal(0);
    },
  );

  it('dpkg_selections: hold, converges, back to install', async function () {
    this.timeout(120_000);
    const hold = await run('selection.yml', h0, { pkg: 'tree', selection: 'hold' });
    ok(hold);
    expect(results(hold)).to.include(`${h0}|selection|changed`);
    expect((await lab.exec(h0, 'dpkg --get-selections tree')).stdout).to.match(/^tree\s+hold$/m);
    expect(totalChanged(await run('selection.yml', h0, { pkg: 'tree', selection: 'hold' }))).to.equal(0);
    ok(await run('selection.yml', h0, { pkg: 'tree', selection: 'install' }));
    expect((await lab.exec(h0, 'dpkg --get-selections tree')).stdout).to.match(/^tree\s+install$/m);
  });

  it('apt: state=absent removes; again changes nothing', async function () {
    this.timeout(120_000);
    const gone = await run('apt.yml', h0, { pkg: 'tree', state: 'absent' });
    ok(gone);
    expect(results(gone)).to.include(`${h0}|package|changed`);
    expect(await installed(h0, 'tree')).to.not.match(/^ii/);
    expect(totalChanged(await run('apt.yml', h0, { pkg: 'tree', state: 'absent' }))).to.equal(0);
  });

  it('apt: a version pin pkg=VERSION* installs the matching version and converges', async function () {
    this.timeout(300_000);
    const policy = (await lab.exec(h0, 'apt-cache policy hello')).stdout;
    const cand = /Candidate: (\S+)/.exec(policy)?.[1];
    expect(cand, policy).to.be.a('string').and.not.equal('(none)');
    const pin = `hello=${cand!.replace(/-[^-]*$/, '')}*`; // 2.10-3 -> hello=2.10*
    const r = await run('apt.yml', h0, { pkg: pin });
    ok(r);
    expect(await installed(h0, 'hello')).to.equal(`ii ${cand}`);
    expect(totalChanged(await run('apt.yml', h0, { pkg: pin }))).to.equal(0);
    // a pin nothing matches fails, naming the package
    const bad = await run('apt.yml', h0, { pkg: 'hello=0.0.1*', update: 'no' });
    expect(bad.code).to.not.equal(0);
    expect(String(bad.events.find((e) => e.type === 'host_result' && e.task === 'package')?.msg)).to.include(
      "No package matching 'hello=0.0.1*' is available",
    );
  });

  it("apt: a missing package fails with apt's message, the name and the host", async function () {
    this.timeout(120_000);
    // without a cache refresh to come, the plan itself fails (check mode too)
    const r = await run('apt.yml', h0, { pkg: 'kplay-no-such-package', update: 'no' });
    expect(r.code).to.not.equal(0);
    const msgOf = (x: KplayRun) =>
      String(x.events.find((e) => e.type === 'host_result' && e.task === 'package')?.msg ?? x.stdout);
    // the message names the task's place, apt's own words, the host and the task
    expect(msgOf(r)).to.match(
      new RegExp(
        "modules-services\\/apt\\.yml:5:7: No package matching 'kplay-no-such-package' is available\\n" +
          'E: Unable to locate package kplay-no-such-package \\(host \\S+, task "package"\\)',
      ),
    );
    expect(results(r)).to.include(`${h0}|package|failed`);
    // with update_cache, the cache is refreshed first and apt itself fails the install
    const u = await run('apt.yml', h0, { pkg: 'kplay-no-such-package' });
    expect(u.code).to.not.equal(0);
    expect(results(u)).to.include(`${h0}|package|failed`);
    expect(msgOf(u)).to.match(
      /apt-get .*install kplay-no-such-package\nE: Unable to locate package kplay-no-such-package/,
    );
  });

  it(
    'systemd: started+enabled from a new unit file; ' + 'a second run is ok; --check on another host installs nothing',
    async function () {
      this.timeout(120_000);
      const check = await run('service.yml', h1, {}, ['--check']);
      ok(check);
      expect(results(check)).to.include(`${h1}|unit file|changed`);
      // the unit file is not there yet: check mode reads it as the copy before would write it
      expect(results(check)).to.include(`${h1}|the service|changed`);
      expect(
        (
          await lab.exec(h1, 'test -e /usr/local/lib/systemd/system/kplay-sleep.service && echo there || echo none')
        ).stdout.trim(),
      ).to.equal('none');

      const r = await run('service.yml', h0, {}, [], true);
      ok(r);
      expect(results(r)).to.include.members([`${h0}|unit file|changed`, `${h0}|the service|changed`]);
      expect((await lab.exec(h0, 'systemctl is-active kplay-sleep; systemctl is-enabled kplay-sleep')).stdout).to.equal(
        'active\nenabled\n',
      );
      // `status` is read before the change, as Ansible's is (ansible/ansible#71637); the next run sees it running
      expect(r.stdout).to.include('active=inactive');
      const again = await run('service.yml', h0, {});
      ok(again);
      expect(totalChanged(again), JSON.stringify(results(again))).to.equal(0);
      expect(again.stdout).to.include('active=active');
    },
  );

  it('systemd: editing the unit makes daemon_reload a change (only then); the new unit is loaded', async function () {
    this.timeout(120_000);
    const r = await run('service.yml', h0, { desc: 'v2' });
    ok(r);
    expect(results(r)).to.include.members([`${h0}|unit file|changed`, `${h0}|the service|changed`]);
    expect(r.stdout).to.include('daemon-reload');
    expect((await lab.exec(h0, 'systemctl show -p Description,NeedDaemonReload kplay-sleep')).stdout).to.equal(
      'Description=kplay sleep v2\nNeedDaemonReload=no\n',
    );
    expect(totalChanged(await run('service.yml', h0, { desc: 'v2' }))).to.equal(0);
    // daemon_reload alone (no name): a change only while some loaded unit changed on disk
    expect(totalChanged(await run('reload.yml', h0, {}))).to.equal(0);
    await lab.exec(h0, 'sed -i s/v2/v3/ /usr/local/lib/systemd/system/kplay-sleep.service');
    const alone = await run('reload.yml', h0, {});
    ok(alone);
    expect(results(alone)).to.include(`${h0}|daemon-reload|changed`);
    expect(totalChanged(await run('reload.yml', h0, {}))).to.equal(0);
    await lab.exec(h0, 'sed -i s/v3/v2/ /usr/local/lib/systemd/system/kplay-sleep.service && systemctl daemon-reload');
  });

  it('service: restarted always changes, and really restarts (new main PID)', async function () {
    this.timeout(120_000);
    const pid = async () => (await lab.exec(h0, 'systemctl show -p MainPID --value kplay-sleep')).stdout.trim();
    const before = await pid();
    for (let i = 0; i < 2; i++) {
      const r = await run('restart.yml', h0, {});
      ok(r);
      expect(results(r)).to.include(`${h0}|restart|changed`);
    }
    const after = await pid();
    expect(after).to.not.equal(before);
    expect(after).to.not.equal('0');
  });

  it('systemd: stopped+disabled, then masked; unmask starts it again', async function () {
    this.timeout(120_000);
    const stop = await run('service.yml', h0, { desc: 'v2', svc_state: 'stopped', svc_enabled: 'no' });
    ok(stop);
    expect(results(stop)).to.include(`${h0}|the service|changed`);
    expect(
      (await lab.exec(h0, 'systemctl is-active kplay-sleep; systemctl is-enabled kplay-sleep; true')).stdout,
    ).to.equal('inactive\ndisabled\n');
    expect(
      totalChanged(await run('service.yml', h0, { desc: 'v2', svc_state: 'stopped', svc_enabled: 'no' })),
    ).to.equal(0);

    const mask = await run('mask.yml', h0, { masked: 'yes' });
    ok(mask);
    expect(results(mask)).to.include(`${h0}|mask|changed`);
    expect((await lab.exec(h0, 'systemctl is-enabled kplay-sleep; true')).stdout.trim()).to.equal('masked');
    expect(totalChanged(await run('mask.yml', h0, { masked: 'yes' }))).to.equal(0);

    const unmask = await run('mask.yml', h0, { masked: 'no' });
    ok(unmask);
    expect((await lab.exec(h0, 'systemctl is-active kplay-sleep')).stdout.trim()).to.equal('active');
    expect(totalChanged(await run('mask.yml', h0, { masked: 'no' }))).to.equal(0);
  });
});
