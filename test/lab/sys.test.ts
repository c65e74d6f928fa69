// Process checks the lab relies on (src/lab/sys.ts). Real processes, no root needed.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pidAlive } from '../../src/lab/sys.js';

describe('lab: pidAlive', () => {
  // A booting lab host is `unshare ... -- systemd-nspawn ...`: one exec after another. While a process is
  // inside execve() the kernel shows an empty command line; pidAlive once took that for "exited", and the
  // lab reported "systemd-nspawn exited" with an empty log for a host that was booting fine (issue 11).
  it(
    'never calls a process that is between two execs dead ' +
      '(100 exec chains, each watched until its last image runs)',
    async function () {
      this.timeout(60_000);
      let missed = 0;
      for (let i = 0; i < 100; i++) {
        const c = spawn('env', ['sleep', '5'], { stdio: 'ignore' });
        const pid = c.pid!;
        const end = Date.now() + 2000;
        while (Date.now() < end) {
          if (!pidAlive(pid, 'sleep')) missed++;
          let line = '';
          try {
            line = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
          } catch {
            /* gone */
          }
          if (line.startsWith('sleep\0')) break;
        }
        c.kill('SIGKILL');
        await new Promise((r) => c.once('exit', r));
      }
      expect(missed).to.equal(0);
    },
  );

  it('is false for a pid that is gone or runs another program', async () => {
    const c = spawn('sleep', ['5'], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 50));
    expect(pidAlive(c.pid, 'sleep')).to.equal(true);
    expect(pidAlive(c.pid, 'systemd-nspawn')).to.equal(false);
    process.kill(c.pid!, 'SIGKILL');
    await new Promise((r) => c.once('exit', r));
    expect(pidAlive(c.pid, 'sleep')).to.equal(false);
    expect(pidAlive(undefined)).to.equal(false);
  });
});
