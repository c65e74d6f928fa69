// Pieces of the SSH transport's channel handling: the semaphore that caps the exec channels open at once on
// one connection, and an ssh2 exec channel seen as a RunningProc for session.ts.
import type { ClientChannel } from 'ssh2';
import type { RunningProc } from './session.js';

/** A counting semaphore: at most `limit` holders at once. */
export class Semaphore {
  private active = 0;
  private waiting: (() => void)[] = [];
  peak = 0;
  constructor(readonly limit: number) {}
  async acquire(): Promise<() => void> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    else this.active++;
    this.peak = Math.max(this.peak, this.active);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next)
        next(); // the slot passes straight to the next waiter
      else this.active--;
    };
  }
  get inUse(): number {
    return this.active;
  }
}

/** An exec channel seen as a running process. */
export function channelProc(ch: ClientChannel): RunningProc {
  let exited: { code: number | null; signal: string | null } | undefined;
  ch.on('exit', (code: number | null, signal?: string) => {
    exited = { code: typeof code === 'number' ? code : null, signal: signal ?? null };
  });
  const done = new Promise<{ code: number | null; signal?: string | null; lost?: boolean }>((resolve) => {
    ch.on('close', () => resolve(exited ?? { code: null, lost: true }));
  });
  return {
    stdin: ch,
    stdout: ch,
    stderr: ch.stderr,
    done,
    // sshd refuses "signal" requests on Debian 12 ("session signalling requires privilege separation"),
    // so a timed-out command is stopped on the host by the `timeout` its line starts with; here we only
    // close our side (sshd answers the close once the process has gone).
    kill() {
      try {
        ch.end();
        ch.close();
      } catch {
        /* closed already */
      }
    },
  };
}
