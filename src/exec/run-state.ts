// The state of a run shared by the executor's parts: per-host standing, compiled conditions, the bus.
import type { CompiledExpr } from '../expr/expr.js';
import { compileExpr } from '../expr/expr.js';
import type { KplayError } from '../core/errors.js';
import type { Condition, Play, Task, TaskNode, Vars } from '../core/types.js';
import type { ModuleRegistry } from '../tasks/index.js';
import type { RunVars } from '../vars/context.js';
import type { EventBus } from '../events/bus.js';
import type { Recap } from '../events/recap.js';
import type { HostReader } from './host-reader.js';
import type { Transport } from '../transport/types.js';
import type { PredictedState } from './predict/state.js';
import type { PlanRecorder } from './planfile/record.js';
import type { PlanExpect } from './planfile/expect.js';
import type { TagFilter } from '../playbook/tags.js';

export interface HostState {
  name: string;
  failed: boolean;
  unreachable: boolean;
  ended: boolean; // meta: end_host, or end_play
  /** handler names / listen topics notified and not yet run */
  notified: Set<string>;
  /** how often each task id ran on this host (a task file imported twice runs twice) */
  seen: Map<string, number>;
  /** The task that failed last on this host and its result: `ansible_failed_task` / `_result` in rescue. */
  failure?: { task: Vars; result: Vars } | undefined;
  /** --resume: tasks this host finished in the run being resumed */
  resumeDone?: Set<string> | undefined;
}

export interface Conn {
  transport: Transport;
  reader: HostReader;
}

export interface RunOptions {
  check: boolean;
  diff: boolean;
  forks: number | undefined;
  /** --detailed-exitcode (with --check): 0 nothing to change, 2 changes pending, 1 a host failed. */
  detailedExitcode?: boolean | undefined;
  /** --force-handlers: notified handlers run on a host even after it failed. */
  forceHandlers?: boolean | undefined;
}

export interface RunCtx {
  rv: RunVars;
  /** This run's modules: the built-in ones and the playbook's library/. */
  modules: ModuleRegistry;
  /** Task files and roles a templated include loaded, by include and target (dynamic-include.ts). */
  includes: Map<string, { nodes: TaskNode[]; problems: KplayError[] }>;
  opts: RunOptions;
  bus: EventBus;
  recap: Recap;
  hosts: Map<string, HostState>;
  /** Check mode: each target as the changes planned so far would leave it (play hosts, localhost, delegates). */
  predicted: Map<string, PredictedState>;
  /** --check --plan-out: records the plan file. */
  planOut?: PlanRecorder | undefined;
  /** kplay apply: the plan file the run must follow. */
  planIn?: PlanExpect | undefined;
  /** Connected transport + reader for a host (connects on first use; throws UNREACHABLE etc.). */
  conn(host: string): Promise<Conn>;
  stopping: boolean;
}

export interface PlayCtx extends RunCtx {
  play: Play;
  /** The batch's hosts still in the play as the current task started (ansible_play_batch). */
  playHosts: string[];
  /** The batch (serial), and every host of the play, failed ones included (ansible_play_hosts_all). */
  playBatch?: string[];
  playAll?: string[];
}

/** At a task's start: the hosts still in the play, of the batch (ansible_play_batch) and of the whole play
 *  (ansible_play_hosts), as Ansible leaves failed and unreachable hosts out of both. */
export function activePlayHosts(p: PlayCtx): void {
  if (!p.playBatch || !p.playAll) return;
  const up = (h: string) => {
    const s = p.hosts.get(h);
    return !s || (!s.failed && !s.unreachable);
  };
  p.playHosts = p.playBatch.filter(up);
  p.rv.runMagic = { ...p.rv.runMagic, ansible_play_hosts: p.playAll.filter(up) };
}

export interface StrategyCtx extends PlayCtx {
  filter: TagFilter;
  /** --start-at-task: skip until a task matches (then cleared) */
  skipUntil?: ((t: Task) => boolean) | undefined;
  /** How many templated includes are running inside each other now. */
  includeDepth?: number;
}

/** Runs a list of tasks and blocks on hosts (the strategy's; passed down to break an import cycle). */
export type RunNodes = (p: StrategyCtx, nodes: TaskNode[], hosts: string[], handler?: boolean) => Promise<void>;

const compiled = new Map<string, CompiledExpr>();

/** Compile once per source text (conditions are checked before the run, so this does not fail here). */
export function compiledCondition(c: Condition): CompiledExpr | boolean | number {
  if (typeof c.source !== 'string') return c.source;
  let e = compiled.get(c.source);
  if (!e) {
    e = compileExpr(c.source, c.loc);
    compiled.set(c.source, e);
  }
  return e;
}

/** The hosts still in the play: not failed, reachable, not ended. */
export function liveHosts(p: RunCtx, hosts: string[]): string[] {
  return hosts.filter((h) => {
    const s = p.hosts.get(h)!;
    return !s.failed && !s.unreachable && !s.ended;
  });
}

export function hostState(name: string): HostState {
  return {
    name,
    failed: false,
    unreachable: false,
    ended: false,
    notified: new Set(),
    seen: new Map(),
  };
}
