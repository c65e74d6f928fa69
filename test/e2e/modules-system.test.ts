// The kernel, system and users modules through the real CLI on a lab host: a run that changes the host
// (checked with lab.exec), a second run with changed=0, then a drift made behind kplay's back that a
// --check run predicts (changing nothing) and a real run repairs. One host (the last) is used, and what
// the playbooks change is put back afterwards, since other suites share the lab.
import { expect } from 'chai';
import { useLab, type LabHandle } from '../lab/helpers.js';
import { checkedRun, kplay, results, siteFor, totalChanged, type KplayRun } from './support.js';

const DIR = 'test/e2e/fixtures/modules-system';

describe('@lab modules: kernel, system, users', () => {
  let lab: LabHandle;
  let site: string;
  let host: string;
  const sh = async (cmd: string) => (await lab.exec(host, cmd)).stdout;
  const run = (book: string, ...extra: string[]) =>
    kplay(['run', `${DIR}/${book}`, '-i', site, '--json', '--limit', host, ...extra]);
  /** The first run of a book: --check first, which must predict it (issue 13). */
  const checked = (book: string) => checkedRun(['run', `${DIR}/${book}`, '-i', site, '--json', '--limit', host]);
  const ok = (r: KplayRun) => expect(r.code, r.stderr + r.stdout.slice(-3000)).to.equal(0);
  const changedTasks = (r: KplayRun) =>
    results(r)
      .filter((x) => x.endsWith('|changed'))
      .map((x) => x.split('|')[1]);

  before(async function () {
    lab = await useLab(this);
    site = siteFor(lab);
    host = lab.hosts.at(-1)!.name;
  });

  after(async function () {
    this.timeout(60_000);
    if (!lab) return;
    await lab.exec(
      host,
      [
        'umount /mnt/kplay-e2e /srv/kplay-e2e-bind 2>/dev/null; rmdir /mnt/kplay-e2e 2>/dev/null',
        'rm -rf /srv/kplay-e2e-src /srv/kplay-e2e-bind ' +
          '/etc/sysctl.d/95-k8s-sysctl.conf /etc/sysctl.d/96-kplay-e2e-ro.conf ' +
          '/etc/modules-load.d/br_netfilter.conf /etc/modules-load.d/overlay.conf',
        "sed -i '/kplay-e2e/d; /kplay-e2e.swap/d' /etc/fstab",
        `hostname ${host}; echo ${host} > /etc/hostname`,
        'ln -sfn /usr/share/zoneinfo/Etc/UTC /etc/localtime; echo Etc/UTC > /etc/timezone',
        'userdel -r kplaye2e 2>/dev/null; userdel kplaye2esys 2>/dev/null; groupdel kplaye2e 2>/dev/null; true',
      ].join('; '),
    );
  });

  it(
    'kernel: sysctl, modprobe, mount, swap apply, then ' +
      'changed=0, then a drift is predicted by --check and repaired',
    async function () {
      this.timeout(180_000);
      // a swap line in fstab, as on a host installed with swap (the lab cannot swapon: /proc/swaps is empty)
      await lab.exec(
        host,
        "echo '/kplay-e2e.swap none swap sw 0 0' >> /etc/fstab; sysctl -w net.ipv4.ip_forward=0 >/dev/null",
      );
      expect(await sh('test -d /proc/sys/net/bridge && sysctl -n net.bridge.bridge-nf-call-iptables')).to.match(
        /^[01]\n$/,
      ); // br_netfilter is built in and visible

      const first = await checked('kernel.yml');
      ok(first);
      expect(changedTasks(first)).to.include.members([
        'ip_forward',
        'swappiness in the file only',
        'br_netfilter',
        'overlay',
        'tmpfs mount',
        'bind mount',
        'swap off',
      ]);
      const r = await sh(
        [
          'sysctl -n net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables',
          'cat /etc/sysctl.d/95-k8s-sysctl.conf',
          'cat /etc/modules-load.d/br_netfilter.conf /etc/modules-load.d/overlay.conf',
          'findmnt -rn -o SOURCE,FSTYPE,TARGET --mountpoint /mnt/kplay-e2e',
          'findmnt -rn -o TARGET --mountpoint /srv/kplay-e2e-bind',
          'grep kplay-e2e /etc/fstab',
        ].join('; '),
      );
      expect(r).to.equal(
        [
          '1',
          '1',
          'net.ipv4.ip_forward=1',
          'net.bridge.bridge-nf-call-iptables=1',
          'vm.swappiness=0',
          'br_netfilter',
          'overlay',
          'tmpfs tmpfs /mnt/kplay-e2e',
          '/srv/kplay-e2e-bind',
          '#/kplay-e2e.swap none swap sw 0 0',
          'tmpfs /mnt/kplay-e2e tmpfs size=8m,mode=0755 0 0',
          '/srv/kplay-e2e-src /srv/kplay-e2e-bind none bind 0 0',
        ].join('\n') + '\n',
      );
      // vm.swappiness is read-only here: ignoreerrors kept the task ok and said why
      const sw = first.events.find((e) => e.type === 'host_result' && e.task === 'swappiness in the file only') as
        | { result?: { msg?: string } }
        | undefined;
      expect(sw?.result?.msg).to.match(/vm.swappiness: live value not set \(ignoreerrors\)/);

      const again = await run('kernel.yml');
      ok(again);
      expect(totalChanged(again), JSON.stringify(changedTasks(again))).to.equal(0);

      await lab.exec(
        host,
        'sysctl -w net.ipv4.ip_forward=0 >/dev/null; umount /mnt/kplay-e2e; rm /etc/modules-load.d/overlay.conf',
      );
      const check = await run('kernel.yml', '--check');
      ok(check);
      expect(changedTasks(check).sort()).to.deep.equal(['ip_forward', 'overlay', 'tmpfs mount']);
      expect(
        await sh(
          'sysctl -n net.ipv4.ip_forward; findmnt --mountpoint /mnt/kplay-e2e >/dev/null ' +
            '|| echo unmounted; test -e /etc/modules-load.d/overlay.conf || echo gone',
        ),
      ).to.equal('0\nunmounted\ngone\n');
      const repair = await run('kernel.yml');
      ok(repair);
      expect(changedTasks(repair).sort()).to.deep.equal(['ip_forward', 'overlay', 'tmpfs mount']);
      expect(await sh('sysctl -n net.ipv4.ip_forward; findmnt -rn -o FSTYPE --mountpoint /mnt/kplay-e2e')).to.equal(
        '1\ntmpfs\n',
      );
    },
  );

  it('kernel: a read-only sysctl without ignoreerrors fails, naming the key and the reason', async function () {
    this.timeout(60_000);
    const r = await run('kernel-readonly.yml');
    expect(r.code).to.not.equal(0);
    const failed = r.events.find((e) => e.type === 'host_result' && e.status === 'failed') as
      | { msg?: string }
      | undefined;
    expect(failed?.msg).to.match(
      /cannot set vm.swappiness=1 on the running kernel: \/proc\/sys\/vm\/swappiness is not writable/,
    );
    expect(await sh('test -e /etc/sysctl.d/96-kplay-e2e-ro.conf || echo absent')).to.equal('absent\n');
  });

  it(
    'system: hostname and timezone apply, then changed=0, ' + 'then a drift is predicted by --check and repaired',
    async function () {
      this.timeout(120_000);
      const first = await checked('system.yml');
      ok(first);
      expect(changedTasks(first)).to.deep.equal(['host name', 'time zone']);
      expect(await sh('hostname; cat /etc/hostname; readlink /etc/localtime; cat /etc/timezone; date +%Z')).to.equal(
        `${host}-e2e\n${host}-e2e\n/usr/share/zoneinfo/Asia/Shanghai\nAsia/Shanghai\nCST\n`,
      );
      const again = await run('system.yml');
      ok(again);
      expect(totalChanged(again)).to.equal(0);

      await lab.exec(
        host,
        `hostname ${host}; timedatectl set-timezone Etc/UTC 2>/dev/null ` +
          '|| ln -sfn /usr/share/zoneinfo/Etc/UTC /etc/localtime',
      );
      const check = await run('system.yml', '--check');
      ok(check);
      expect(changedTasks(check)).to.deep.equal(['host name', 'time zone']);
      expect(await sh('hostname')).to.equal(`${host}\n`);
      const repair = await run('system.yml');
      ok(repair);
      expect(await sh('hostname; readlink -f /etc/localtime')).to.equal(
        `${host}-e2e\n/usr/share/zoneinfo/Asia/Shanghai\n`,
      );
    },
  );

  it(
    'users: group and users apply (the password hash never ' +
      'shows), then changed=0, then a drift is predicted and repaired',
    async function () {
      this.timeout(120_000);
      const first = await checked('users.yml');
      ok(first);
      expect(changedTasks(first)).to.deep.equal(['group', 'user', 'system user']);
      expect(first.stdout + first.stderr).to.not.include('e2esaltxyz');
      const r = await sh(
        'getent group kplaye2e | cut -d: -f1,3; getent passwd kplaye2e; id -nG kplaye2e; ' +
          'getent shadow kplaye2e | cut -d: -f2; test -d /home/kplaye2e && echo home; ' +
          'getent passwd kplaye2esys | cut -d: -f7; test -e /home/kplaye2esys || echo nohome',
      );
      expect(r).to.equal(
        'kplaye2e:4321\nkplaye2e:x:4321:4321:kplay e2e:/home/kplaye2e:/bin/bash\nkplaye2e adm\n' +
          '$6$e2esaltxyz$0123456789abcdefghijklmnopqrstuvwxyzABCDEF\nhome\n/usr/sbin/nologin\nnohome\n',
      );
      expect(Number((await sh('id -u kplaye2esys')).trim())).to.be.lessThan(1000);
      const again = await run('users.yml');
      ok(again);
      expect(totalChanged(again)).to.equal(0);

      await lab.exec(host, 'usermod -s /bin/sh -G "" kplaye2e');
      const check = await run('users.yml', '--check', '--diff');
      ok(check);
      expect(changedTasks(check)).to.deep.equal(['user']);
      expect(check.stdout).to.not.include('e2esaltxyz');
      expect(await sh('getent passwd kplaye2e | cut -d: -f7')).to.equal('/bin/sh\n');
      const repair = await run('users.yml');
      ok(repair);
      expect(await sh('getent passwd kplaye2e | cut -d: -f7; id -nG kplaye2e')).to.equal('/bin/bash\nkplaye2e adm\n');
    },
  );
});
