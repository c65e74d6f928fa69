// pam_limits over a fake host (plan, apply, plan again: nothing left), each case's expected file from what
// Ansible's community.general.pam_limits writes for it (run on localhost), and check mode through the executor
// over an in-memory host (it writes nothing, and says what the real run then does).
import { expect } from 'chai';
import { pam_limits } from '../../src/tasks/pam-limits.js';
import { MemoryHost } from '../../src/transport/memory.js';
import { FakeHost } from '../support/fake-host.js';
import { converge, planError } from '../support/plan-harness.js';
import { run } from '../support/play-harness.js';

const F = '/etc/security/limits.conf';
const NOFILE = { domain: '*', limit_type: 'soft', limit_item: 'nofile' };

interface Case {
  name: string;
  file?: string;
  args: Record<string, unknown>;
  /** The file after the task; undefined: not changed. */
  after?: string;
  msg: string;
}

const CASES: Case[] = [
  {
    name: 'a new limit is appended, tab-separated',
    file: '# limits\n@adm hard nproc 100 # keep\n',
    args: { ...NOFILE, value: 65536 },
    after: '# limits\n@adm hard nproc 100 # keep\n*\tsoft\tnofile\t65536\n',
    msg: '*\tsoft\tnofile\t65536\n',
  },
  {
    name: 'a line naming the same domain, type and item is rewritten, keeping its comment',
    file: '# limits\n*   soft  nofile  1024  # c\n#* soft nofile 3\n',
    args: { ...NOFILE, value: 10 },
    after: '# limits\n*\tsoft\tnofile\t10\t# c\n#* soft nofile 3\n',
    msg: '*\tsoft\tnofile\t10\t# c\n',
  },
  {
    name: 'a given comment replaces the line comment',
    file: '*   soft  nofile  1024  # c\n',
    args: { ...NOFILE, value: 10, comment: 'other' },
    after: '*\tsoft\tnofile\t10\t#other\n',
    msg: '*\tsoft\tnofile\t10\t#other\n',
  },
  {
    name: 'the same value written otherwise: nothing to do (the comment is not compared)',
    file: '*   soft  nofile  1024  # c\n',
    args: { ...NOFILE, value: '1024', comment: 'other' },
    msg: '*   soft  nofile  1024  # c\n',
  },
  {
    name: 'values are compared as written: -1 becomes unlimited',
    file: '* soft nofile -1\n',
    args: { ...NOFILE, value: 'unlimited' },
    after: '*\tsoft\tnofile\tunlimited\n',
    msg: '*\tsoft\tnofile\tunlimited\n',
  },
  {
    name: 'use_max keeps a larger value',
    file: '* soft nofile 1024\n',
    args: { ...NOFILE, value: 100, use_max: true },
    msg: '* soft nofile 1024\n',
  },
  {
    name: 'use_max: unlimited is the largest, and -1 is unlimited',
    file: '* soft nofile -1\n',
    args: { ...NOFILE, value: 'unlimited', use_max: 'yes' },
    msg: '* soft nofile -1\n',
  },
  {
    name: 'use_min takes a smaller value over unlimited',
    file: '* soft nofile unlimited\n',
    args: { ...NOFILE, value: 5, use_min: true },
    after: '*\tsoft\tnofile\t5\n',
    msg: '*\tsoft\tnofile\t5\n',
  },
  {
    name: 'another type is another line',
    file: '* soft nofile unlimited\n',
    args: { domain: '*', limit_type: 'hard', limit_item: 'nofile', value: 7 },
    after: '* soft nofile unlimited\n*\thard\tnofile\t7\n',
    msg: '*\thard\tnofile\t7\n',
  },
  {
    name: 'a missing file is made, with a comment',
    args: { domain: 'root', limit_type: '-', limit_item: 'nofile', value: 100, comment: 'hey' },
    after: 'root\t-\tnofile\t100\t#hey\n',
    msg: 'root\t-\tnofile\t100\t#hey\n',
  },
  {
    name: 'a file without a final newline gets one before the new line (Ansible glues them)',
    file: 'x hard core 0',
    args: { ...NOFILE, value: 5 },
    after: 'x hard core 0\n*\tsoft\tnofile\t5\n',
    msg: '*\tsoft\tnofile\t5\n',
  },
  {
    name: 'nice takes a negative value',
    file: '',
    args: { domain: '@staff', limit_type: 'hard', limit_item: 'nice', value: -5 },
    after: '@staff\thard\tnice\t-5\n',
    msg: '@staff\thard\tnice\t-5\n',
  },
];

