// The live view on a terminal (listr2): one listr run per task, as tasks run one after another in the linear
// strategy. Its title counts the hosts' results as they arrive and its output lines show the hosts still running
// and the failures, bounded whatever the number of hosts (live-view.ts); done, the task is one line of counts
// (and its failures) left in the terminal's history. The recap, diffs and warnings print after, as plain lines.
// Off a terminal, in CI or with --json, plain.ts is used instead.
import { DefaultRenderer, Listr, ListrLogger, ProcessOutput } from 'listr2';
import type { HostResultEvent, RunEvent } from '../events/bus.js';
import { formatRecap } from '../events/recap.js';
import { boundsFor, TaskView } from './live-view.js';
import { diffText } from './plain.js';

/** How often a running task is drawn again (its elapsed times). */
const TICK_MS = 250;

/** listr2's default renderer drawing to the stream it is given (execute.ts only picks the live view for a
 *  terminal; a test hands it a stream of its own). */
class StreamRenderer extends DefaultRenderer {
  static override nonTTY = true;
}

export interface Screen {
  write(s: string): boolean;
  columns?: number | undefined;
  rows?: number | undefined;
}

export class LiveRenderer {
  private chain: Promise<void> = Promise.resolve();
  private views: TaskView[] = [];
  /** each host's current task */
  private current = new Map<string, TaskView>();

  constructor(
    private readonly write: (s: string) => void,
    private readonly o: { check: boolean; diff: boolean },
    private readonly screen: Screen = process.stdout,
  ) {}

  listener(): (e: RunEvent) => void {
    return (e) => {
      if (e.type === 'play_start')
        this.print(`\nPLAY [${e.play}] ${e.hosts.length ? `(${e.hosts.length} hosts)` : '(no hosts matched)'}\n`);
      else if (e.type === 'task_start')
        this.startTask(`${e.handler ? 'HANDLER' : 'TASK'} [${e.task}]`, e.taskId, e.hosts);
      else if (e.type === 'host_result') this.result(e);
      else if (e.type === 'host_progress') this.current.get(e.host)?.hostProgress(e);
      else if (e.type === 'warning') this.print(`[WARNING]: ${e.host ? `${e.host}: ` : ''}${e.msg}\n`);
      else if (e.type === 'interrupted')
        this.print('\n[ERROR]: interrupted: no new tasks were started; running ones finished\n');
      else if (e.type === 'play_end') for (const v of this.views) v.end();
      else if (e.type === 'run_end') {
        for (const v of this.views) v.end();
        this.print(formatRecap(e.recap, this.o.check));
      }
    };
  }

  /** Resolves once everything queued has been drawn. */
  done(): Promise<void> {
    return this.chain;
  }

  private queue(fn: () => Promise<void>): void {
    this.chain = this.chain.then(fn, fn);
  }

  private print(s: string): void {
    this.queue(async () => this.write(s));
  }

  private result(e: HostResultEvent): void {
    const v = this.current.get(e.host);
    if (v && v.taskId === e.taskId) return v.result(e);
    // a result without a task of its own (an include that failed on the host): one line
    const why = e.msg ? `: ${e.msg.split('\n')[0]}` : '';
    this.print(`${e.host}: ${e.status}: ${e.task}${why}\n`);
  }

  private startTask(title: string, taskId: string, hosts: string[]): void {
    // the free strategy starts a task host by host: hosts joining the task being drawn join its view
    const last = this.views.at(-1);
    const view =
      last && last.taskId === taskId && last.title === title && !last.done
        ? last
        : new TaskView(title, taskId, hosts, Date.now());
    if (view === last) view.add(hosts);
    else {
      this.views.push(view);
      this.queue(() => this.draw(view));
    }
    for (const h of hosts) {
      const before = this.current.get(h);
      if (before !== view) before?.leave(h);
      this.current.set(h, view);
    }
  }

  private async draw(view: TaskView): Promise<void> {
    const screen = this.screen;
    const width = () => (screen.columns ?? 80) - 6;
    const list = new Listr(
      [
        {
          title: view.title,
          task: async (_ctx, task) => {
            const show = () => {
              task.title = view.runningTitle(Date.now());
              task.output = view.body(Date.now(), boundsFor(screen.rows), width()).join('\n');
            };
            show();
            const timer = setInterval(show, TICK_MS);
            try {
              await view.finished;
            } finally {
              clearInterval(timer);
            }
            task.title = view.doneTitle(Date.now(), width());
            task.output = view.failures(boundsFor(screen.rows).failed).join('\n');
            if (view.anyFailed) throw new Error(task.title);
          },
          rendererOptions: { persistentOutput: true, outputBar: 1 },
        },
      ],
      {
        exitOnError: false,
        renderer: StreamRenderer,
        rendererOptions: {
          collapseErrors: true,
          showErrorMessage: true,
          formatOutput: 'truncate',
          removeEmptyLines: true,
          logger: new ListrLogger({ processOutput: new ProcessOutput(screen as NodeJS.WriteStream) }),
        },
      },
    );
    await list.run().catch(() => {});
    if (this.o.diff) for (const d of view.diffs()) this.write(diffText(d));
    this.views = this.views.filter((v) => v !== view);
  }
}
