// The live view's lines for one task: bounded whatever the number of hosts, failures listed (bounded too),
// elapsed time and what a long change does, and one line of counts once the task is done.
import { expect } from 'chai';
import type { HostResultEvent, HostStatus } from '../../src/events/bus.js';
import { boundsFor, elapsed, linesFor, nameList, TaskView } from '../../src/ui/live-view.js';

const names = (n: number) => Array.from({ length: n }, (_, i) => `h${String(i + 1).padStart(2, '0')}`);
const T0 = 1_000_000;
const result = (host: string, status: HostStatus, msg?: string): HostResultEvent => ({
  type: 'host_result',
  host,
  task: 't',
  taskId: 'id',
  status,
  msg,
  ms: 1,
});

/** A task on `n` hosts with these results and progress messages. */
function view(n: number, results: [string, HostStatus, string?][] = [], progress: [string, string?][] = []) {
  const v = new TaskView('TASK [t]', 'id', names(n), T0);
  for (const [h, s, m] of results) v.result(result(h, s, m));
  for (const [h, msg] of progress)
    v.hostProgress({ type: 'host_progress', host: h, task: 't', taskId: 'id', msg, ms: 1 });
  return v;
}

describe('live view of a task', () => {
  const boundsCases: [number | undefined, number, number][] = [
    [undefined, 10, 10],
    [40, 10, 10],
    [24, 10, 9],
    [12, 4, 3],
    [6, 1, 0],
    [4, 0, 0],
  ];
  for (const [rows, running, failed] of boundsCases)
    it(`fits ${rows ?? 'unknown'} rows: ${running} running lines, ${failed} failures`, () => {
      const b = boundsFor(rows);
      expect(b).to.deep.equal({ running, failed });
      // the title, the view's lines and a row for the cursor fit the terminal
      if (rows) expect(1 + linesFor(b) + 1).to.be.at.most(Math.max(rows, 4));
    });

  const failures = (n: number) => names(n).map((h): [string, HostStatus, string] => [h, 'failed', `boom ${h}\nmore`]);
  const bodyCases: {
    name: string;
    v: TaskView;
    at: number;
    rows?: number;
    lines: string[];
  }[] = [
    { name: '5 hosts starting: each host', v: view(5), at: 100, lines: names(5) },
    {
      name: '5 hosts after 3 s: elapsed, and what a long change does first',
      v: view(5, [['h01', 'changed']], [['h04', 'run: sleep 3']]),
      at: 3000,
      lines: ['h04  3.0s  run: sleep 3', 'h02  3.0s  running', 'h03  3.0s  running', 'h05  3.0s  running'],
    },
    {
      name: 'a change hidden by no_log: its time only',
      v: view(2, [], [['h01', undefined]]),
      at: 2500,
      lines: ['h01  2.5s  running', 'h02  2.5s  running'],
    },
    {
      name: '50 hosts: 10 running, the others named on one line',
      v: view(50),
      at: 500,
      lines: [...names(10), `40 more running: ${names(50).slice(10, 32).join(' ')} … (+18)`],
    },
    {
      name: '50 hosts, 13 failed: the first 10 failures, then how many more',
      v: view(50, failures(13)),
      at: 500,
      lines: [
        ...names(23).slice(13),
        `27 more running: ${names(50).slice(23, 45).join(' ')} … (+5)`,
        ...names(10).map((h) => `${h}: failed: boom ${h}`),
        '+3 more failed',
      ],
    },
    {
      name: 'a short terminal (12 rows): fewer lines of each',
      v: view(50, failures(5)),
      at: 500,
      rows: 12,
      lines: [
        ...names(9).slice(5),
        `41 more running: ${names(50).slice(9, 31).join(' ')} … (+19)`,
        ...names(3).map((h) => `${h}: failed: boom ${h}`),
        '+2 more failed',
      ],
    },
    {
      name: 'every host done: the failures alone',
      v: view(3, [
        ['h01', 'ok'],
        ['h02', 'unreachable', 'no route'],
        ['h03', 'ignored', 'ignored: not listed'],
      ]),
      at: 500,
      lines: ['h02: unreachable: no route'],
    },
  ];
  for (const c of bodyCases)
    it(`shows ${c.name}`, () => {
      const lines = c.v.body(T0 + c.at, boundsFor(c.rows), 114);
      expect(lines).to.deep.equal(c.lines);
      for (const l of lines) expect(l.length).to.be.at.most(114);
      expect(lines.length).to.be.at.most(linesFor(boundsFor(c.rows)));
    });

  const titleCases: { name: string; v: TaskView; width: number; title: string }[] = [
    {
      name: 'every host named when the line fits',
      v: view(3, [
        ['h01', 'ok'],
        ['h02', 'changed'],
        ['h03', 'failed', 'x'],
      ]),
      width: 114,
      title: 'TASK [t]  3 hosts · ok 1 (h01) · changed 1 (h02) · failed 1 (h03) · 1.5s',
    },
    {
      name: 'the failed hosts named first when all do not fit',
      v: view(50, [...names(49).map((h): [string, HostStatus] => [h, 'ok']), ['h50', 'failed', 'x']]),
      width: 114,
      title: 'TASK [t]  50 hosts · ok 49 · failed 1 (h50) · 1.5s',
    },
    {
      name: 'the few hosts of a status named, the many not',
      v: view(
        50,
        names(50).map((h): [string, HostStatus] => [h, h === 'h09' ? 'changed' : 'skipped']),
      ),
      width: 114,
      title: 'TASK [t]  50 hosts · changed 1 (h09) · skipped 49 · 1.5s',
    },
    {
      name: 'counts alone when even those do not fit',
      v: view(
        50,
        names(50).map((h): [string, HostStatus] => [h, 'changed']),
      ),
      width: 114,
      title: 'TASK [t]  50 hosts · changed 50 · 1.5s',
    },
  ];
  for (const c of titleCases)
    it(`ends as one line: ${c.name}`, () => {
      expect(c.v.done).to.equal(true);
      expect(c.v.doneTitle(T0 + 1500, c.width)).to.equal(c.title);
    });

  it('counts the results so far in the title, and the elapsed time after 2 s', () => {
    const v = view(50, [
      ['h01', 'ok'],
      ['h02', 'changed'],
      ['h03', 'failed', 'x'],
    ]);
    expect(v.runningTitle(T0 + 1000)).to.equal('TASK [t]  3/50 done · ok 1 · changed 1 · failed 1');
    expect(v.runningTitle(T0 + 2500)).to.equal('TASK [t]  3/50 done · ok 1 · changed 1 · failed 1 · 2.5s');
  });

  it('ends when every host reported, or when the run ends; ignores other tasks and finished hosts', async () => {
    const v = view(2);
    v.result({ ...result('h01', 'ok'), taskId: 'other' });
    v.result(result('h09', 'ok'));
    expect(v.done).to.equal(false);
    v.add(['h03']); // the free strategy: a host joins the task
    v.result(result('h01', 'ok'));
    v.result(result('h02', 'ok'));
    v.hostProgress({ type: 'host_progress', host: 'h02', task: 't', taskId: 'id', msg: 'late', ms: 1 });
    expect(v.done).to.equal(false);
    expect(v.body(T0, boundsFor(40), 114)).to.deep.equal(['h03']);
    v.end();
    await v.finished;
    expect(v.done).to.equal(true);
  });

  it('ends when the hosts without a result went on to another task (add_host reports for one host)', () => {
    const v = view(3, [['h01', 'changed']]);
    v.leave('h02');
    expect(v.body(T0, boundsFor(40), 114)).to.deep.equal(['h03']);
    v.leave('h03');
    v.leave('h01'); // it has its result: counted once
    expect(v.done).to.equal(true);
    expect(v.doneTitle(T0 + 100, 114)).to.equal('TASK [t]  3 hosts · changed 1 (h01) · 0.1s');
  });

  const nameCases: [string[], number, string][] = [
    [['a', 'b', 'c'], 20, 'a b c'],
    [names(10), 20, 'h01 h02 h03 … (+7)'],
    [['a-very-long-host-name'], 5, 'a-very-long-host-name'],
  ];
  for (const [list, width, text] of nameCases)
    it(`names ${list.length} hosts in ${width} columns`, () => expect(nameList(list, width)).to.equal(text));

  for (const [ms, text] of [
    [2000, '2.0s'],
    [59_940, '59.9s'],
    [65_000, '1m05s'],
  ] as const)
    it(`writes ${ms} ms as ${text}`, () => expect(elapsed(ms)).to.equal(text));
});
