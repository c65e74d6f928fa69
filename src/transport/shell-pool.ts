// The long-lived shells of one SSH connection (shell-session.ts): at most `max` of them, each an exec channel
// of `sh` holding a slot of the connection's channel semaphore for its life, opened when a command finds none
// free. A command goes to a free shell; when all are busy it gets an exec channel (the caller's), so commands
// run at once on a host still run side by side.
import type { Client } from 'ssh2';
import { openExec, type Semaphore } from './channel.js';
import { ShellSession, type ShellResult } from './shell-session.js';

export const MAX_SHELLS = 2;

export class ShellPool {
  private readonly shells: ShellSession[] = [];
  private opening = 0;
  private closed = false;

  constructor(
    private readonly client: Client,
    private readonly channels: Semaphore,
    private readonly current: () => boolean,
    private readonly onRetry: () => void,
    private readonly max = MAX_SHELLS,
  ) {}

  /** Runs `line` in a free shell, opening one while fewer than `max` are open; undefined when every shell is
   *  busy (a long command, commands run at once): the caller then gives it a channel of its own, as before. */
  async run(line: string): Promise<ShellResult | undefined> {
    const free = this.shells.find((s) => s.idle);
    if (free) return free.run(line);
    if (this.closed || this.shells.length + this.opening >= this.max) return undefined;
    // another command may have taken the new shell while it opened: then this one gets a channel, not a wait
    const opened = await this.open();
    return opened.idle ? opened.run(line) : undefined;
  }

  close(): void {
    this.closed = true;
    for (const s of this.shells.splice(0)) s.close();
  }

  private async open(): Promise<ShellSession> {
    this.opening++;
    try {
      const release = await this.channels.acquire();
      try {
        const proc = await openExec(this.client, 'exec sh', this.current, this.onRetry);
        void proc.done.then(release);
        const shell = new ShellSession(proc);
        this.shells.push(shell);
        void proc.done.then(() => {
          const i = this.shells.indexOf(shell);
          if (i >= 0) this.shells.splice(i, 1);
        });
        if (this.closed) shell.close();
        return shell;
      } catch (e) {
        release();
        throw e;
      }
    } finally {
      this.opening--;
    }
  }
}
