// Runs a playbook text against three fake hosts (a, b, c in group web): a transport that reaches nothing
// (the executor's control-flow tests), or hosts kept in memory (`memory:`) for the whole host path.
import { join } from 'node:path';
import { EventBus, type HostResultEvent, type RunEvent } from '../../src/events/bus.js';
import { createRun } from '../../src/exec/run.js';
import { prepareRun } from '../../src/check/prepare.js';
import { NullTransport } from './fake-transport.js';
import type { MemoryHost } from '../../src/transport/memory.js';
import type { ModuleRegistry } from '../../src/tasks/index.js';
import { writeTree } from './tree.js';
import { Journal, readJournal } from '../../src/events/journal.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { PlanRecorder } from '../../src/exec/planfile/record.js';
import type { PlanExpect } from '../../src/exec/planfile/expect.js';

const INV = 'all:\n  children:\n    web:\n      hosts:\n        a: {}\n        b: {}\n        c: {}\n';

export async function run(
  playbook: string,
  o: {
    inv?: string;
    check?: boolean;
    diff?: boolean;
    tags?: string[];
    limit?: string;
    startAt?: string;
    unreachable?: string[];
    stopAfter?: number;
    journal?: string;
    resume?: boolean;
    extra?: Record<string, unknown>;
    files?: Record<string, string>;
    /** Hosts kept in memory (by name): the real reader, plan, apply and re-plan run against them. */
    memory?: MemoryHost[];
    detailedExitcode?: boolean;
    forceHandlers?: boolean;
    /** The run's modules, when a test adds its own (default: the built-in ones). */
    modules?: ModuleRegistry;
    /** --plan-out's recorder, or kplay apply's plan. */
    planOut?: PlanRecorder;
    planIn?: PlanExpect;
  } = {},
) {
  const dir = o.journal ? join(o.journal, '..') : writeTree({});
  writeFileSync(join(dir, 'site.yml'), playbook);
  mkdirSync(join(dir, 'inv'), { recursive: true });
  writeFileSync(join(dir, 'inv/hosts.yml'), o.inv ?? INV);
  for (const [f, text] of Object.entries(o.files ?? {})) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
  const { inv, pb, plan, modules, warnings } = await prepareRun({
    playbook: join(dir, 'site.yml'),
    inventory: [join(dir, 'inv')],
    limit: o.limit,
    filter: { only: o.tags ?? [], skip: [] },
    startAtTask: o.startAt,
    modules: o.modules,
    extra: o.extra,
  });
  const bus = new EventBus();
  const events: RunEvent[] = [];
  bus.on((e) => events.push(e));
  const resume = o.resume && o.journal ? readJournal(o.journal) : undefined;
  if (o.journal) bus.on(new Journal(o.journal).listener());
  const handle = createRun({
    resume,
    pb,
    modules,
    inv,
    plan,
    extra: o.extra ?? {},
    filter: { only: o.tags ?? [], skip: [] },
    opts: {
      check: !!o.check,
      diff: !!o.diff,
      forks: undefined,
      detailedExitcode: o.detailedExitcode,
      forceHandlers: o.forceHandlers,
    },
    startAt: o.startAt,
    bus,
    open: (h) => o.memory?.find((m) => m.host === h) ?? new NullTransport(h, (o.unreachable ?? []).includes(h)),
    gather: async () => ({ ansible_os_family: 'Debian' }),
    planOut: o.planOut,
    planIn: o.planIn,
  });
  if (o.stopAfter !== undefined)
    bus.on((e) => {
      if (e.type === 'host_result' && events.filter((x) => x.type === 'host_result').length >= o.stopAfter!)
        handle.stop();
    });
  const code = await handle.run();
  const results = events.filter((e): e is HostResultEvent => e.type === 'host_result');
  const end = events.find((e) => e.type === 'run_end') as Extract<RunEvent, { type: 'run_end' }>;
  const line = (r: HostResultEvent) => `${r.task}|${r.host}|${r.status}`;
  return { code, events, results, lines: results.map(line), recap: end.recap, warnings };
}

export const play = (tasks: string, extra = '') => `- hosts: web\n  gather_facts: no\n${extra}  tasks:\n${tasks}`;
