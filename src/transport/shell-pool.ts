// The long-lived shells of one host (shell-session.ts): at most `max` of them, opened when a command finds none
// free (over SSH an exec channel of `sh` holding a slot of the connection's channel semaphore for its life; on
// the controller a child `sh`). A command goes to a free shell; when all are busy it gets a process of its own
// (the caller's), so commands run at once on a host still run side by side.
import type { RunningProc } from './session.js';
import type { FunctionCall } from '../core/shell-functions.js';
import { ShellSession, type ShellResult } from './shell-session.js';

export const MAX_SHELLS = 2;

export class ShellPool {
  private readonly shells: ShellSession[] = [];
  private opening = 0;
  private closed = false;

  /** `start` opens one `sh` reading command lines on its stdin. */
  constructor(
    private readonly start: () => Promise<RunningProc>,
    private readonly max = MAX_SHELLS,
  ) {}

  /** Runs `line` (or `call`, a registered shell function's, when given) in a free shell, opening one while fewer
   *  than `max` are open; undefined when every shell is busy (a long command, commands run at once): the caller
   *  then gives it a channel of its own, as before. */
  async run(line: string, call?: FunctionCall): Promise<ShellResult | undefined> {
    const free = this.shells.find((s) => s.idle);
    if (free) return free.run(line, call);
    if (this.closed || this.shells.length + this.opening >= this.max) return undefined;
    // another command may have taken the new shell while it opened: then this one gets a channel, not a wait
    const opened = await this.open();
    return opened.idle ? opened.run(line, call) : undefined;
  }

  close(): void {
    this.closed = true;
    for (const s of this.shells.splice(0)) s.close();
  }

  private async open(): Promise<ShellSession> {
    this.opening++;
    try {
      const shell = new ShellSession(await this.start());
      this.shells.push(shell);
      void shell.ended.then(() => {
        const i = this.shells.indexOf(shell);
        if (i >= 0) this.shells.splice(i, 1);
      });
      if (this.closed) shell.close();
      return shell;
    } finally {
      this.opening--;
    }
  }
}
