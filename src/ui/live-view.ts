// What the live view shows of one task, as text lines (live.ts hands them to listr2, which draws them). Bounded
// whatever the number of hosts: while the task runs, a title with the counts so far, at most `running` lines of
// hosts still running (elapsed time and what a long change is doing, from host_progress), one line naming the
// others, and the failures (at most `failed` lines, then how many more); the whole fits the terminal's rows. A
// finished task is one line of counts (with the hosts' names while they fit the width), and its failures.
import type { HostProgressEvent, HostResultEvent, HostStatus } from '../events/bus.js';

/** A task's elapsed time is shown after this long (shorter tasks just flash by). */
export const ELAPSED_AFTER_MS = 2000;
/** The most lines of running hosts, and of failures, on a tall terminal. */
export const MAX_RUNNING = 10;
export const MAX_FAILED = 10;

export interface Bounds {
  running: number;
  failed: number;
}

/** Lines of hosts a task may show: what the terminal's rows leave after the title, the line naming the other
 *  running hosts and the one counting further failures (and a row for the cursor). */
export function boundsFor(rows: number | undefined): Bounds {
  if (!rows) return { running: MAX_RUNNING, failed: MAX_FAILED };
  const body = Math.max(0, rows - 5);
  const running = Math.min(MAX_RUNNING, Math.ceil(body / 2));
  return { running, failed: Math.min(MAX_FAILED, body - running) };
}

/** The most lines a task's view takes below its title (running, the others, failures, the further failures). */
export const linesFor = (b: Bounds) => b.running + b.failed + 2;

const ORDER: HostStatus[] = ['ok', 'changed', 'uncertain', 'skipped', 'rescued', 'ignored', 'failed', 'unreachable'];
const FAILED = new Set<HostStatus>(['failed', 'unreachable']);
/** Whose hosts a finished task's line names first, while they fit. */
const NAMED_FIRST: HostStatus[] = [
  'failed',
  'unreachable',
  'ignored',
  'rescued',
  'uncertain',
  'changed',
  'skipped',
  'ok',
];

export function elapsed(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
}

const firstLine = (s: string | undefined) => (s ?? '').split('\n')[0]!.trim();

/** Names joined by spaces, cut to `width` characters with "…" and how many were left out. */
export function nameList(names: string[], width: number): string {
  let out = '';
  for (const [i, n] of names.entries()) {
    const next = out ? `${out} ${n}` : n;
    const rest = names.length - i - 1;
    const tail = rest > 0 ? ` … (+${rest})` : '';
    if (next.length + tail.length > width && out) return `${out} … (+${names.length - i})`;
    out = next;
  }
  return out;
}

export class TaskView {
  readonly hosts: string[] = [];
  private readonly member = new Set<string>();
  private readonly results = new Map<string, HostResultEvent>();
  /** what a long change tells on each host still running (undefined under no_log) */
  private readonly progress = new Map<string, string | undefined>();
  /** hosts that went on to another task without a result here (add_host reports for its first host only) */
  private readonly left = new Set<string>();
  private ended = false;
  private wake: (() => void) | undefined;
  /** Resolves when every host has its result (or the run ended). */
  readonly finished: Promise<void>;

  constructor(
    readonly title: string,
    readonly taskId: string,
    hosts: string[],
    readonly start: number,
  ) {
    this.finished = new Promise((r) => (this.wake = r));
    this.add(hosts);
  }

  /** More hosts in the same task (the free strategy starts a task host by host). */
  add(hosts: string[]): void {
    for (const h of hosts) {
      if (this.member.has(h)) continue;
      this.member.add(h);
      this.hosts.push(h);
    }
    this.settle();
  }

  result(e: HostResultEvent): void {
    // a loop's hosts report once, at the end; a result of another task (a late one) is not this view's
    if (e.taskId !== this.taskId || !this.member.has(e.host)) return;
    this.results.set(e.host, e);
    this.left.delete(e.host);
    this.progress.delete(e.host);
    this.settle();
  }

  /** The host started another task: it will report nothing more here. */
  leave(host: string): void {
    if (this.member.has(host) && !this.results.has(host)) this.left.add(host);
    this.progress.delete(host);
    this.settle();
  }

