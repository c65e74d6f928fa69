// The load-balancer roles on the 5-host lab: ex-lb (keepalived + haproxy on the two ex_lb hosts, VIP:8443) and
// kube-lb (nginx stream on every host, 127.0.0.1:6443), both forwarding to the three masters' port 6443.
// The masters have no kube-apiserver here: each runs a STAND-IN for it, `openssl s_server` on <ip>:6443 with a
// self-signed certificate whose CN names the master (a transient unit, kplay-fake-apiserver), so a TLS
// handshake through a balancer tells which master answered.
import { expect } from 'chai';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { useLab, type LabHandle } from '../lab/helpers.js';
import { checkedRun, kplay, results, siteFor, totalChanged, type KplayRun } from './support.js';

const F = 'test/e2e/fixtures/lb-roles';
const AUTH = 'vrrpPw7x'; // VRRP PASS auth from the site's .env (EX_LB_AUTH_PASS): must never be printed
const STAND_IN = 'kplay-fake-apiserver';

describe('@lab roles: ex-lb and kube-lb', () => {
  let lab: LabHandle;
  let site: string;
  let masters: { name: string; ip: string }[];
  let lbs: { name: string; ip: string }[];

  const sh = async (host: string, cmd: string) => (await lab.exec(host, cmd)).stdout;
  const ok = (r: KplayRun) => expect(r.code, r.stderr + r.stdout.slice(-4000)).to.equal(0);
  const run = (playbook: string, extra: string[] = []) =>
    kplay(['run', `${F}/${playbook}`, '-i', site, '--json', ...extra]);
  const changedOf = (r: KplayRun) => results(r).filter((x) => x.endsWith('|changed'));
  const handlersRan = (r: KplayRun) => {
    const names = new Set(r.events.filter((e) => e.type === 'task_start' && e.handler).map((e) => e.task as string));
    return results(r).filter((x) => names.has(x.split('|')[1]!) && !x.endsWith('|skipped'));
  };
  /** Which hosts hold the VIP right now. */
  const vipHolders = async () => {
    const out: string[] = [];
    for (const h of lbs)
      if ((await sh(h.name, `ip -4 -o addr show | grep -c ' ${lab.vip}/' || true`)).trim() !== '0') out.push(h.name);
    return out;
  };
  /** A TLS handshake from the controller; resolves to the CN of the certificate that answered. */
  const tlsCn = (host: string, port: number) =>
    new Promise<string>((resolve, reject) => {
      const s = connect({ host, port, rejectUnauthorized: false, timeout: 4000 }, () => {
        const cn = String(s.getPeerCertificate().subject?.CN ?? '');
        s.end();
        resolve(cn);
      });
      s.on('timeout', () => (s.destroy(), reject(new Error(`TLS to ${host}:${port} timed out`))));
      s.on('error', reject);
    });
  /** A TLS handshake on a host to its own kube-lb; the CN of the master that answered. */
  const kubeLbCn = async (host: string) => {
    const out = await sh(host, 'timeout 5 openssl s_client -connect 127.0.0.1:6443 </dev/null 2>&1 || true');
    return new RegExp(`${STAND_IN}-(\\S+)`).exec(out)?.[1] ?? `(none: ${out.slice(0, 300)})`;
  };
  const standIn = (h: { name: string; ip: string }) =>
    `systemctl stop ${STAND_IN} 2>/dev/null; systemctl reset-failed ${STAND_IN} 2>/dev/null; ` +
    `systemd-run --unit ${STAND_IN} openssl s_server -quiet -accept ` +
    `${h.ip}:6443 -cert /run/${STAND_IN}.crt -key /run/${STAND_IN}.key -www`;
  const scrub = async (host: string) => {
    await lab.exec(
      host,
      'systemctl stop keepalived haproxy kube-lb 2>/dev/null; ' +
        'DEBIAN_FRONTEND=noninteractive apt-get purge -y -q keepalived ' +
        'haproxy nginx nginx-common libnginx-mod-stream >/dev/null 2>&1; ' +
        'rm -rf /etc/systemd/system/keepalived.service.d ' +
        '/etc/systemd/system/kube-lb.service /etc/kube-lb /etc/keepalived /etc/haproxy; ' +
        `ip addr del ${lab.vip}/24 dev eth0 2>/dev/null; systemctl daemon-reload; true`,
    );
  };

  before(async function () {
    lab = await useLab(this, { count: 5 });
    this.timeout(300_000);
    site = siteFor(lab);
    appendFileSync(join(site, '.env'), `EX_LB_AUTH_PASS=${AUTH}\n`);
    masters = lab.hosts.slice(0, 3);
    lbs = lab.hosts.slice(-2);
    for (const h of lab.hosts) await scrub(h.name);
    for (const m of masters) {
      // openssl comes with ca-certificates in the base image
      const r = await lab.exec(
        m.name,
        `openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=${STAND_IN}-${m.name} ` +
          `-keyout /run/${STAND_IN}.key -out /run/${STAND_IN}.crt 2>/dev/null && ${standIn(m)}`,
      );
      expect(r.code, r.stderr).to.equal(0);
    }
  });

  after(async function () {
    this.timeout(300_000);
    if (!lab) return;
    const r = await run('clean.yml');
    for (const m of masters ?? [])
      await lab.exec(
        m.name,
        `systemctl stop ${STAND_IN} 2>/dev/null; systemctl reset-failed ` +
          `${STAND_IN} 2>/dev/null; rm -f /run/${STAND_IN}.*; true`,
      );
    for (const h of lab.hosts) await scrub(h.name); // also when clean.yml failed
    ok(r);
  });

  it(
    'applies both roles; a second run changes nothing and runs no handler; ' + '--check predicts no change',
    async function () {
      this.timeout(600_000);
      let t = Date.now();
      const first = await checkedRun(['run', `${F}/site.yml`, '-i', site, '--json']);
      const firstMs = Date.now() - t;
      ok(first);
      expect(first.stdout, 'the VRRP password is a secret').to.not.include(AUTH);
      for (const h of lab.hosts) expect(results(first)).to.include(`${h.name}|kube-lb : Configure kube-lb|changed`);
      for (const h of lbs)
        expect(results(first)).to.include.members([
          `${h.name}|ex-lb : Configure haproxy|changed`,
          `${h.name}|ex-lb : Configure keepalived|changed`,
        ]);

      t = Date.now();
      const again = await run('site.yml');
      const againMs = Date.now() - t;
      ok(again);
      expect(totalChanged(again), changedOf(again).join('\n')).to.equal(0);
      expect(handlersRan(again)).to.deep.equal([]);

      const check = await run('site.yml', ['--check']);
      ok(check);
      expect(totalChanged(check), changedOf(check).join('\n')).to.equal(0);
      expect(results(check).filter((x) => x.endsWith('|uncertain'))).to.deep.equal([]);
      console.log(`      first run ${firstMs} ms (changed ${totalChanged(first)}), second ${againMs} ms (changed 0)`);

      // the files and services: keepalived with its drop-in, nginx.service (Debian's) still on port 80 only
      const lb0 = lbs[0]!.name;
      expect(await sh(lb0, 'systemctl show -p Restart,RestartUSec keepalived')).to.equal(
        'Restart=on-failure\nRestartUSec=6s\n',
      );
      const conf = await sh(lb0, 'cat /etc/keepalived/keepalived.conf');
      expect(conf).to.include(`unicast_peer {\n        ${lbs[1]!.ip}\n    }`);
      expect(conf).to.match(new RegExp(`virtual_router_id ${lab.vip.split('.').pop()}\\n`));
      expect(conf).to.include(`${lab.vip}/24 dev eth0`);
      expect(await sh(lbs[1]!.name, 'grep -E "state|priority" /etc/keepalived/keepalived.conf')).to.match(
        /state BACKUP\n\s+priority 99\n/,
      );
      const w = lab.hosts[3]!.name;
      expect(await sh(w, 'systemctl is-active kube-lb nginx; ss -Htlnp | grep -c nginx')).to.match(/^active\nactive\n/);
      expect(await sh(w, 'ss -Htln sport = :6443')).to.include('127.0.0.1:6443');
    },
  );

  it('the VIP is on exactly one LB; VIP:8443 and 127.0.0.1:6443 on a worker reach a master', async function () {
    this.timeout(60_000);
    // a fresh keepalived is BACKUP for one master-down interval and its haproxy check needs `rise` passes first
    const t0 = Date.now();
    let holders = await vipHolders();
    while (holders.length !== 1 && Date.now() - t0 < 20_000) {
      await new Promise((r) => setTimeout(r, 250));
      holders = await vipHolders();
    }
    console.log(`      VIP held after ${Date.now() - t0} ms more`);
    expect(holders).to.deep.equal([lbs[0]!.name]); // LB_ROLE=master
    const names = masters.map((m) => `${STAND_IN}-${m.name}`);
    expect(names).to.include(await tlsCn(lab.vip, 8443));
    expect(masters.map((m) => m.name)).to.include(await kubeLbCn(lab.hosts[4]!.name));
  });

  it(
    'SIGKILL of keepalived on the VIP holder: ' + 'the other LB has the VIP within 5 s; after the restart, one copy',
    async function () {
      this.timeout(120_000);
      const [holder] = await vipHolders();
      const other = lbs.find((h) => h.name !== holder)!.name;
      const restarts = async () => Number((await sh(holder!, 'systemctl show -p NRestarts --value keepalived')).trim());
      const n0 = await restarts();
      const t0 = Date.now();
      await sh(holder!, 'systemctl kill -s SIGKILL keepalived');
      let moved = -1;
      while (Date.now() - t0 < 10_000) {
        if ((await sh(other, `ip -4 -o addr show | grep -c ' ${lab.vip}/' || true`)).trim() !== '0') {
          moved = Date.now() - t0;
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      console.log(`      VIP on ${other} ${moved} ms after SIGKILL of keepalived on ${holder}`);
      expect(moved).to.be.within(0, 5000);
      // the controller still reaches a master through the VIP while keepalived is down
      expect(await tlsCn(lab.vip, 8443)).to.match(new RegExp(`^${STAND_IN}-`));

      // systemd brings keepalived back (Restart=on-failure, after RestartSec); then one copy of the VIP
      let back = -1;
      while (Date.now() - t0 < 30_000) {
        if (
          (await restarts()) > n0 &&
          (await sh(holder!, 'systemctl is-active keepalived || true')).trim() === 'active'
        ) {
          back = Date.now() - t0;
          break;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(back, 'keepalived restarted').to.be.greaterThan(moved);
      let one = -1;
      while (Date.now() - t0 < 45_000) {
        if ((await vipHolders()).length === 1) {
          one = Date.now() - t0;
          break;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(one, 'one VIP copy after the restart').to.be.greaterThan(0);
      await new Promise((r) => setTimeout(r, 3000)); // and it stays so
      const final = await vipHolders();
      console.log(`      keepalived back at ${back} ms; one copy at ${one} ms, on ${final.join(',')}`);
      expect(final).to.have.length(1);
      expect(await tlsCn(lab.vip, 8443)).to.match(new RegExp(`^${STAND_IN}-`));
    },
  );

  it("one master's stand-in stopped: connections through the VIP and through kube-lb still succeed", async function () {
    this.timeout(120_000);
    const down = masters[0]!;
    await sh(down.name, `systemctl stop ${STAND_IN}`);
    try {
      const viaVip: string[] = [];
      const viaKubeLb: string[] = [];
      for (let i = 0; i < 6; i++) {
        viaVip.push(await tlsCn(lab.vip, 8443));
        viaKubeLb.push(await kubeLbCn(lab.hosts[3]!.name));
      }
      const up = masters.slice(1).map((m) => m.name);
      expect(viaVip.map((cn) => cn.replace(`${STAND_IN}-`, ''))).to.satisfy(
        (l: string[]) => l.every((n) => up.includes(n)),
        viaVip.join(),
      );
      expect(viaKubeLb).to.satisfy((l: string[]) => l.every((n) => up.includes(n)), viaKubeLb.join());
    } finally {
      await sh(down.name, standIn(down));
    }
  });

  it('a changed template variable changes only that file and runs only its handler', async function () {
    this.timeout(300_000);
    const r = await run('site.yml', ['-e', '{"ex_lb_server_extra": "weight 10"}']);
    ok(r);
    const want = lbs.flatMap((h) => [
      `${h.name}|ex-lb : Configure haproxy|changed`,
      `${h.name}|ex-lb : Reload haproxy|changed`,
    ]);
    expect(changedOf(r)).to.have.members(want);
    expect(handlersRan(r)).to.have.members([
      ...want.filter((x) => x.includes('Reload')),
      ...lbs.map((h) => `${h.name}|ex-lb : Wait for haproxy on EX_APISERVER_PORT|ok`),
    ]);
    expect(await sh(lbs[0]!.name, 'grep -c "check weight 10" /etc/haproxy/haproxy.cfg')).to.equal('3\n');
    expect(await tlsCn(lab.vip, 8443)).to.match(new RegExp(`^${STAND_IN}-`));

    const k = await run('site.yml', ['-e', 'kube_lb_max_fails=3']);
    ok(k);
    const wantK = lab.hosts.flatMap((h) => [
      `${h.name}|kube-lb : Configure kube-lb|changed`,
      `${h.name}|kube-lb : Restart kube-lb|changed`,
    ]);
    // back to the defaults for haproxy: its file and handler again
    expect(changedOf(k)).to.have.members([
      ...wantK,
      ...lbs.flatMap((h) => [
        `${h.name}|ex-lb : Configure haproxy|changed`,
        `${h.name}|ex-lb : Reload haproxy|changed`,
      ]),
    ]);
    expect(await kubeLbCn(lab.hosts[4]!.name)).to.match(/^kpt/);
    const back = await run('site.yml');
    ok(back);
    expect(changedOf(back)).to.have.members(wantK);
    expect(totalChanged(await run('site.yml'))).to.equal(0);
  });
});
