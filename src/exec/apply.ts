// Running a plan's actions on a host, in order. Files are written by the transport atomically.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { KplayError } from '../core/errors.js';
import type { Change } from '../tasks/contract.js';
import type { ExecResult, Transport } from '../transport/types.js';
import type { ChangeWatch } from './progress.js';

export interface ApplyOptions {
  become: boolean;
  becomeUser?: string | undefined;
  becomeMethod?: 'sudo' | 'su' | undefined;
  env?: Record<string, string> | undefined;
  timeoutMs?: number | undefined;
  /** Fail on a non-zero exit (all modules but command/shell, whose rc is their result). */
  failOnRc: boolean;
  /** Times each change, to tell what a long one is doing (progress.ts). */
  watch?: ChangeWatch | undefined;
}

export interface Applied {
  lastExec: ExecResult | undefined;
  /** Files written whose stat as written the transport read in the same round trip. */
  written: Written[];
}

export interface Written {
  path: string;
  content: Buffer;
  stat: string;
}

export async function applyChanges(t: Transport, changes: Change[], o: ApplyOptions): Promise<Applied> {
  let lastExec: ExecResult | undefined;
  const written: Written[] = [];
  for (const [i, c] of changes.entries()) {
    const stop = o.watch?.(c.summary, i, changes.length);
    try {
      lastExec = (await applyOne(t, c, o, written)) ?? lastExec;
    } finally {
      stop?.();
    }
  }
  return { lastExec, written };
}

/** One change's actions, in order; answers with its last command's result. */
async function applyOne(t: Transport, c: Change, o: ApplyOptions, written: Written[]): Promise<ExecResult | undefined> {
  let lastExec: ExecResult | undefined;
  for (const a of c.actions) {
    // a command or a removal after a write may change the file written: what the write read is stale then
    if (!('put' in a)) written.length = 0;
    if ('exec' in a) {
      const env = o.env || a.env ? { ...o.env, ...a.env } : undefined;
      lastExec = await t.exec(a.exec, {
        stdin: a.stdin,
        cwd: a.cwd,
        env,
        shell: a.shell,
        become: o.become,
        becomeUser: o.becomeUser,
        becomeMethod: o.becomeMethod,
        timeoutMs: o.timeoutMs,
      });
      if (lastExec.rc !== 0 && o.failOnRc) {
        throw new KplayError(
          `command failed (rc=${lastExec.rc}): ${lastExec.cmd.join(' ')}\n` +
            lastExec.stderr.trim().split('\n').slice(-5).join('\n'),
          { code: 'TASK_FAILED', host: t.host },
        );
      }
    } else if ('put' in a) {
      const done = await t.put(a.put, a.content, {
        mode: a.mode,
        owner: a.owner,
        group: a.group,
        validate: a.validate,
        become: o.become,
      });
      if (done?.stat) written.push({ path: a.put, content: a.content, stat: done.stat });
    } else if ('controllerPut' in a) {
      mkdirSync(dirname(a.controllerPut), { recursive: true });
      const tmp = join(dirname(a.controllerPut), `.${basename(a.controllerPut)}.kplay-${process.pid}-${Date.now()}`);
      writeFileSync(tmp, a.content);
      renameSync(tmp, a.controllerPut);
    } else {
      const r = await t.exec(['rm', a.recurse ? '-rf' : '-f', '--', a.remove], {
        become: o.become,
        timeoutMs: o.timeoutMs,
      });
      if (r.rc !== 0)
        throw new KplayError(`cannot remove ${a.remove}: ${r.stderr.trim()}`, { code: 'TASK_FAILED', host: t.host });
    }
  }
  return lastExec;
}