  hostProgress(e: HostProgressEvent): void {
    if (e.taskId === this.taskId && this.member.has(e.host) && !this.results.has(e.host))
      this.progress.set(e.host, e.msg);
  }

  /** The run ended (or stopped): hosts without a result will have none. */
  end(): void {
    this.ended = true;
    this.settle();
  }

  get done(): boolean {
    return this.ended || this.results.size + this.left.size >= this.hosts.length;
  }

  private settle(): void {
    if (this.done) this.wake?.();
  }

  private counts(): [HostStatus, string[]][] {
    const by = new Map<HostStatus, string[]>();
    for (const h of this.hosts) {
      const r = this.results.get(h);
      if (!r) continue;
      const list = by.get(r.status);
      if (list) list.push(h);
      else by.set(r.status, [h]);
    }
    return ORDER.filter((s) => by.has(s)).map((s) => [s, by.get(s)!]);
  }

  /** The title while the task runs: "TASK [x]  37/50 done · ok 30 · changed 5 · failed 2 · 4.2s". */
  runningTitle(now: number): string {
    const counts = this.counts().map(([s, hs]) => `${s} ${hs.length}`);
    const took = now - this.start >= ELAPSED_AFTER_MS ? [elapsed(now - this.start)] : [];
    return [`${this.title}  ${this.results.size}/${this.hosts.length} done`, ...counts, ...took].join(' · ');
  }

  /** The title of a finished task: its counts, with a status's hosts named while the line fits `width` (the
   *  failures first, the ok ones last). */
  doneTitle(now: number, width: number): string {
    const counts = this.counts();
    const n = this.hosts.length;
    const head = `${this.title}  ${n} host${n === 1 ? '' : 's'}`;
    const took = elapsed(now - this.start);
    const named = new Set<HostStatus>();
    const line = () =>
      [head, ...counts.map(([s, hs]) => `${s} ${hs.length}${named.has(s) ? ` (${hs.join(' ')})` : ''}`), took].join(
        ' · ',
      );
    for (const s of NAMED_FIRST) {
      if (!counts.some(([c]) => c === s)) continue;
      named.add(s);
      if (line().length > width) named.delete(s);
    }
    return line();
  }

  /** The hosts still running, then the failures, within `b`. */
  body(now: number, b: Bounds, width: number): string[] {
    const waiting = this.hosts.filter((h) => !this.results.has(h) && !this.left.has(h));
    // hosts telling what a long change does first, then in the play's order
    const shown = [...waiting.filter((h) => this.progress.has(h)), ...waiting.filter((h) => !this.progress.has(h))];
    const took = now - this.start >= ELAPSED_AFTER_MS ? `  ${elapsed(now - this.start)}` : '';
    const lines = shown.slice(0, b.running).map((h) => {
      const msg = this.progress.get(h);
      return `${h}${took}${msg ? `  ${firstLine(msg)}` : took ? '  running' : ''}`;
    });
    const rest = shown.slice(b.running);
    if (rest.length) {
      const lead = `${lines.length ? `${rest.length} more` : `${rest.length}`} running: `;
      lines.push(lead + nameList(rest, Math.max(10, width - lead.length)));
    }
    return [...lines, ...this.failures(b.failed)];
  }

  /** Each failed host with its message's first line, at most `limit`, then how many more. */
  failures(limit: number): string[] {
    const failed = this.hosts.flatMap((h) => {
      const r = this.results.get(h);
      return r && FAILED.has(r.status) ? [r] : [];
    });
    const lines = failed.slice(0, limit).map((r) => `${r.host}: ${r.status}${r.msg ? `: ${firstLine(r.msg)}` : ''}`);
    const more = failed.length - limit;
    if (more > 0) lines.push(limit ? `+${more} more failed` : `${more} failed`);
    return lines;
  }

  get anyFailed(): boolean {
    for (const r of this.results.values()) if (FAILED.has(r.status)) return true;
    return false;
  }

  /** Diffs of the hosts' results (with --diff), in the play's order. */
  diffs(): NonNullable<HostResultEvent['diff']> {
    return this.hosts.flatMap((h) => this.results.get(h)?.diff ?? []);
  }
}
