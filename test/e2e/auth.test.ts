// Wrong credentials through the real CLI: a key the host does not know (unreachable, exit 4), a wrong
// password (exit 4, never printed), a wrong sudo password (the task fails, exit 2, never printed), and a
// working sudo password from .env.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useLab, type LabHandle } from '../lab/helpers.js';
import { kplay, siteFor } from './support.js';

const PLAYBOOK = 'test/e2e/fixtures/failures/whoami.yml';
const LOGIN_PW = 'e2e-login-pw-1f2e3d4c';

describe('@lab credentials through the CLI', function () {
  this.timeout(120_000);
  let lab: LabHandle;
  let host: string;
  before(async function () {
    lab = await useLab(this, { count: 3 });
    host = lab.hosts[2]!.name;
    this.timeout(300_000);
    await lab.exec(
      host,
      'command -v sudo >/dev/null || { apt-get update -qq && ' +
        'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sudo; }',
      { timeoutMs: 280_000 },
    );
    const pub = readFileSync(join(lab.inventory, 'id_ed25519.pub'), 'utf8').trim();
    await lab.exec(host, [
      'bash',
      '-c',
      `id kpe2e >/dev/null 2>&1 || useradd -m -s /bin/sh kpe2e; mkdir -p /home/kpe2e/.ssh; ` +
        `echo '${pub}' > /home/kpe2e/.ssh/authorized_keys; chown -R kpe2e: /home/kpe2e/.ssh
       printf '%s\\n' "kpe2e:$0" | chpasswd; ` +
        `echo 'kpe2e ALL=(ALL) ALL' > /etc/sudoers.d/kplay-e2e; chmod 440 /etc/sudoers.d/kplay-e2e
       printf 'PasswordAuthentication yes\\n' > /etc/ssh/sshd_config.d/kplay-e2e.conf; systemctl reload ssh`,
      LOGIN_PW,
    ]);
  });

  /** A site for one host as user kpe2e, with these extra host vars and .env lines. */
  const site = (vars: string, env: string) => {
    const dir = siteFor(lab, (y) =>
      y.replace(
        new RegExp(`(\\n {4}${host}:\\n {6}ansible_host: \\S+\\n)`),
        `$1      ansible_user: kpe2e\n${vars
          .split('\n')
          .filter(Boolean)
          .map((l) => `      ${l}\n`)
          .join('')}`,
      ),
    );
    writeFileSync(join(dir, '.env'), env);
    return dir;
  };

  it('sudo with the password from .env works; the password is never printed', async () => {
    // sudo asks for the user's own password
    const r = await kplay([
      'run',
      PLAYBOOK,
      '-i',
      site('ansible_become: true\nansible_become_password: "{{ env.SUDO_PW }}"', `SUDO_PW=${LOGIN_PW}\n`),
      '--limit',
      host,
    ]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.include('"who.stdout": "root"');
    expect(r.stdout + r.stderr).not.to.include(LOGIN_PW);
  });

  it('a wrong sudo password fails the task (exit 2) and is never printed', async () => {
    const r = await kplay([
      'run',
      PLAYBOOK,
      '-i',
      site('ansible_become: true\nansible_become_password: "{{ env.SUDO_PW }}"', 'SUDO_PW=not-the-password-77\n'),
      '--limit',
      host,
    ]);
    expect(r.code).to.equal(2);
    expect(r.stdout).to.match(/refused the become password/);
    expect(r.stdout + r.stderr).not.to.include('not-the-password-77');
  });

  it('a key the host does not know: unreachable, exit 4', async () => {
    const keyDir = mkdtempSync(join(tmpdir(), 'kplay-key-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(keyDir, 'other')]);
    const r = await kplay([
      'run',
      PLAYBOOK,
      '-i',
      site(`ansible_ssh_private_key_file: ${join(keyDir, 'other')}`, ''),
      '--limit',
      host,
    ]);
    expect(r.code).to.equal(4);
    expect(r.stdout).to.match(/UNREACHABLE!.*authentication failed for kpe2e@/);
  });

  it('a wrong login password: unreachable, exit 4, never printed; the right one logs in', async function () {
    this.timeout(60_000);
    const noKey = (pw: string) =>
      site(
        `ansible_ssh_private_key_file: /nonexistent/key\nansible_password: "{{ env.LOGIN_PW }}"`,
        `LOGIN_PW=${pw}\n`,
      );
    const bad = await kplay(['run', PLAYBOOK, '-i', noKey('wrong-login-pw-99'), '--limit', host]);
    expect(bad.code).to.equal(4);
    expect(bad.stdout + bad.stderr).not.to.include('wrong-login-pw-99');
    const good = await kplay(['run', PLAYBOOK, '-i', noKey(LOGIN_PW), '--limit', host]);
    expect(good.code, good.stdout + good.stderr).to.equal(0);
    expect(good.stdout + good.stderr).not.to.include(LOGIN_PW);
  });
});
