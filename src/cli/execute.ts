// Wires a checked run to real hosts: transports, facts, renderers, Ctrl-C. Kept apart from run.ts so the
// executor can be driven by tests with other transports.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { KplayError } from '../core/errors.js';
import { lockHolder, tryLock, unlock } from '../core/pid-lock.js';
import { EventBus } from '../events/bus.js';
import { defaultMeta, Report } from '../ui/report.js';
import { Journal, journalPath, readJournal } from '../events/journal.js';
import { createRun, type RunInput } from '../exec/run.js';
import { gatherFacts } from '../transport/facts.js';
import { openTransport } from '../transport/pool.js';
import { jsonRenderer, plainRenderer } from '../ui/plain.js';
import type { Output } from '../core/output.js';

export interface ExecuteInput extends Omit<RunInput, 'bus' | 'open' | 'gather' | 'resume'> {
  json: boolean;
  resume: boolean;
  inventories: string[];
}

/** One run at a time per site on this controller: the lock file of a site (its inventory paths). */
export function runLockFile(inventories: string[]): string {
  const key = createHash('sha256')
    .update([...new Set(inventories.map((i) => resolve(i)))].sort().join('\0') || 'localhost')
    .digest('hex')
    .slice(0, 16);
  const dir = join(tmpdir(), 'kplay-runs');
  mkdirSync(dir, { recursive: true, mode: 0o1777 });
  return join(dir, `${key}.lock`);
}

export async function execute(input: ExecuteInput, out: Output): Promise<number> {
  // Two runs on one site would both write to its hosts: the second is refused (a dead run's lock is taken over).
  const lock = runLockFile(input.inventories);
  if (!tryLock(lock)) {
    throw new KplayError(
      `another kplay run (pid ${lockHolder(lock)}) is working on this site ` +
        `(${input.inventories.join(', ') || 'localhost'})`,
      {
        code: 'LOCKED',
        hint: 'two runs at once would both change the same hosts; run again when it has finished',
      },
    );
  }
  try {
    return await executeLocked(input, out);
  } finally {
    unlock(lock);
  }
}

async function executeLocked(input: ExecuteInput, out: Output): Promise<number> {
  const bus = new EventBus();
  const write = (s: string) => out.print(s.endsWith('\n') ? s.slice(0, -1) : s);
  // listr2 (the live renderer) is loaded only for a terminal
  const live =
    !input.json && process.stdout.isTTY && !process.env.CI
      ? new (await import('../ui/live.js')).LiveRenderer(write, { check: input.opts.check, diff: input.opts.diff })
      : undefined;
  bus.on(input.json ? jsonRenderer(write) : live ? live.listener() : plainRenderer(write, { check: input.opts.check }));
  const jpath = journalPath(input.pb.file, input.inventories);
  const resume = input.resume ? readJournal(jpath) : undefined;
  if (input.resume && resume!.size === 0)
    out.warn(
      `--resume: no journal of an earlier run of this playbook and inventory (${jpath}); running from the start`,
    );
  bus.on(new Journal(jpath).listener());
  const report = new Report(join(dirname(jpath), 'reports'), defaultMeta(input.inventories));
  bus.on(report.listener());
  const handle = createRun({ ...input, bus, open: openTransport, gather: gatherFacts, resume });
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(99);
    out.error('\n[kplay] interrupted: letting running tasks finish (Ctrl-C again to quit at once)');
    handle.stop();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    const code = await handle.run();
    await live?.done();
    if (report.written) out.print(`report: ${report.written.html}`);
    if (report.failed) out.warn(`the run's report was not written: ${report.failed}`);
    return code;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}
