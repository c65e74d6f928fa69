// script against a fake host (TransferHost).
import { expect } from 'chai';
import { hostView, planError, planOn } from '../../support/plan-harness.js';
import { script } from '../../../src/tasks/transfer/script.js';
import { TransferHost } from './transfer-host.js';

describe('script', () => {
  const view = hostView({}, { vars: { playbook_dir: '/pb' } });
  it('puts the script to a temp file, runs it with its args through sh, removes it', async () => {
    const host = new TransferHost({}, { '/pb/files/prep.sh': 'echo hi' });
    const plan = await planOn(script, { _raw_params: 'prep.sh --force "a b"', chdir: '/tmp' }, host, view);
    const [put, run, rm] = plan.changes[0]!.actions as [
      { put: string; mode: string; content: Buffer },
      { exec: string[]; cwd: string },
      { remove: string },
    ];
    expect(put.put).to.match(/^\/tmp\/\.kplay-script-[0-9a-f]{12}-prep\.sh$/);
    expect(put).to.include({ mode: '0700' });
    expect(put.content.toString()).to.equal('echo hi');
    expect(run).to.deep.equal({ exec: ['/bin/sh', '-c', `${put.put} --force "a b"`], cwd: '/tmp' });
    expect(rm).to.deep.equal({ remove: put.put });
  });
  it('executable runs the script with it', async () => {
    const host = new TransferHost({}, { '/pb/x.py': 'print(1)' });
    const plan = await planOn(script, { cmd: 'x.py', executable: 'python3' }, host, view);
    expect((plan.changes[0]!.actions[1] as { exec: string[] }).exec[2]).to.match(/^python3 \/tmp\/\.kplay-script-/);
  });
  it('creates / removes skip it, with the result Ansible registers (the engine reports it skipped)', async () => {
    const host = new TransferHost({ '/etc/done': '' }, { '/pb/files/prep.sh': '' });
    for (const [args, msg] of [
      [{ creates: '/etc/done' }, '/etc/done exists, matching creates option'],
      [{ removes: '/etc/gone' }, '/etc/gone does not exist, matching removes option'],
    ] as const) {
      const plan = await planOn(script, { _raw_params: 'prep.sh', ...args }, host, view);
      expect(plan.changes).to.deep.equal([]);
      expect(plan.result).to.deep.equal({ skipped: true, changed: false, msg });
    }
  });
  it("check mode registers Ansible's result: skipped, or changed when creates/removes would let it run", async () => {
    const host = new TransferHost({}, { '/pb/files/prep.sh': '' });
    for (const [args, want] of [
      [{}, { skipped: true, changed: false, msg: 'Check mode is not supported for this task.' }],
      [{ creates: '/etc/done' }, { changed: true }],
    ] as const) {
      expect((await planOn(script, { _raw_params: 'prep.sh', ...args }, host, view)).checkResult).to.deep.equal(want);
    }
  });
  it('a script not on the controller fails clearly', async () => {
    expect(await planError(script, { _raw_params: 'nope.sh' }, new TransferHost(), view)).to.include(
      "Could not find or access 'nope.sh' on the controller",
    );
  });
});
