// module_defaults as Ansible merges them: play, block and task levels, a module's entry replacing the one above
// it, short and FQCN names, the task's own arguments winning; applied before the arguments are checked.
import { expect } from 'chai';
import { join } from 'node:path';
import { loadPlaybook } from '../../src/playbook/playbook.js';
import { flatten } from '../../src/playbook/listing.js';
import { writeTree } from '../support/tree.js';
import { problems } from '../support/problems.js';

const PLAY =
  '- hosts: all\n  module_defaults:\n    debug: { msg: play }\n    ansible.builtin.file: { path: /tmp/x }\n' +
  '  tasks:\n';

// [tasks of the play, the args of each task]
const cases: [string, string, Record<string, unknown>[]][] = [
  ['the play default', '    - debug:\n', [{ msg: 'play' }]],
  ['the task wins', '    - debug: { msg: own }\n', [{ msg: 'own' }]],
  ['an FQCN default for a short name', '    - file: { state: touch }\n', [{ state: 'touch', path: '/tmp/x' }]],
  [
    'a block entry replaces the play one, others kept',
    '    - module_defaults: { debug: { var: v } }\n      block:\n        - debug:\n        - file: state=absent\n',
    [{ var: 'v' }, { state: 'absent', path: '/tmp/x' }],
  ],
  ['an empty entry drops the default', '    - module_defaults: { debug: {} }\n      block:\n        - debug:\n', [{}]],
  ['a task-level module_defaults', '    - debug:\n      module_defaults: { debug: { msg: t } }\n', [{ msg: 't' }]],
];

describe('module_defaults', () => {
  for (const [what, tasks, want] of cases)
    it(what, () => {
      const pb = loadPlaybook(join(writeTree({ 'site.yml': PLAY + tasks }), 'site.yml'));
      const got = flatten(pb.plays[0]!.tasks).map((t) => (t.kind === 'task' ? { ...t.args } : undefined));
      expect(got).to.deep.equal(want);
    });

  it('a required argument a default gives is no problem; without it, it is', () => {
    expect(problems({ 'site.yml': `${PLAY}    - file: state=touch\n` })).to.deep.equal([]);
    const list = problems({ 'site.yml': '- hosts: all\n  tasks:\n    - file: state=touch\n' });
    expect(list.map((p) => p.msg)).to.deep.equal(["file: missing required argument 'path'"]);
  });
});
