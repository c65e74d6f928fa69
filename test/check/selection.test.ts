// What a run selects (plays' hosts, --tags, --start-at-task), checked before the run: never a silent no-op.
import { expect } from 'chai';
import { join } from 'node:path';
import { Problems } from '../../src/core/errors.js';
import { loadInventory } from '../../src/inventory/inventory.js';
import { readPlaybook } from '../../src/playbook/playbook.js';
import { planHosts } from '../../src/check/run-plan.js';
import { checkSelection } from '../../src/check/selection.js';
import { writeTree } from '../support/tree.js';

const SITE = { 'site/hosts': '[kube_node]\na\nb\nc\n[all:vars]\nseed=a\n' };

function plan(hosts: string, extra: Record<string, unknown>, lenient = false) {
  const dir = writeTree({
    ...SITE,
    'pb.yml': `- hosts: ${JSON.stringify(hosts)}\n  vars:\n    two: "b,c"\n  tasks: []\n`,
  });
  const p = new Problems();
  const inv = loadInventory([join(dir, 'site')], p);
  const pb = readPlaybook(join(dir, 'pb.yml'), p);
  const r = planHosts(pb, inv, undefined, p, { extra, lenient });
  return {
    hosts: r.plays[0]!.hosts,
    problems: p.list.map((e) => `${e.loc?.line}:${e.loc?.col} ${e.message.replace(/ in \/\S+$/, '')}`),
  };
}

describe('a templated play pattern', () => {
  const cases: [string, Record<string, unknown>, string[]][] = [
    ['{{ NODE_TO_ADD }}', { NODE_TO_ADD: 'a:b' }, ['a', 'b']],
    ['{{ NODE_TO_ADD }}', { NODE_TO_ADD: ['a', 'c'] }, ['a', 'c']],
    ['{{ two }}', {}, ['b', 'c']],
    ['{{ seed }}', {}, ['a']],
    ['kube_node:!{{ seed }}', {}, ['b', 'c']],
  ];
  for (const [hosts, extra, want] of cases) {
    it(`hosts: "${hosts}" with ${JSON.stringify(extra)} runs on ${want.join(', ')}`, () => {
      expect(plan(hosts, extra)).to.deep.equal({ hosts: want, problems: [] });
    });
  }
  it('an undefined variable in it is an error at its position (not a warning and an empty run)', () => {
    expect(plan('{{ NODE_TO_ADD }}', {}).problems).to.deep.equal(["1:14 'NODE_TO_ADD' is undefined"]);
  });
  it('--syntax-check does not need the -e that fills it', () => {
    expect(plan('{{ NODE_TO_ADD }}', {}, true).problems).to.deep.equal([]);
  });
  it('a pattern that renders empty is an error', () => {
    expect(plan('{{ NODE_TO_ADD }}', { NODE_TO_ADD: '' }).problems).to.deep.equal([
      '1:10 hosts: "{{ NODE_TO_ADD }}" renders to no pattern',
    ]);
  });
});

describe('--tags, --skip-tags and --start-at-task that select nothing', () => {
  const PB =
    '- hosts: all\n  tags: [p]\n  tasks:\n    - name: one\n      debug: msg=1\n' +
    '      tags: [x]\n    - name: two\n      debug: msg=2\n';
  function check(only: string[], startAt?: string, skip: string[] = []) {
    const dir = writeTree({ 'pb.yml': PB });
    const p = new Problems();
    const pb = readPlaybook(join(dir, 'pb.yml'), p);
    const warnings = checkSelection(pb, { only, skip }, startAt, p).map((w) => w.replace(join(dir, 'pb.yml'), 'PB'));
    return { warnings, problems: p.list.map((e) => e.message) };
  }
  const nope = (option: string) => `tag 'nope' (${option}) matches nothing in PB (tags there: p, x)`;
  const cases: [string, string[], string | undefined, string[], { warnings: string[]; problems: string[] }][] = [
    [
      'a tag no task has',
      ['nope'],
      undefined,
      [],
      { warnings: [nope('--tags'), '--tags nope selects no task: nothing will run'], problems: [] },
    ],
    ['one known tag and one unknown', ['x', 'nope'], undefined, [], { warnings: [nope('--tags')], problems: [] }],
    ['a tag only the play carries is known', ['p'], undefined, [], { warnings: [], problems: [] }],
    ['a --skip-tags no task has', [], undefined, ['nope'], { warnings: [nope('--skip-tags')], problems: [] }],
    [
      'the same unknown tag twice is said once',
      [],
      undefined,
      ['nope', 'nope'],
      { warnings: [nope('--skip-tags')], problems: [] },
    ],
    ['special tags are not unknown', ['tagged'], undefined, ['never', 'always'], { warnings: [], problems: [] }],
    [
      '--start-at-task naming no task',
      [],
      'nope',
      [],
      { warnings: [], problems: ["--start-at-task 'nope' matches no task"] },
    ],
    [
      '--start-at-task naming a task the tags leave out',
      ['x'],
      'two',
      [],
      { warnings: [], problems: ["--start-at-task 'two' matches no task that the tags select"] },
    ],
    ['--start-at-task with a glob', [], 't*', [], { warnings: [], problems: [] }],
  ];
  for (const [what, only, startAt, skip, want] of cases) {
    it(what, () => {
      expect(check(only, startAt, skip)).to.deep.equal(want);
    });
  }
  it('tags that select no task at all are said as well', () => {
    const dir = writeTree({ 'pb.yml': '- hosts: all\n  tasks:\n    - debug: msg=1\n      tags: [x]\n' });
    const p = new Problems();
    const pb = readPlaybook(join(dir, 'pb.yml'), p);
    expect(checkSelection(pb, { only: ['nope'], skip: [] }, undefined, p)[1]).to.equal(
      '--tags nope selects no task: nothing will run',
    );
  });
});
