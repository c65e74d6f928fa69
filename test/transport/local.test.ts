// The local transport on the controller: exec, stdin, cwd/env, timeouts, atomic put, get, and become
// through a stand-in `sudo` (a script on PATH that behaves like sudo -n / sudo -S -p for these tests).
import { expect } from 'chai';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KplayError } from '../../src/core/errors.js';
import { addSecret } from '../../src/core/secrets.js';
import { LocalTransport } from '../../src/transport/local.js';

const FAKE_SUDO =
  `#!/bin/sh
# Stand-in for sudo: -n fails when FAKE_SUDO_PASSWORD is set; -S -p PROMPT asks for it on stderr (3 tries).
mode=; prompt=
while [ $# -gt 0 ]; do case $1 in -n) mode=n;; -S) mode=S;; -p) prompt=$2; shift;; ` +
  `-u) shift;; --) shift; break;; esac; shift; done
if [ -n "$FAKE_SUDO_PASSWORD" ]; then
  [ "$mode" = n ] && { echo "sudo: a password is required" >&2; exit 1; }
  n=0
  while :; do
    printf '%s' "$prompt" >&2
    IFS= read -r pw || exit 1
    [ "$pw" = "$FAKE_SUDO_PASSWORD" ] && break
    n=$((n+1)); echo "Sorry, try again." >&2
    [ $n -ge 3 ] && { echo "sudo: 3 incorrect password attempts" >&2; exit 1; }
  done
fi
exec "$@"
`;

async function rejects(p: Promise<unknown>): Promise<KplayError> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(KplayError);
    return e as KplayError;
  }
  throw new Error('expected a rejection');
}

describe('transport/local', () => {
  let dir: string;
  const t = new LocalTransport('localhost');
  const oldPath = process.env.PATH;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kplay-local-'));
    writeFileSync(join(dir, 'sudo'), FAKE_SUDO);
    chmodSync(join(dir, 'sudo'), 0o755);
  });
  after(() => {
    process.env.PATH = oldPath;
    delete process.env.FAKE_SUDO_PASSWORD;
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs argv with rc, stdout, stderr and stdin', async () => {
    const r = await t.exec(['sh', '-c', 'cat; echo err >&2; exit 3'], { stdin: 'in put\n' });
    expect(r).to.include({ rc: 3, stdout: 'in put\n', stderr: 'err\n' });
    expect(r.cmd).to.deep.equal(['sh', '-c', 'cat; echo err >&2; exit 3']);
  });

  it('applies cwd and env, and runs shell scripts', async () => {
    const r = await t.exec(['pwd; echo "$KP_X"'], { shell: true, cwd: dir, env: { KP_X: "a'b" } });
    expect(r.stdout).to.equal(`${dir}\na'b\n`);
  });

  it('times out with TIMEOUT and stops the command', async () => {
    const t0 = Date.now();
    const e = await rejects(t.exec(['sleep', '30'], { timeoutMs: 300 }));
    expect(e.code).to.equal('TIMEOUT');
    expect(e.message).to.include('sleep 30');
    expect(Date.now() - t0).to.be.below(3000);
  });

  it('puts atomically with mode, keeps the old file when validate fails, and leaves no temp file', async () => {
    const f = join(dir, 'conf');
    await t.put(f, Buffer.from('one\n'), { mode: '0640' });
    expect(readFileSync(f, 'utf8')).to.equal('one\n');
    expect(statSync(f).mode & 0o777).to.equal(0o640);
    const e = await rejects(t.put(f, Buffer.from('two\n'), { validate: 'grep -q one %s' }));
    expect(e.code).to.equal('TASK_FAILED');
    expect(e.message).to.match(/validation of .*conf failed/);
    expect(readFileSync(f, 'utf8')).to.equal('one\n');
    await t.put(f, Buffer.from('three\n'), { validate: 'grep -q three %s' });
    expect(readFileSync(f, 'utf8')).to.equal('three\n');
    expect(statSync(f).mode & 0o777, 'mode of an existing file is kept').to.equal(0o640);
    expect(readdirSync(dir).filter((n) => n.includes('.kplay-'))).to.deep.equal([]);
  });

  it('gets a file, or undefined when it is missing', async () => {
    writeFileSync(join(dir, 'bin'), Buffer.from([0, 1, 2, 255]));
    expect(await t.get(join(dir, 'bin'))).to.deep.equal(Buffer.from([0, 1, 2, 255]));
    expect(await t.get(join(dir, 'nope'))).to.equal(undefined);
  });

  it('becomes with sudo -n, and with a password answers only sudo (stdin reaches the command)', async () => {
    process.env.PATH = `${dir}:${oldPath}`;
    delete process.env.FAKE_SUDO_PASSWORD;
    const n = new LocalTransport('localhost', { become: true, becomeUser: 'nobody' });
    expect((await n.exec(['cat'], { stdin: 'data' })).stdout).to.equal('data');
    process.env.FAKE_SUDO_PASSWORD = 'pw-local-9876';
    addSecret('pw-local-9876');
    const needs = await rejects(n.exec(['true']));
    expect(needs.code).to.equal('BECOME');
    expect(needs.message).to.match(/needs a password/);
    const s = new LocalTransport('localhost', { become: true, becomeUser: 'nobody', becomePassword: 'pw-local-9876' });
    const r = await s.exec(['cat'], { stdin: 'only this' });
    expect(r).to.include({ rc: 0, stdout: 'only this', stderr: '' });
    await s.put(join(dir, 'via-sudo'), Buffer.from('x'));
    expect(readFileSync(join(dir, 'via-sudo'), 'utf8')).to.equal('x');
    const w = new LocalTransport('localhost', { become: true, becomeUser: 'nobody', becomePassword: 'wrong-pw-1234' });
    addSecret('wrong-pw-1234');
    const bad = await rejects(w.exec(['true']));
    expect(bad.code).to.equal('BECOME');
    expect(bad.message).to.match(/refused the become password/);
    expect(bad.message).to.not.include('wrong-pw-1234');
    // A password given where sudo does not ask for one is never written to the command's stdin.
    delete process.env.FAKE_SUDO_PASSWORD;
    const r2 = await s.exec(['cat'], { stdin: 'clean' });
    expect(r2.stdout).to.equal('clean');
    expect(existsSync(join(dir, 'via-sudo'))).to.equal(true);
  });
});
