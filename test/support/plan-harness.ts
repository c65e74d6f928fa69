// Runs a task module's plan the way the engine does (args checked and defaulted first) against a FakeHost,
// checks that planning changed nothing, and can apply the plan and plan again to prove convergence.
import { expect } from 'chai';
import { checkArgs } from '../../src/playbook/module-args.js';
import type { HostView, Plan, TaskModule, Vars } from '../../src/tasks/contract.js';
import type { FakeHost } from './fake-host.js';

export function hostView(templates: Record<string, string> = {}, over: Partial<HostView> = {}): HostView {
  return {
    name: 'node1',
    vars: {},
    check: false,
    diff: true,
    renderTemplate: (p) => {
      const t = templates[p];
      if (t === undefined) throw new Error(`no template ${p}`);
      return t;
    },
    ...over,
  };
}

/** Plan once; fails the test if the args do not check or if planning touched the fake filesystem. */
export async function planOn(mod: TaskModule, raw: Vars, host: FakeHost, view: HostView = hostView()): Promise<Plan> {
  const checked = checkArgs(mod, raw, { locOf: () => undefined, taskLoc: undefined }, true);
  if (checked.errors.length) throw new Error(checked.errors.map((e) => e.message).join('; '));
  const before = host.snapshot();
  const plan = await mod.plan(checked.args, view, host);
  expect(host.snapshot(), 'plan must not change the host').to.equal(before);
  return plan;
}

/** Plan, apply on the fake, plan again: the second plan must be empty. Returns the first plan. */
export async function converge(mod: TaskModule, raw: Vars, host: FakeHost, view: HostView = hostView()): Promise<Plan> {
  const first = await planOn(mod, raw, host, view);
  host.apply(first.changes);
  const again = await planOn(mod, raw, host, view);
  expect(
    again.changes.map((c) => c.summary),
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
    await planOn(mod, raw, host, view);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the plan to fail');
}
