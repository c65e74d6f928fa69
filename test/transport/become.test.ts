// Become over SSH on a lab host: sudo -n for a NOPASSWD user, sudo -S with a password (written only when sudo
// asks), a wrong or missing password (BECOME, no secret in the message), files written and read as root,
// and an upload through sudo cut in the middle.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SshTransport } from '../../src/transport/ssh.js';
import type { LabHandle } from '../lab/helpers.js';
import { expect, labSpec, rejects, transportLab } from './lab-support.js';

describe('@lab transport/ssh: become', function () {
  this.timeout(30_000);
  let lab: LabHandle;
  let h: { name: string; ip: string };
  const pw = `Sudo-${Math.random().toString(36).slice(2)}-pw`;
  const open: SshTransport[] = [];
  const as = (user: string, vars: Record<string, unknown> = {}) => {
    const t = new SshTransport(h.name, labSpec(lab, h.name, { ansible_user: user, ansible_become: true, ...vars }));
    open.push(t);
    return t;
  };

  before(async function () {
    lab = await transportLab(this);
    this.timeout(240_000);
    h = lab.hosts[1]!;
    const pub = readFileSync(join(lab.inventory, 'id_ed25519.pub'), 'utf8').trim();
    // sudo is not in the lab's base image: install it through the lab's apt proxy (once per lab).
    await lab.exec(
      h.name,
      'command -v sudo >/dev/null || { apt-get update -qq && ' +
        'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sudo; }',
      { timeoutMs: 200_000 },
    );
    const user = (name: string) =>
      `id ${name} >/dev/null 2>&1 || useradd -m -s /bin/sh ${name}; mkdir -p /home/${name}/.ssh; ` +
      `echo '${pub}' > /home/${name}/.ssh/authorized_keys; chown -R ${name}: /home/${name}/.ssh`;
    await lab.exec(h.name, [
      'sh',
      '-c',
      `${user('kpnopw')}; ${user('kpsudo')}; printf '%s\\n' "kpsudo:$1" | chpasswd
       printf 'kpnopw ALL=(ALL) NOPASSWD: ALL\\nkpsudo ALL=(ALL) ALL\\n' > /etc/sudoers.d/kplay-test; ` +
        `chmod 440 /etc/sudoers.d/kplay-test
       rm -f /root/kt-become*`,
      'sh',
      pw,
    ]);
  });
  after(async () => {
    await Promise.all(open.map((t) => t.close()));
  });

  it('@lab becomes root with sudo -n (NOPASSWD): stdin, files written and read as root', async () => {
    const t = as('kpnopw');
    const r = await t.exec(['sh', '-c', 'id -un; cat'], { stdin: 'through sudo\n' });
    expect(r).to.include({ rc: 0, stdout: 'root\nthrough sudo\n', stderr: '' });
    expect((await t.exec(['id', '-un'], { become: false })).stdout).to.equal('kpnopw\n');
    expect((await t.exec(['id', '-un'], { becomeUser: 'nobody' })).stdout).to.equal('nobody\n');
    const data = randomBytes(100_000);
    await t.put('/root/kt-become', data, { mode: '0600' });
    expect((await lab.exec(h.name, 'stat -c "%U %a %s" /root/kt-become')).stdout.trim()).to.equal(
      `root 600 ${data.length}`,
    );
    expect(await t.get('/root/kt-become')).to.deep.equal(data);
    expect(await t.get('/root/kt-missing')).to.equal(undefined);
    await rejects(t.get('/root/kt-become', { become: false }), 'TASK_FAILED');
    const e = await rejects(t.put('/root/kt-become', Buffer.from('bad'), { validate: 'false %s' }), 'TASK_FAILED');
    expect(e.message).to.match(/validation/);
    expect(await t.get('/root/kt-become')).to.deep.equal(data);
    expect((await lab.exec(h.name, 'ls -A /root | grep kplay- || true')).stdout).to.equal('');
    // a command failing under sudo is the command's failure, not a become failure
    expect((await t.exec(['sh', '-c', 'exit 5'])).rc).to.equal(5);
  });

  it('@lab becomes root with sudo -S and a password; the command still gets its own stdin', async () => {
    const t = as('kpsudo', { ansible_become_password: pw });
    const r = await t.exec(['sh', '-c', 'id -un; cat'], { stdin: 'mine\n' });
    expect(r).to.include({ rc: 0, stdout: 'root\nmine\n', stderr: '' });
    await t.put('/root/kt-become-pw', Buffer.from('pw\n'), { owner: 'root', mode: '0640' });
    expect((await lab.exec(h.name, 'stat -c "%U %a" /root/kt-become-pw; cat /root/kt-become-pw')).stdout).to.equal(
      'root 640\npw\n',
    );
  });

  it('@lab a password given where sudo does not ask for one never reaches the command', async () => {
    const t = as('kpnopw', { ansible_become_password: 'not-asked-for-123' });
    expect((await t.exec(['cat'], { stdin: 'clean' })).stdout).to.equal('clean');
  });

  it('@lab says BECOME for a wrong sudo password, without the password', async () => {
    const wrong = `${pw}-nope`;
    const t = as('kpsudo', { ansible_become_password: wrong });
    const t0 = performance.now();
    const e = await rejects(t.exec(['id']), 'BECOME');
    expect(e.message).to.equal(`sudo on ${h.ip} refused the become password (to become root)`);
    expect(e.format()).to.not.include(wrong);
    console.log(`      wrong sudo password reported after ${(performance.now() - t0).toFixed(0)} ms`);
    expect((await t.exec(['id', '-un'], { become: false })).stdout, 'the connection is still usable').to.equal(
      'kpsudo\n',
    );
  });

  it('@lab says BECOME when sudo needs a password and none is given', async () => {
    const e = await rejects(as('kpsudo').exec(['id']), 'BECOME');
    expect(e.message).to.equal(`sudo on ${h.ip} needs a password to become root, and none was given`);
    await rejects(as('kpsudo').put('/root/kt-x', Buffer.from('x')), 'BECOME');
  });

  it('@lab cuts an upload through sudo in the middle: error, no temp file, target unchanged', async () => {
    const t = as('kpnopw');
    await t.put('/root/kt-become-big', Buffer.from('old\n'));
    // the cut must come mid-upload: on a busy machine the upload can win the race, and is then started again
    let p: Promise<unknown> | undefined;
    for (let attempt = 0; attempt < 3 && !p; attempt++) {
      const up = t.put('/root/kt-become-big', randomBytes(64 * 1024 * 1024));
      let settled = false;
      up.then(
        () => (settled = true),
        () => (settled = true),
      );
      for (let i = 0; i < 400 && !settled; i++) {
        const s = (await lab.exec(h.name, 'stat -c %s /root/.kt-become-big.kplay-* 2>/dev/null || echo 0')).stdout;
        if (Number(s.trim()) > 1024 * 1024) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      if (settled) await t.put('/root/kt-become-big', Buffer.from('old\n'));
      else p = up;
    }
    if (!p) throw new Error('three uploads of 64 MiB finished before they could be cut');
    (t.rawClient as unknown as { _sock: { destroy(): void } })._sock.destroy();
    await rejects(p, 'UNREACHABLE');
    expect((await t.exec(['cat', '/root/kt-become-big'])).stdout).to.equal('old\n');
    expect(t.connects).to.equal(2);
    expect((await lab.exec(h.name, 'ls -A /root | grep kplay- || true')).stdout).to.equal('');
  });
});
