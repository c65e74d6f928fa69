// The live view on a terminal (listr2): a line per task, the hosts under it with their status as results
// arrive. Tasks run one after another in the linear strategy, so each task is one listr run; the recap and
// diffs print after. Off a terminal, in CI or with --json, plain.ts is used instead.
import { Listr, type ListrTask } from 'listr2';
import type { HostResultEvent, RunEvent } from '../events/bus.js';
import { formatRecap } from '../events/recap.js';
import { diffText } from './plain.js';

interface Pending {
  resolve: (e: HostResultEvent) => void;
  promise: Promise<HostResultEvent>;
}

function deferred(): Pending {
  let resolve!: (e: HostResultEvent) => void;
  const promise = new Promise<HostResultEvent>((r) => (resolve = r));
  return { resolve, promise };
}

export class LiveRenderer {
  private chain: Promise<void> = Promise.resolve();
  private waiting = new Map<string, Pending>(); // host → result of the current task

  constructor(
    private readonly write: (s: string) => void,
    private readonly o: { check: boolean; diff: boolean },
  ) {}

  listener(): (e: RunEvent) => void {
    return (e) => {
      if (e.type === 'play_start')
        this.queue(async () =>
          this.write(`\nPLAY [${e.play}] ${e.hosts.length ? `(${e.hosts.length} hosts)` : '(no hosts matched)'}\n`),
        );
      else if (e.type === 'task_start') this.startTask(e.task, e.hosts, e.handler);
      else if (e.type === 'host_result') this.result(e);
      else if (e.type === 'warning') this.queue(async () => this.write(`[WARNING]: ${e.msg}\n`));
      else if (e.type === 'run_end') this.queue(async () => this.write(formatRecap(e.recap, this.o.check)));
    };
  }

  /** Resolves once everything queued has been drawn. */
  done(): Promise<void> {
    return this.chain;
  }

  private queue(fn: () => Promise<void>): void {
    this.chain = this.chain.then(fn, fn);
  }

  private result(e: HostResultEvent): void {
    const p = this.waiting.get(e.host);
    if (p) {
      this.waiting.delete(e.host);
      p.resolve(e);
    }
  }

  private startTask(title: string, hosts: string[], handler: boolean): void {
    const pend = new Map(hosts.map((h) => [h, deferred()]));
    for (const [h, p] of pend) this.waiting.set(h, p);
    const diffs: string[] = [];
    const tasks: ListrTask[] = hosts.map((h) => ({
      title: h,
      task: async (_ctx, task) => {
        const r = await pend.get(h)!.promise;
        if (this.o.diff) for (const d of r.diff ?? []) diffs.push(diffText(d));
        const extra = r.msg ? `: ${r.msg.split('\n')[0]}` : r.changes?.length ? `: ${r.changes.join('; ')}` : '';
        if (r.status === 'skipped') task.skip(`${h}: skipped${extra}`);
        else if (r.status === 'failed' || r.status === 'unreachable') throw new Error(`${h}: ${r.status}${extra}`);
        else task.title = `${h}: ${r.status}${extra}`;
      },
    }));
    this.queue(async () => {
      const list = new Listr(
        [
          {
            title: `${handler ? 'HANDLER' : 'TASK'} [${title}]`,
            task: (_c, t) => t.newListr(tasks, { concurrent: true, exitOnError: false }),
          },
        ],
        {
          exitOnError: false,
          renderer: 'default',
          rendererOptions: { collapseSubtasks: false, collapseSkips: false },
        },
      );
      await list.run().catch(() => {});
      for (const d of diffs) this.write(d);
    });
  }
}
