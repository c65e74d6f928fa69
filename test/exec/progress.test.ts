// A long change tells what it is doing while it runs (host_progress, with its summary); a fast one tells
// nothing; under no_log only its time is told.
import { expect } from 'chai';
import { EventBus, type RunEvent } from '../../src/events/bus.js';
import { applyChanges } from '../../src/exec/apply.js';
import { progressWatch } from '../../src/exec/progress.js';
import type { ExecResult } from '../../src/transport/types.js';
import { NullTransport } from '../support/fake-transport.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A host whose `sleep N` takes N tens of milliseconds. */
class SlowHost extends NullTransport {
  override async exec(argv: string[]): Promise<ExecResult> {
    if (argv[0] === 'sleep') await sleep(Number(argv[1]) * 10);
    return super.exec(argv);
  }
}

function watched(hidden = false, every = 10_000) {
  const bus = new EventBus();
  const seen: RunEvent[] = [];
  bus.on((e) => seen.push(e));
  const watch = progressWatch(bus, { host: 'h1', task: 'install', taskId: 'id' }, hidden, 100, every);
  return { watch, seen };
}

const change = (summary: string, tens: number) => ({
  summary,
  actions: [{ exec: ['sleep', String(tens)] }],
  touches: [],
});

describe('progress of long changes', () => {
  // told 100 ms after a change starts, then every `every` ms (a day unless said)
  const cases: { name: string; tens: number[]; hidden?: boolean; every?: number; msgs: (string | undefined)[] }[] = [
    { name: 'a fast change tells nothing', tens: [1], msgs: [] },
    { name: 'a long change tells its summary', tens: [25], msgs: ['apt: install nginx'] },
    { name: 'one of several: which it is', tens: [1, 25], msgs: ['run: step 2 (2/2)'] },
    { name: 'one running long: again every while', tens: [40], every: 100, msgs: Array(2).fill('apt: install nginx') },
    { name: 'under no_log: its time only', tens: [25], hidden: true, msgs: [undefined] },
  ];
  for (const c of cases)
    it(c.name, async () => {
      const { watch, seen } = watched(c.hidden, c.every);
      const changes = c.tens.map((t, i) => change(c.tens.length > 1 ? `run: step ${i + 1}` : 'apt: install nginx', t));
      await applyChanges(new SlowHost('h1'), changes, { become: false, failOnRc: true, watch });
      const told = seen.filter((e) => e.type === 'host_progress');
      await sleep(250); // nothing told after the change ended
      expect(seen.filter((e) => e.type === 'host_progress')).to.have.length(told.length);
      // a busy machine may tell a long change once more: the first ones are what it told
      expect(told.map((e) => e.msg).slice(0, c.msgs.length)).to.deep.equal(c.msgs);
      if (!c.every) expect(told).to.have.length(c.msgs.length);
      for (const e of told) {
        expect(e).to.include({ host: 'h1', task: 'install', taskId: 'id' });
        expect(e.ms).to.be.at.least(99);
      }
    });
});
