// The executor's typed events. Renderers (plain lines, JSON lines, the recap, the journal) listen; the
// executor never prints. Every event passes through redaction before a renderer sees it.
import type { Loc } from '../core/loc.js';
import { redactDeep } from '../core/secrets.js';

export type HostStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable' | 'uncertain' | 'rescued' | 'ignored';

export interface HostResultEvent {
  type: 'host_result';
  host: string;
  task: string; // title as listed: "role : name"
  taskId: string;
  status: HostStatus;
  msg?: string | undefined;
  item?: unknown;
  diff?: { path: string; before: string; after: string; skipped?: string | undefined }[] | undefined;
  changes?: string[] | undefined; // summaries of (predicted) changes
  result?: Record<string, unknown> | undefined;
  /** What to print after `=>` (debug's message or variable). */
  show?: Record<string, unknown> | undefined;
  delegatedTo?: string | undefined;
  /** Where this result stands in the host's run (for the journal): play : task id # occurrence. */
  key?: string | undefined;
  register?: string | undefined;
  setFacts?: Record<string, unknown> | undefined;
  ms: number;
}

/** A change still running on a host a while after it started (exec/progress.ts): what it is doing (the change's
 *  summary, "apt: install nginx"; none under no_log) and for how long. Fast changes send none. */
export interface HostProgressEvent {
  type: 'host_progress';
  host: string;
  task: string;
  taskId: string;
  msg?: string | undefined;
  ms: number;
}

export type RunEvent =
  | { type: 'run_start'; playbook: string; check: boolean; hosts: number }
  | { type: 'play_start'; play: string; index: number; hosts: string[] }
  | {
      type: 'task_start';
      task: string;
      taskId: string;
      hosts: string[];
      handler: boolean;
      /** Where the task is written and its tags (inherited ones included), for the report. */
      loc?: Loc | undefined;
      tags?: string[] | undefined;
    }
  | HostResultEvent
  | HostProgressEvent
  | { type: 'warning'; msg: string; host?: string | undefined }
  | { type: 'play_end'; play: string; index: number }
  | { type: 'interrupted' }
  | { type: 'run_end'; recap: Record<string, HostCounts>; exitCode: number; ms: number };

export interface HostCounts {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
  uncertain: number;
  ms: number;
}

const RUN_NUMBERS = ['ms', 'index', 'exitCode', 'recap', 'hosts'] as const;

export type Listener = (e: RunEvent) => void;

export class EventBus {
  private listeners: Listener[] = [];
  on(l: Listener): void {
    this.listeners.push(l);
  }
  emit(e: RunEvent): void {
    const safe = redactDeep(e) as RunEvent;
    // the run's own numbers (durations, counts, indexes, the exit code) describe the run, never a secret's value
    const [from, to] = [e as unknown as Record<string, unknown>, safe as unknown as Record<string, unknown>];
    for (const k of RUN_NUMBERS) if (k in from && (k !== 'hosts' || typeof from[k] === 'number')) to[k] = from[k];
    for (const l of this.listeners) l(safe);
  }
}
