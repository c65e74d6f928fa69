// A whole run: plays in order, each over its hosts in serial batches; facts gathered once per host; the
// recap and the exit code at the end. Ctrl-C stops new tasks from starting, lets running ones end, exits 99.
import { hostname } from 'node:os';
import { basename } from 'node:path';
import { connectionSpec, type ConnectionSpec } from '../transport/connection-spec.js';
import { findAnsibleCfg } from '../playbook/ansible-cfg.js';
import { newRunVars, taskVars, type RunVars } from '../vars/context.js';
import type { EventBus } from '../events/bus.js';
import type { ModuleRegistry } from '../tasks/index.js';
import { ControllerFiles, HostReader } from './host-reader.js';
import { isImplicitLocalhost, type Inventory } from '../inventory/inventory.js';
import { nameMatches } from '../playbook/listing.js';
import { Recap } from '../events/recap.js';
import type { HostPlan } from '../check/run-plan.js';
import { hostState, type Conn, type RunOptions } from './run-state.js';
import { flushHandlers, runNodes, type StrategyCtx } from './strategy.js';
import { UNREACHABLE_CODES } from './outcome.js';
import type { TagFilter } from '../playbook/tags.js';
import { renderDeep } from '../template/template.js';
import type { Transport } from '../transport/types.js';
import type { Play, Playbook, Task, Vars } from '../core/types.js';
import { valueLoc } from '../core/places.js';
import type { ResumePoint } from '../events/journal.js';
import type { PlanRecorder } from './planfile/record.js';
import type { PlanExpect } from './planfile/expect.js';
import { refuseDrifted } from './plan-apply.js';
import { batches, playSerial } from './serial.js';

export interface RunInput {
  pb: Playbook;
  /** The run's modules (prepareRun made them: built-in plus the playbook's library/). */
  modules: ModuleRegistry;
  inv: Inventory;
  plan: HostPlan;
  extra: Vars;
  filter: TagFilter;
  opts: RunOptions;
  startAt?: string | undefined;
  bus: EventBus;
  /** Opens a transport for a host (ssh, or local for localhost). */
  open: (host: string, spec: ConnectionSpec) => Transport;
  gather: (t: Transport) => Promise<Vars>;
  /** --resume: per host, what the previous run finished (from the journal). */
  resume?: Map<string, ResumePoint> | undefined;
  /** --check --plan-out: records the plan file. */
  planOut?: PlanRecorder | undefined;
  /** kplay apply: the plan the run follows; hosts that drifted since are refused first. */
  planIn?: PlanExpect | undefined;
}

export interface RunHandle {
  run(): Promise<number>;
  /** Ctrl-C: no new tasks; running ones finish. */
  stop(): void;
}

