// `kplay apply` runs with every option the plan recorded: a run option kept in the plan file but not handed back
// (as --force-handlers once was) would make apply run something else than what was planned.
import { expect } from 'chai';
import { runArgsOf } from '../../src/cli/apply.js';
import type { PlanFile } from '../../src/exec/planfile/format.js';

const ARGS: Required<PlanFile['args']> = {
  playbook: '/site/site.yml',
  inventory: ['/site'],
  limit: 'node1',
  extraVars: ['x=1'],
  tags: ['etcd'],
  skipTags: ['slow'],
  startAtTask: 'Start*',
  forks: 7,
  diff: true,
  forceHandlers: true,
};

const plan = (args: PlanFile['args']): PlanFile => ({
  kplay: 'plan',
  version: 1,
  created: '2026-12-06T00:00:00.000Z',
  args,
  files: {},
  fingerprints: [],
  entries: [],
});

describe('kplay apply: the run a plan records', () => {
  for (const [key, value] of Object.entries(ARGS))
    it(`${key} is handed back to the run`, () => {
      const run = runArgsOf(plan(ARGS)) as unknown as Record<string, unknown>;
      expect(run[key]).to.deep.equal(value);
    });

  it('a plan written before forceHandlers was kept runs without it', () => {
    const { forceHandlers: _, ...old } = ARGS;
    expect(runArgsOf(plan(old)).forceHandlers).to.equal(false);
  });
});
