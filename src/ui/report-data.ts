// What a run's report holds (docs/report.md): each task and each host once, then one small record per result
// that points at them by index. Messages, outputs and diffs are cut to a size a page can show; a failure keeps
// its task's source lines. The HTML page and the JSON file are made from this one object.
import type { HostCounts, HostResultEvent, HostStatus, RunEvent } from '../events/bus.js';
import type { Loc } from '../core/loc.js';
import { textOf } from '../core/source-text.js';
import { diffText } from './plain.js';

export const REPORT_FORMAT = 2;
const MSG_MAX = 4000;
const OUT_MAX = 4000;
const PATCH_MAX = 64 * 1024;
const SNIPPET_AROUND = 3;

export interface ReportTask {
  title: string;
  /** The task's id (file:line:col as written), the same for each time the task starts (includes, handlers). */
  id: string;
  play: number;
  handler: boolean;
  file?: string | undefined;
  line?: number | undefined;
  tags?: string[] | undefined;
  /** When the task started, in ms since the run's start. */
  at: number;
}

export interface ReportResult {
  t: number; // index in tasks
  h: number; // index in hosts
  s: HostStatus;
  at: number; // start, ms since the run's start
  ms: number;
  msg?: string | undefined;
  item?: string | undefined;
  /** A failure's rc, stdout and stderr (their ends), a debug's output. */
  out?: string | undefined;
  changes?: string[] | undefined;
  diff?: { path: string; patch: string }[] | undefined;
  to?: string | undefined; // delegated to
}

export interface ReportSource {
  file: string;
  line: number;
  first: number; // line number of lines[0]
  lines: string[];
}

export interface ReportData {
  format: number;
  playbook: string;
  inventories: string[];
  command: string;
  user: string;
  controller: string;
  check: boolean;
  started: string;
  ms: number;
  exitCode: number;
  plays: { name: string; at: number }[];
  hosts: string[];
  tasks: ReportTask[];
  results: ReportResult[];
  /** The source lines around each failed task (ignored failures too), by task index. */
  sources: Record<number, ReportSource>;
  warnings: { msg: string; host?: string | undefined }[];
  recap: Record<string, HostCounts>;
}

export interface ReportMeta {
  inventories: string[];
  command: string;
  user: string;
  controller: string;
}

const cut = (s: string, max: number): string =>
  s.length <= max ? s : `${s.slice(0, max)}\n… (${s.length - max} more characters not kept; --json prints them whole)`;
const tail = (s: string, max: number): string => (s.length <= max ? s : `… ${s.slice(s.length - max)}`);
const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** What a result printed worth keeping: a failure's rc and output ends, a debug's message. */
function output(e: HostResultEvent): string | undefined {
  if (e.show) return cut(JSON.stringify(e.show, null, 1), OUT_MAX);
  if (e.status !== 'failed' && e.status !== 'ignored' && e.status !== 'unreachable') return undefined;
  const r = e.result ?? {};
  const parts: string[] = [];
  if (r.rc !== undefined) parts.push(`rc: ${text(r.rc)}`);
  for (const k of ['stderr', 'stdout'])
    if (typeof r[k] === 'string' && r[k]) parts.push(`${k}:\n${tail(r[k] as string, OUT_MAX)}`);
  return parts.length ? parts.join('\n') : undefined;
}

/** A diff as the plain output's unified patch (a skipped one says why), cut to a size a page shows. */
const patch = (d: NonNullable<HostResultEvent['diff']>[number]) => ({
  path: d.path,
  patch: cut(diffText(d), PATCH_MAX),
});

/** The lines of the task's file around its line, as read when loaded. */
export function sourceAround(file: string, line: number): ReportSource | undefined {
  const all = textOf(file)?.split(/\r?\n/);
  if (!all || line < 1 || line > all.length) return undefined;
  const first = Math.max(1, line - SNIPPET_AROUND);
  return { file, line, first, lines: all.slice(first - 1, Math.min(all.length, line + SNIPPET_AROUND * 2)) };
}

const parseId = (id: string): Loc | undefined => {
  const m = /^(.*):(\d+):(\d+)$/.exec(id);
  return m ? { file: m[1]!, line: Number(m[2]), col: Number(m[3]) } : undefined;
};

/** Builds the report's data from the run's events as they arrive (already redacted by the bus). */
export class ReportBuilder {
  private t0 = Date.now();
  private readonly d: ReportData;
  private hostIndex = new Map<string, number>();
  private current = new Map<string, number>(); // task id → its latest start's index

  constructor(meta: ReportMeta) {
    this.d = {
      format: REPORT_FORMAT,
      playbook: '',
      ...meta,
      check: false,
      started: new Date(this.t0).toISOString(),
      ms: 0,
      exitCode: 0,
      plays: [],
      hosts: [],
      tasks: [],
      results: [],
      sources: {},
      warnings: [],
      recap: {},
    };
  }

  get startedAt(): number {
    return this.t0;
  }

  /** Takes one event; returns the finished data at the run's end. */
  add(e: RunEvent): ReportData | undefined {
    const now = Date.now() - this.t0;
    switch (e.type) {
      case 'run_start':
        this.t0 = Date.now();
        this.d.started = new Date(this.t0).toISOString();
        this.d.playbook = e.playbook;
        this.d.check = e.check;
        break;
      case 'play_start':
        this.d.plays.push({ name: e.play, at: now });
        break;
      case 'task_start':
        this.startTask(e.taskId, e.task, e.handler, now, e.tags, e.loc);
        break;
      case 'host_result':
        this.result(e, now);
        break;
      case 'warning':
        this.d.warnings.push({ msg: cut(e.msg, MSG_MAX), host: e.host });
        break;
      case 'run_end':
        this.d.ms = e.ms;
        this.d.exitCode = e.exitCode;
        this.d.recap = e.recap;
        for (const h of Object.keys(e.recap)) this.host(h);
        return this.d;
    }
    return undefined;
  }

  private startTask(id: string, title: string, handler: boolean, at: number, tags?: string[], loc?: Loc): number {
    const where = loc ?? parseId(id);
    this.d.tasks.push({
      title,
      id,
      play: Math.max(0, this.d.plays.length - 1),
      handler,
      file: where?.file,
      line: where?.line,
      tags: tags?.length ? tags : undefined,
      at,
    });
    this.current.set(id, this.d.tasks.length - 1);
    return this.d.tasks.length - 1;
  }

  private host(name: string): number {
    let i = this.hostIndex.get(name);
    if (i === undefined) {
      i = this.d.hosts.push(name) - 1;
      this.hostIndex.set(name, i);
    }
    return i;
  }

  private result(e: HostResultEvent, now: number): void {
    const t = this.current.get(e.taskId) ?? this.startTask(e.taskId, e.task, false, now - e.ms);
    const failed = e.status === 'failed' || e.status === 'unreachable' || e.status === 'ignored';
    const task = this.d.tasks[t]!;
    if (failed && task.file && task.line && !this.d.sources[t]) {
      const src = sourceAround(task.file, task.line);
      if (src) this.d.sources[t] = src;
    }
    this.d.results.push({
      t,
      h: this.host(e.host),
      s: e.status,
      at: Math.max(0, now - e.ms),
      ms: e.ms,
      msg: e.msg ? cut(e.msg, MSG_MAX) : undefined,
      item: e.item === undefined ? undefined : cut(text(e.item), 200),
      out: output(e),
      changes: e.changes?.length ? e.changes : undefined,
      diff: e.diff?.length ? e.diff.map(patch) : undefined,
      to: e.delegatedTo,
    });
  }
}
