// What a run prints when not on a terminal (Ansible's layout) and --diff's unified diffs.
import { expect } from 'chai';
import type { RunEvent } from '../../src/events/bus.js';
import { formatRecap } from '../../src/events/recap.js';
import { diffText, plainRenderer } from '../../src/ui/plain.js';

const counts = {
  ok: 3,
  changed: 1,
  unreachable: 0,
  failed: 0,
  skipped: 1,
  rescued: 0,
  ignored: 0,
  uncertain: 2,
  ms: 10,
};

describe('plain output', () => {
  it('prints PLAY / TASK headers, host lines and the recap as Ansible does', () => {
    let out = '';
    const r = plainRenderer((s) => (out += s), { check: false });
    const events: RunEvent[] = [
      { type: 'play_start', play: 'etcd cluster', index: 1, hosts: ['n1'] },
      { type: 'task_start', task: 'etcd : config', taskId: 'x', hosts: ['n1'], handler: false },
      { type: 'host_result', host: 'n1', task: 'etcd : config', taskId: 'x', status: 'changed', ms: 5 },
      {
        type: 'host_result',
        host: 'n2',
        task: 'etcd : config',
        taskId: 'x',
        status: 'failed',
        msg: 'boom',
        result: { changed: false },
        ms: 5,
      },
      { type: 'task_start', task: 'restart etcd', taskId: 'y', hosts: ['n1'], handler: true },
      { type: 'host_result', host: 'n1', task: 'show', taskId: 'z', status: 'ok', show: { msg: 'hello' }, ms: 1 },
      { type: 'run_end', recap: { n1: counts }, exitCode: 0, ms: 10 },
    ];
    for (const e of events) r(e);
    expect(out).to.include('\nPLAY [etcd cluster] ************');
    expect(out).to.include('\nTASK [etcd : config] ***********');
    expect(out).to.include('changed: [n1]\n');
    expect(out).to.include('fatal: [n2]: FAILED! => {"changed":false,"msg":"boom"}\n');
    expect(out).to.include('\nRUNNING HANDLER [restart etcd] *');
    expect(out).to.include('ok: [n1] => {\n    "msg": "hello"\n}\n');
    expect(out).to.include(
      'n1                         : ok=3    changed=1    unreachable=0    ' +
        'failed=0    skipped=1    rescued=0    ignored=0   \n',
    );
    expect(out.split('\n').find((l) => l.startsWith('TASK ['))!.length).to.equal(80);
  });
  it('adds uncertain= to the recap in check mode', () => {
    expect(formatRecap({ n1: counts }, true)).to.include('ignored=0    uncertain=2   ');
  });
  it('--diff shows a unified diff of the file', () => {
    expect(diffText({ path: '/etc/x', before: 'a\nb\n', after: 'a\nc\n' })).to.equal(
      '--- before: /etc/x\n+++ after: /etc/x\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n',
    );
  });

  it('--diff of a binary or large file says why it is not shown', () => {
    const skipped = 'diff skipped: source file appears to be binary';
    expect(diffText({ path: '/opt/bin/x', before: '', after: '', skipped })).to.equal(
      `--- before: /opt/bin/x\n+++ after: /opt/bin/x\n${skipped}\n`,
    );
  });
});
