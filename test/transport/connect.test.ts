// Connecting over SSH to lab hosts: host-key checking (changed, unknown, accept-new, hashed entries),
// key and password authentication failures, unreachable addresses, and a ProxyJump through another host.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprint } from '../../src/transport/known-hosts.js';
import { SshTransport } from '../../src/transport/ssh.js';
import type { LabHandle } from '../lab/helpers.js';
import { expect, labSpec, rejects, transportLab } from './lab-support.js';

describe('@lab transport/ssh: connecting', function () {
  this.timeout(30_000);
  let lab: LabHandle;
  let dir: string;
  let h1: { name: string; ip: string };
  let h2: { name: string; ip: string };
  let h3: { name: string; ip: string };
  let realKey: string; // "ssh-ed25519 AAAA..." of h1
  const pw = `Pw-${Math.random().toString(36).slice(2)}-x`;
  const open: SshTransport[] = [];
  const transport = (name: string, vars: Record<string, unknown>) => {
    const t = new SshTransport(name, labSpec(lab, name, vars));
    open.push(t);
    return t;
  };
  const args = (kh: string, extra = '') => ({ ansible_ssh_common_args: `-o UserKnownHostsFile=${kh} ${extra}` });

  before(async function () {
    lab = await transportLab(this);
    [h1, h2, h3] = lab.hosts as [typeof h1, typeof h1, typeof h1];
    dir = mkdtempSync(join(tmpdir(), 'kplay-connect-'));
    const line = readFileSync(join(lab.inventory, 'known_hosts'), 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${h1.ip},`))!;
    realKey = line.split(' ').slice(1, 3).join(' ');
    // A user who logs in with a password (Debian's sshd allows password logins for users other than root).
    await lab.exec(
      h2.name,
      `id kppass >/dev/null 2>&1 || useradd -m -s /bin/sh kppass; printf '%s\\n' 'kppass:${pw}' | chpasswd`,
    );
  });
  after(async () => {
    await Promise.all(open.map((t) => t.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('@lab refuses a changed host key, naming the host and both fingerprints', async () => {
    const kh = join(dir, 'kh-wrong');
    const other =
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'other')]) &&
      readFileSync(join(dir, 'other.pub'), 'utf8');
    writeFileSync(kh, `${h1.ip} ${other.split(' ').slice(0, 2).join(' ')}\n`);
    const e = await rejects(transport(h1.name, args(kh)).connect(), 'HOST_KEY');
    const real = fingerprint(Buffer.from(realKey.split(' ')[1]!, 'base64'));
    const known = fingerprint(Buffer.from(other.split(' ')[1]!, 'base64'));
    expect(e.message).to.include(h1.ip).and.include(real).and.include(known);
    expect(e.host).to.equal(h1.name);
    // accept-new does not accept a changed key either
    await rejects(transport(h1.name, args(kh, '-o StrictHostKeyChecking=accept-new')).connect(), 'HOST_KEY');
  });

  it('@lab refuses an unknown host when strict; accept-new connects and records its key', async () => {
    const kh = join(dir, 'kh-empty');
    writeFileSync(kh, '');
    const e = await rejects(transport(h1.name, args(kh)).connect(), 'HOST_KEY');
    expect(e.message).to.match(/not in .*kh-empty/);
    const t = transport(h1.name, args(kh, '-o StrictHostKeyChecking=accept-new'));
    await t.connect();
    expect((await t.exec(['hostname'])).stdout).to.equal(`${h1.name}\n`);
    expect(readFileSync(kh, 'utf8')).to.equal(`${h1.ip} ${realKey}\n`);
    // and now strict checking accepts it
    await transport(h1.name, args(kh)).connect();
  });

  it('@lab accepts hashed known_hosts entries', async () => {
    const kh = join(dir, 'kh-hashed');
    writeFileSync(kh, readFileSync(join(lab.inventory, 'known_hosts')));
    execFileSync('ssh-keygen', ['-q', '-H', '-f', kh], { stdio: 'ignore' });
    rmSync(`${kh}.old`, { force: true });
    expect(readFileSync(kh, 'utf8')).to.match(/^\|1\|/);
    const t = transport(h1.name, args(kh));
    await t.connect();
    expect((await t.exec(['true'])).rc).to.equal(0);
  });

  it('@lab says AUTH for a key the host does not accept', async () => {
    const key = join(dir, 'stranger');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    const e = await rejects(transport(h1.name, { ansible_ssh_private_key_file: key }).connect(), 'AUTH');
    expect(e.message).to.equal(`authentication failed for root@${h1.ip} with key ${key}`);
  });

  it('@lab says AUTH, naming the file, for a key it cannot use: not a key, or one with a passphrase', async () => {
    const junk = join(dir, 'junk');
    writeFileSync(junk, 'not a key\n');
    const locked = join(dir, 'locked');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'a passphrase', '-f', locked]);
    for (const [key, why] of [
      [junk, /Unsupported key format/],
      [locked, /no passphrase given/],
    ] as const) {
      const e = await rejects(transport(h1.name, { ansible_ssh_private_key_file: key }).connect(), 'AUTH');
      expect(e.message).to.match(new RegExp(`^cannot use the private key ${key} for root@${h1.ip}: `));
      expect(e.message).to.match(why);
    }
  });

  it('@lab logs in with a password; a wrong one gives AUTH and never shows the password', async () => {
    const t = transport(h2.name, {
      ansible_user: 'kppass',
      ansible_password: pw,
      ansible_ssh_private_key_file: undefined,
    });
    expect((await t.exec(['id', '-un'])).stdout).to.equal('kppass\n');
    const wrong = `${pw}-wrong`;
    const e = await rejects(
      transport(h2.name, {
        ansible_user: 'kppass',
        ansible_password: wrong,
        ansible_ssh_private_key_file: undefined,
      }).connect(),
      'AUTH',
    );
    expect(e.message).to.equal(`authentication failed for kppass@${h2.ip} with password`);
    expect(e.format()).to.not.include(wrong).and.not.include(pw);
  });

  it('@lab says UNREACHABLE for an address with no host, within the connect timeout', async () => {
    const t0 = performance.now();
    const e = await rejects(
      transport(`${lab.state.net}.250`, { ansible_ssh_common_args: '-o ConnectTimeout=2' }).connect(),
      'UNREACHABLE',
    );
    const ms = performance.now() - t0;
    console.log(`      unreachable after ${ms.toFixed(0)} ms: ${e.message}`);
    expect(ms).to.be.below(2600);
    expect(e.message).to.include(`root@${lab.state.net}.250`);
  });

  it('@lab says UNREACHABLE when the port is closed', async () => {
    const e = await rejects(transport(h1.name, { ansible_port: 2 }).connect(), 'UNREACHABLE');
    expect(e.message).to.equal(`cannot reach root@${h1.ip}:2: connection refused`);
  });

  it('@lab connects through a jump host (ProxyJump)', async () => {
    const kh = join(lab.inventory, 'known_hosts');
    const t = transport(h3.name, args(kh, `-o StrictHostKeyChecking=yes -o ProxyJump=root@${h1.ip}`));
    const r = await t.exec(['sh', '-c', 'hostname; echo $SSH_CONNECTION']);
    const [name, conn] = r.stdout.trim().split('\n');
    expect(name).to.equal(h3.name);
    expect(conn!.split(' ')[0], 'the connection comes from the jump host').to.equal(h1.ip);
    expect((await t.exec(['echo', 'again'])).stdout).to.equal('again\n');
    expect(t.connects).to.equal(1);
  });

  it('@lab reports an unreachable target behind a jump host', async () => {
    const kh = join(lab.inventory, 'known_hosts');
    const t = transport(`${lab.state.net}.251`, { ...args(kh, `-o ProxyJump=root@${h1.ip} -o ConnectTimeout=3`) });
    const e = await rejects(t.connect(), 'UNREACHABLE');
    expect(e.message).to.include(`through root@${h1.ip}`);
  });
});
