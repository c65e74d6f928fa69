// Runs a task module's plan the way the engine does (args checked and defaulted first) against a FakeHost,
// checks that planning changed nothing, and can apply the plan and plan again to prove convergence.
import { expect } from 'chai';
import { checkArgs } from '../../src/playbook/module-args.js';
import { candidates } from '../../src/playbook/lookup-paths.js';
import type { HostView, Plan, TaskModule, Vars } from '../../src/tasks/contract.js';
import type { FakeHost } from './fake-host.js';

/** The engine's search order for controller files, answered from the FakeHost's controller files (planOn). */
const IN_FAKE: HostView['controllerPath'] = () => {
  throw new Error('planOn answers controllerPath from the fake host');
};

function withLookup(view: HostView, host: FakeHost): HostView {
  if (view.controllerPath !== IN_FAKE) return view;
  const dir = String(view.vars.playbook_dir ?? process.cwd());
  return {
    ...view,
    controllerPath: (kind, src) => {
      const searched = candidates(kind, src, undefined, dir);
      return { path: searched.find((p) => host.controller.has(p)), searched };
    },
  };
}

export function hostView(templates: Record<string, string> = {}, over: Partial<HostView> = {}): HostView {
  const view: HostView = {
    name: 'node1',
    vars: {},
    check: false,
    diff: true,
    renderTemplate: (p) => {
      const t = templates[p];
      if (t === undefined) throw new Error(`no template ${p}`);
      return t;
    },
    controllerPath: IN_FAKE,
    ...over,
  };
  return view;
}

/** Plan once; fails the test if the args do not check or if planning touched the fake filesystem. */
export async function planOn(mod: TaskModule, raw: Vars, host: FakeHost, view: HostView = hostView()): Promise<Plan> {
  const checked = checkArgs(mod, raw, { locOf: () => undefined, taskLoc: undefined }, true);
  if (checked.errors.length) throw new Error(checked.errors.map((e) => e.message).join('; '));
  const before = host.snapshot();
  const plan = await mod.plan(checked.args, withLookup(view, host), host);
  expect(host.snapshot(), 'plan must not change the host').to.equal(before);
  return plan;
}

/** Plan, apply on the fake, plan again: the second plan must be empty. Returns the first plan. */
export async function converge(mod: TaskModule, raw: Vars, host: FakeHost, view: HostView = hostView()): Promise<Plan> {
  const first = await planOn(mod, raw, host, view);
  host.apply(first.changes);
  // the engine's re-plan: the marks of the changes just applied are handed over (HostView.applied)
  const applied = new Map(first.changes.flatMap((c) => (c.mark ? [[c.mark.key, c.mark.value ?? '']] : [])));
  const again = await planOn(mod, raw, host, { ...view, applied });
  // a change planned on every run by design (`repeats`) is left out, as the engine's convergence check does
  expect(
    again.changes.filter((c) => !c.repeats).map((c) => c.summary),
    'second plan after apply',
  ).to.deep.equal([]);
  return first;
}

/** The error message a plan fails with. */
export async function planError(
  mod: TaskModule,
  raw: Vars,
  host: FakeHost,
  view: HostView = hostView(),
): Promise<string> {
  try {
    // a plan may fail as data (`failed`), its result still registered
    const plan = await planOn(mod, raw, host, view);
    if (plan.failed !== undefined) return plan.failed;
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the plan to fail');
}
