// The long-lived shell (src/transport/shell-session.ts) over a local `sh`: output bytes as they are, exit
// status, stderr apart, each command in its own subshell, stdin at EOF, commands queued, a dead shell.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import type { RunningProc } from '../../src/transport/session.js';
import { ShellSession } from '../../src/transport/shell-session.js';
import { functionCall, shellFunction } from '../../src/core/shell-functions.js';

function localSh(): RunningProc {
  const child = spawn('sh', [], { stdio: ['pipe', 'pipe', 'pipe'] });
  const done = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { stdin: child.stdin, stdout: child.stdout, stderr: child.stderr, done, kill: () => child.kill('SIGKILL') };
}

describe('a long-lived shell runs command lines one at a time', () => {
  let sh: ShellSession;
  beforeEach(() => {
    sh = new ShellSession(localSh());
  });
  afterEach(() => sh.close());

  const cases: [string, string, { rc: number; stdout: string; stderr?: string }][] = [
    ['output without a final newline', 'printf abc', { rc: 0, stdout: 'abc' }],
    [
      'stdout, stderr and the exit status',
      'echo out; echo err >&2; exit 3',
      { rc: 3, stdout: 'out\n', stderr: 'err\n' },
    ],
    ['empty output', 'true', { rc: 0, stdout: '' }],
    ['stdin is at its end', 'cat; echo read', { rc: 0, stdout: 'read\n' }],
    [
      'a line that looks like the end line',
      'printf "\\n%s 0\\n" 0123456789abcdef0123456789abcdef',
      {
        rc: 0,
        stdout: '\n0123456789abcdef0123456789abcdef 0\n',
      },
    ],
    ['blank lines at the end are kept', 'printf "x\\n\\n\\n"', { rc: 0, stdout: 'x\n\n\n' }],
  ];
  for (const [what, line, want] of cases)
    it(what, async () => {
      const r = await sh.run(line);
      expect({ rc: r.rc, stdout: r.stdout.toString(), stderr: r.stderr.toString(), lost: r.lost }).to.deep.equal({
        stderr: '',
        ...want,
        lost: false,
      });
    });

  it('bytes as they are, and a large output', async () => {
    const bin = await sh.run("printf '\\000\\001\\377\\n'");
    expect([...bin.stdout]).to.deep.equal([0, 1, 255, 10]);
    const big = await sh.run("head -c 3000000 /dev/zero | tr '\\000' x");
    expect(big.stdout.length).to.equal(3_000_000);
    expect(big.stdout.every((b) => b === 0x78)).to.equal(true);
  });

  it('each command in its own subshell: exit, cd, set and variables leave the shell as it was', async () => {
    expect((await sh.run('cd /; X=1; set -e; exit 4')).rc).to.equal(4);
    const r = await sh.run('echo "${X:-unset}"; false; echo still');
    expect(r.stdout.toString()).to.equal('unset\nstill\n');
    expect(sh.alive).to.equal(true);
  });

  it('commands sent at once run in order, each with its own result', async () => {
    const rs = await Promise.all(
      [1, 2, 3, 4].map((i) => sh.run(`sleep 0.0${i}; echo ${i}; echo e${i} >&2; exit ${i}`)),
    );
    expect(rs.map((r) => [r.rc, r.stdout.toString(), r.stderr.toString()])).to.deep.equal([
      [1, '1\n', 'e1\n'],
      [2, '2\n', 'e2\n'],
      [3, '3\n', 'e3\n'],
      [4, '4\n', 'e4\n'],
    ]);
    expect(sh.idle).to.equal(true);
  });

  it("kplay's own scripts are defined once as functions: the result of sh -c, run in the shell", async () => {
    const script = shellFunction('ran=1; echo "$0:$#:$1:$2"; [ -n "$2" ] || exit 5; echo "$$ $PPID"');
    const call = (...args: string[]) => functionCall(['sh', '-c', script, 'sh', ...args])!;
    const shellPid = (await sh.run('echo $$')).stdout.toString().trim();
    const a = await sh.run('', call('a b', "c'd"));
    const [first, pids] = a.stdout.toString().split('\n');
    expect([a.rc, first]).to.deep.equal([0, "sh:2:a b:c'd"]);
    // $$ is the long-lived shell's own pid; the function ran in that shell itself (no fork: its variable stays)
    expect(pids!.split(' ')[0]).to.equal(shellPid);
    expect((await sh.run('echo $ran')).stdout.toString()).to.equal('1\n');
    // its `exit 5` returns from the function: the shell goes on
    const b = await sh.run('', call('x'));
    expect([b.rc, b.stdout.toString()]).to.deep.equal([5, 'sh:1:x:\n']);
    expect(sh.alive).to.equal(true);
    expect((await sh.run('echo on')).stdout.toString()).to.equal('on\n');
    expect(functionCall(['sh', '-c', 'echo not registered', 'sh'])).to.equal(undefined);
    expect(functionCall(['sh', '-c', script, 'sh'], { cwd: '/tmp' })).to.equal(undefined);
  });

  it('a shell killed ends the command under way as killed; a dead shell takes no more', async () => {
    const r = await sh.run('kill -9 $$');
    expect([r.rc, r.lost]).to.deep.equal([137, false]);
    expect((await sh.run('echo late')).lost).to.equal(true);
    expect(sh.alive).to.equal(false);
  });
});
