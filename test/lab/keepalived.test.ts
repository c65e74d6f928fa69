// keepalived, installed with apt through the lab's proxy, moves the VIP between two lab hosts.
// A lab of its own (kpk), so the VIP and keepalived do not leak into the shared lab.
import { expect } from 'chai';
import { connect } from 'node:net';
import { requireLabOrSkip, startLab, stopLab, type LabHandle } from './helpers.js';

const K = { prefix: 'kpk', net: '10.79.4' };

/** The SSH banner of whichever host holds `ip` (the controller reaching the VIP over the bridge). */
function banner(ip: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: ip, port: 22, timeout: 3000 });
    s.once('data', (d) => (s.destroy(), resolve(String(d).trim())));
    s.once('timeout', () => (s.destroy(), reject(new Error(`no answer from ${ip}:22`))));
    s.once('error', reject);
  });
}

function config(self: string, peer: string, priority: number, vip: string): string {
  return `vrrp_instance lab {
  state BACKUP
  interface eth0
  virtual_router_id 77
  priority ${priority}
  advert_int 1
  unicast_src_ip ${self}
  unicast_peer {
    ${peer}
  }
  virtual_ipaddress {
    ${vip}/24 dev eth0
  }
}
`;
}

describe('@lab keepalived in lab hosts', function () {
  this.timeout(60_000);
  let lab: LabHandle;
  const holds = async (host: string) =>
    (await lab.exec(host, ['ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0'])).stdout.includes(` ${lab.vip}/`);
  async function waitHolder(host: string, ms = 10_000): Promise<number> {
    const t0 = Date.now();
    while (Date.now() - t0 < ms) {
      if (await holds(host)) return Date.now() - t0;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${host} did not take the VIP ${lab.vip} within ${ms} ms`);
  }

  before(async function () {
    requireLabOrSkip(this);
    this.timeout(360_000);
    lab = await startLab({ ...K, count: 2 });
    const [a, b] = lab.hosts;
    await Promise.all(
      lab.hosts.map(async (h, i) => {
        const r = await lab.exec(h.name, 'apt-get update -qq && apt-get install -y -qq keepalived >/dev/null', {
          env: { DEBIAN_FRONTEND: 'noninteractive' },
          check: false,
          timeoutMs: 300_000,
        });
        expect(r.code, r.stderr).to.equal(0);
        const peer = i === 0 ? b! : a!;
        await lab.exec(h.name, ['bash', '-c', 'cat > /etc/keepalived/keepalived.conf'], {
          input: config(h.ip, peer.ip, i === 0 ? 150 : 100, lab.vip),
        });
        await lab.exec(h.name, ['systemctl', 'restart', 'keepalived']);
      }),
    );
  });
  after(async () => {
    await stopLab(K.prefix);
  });

  it('gives the VIP to the higher priority host, and the controller reaches it', async () => {
    await waitHolder(lab.hosts[0]!.name);
    expect(await holds(lab.hosts[1]!.name)).to.equal(false);
    expect(await banner(lab.vip)).to.match(/^SSH-2.0-OpenSSH/);
  });

  it('moves the VIP to the backup when keepalived on the holder stops, and back when it returns', async () => {
    const [a, b] = [lab.hosts[0]!.name, lab.hosts[1]!.name];
    await lab.exec(a, ['systemctl', 'stop', 'keepalived']);
    const moved = await waitHolder(b);
    console.log(`      (VIP moved in ${moved} ms after a graceful stop)`);
    expect(await holds(a)).to.equal(false);
    await lab.exec(a, ['systemctl', 'start', 'keepalived']);
    await waitHolder(a);
  });

  it('moves the VIP when the holder host powers off', async () => {
    const [a, b] = [lab.hosts[0]!.name, lab.hosts[1]!.name];
    await waitHolder(a);
    await lab.exec(a, ['systemctl', 'poweroff'], { check: false });
    const moved = await waitHolder(b);
    console.log(`      (VIP moved in ${moved} ms after the holder powered off)`);
    expect(await banner(lab.vip)).to.match(/^SSH-2.0-OpenSSH/);
  });
});