describe('pam_limits', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const h = new FakeHost(c.file === undefined ? { '/etc/security': { type: 'dir' } } : { [F]: c.file });
      const plan = await converge(pam_limits, c.args, h);
      expect(plan.changes.length, 'changed').to.equal(c.after === undefined ? 0 : 1);
      expect(plan.result?.msg).to.equal(c.msg);
      expect(h.text(F)).to.equal(c.after ?? c.file);
      if (c.after !== undefined && c.file === undefined) expect(h.nodeAt(F)!.mode).to.equal(0o644);
    });
  }

  const BAD: [string, Record<string, unknown>, RegExp][] = [
    ['a word', { ...NOFILE, value: 'abc' }, /^Value of 'abc' for item 'nofile' is invalid. Value must either be/],
    ['nice out of range', { ...NOFILE, limit_item: 'nice', value: 30 }, /range -20 to 19 inclusive/],
    ['use_max with use_min', { ...NOFILE, value: 1, use_max: true, use_min: true }, /use_min and use_max/],
    ['no folder', { ...NOFILE, value: 1, dest: '/nodir/x.conf' }, /^directory \/nodir is not writable/],
  ];
  for (const [name, args, re] of BAD)
    it(`refused: ${name}`, async () => expect(await planError(pam_limits, args, new FakeHost())).to.match(re));

  it('an unknown limit_item is refused before the run', async () => {
    const err = await planError(pam_limits, { ...NOFILE, limit_item: 'files', value: 1 }, new FakeHost());
    expect(err).to.match(/limit_item/);
  });

  it('backup=yes keeps the old file', async () => {
    const h = new FakeHost({ [F]: '* soft nofile 1\n' });
    const plan = await converge(pam_limits, { ...NOFILE, value: 2, backup: true }, h);
    const backup = String(plan.result?.backup_file);
    expect(backup).to.match(/^\/etc\/security\/limits\.conf\.\d{4}-/);
    expect(h.text(backup)).to.equal('* soft nofile 1\n');
  });

  it('check mode writes nothing and predicts the real run; a second run changes nothing', async () => {
    const a = new MemoryHost('a');
    a.seed(F, '# limits\n');
    const pb =
      '- hosts: a\n  gather_facts: no\n  tasks:\n' +
      '    - { name: soft, pam_limits: { domain: "*", limit_type: soft, limit_item: nofile, value: 65536 } }\n' +
      '    - { name: again, pam_limits: { domain: "*", limit_type: soft, limit_item: nofile, value: 65536 } }\n' +
      '    - { name: hard, pam_limits: { domain: "*", limit_type: hard, limit_item: nofile, value: 65536 } }\n';
    const check = await run(pb, { memory: [a], check: true, diff: true });
    expect(a.writes).to.deep.equal([]);
    expect(check.lines).to.deep.equal(['soft|a|changed', 'again|a|ok', 'hard|a|changed']);
    const real = await run(pb, { memory: [a] });
    expect(real.lines).to.deep.equal(check.lines);
    expect(a.files.get(F)!.content.toString()).to.equal('# limits\n*\tsoft\tnofile\t65536\n*\thard\tnofile\t65536\n');
    const second = await run(pb, { memory: [a] });
    expect(second.recap.a).to.include({ changed: 0 });
  });
});