export function createRun(input: RunInput): RunHandle {
  const { pb, inv, opts, bus } = input;
  const rv: RunVars = newRunVars(inv, input.extra, pb.dir, opts.check);
  rv.runTags = [...input.filter.only];
  rv.skipTags = [...input.filter.skip];
  rv.runMagic = {
    ansible_diff_mode: opts.diff,
    ansible_config_file: findAnsibleCfg() ?? null,
    ...(opts.forks ? { ansible_forks: opts.forks } : {}),
  };
  const recap = new Recap();
  // what this run caches, owned by the run: templated includes it loaded, controller files it read
  const includes: StrategyCtx['includes'] = new Map();
  const predicted: StrategyCtx['predicted'] = new Map();
  const controllerFiles = new ControllerFiles();
  const conns = new Map<string, Promise<Conn>>();
  /** Who holds the host locks of this run (shown to a run that finds one). */
  const lockOwner =
    `kplay pid ${process.pid} on ${hostname()}, ${basename(pb.file)}, ` + `since ${new Date().toISOString()}`;
  const transports: Transport[] = [];
  let stopping = false;
  let currentPlay: Play | undefined;

  const conn = (host: string): Promise<Conn> => {
    let c = conns.get(host);
    if (!c) {
      c = (async () => {
        const play = currentPlay!;
        const vars = taskVars(rv, play, undefined, host, []);
        const rendered = renderDeep(pick(vars), { vars, host }, valueLoc) as Vars;
        // Ansible's implicit localhost (not in the inventory) runs on the controller, without ssh
        if (isImplicitLocalhost(inv, host)) rendered.ansible_connection ??= 'local';
        const spec = connectionSpec(rendered, host);
        const t = input.open(host, spec);
        transports.push(t);
        await t.connect();
        await t.lockHost?.(lockOwner);
        const reader = new HostReader(
          t,
          () => input.gather(t),
          () => spec.become,
          controllerFiles,
        );
        return { transport: t, reader };
      })();
      conns.set(host, c);
    }
    return c;
  };

  const run = async (): Promise<number> => {
    const t0 = Date.now();
    const hostsAll = new Set(input.plan.plays.flatMap((p) => p.hosts));
    bus.emit({ type: 'run_start', playbook: pb.file, check: opts.check, hosts: hostsAll.size });
    const hosts = new Map([...hostsAll].map((h) => [h, hostState(h)]));
    for (const [h, rp] of input.resume ?? []) {
      const s = hosts.get(h);
      if (!s) continue;
      s.resumeDone = rp.done;
      rv.hostFacts.set(h, { ...rp.facts });
    }
    let skipUntil: ((t: Task) => boolean) | undefined = input.startAt
      ? (t: Task) => nameMatches(input.startAt!, t)
      : undefined;
    let ended = false;
    try {
      for (const { play, hosts: planned } of input.plan.plays) {
        if (stopping) break;
        currentPlay = play;
        // hosts and groups add_host / group_by made are in the plays after theirs, as in Ansible
        const playHosts = rv.inventoryChanged && input.plan.select ? input.plan.select(play) : planned;
        for (const h of playHosts) {
          if (!hosts.has(h)) hosts.set(h, hostState(h));
          const s = hosts.get(h)!;
          s.ended = false; // end_host / end_play last only for their play
        }
        bus.emit({ type: 'play_start', play: play.name, index: play.index, hosts: playHosts });
        // every host the play targets, failed ones included (ansible_play_hosts leaves those out)
        rv.runMagic = { ...rv.runMagic, ansible_play_hosts_all: playHosts };
        // kplay apply: a host is checked against its plan in its first play (connecting needs the play's vars)
        if (input.planIn) await refuseDrifted(input.planIn, playHosts, hosts, conn, bus, recap);
        for (const batch of batches(
          playHosts.filter((h) => !hosts.get(h)!.failed && !hosts.get(h)!.unreachable),
          playSerial(rv, play),
        )) {
          if (stopping) break;
          const ctx: StrategyCtx = {
            rv,
            modules: input.modules,
            includes,
            opts: { ...opts, forks: play.forks ?? opts.forks },
            bus,
            recap,
            hosts,
            predicted,
            planOut: input.planOut,
            planIn: input.planIn,
            conn,
            stopping,
            play,
            playHosts: batch,
            playBatch: batch,
            playAll: playHosts,
            filter: input.filter,
            skipUntil,
          };
          Object.defineProperty(ctx, 'stopping', { get: () => stopping });
          if (play.gatherFacts) await gatherAll(ctx, batch);
          for (const section of [play.preTasks, play.tasks, play.postTasks]) {
            if (play.strategy === 'free') await Promise.all(batch.map((h) => runNodes(ctx, section, [h])));
            else await runNodes(ctx, section, batch);
            await flushHandlers(ctx, batch);
          }
          skipUntil = ctx.skipUntil;
          const failed = batch.filter((h) => hosts.get(h)!.failed || hosts.get(h)!.unreachable).length;
          const overMax =
            play.maxFailPercentage !== undefined && (failed * 100) / batch.length > play.maxFailPercentage;
          if (overMax)
            bus.emit({
              type: 'warning',
              msg: `max_fail_percentage (${play.maxFailPercentage}%) exceeded in play "${play.name}": stopping`,
            });
          // as Ansible: a batch whose every host failed, a failure under any_errors_fatal, or too many failures
          // end the playbook: no later batch or play runs, on any host
          if (overMax || (play.anyErrorsFatal && failed > 0) || (failed > 0 && failed === batch.length)) {
            ended = true;
            break;
          }
        }
        bus.emit({ type: 'play_end', play: play.name, index: play.index });
        if (ended) break;
      }
    } finally {
      await Promise.all(transports.map((t) => t.close().catch(() => {})));
    }
    if (stopping) bus.emit({ type: 'interrupted' });
    const exitCode = recap.exitCode(stopping, !!opts.detailedExitcode);
    bus.emit({ type: 'run_end', recap: recap.toJSON(), exitCode, ms: Date.now() - t0 });
    return exitCode;
  };

  return { run, stop: () => void (stopping = true) };
}

const CONNECTION_VARS = new RegExp(
  '^(ansible_(host|port|user|ssh_private_key_file|password|ssh_pass|become.*|ssh_common_args|' +
    'ssh_extra_args|connection|ssh_timeout|timeout)|kplay_host_lock)$',
);

function pick(vars: Vars): Vars {
  const out: Vars = { inventory_hostname: vars.inventory_hostname };
  // keys only: reading a value renders it (lazy variables), and only the connection ones are wanted
  for (const k of Object.keys(vars)) if (CONNECTION_VARS.test(k)) out[k] = vars[k];
  return out;
}

async function gatherAll(p: StrategyCtx, hosts: string[]): Promise<void> {
  p.bus.emit({ type: 'task_start', task: 'Gathering Facts', taskId: 'gather_facts', hosts, handler: false });
  await Promise.all(
    hosts.map(async (h) => {
      const start = Date.now();
      try {
        const c = await p.conn(h);
        p.rv.facts.set(h, await c.reader.facts());
        p.recap.count(h, 'ok', Date.now() - start);
        p.bus.emit({
          type: 'host_result',
          host: h,
          task: 'Gathering Facts',
          taskId: 'gather_facts',
          status: 'ok',
          ms: Date.now() - start,
        });
      } catch (e) {
        const msg = (e as Error).message;
        const code = (e as { code?: string }).code;
        const unreachable = UNREACHABLE_CODES.has(code ?? '');
        p.hosts.get(h)![unreachable ? 'unreachable' : 'failed'] = true;
        p.recap.count(h, unreachable ? 'unreachable' : 'failed', Date.now() - start);
        p.bus.emit({
          type: 'host_result',
          host: h,
          task: 'Gathering Facts',
          taskId: 'gather_facts',
          status: unreachable ? 'unreachable' : 'failed',
          msg,
          ms: Date.now() - start,
        });
      }
    }),
  );
}
