// Pieces of the SSH transport's channel handling: the semaphore that caps the exec channels open at once on
// one connection, and an ssh2 exec channel seen as a RunningProc for session.ts.
import type { Client, ClientChannel } from 'ssh2';
import type { RunningProc } from './session.js';

/** A counting semaphore: at most `limit` holders at once. */
export class Semaphore {
  private active = 0;
  private waiting: (() => void)[] = [];
  peak = 0;
  /** Slots taken so far (each exec channel or long-lived shell opened takes one). */
  acquired = 0;
  constructor(readonly limit: number) {}
  async acquire(): Promise<() => void> {
    this.acquired++;
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

const OPEN_RETRIES = 20;

/** Opens an exec channel. sshd frees a closed session only after it has read the next packets, so an open
 *  right after a close can be refused ("open failed") though we hold fewer than MaxSessions: retried while
 *  `current()` says the client is still the host's connection. */
export async function openExec(
  client: Client,
  cmd: string,
  current: () => boolean,
  onRetry: () => void,
): Promise<RunningProc> {
  for (let attempt = 1; ; attempt++) {
    try {
      // The listeners go on in the callback itself: a fast command's exit status can arrive in the same
      // packet as the channel confirmation, before any promise continuation would run.
      return await new Promise<RunningProc>((resolve, reject) => {
        try {
          client.exec(cmd, (err, c) => (err ? reject(err) : resolve(channelProc(c))));
        } catch (e) {
          reject(e);
        }
      });
    } catch (e) {
      if (attempt >= OPEN_RETRIES || !/open failed/i.test((e as Error).message) || !current()) throw e;
      onRetry();
      await new Promise((r) => setTimeout(r, 5 * attempt));
    }
  }
}
