// The shared lab's hosts behave like real servers and stay apart from the controller and each other.
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { RECIPE } from '../../src/lab/base.js';
import { labStatus } from '../../src/lab/status.js';
import { run } from '../../src/lab/sys.js';
import { useLab, type LabHandle } from './helpers.js';

/** ssh argv built only from the written inventory's variables, as Ansible would. */
function sshFromInventory(hostsFile: string, host: string, cmd: string, knownHosts?: string): string[] {
  const doc = parse(readFileSync(hostsFile, 'utf8'));
  const v = { ...doc.all.vars, ...doc.all.hosts[host] };
  let common = String(v.ansible_ssh_common_args).split(/\s+/);
  if (knownHosts)
    common = common.map((a) => (a.startsWith('UserKnownHostsFile=') ? `UserKnownHostsFile=${knownHosts}` : a));
  return [
    'ssh',
    '-i',
    v.ansible_ssh_private_key_file,
    ...common,
    '-o',
    'BatchMode=yes',
    '-o',
    'IdentitiesOnly=yes',
    `${v.ansible_user}@${v.ansible_host}`,
    cmd,
  ];
}

describe('@lab lab hosts', function () {
  this.timeout(60_000);
  let lab: LabHandle;
  before(async function () {
    lab = await useLab(this);
  });

  it('boots every host to "running" and shows them in status', async () => {
    const [st] = await labStatus({ prefix: lab.prefix });
    expect(st!.ready).to.equal(true);
    expect(st!.hosts.map((h) => h.state)).to.deep.equal(lab.hosts.map(() => 'running'));
  });

  it('answers ssh with the inventory variables and strict host-key checking', async () => {
    const doc = parse(readFileSync(lab.hostsFile, 'utf8'));
    expect(Object.keys(doc.all.children.etcd.hosts)).to.deep.equal(lab.hosts.slice(0, 3).map((h) => h.name));
    for (const h of lab.hosts) {
      const r = await run(sshFromInventory(lab.hostsFile, h.name, 'hostname; systemctl is-system-running'));
      expect(r.stdout.trim().split('\n')).to.deep.equal([h.name, 'running']);
    }
  });

  it('refuses a host whose key is not the one in known_hosts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kplay-kh-'));
    try {
      // kpt2's address with kpt1's key.
      const line = readFileSync(join(lab.inventory, 'known_hosts'), 'utf8').split('\n')[0]!;
      const wrong = join(dir, 'known_hosts');
      writeFileSync(wrong, `${lab.hosts[1]!.ip} ${line.split(' ').slice(1).join(' ')}\n`);
      const r = await run(sshFromInventory(lab.hostsFile, lab.hosts[1]!.name, 'true', wrong), { check: false });
      expect(r.code).to.equal(255);
      expect(r.stderr).to.match(/host key|HOST IDENTIFICATION/i);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps /etc/hosts, a new unit and an apt package inside the host', async function () {
    this.timeout(180_000);
    const [h1, h2] = [lab.hosts[0]!.name, lab.hosts[1]!.name];
    const controllerHosts = readFileSync('/etc/hosts', 'utf8');
    const controllerHello = (await run(['dpkg-query', '-W', '-f', '${Status}', 'hello'], { check: false })).stdout;
    const unit = '/etc/systemd/system/kplay-isolation.service';
    expect(existsSync(unit)).to.equal(false);
    try {
      await lab.exec(h1, 'echo "10.1.2.3 isolation-check" >> /etc/hosts');
      await lab.exec(h1, `printf '[Service]\\nType=oneshot\\nRemainAfterExit=yes\\nExecStart=/bin/true\\n' > ${unit}`);
      await lab.exec(
        h1,
        'systemctl daemon-reload && systemctl start kplay-isolation && systemctl is-active kplay-isolation',
      );
      const apt = await lab.exec(h1, 'apt-get update -qq && apt-get install -y -qq hello >/dev/null && hello', {
        check: false,
        env: { DEBIAN_FRONTEND: 'noninteractive' },
      });
      expect(apt.code, apt.stderr).to.equal(0);
      expect(apt.stdout).to.match(/Hello, world!/);
      // Not on the controller.
      expect(readFileSync('/etc/hosts', 'utf8')).to.equal(controllerHosts);
      expect(existsSync(unit)).to.equal(false);
      expect((await run(['dpkg-query', '-W', '-f', '${Status}', 'hello'], { check: false })).stdout).to.equal(
        controllerHello,
      );
      // Nor on the other host.
      expect(
        (await lab.exec(h2, ['grep', '-c', 'isolation-check', '/etc/hosts'], { check: false })).stdout.trim(),
      ).to.equal('0');
      expect(
        (await lab.exec(h2, ['systemctl', 'is-active', 'kplay-isolation'], { check: false })).stdout.trim(),
      ).to.equal('inactive');
      expect((await lab.exec(h2, ['dpkg', '-s', 'hello'], { check: false })).code).to.not.equal(0);
    } finally {
      await lab.exec(
        h1,
        `sed -i '/isolation-check/d' /etc/hosts; systemctl stop kplay-isolation; ` +
          `rm -f ${unit}; systemctl daemon-reload; apt-get purge -y -qq hello >/dev/null`,
        { check: false },
      );
    }
  });

  it("comes with apt's package cache made, and systemd's disk and boot generators masked (RECIPE)", async () => {
    const h = lab.hosts[1]!.name;
    const r = await lab.exec(h, 'test -s /var/cache/apt/pkgcache.bin && ls -l /etc/systemd/system-generators');
    const masked = [...r.stdout.matchAll(/ (systemd-[a-z-]+-generator) -> \/dev\/null$/gm)].map((m) => m[1]);
    expect(masked).to.deep.equal([...RECIPE.maskGenerators].sort());
    expect(masked).to.not.include('systemd-sysv-generator');
  });

  it('reaches the other hosts and the proxy, and the proxy refuses other sites', async () => {
    const h1 = lab.hosts[0]!.name;
    expect((await lab.exec(h1, ['ping', '-c1', '-W2', lab.hosts[1]!.ip], { check: false })).code).to.equal(0);
    expect((await lab.exec(h1, ['getent', 'hosts', lab.hosts[2]!.name])).stdout).to.contain(lab.hosts[2]!.ip);
    // The default route points at an address nobody has: nothing leaves the bridge.
    const route = (await lab.exec(h1, ['ip', 'route', 'get', '203.0.113.7'])).stdout;
    expect(route).to.contain(`via ${lab.state.net}.254`);
    // And the controller never routes for the bridge, even where it forwards for others.
    expect(readFileSync(`/proc/sys/net/ipv4/conf/${lab.state.bridge}/forwarding`, 'utf8').trim()).to.equal('0');
    const proxy = `${lab.state.bridgeIp}/3142`;
    const refused = await lab.exec(
      h1,
      `exec 3<>/dev/tcp/${proxy}; printf 'GET http://example.com/ HTTP/1.0\\r\\n\\r\\n' >&3; head -1 <&3`,
    );
    expect(refused.stdout).to.match(/^HTTP\/1\.1 403/);
  });

  it('answers modprobe for built-in modules and reboots in place', async () => {
    const h3 = lab.hosts[2]!.name;
    await lab.exec(h3, ['modprobe', 'br_netfilter']);
    await lab.exec(h3, ['modprobe', 'overlay']);
    const boot1 = (await lab.exec(h3, ['cat', '/proc/sys/kernel/random/boot_id'])).stdout.trim();
    await lab.exec(h3, ['systemctl', 'reboot'], { check: false });
    const end = Date.now() + 20_000;
    let boot2 = boot1;
    while (Date.now() < end) {
      const r = await lab
        .ssh(h3, 'systemctl is-system-running; cat /proc/sys/kernel/random/boot_id', { check: false })
        .catch(() => undefined);
      const [state, id] = r?.stdout.trim().split('\n') ?? [];
      if (state === 'running' && id && id !== boot1) {
        boot2 = id;
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(boot2).to.not.equal(boot1);
  });
});
