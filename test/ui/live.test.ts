// The live renderer (listr2) drawing to a terminal of its own: each frame it draws stays within the bound of host
// lines at 50 hosts, a long change's progress shows, and a finished task is left as one line of counts and its
// failure, with the recap after. The same view on a real terminal (tmux, real hosts): live-tmux.test.ts.
import { expect } from 'chai';
import { stripVTControlCharacters } from 'node:util';
import type { HostCounts, RunEvent } from '../../src/events/bus.js';
import { LiveRenderer, type Screen } from '../../src/ui/live.js';
import { boundsFor, linesFor } from '../../src/ui/live-view.js';

const hosts = Array.from({ length: 50 }, (_, i) => `h${String(i + 1).padStart(2, '0')}`);
const HOST = /\bh\d\d\b/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A terminal of 120 x 40 that keeps every write (log-update draws a frame in one write). */
class FakeScreen implements Screen {
  readonly isTTY = true;
  readonly columns = 120;
  readonly rows = 40;
  readonly writes: string[] = [];
  write(s: string): boolean {
    this.writes.push(stripVTControlCharacters(String(s)));
    return true;
  }
}

const counts = (failed: number): HostCounts => ({
  ok: 1 - failed,
  changed: 0,
  unreachable: 0,
  failed,
  skipped: 0,
  rescued: 0,
  ignored: 0,
  uncertain: 0,
  ms: 1,
});

describe('live renderer on a terminal', () => {
  it('draws 50 hosts within the bound, shows progress, and leaves one line per task', async function () {
    this.timeout(20_000);
    const screen = new FakeScreen();
    const printed: string[] = [];
    const r = new LiveRenderer((s) => printed.push(s), { check: false, diff: false }, screen);
    const on = r.listener();
    const ev = (e: RunEvent) => on(e);
    const base = { type: 'host_result', task: 't', taskId: 'id', ms: 1 } as const;
    ev({ type: 'play_start', play: 'p', index: 0, hosts });
    ev({ type: 'task_start', task: 't', taskId: 'id', hosts, handler: false });
    ev({ type: 'host_progress', host: 'h03', task: 't', taskId: 'id', msg: 'apt: install nginx', ms: 1000 });
    await sleep(600);
    for (const h of hosts.slice(0, 30)) ev({ ...base, host: h, status: h === 'h07' ? 'failed' : 'ok', msg: 'boom' });
    await sleep(600);
    for (const h of hosts.slice(30)) ev({ ...base, host: h, status: 'ok' });
    ev({
      type: 'run_end',
      recap: Object.fromEntries(hosts.map((h) => [h, counts(h === 'h07' ? 1 : 0)])),
      exitCode: 2,
      ms: 1,
    });
    await r.done();
    const frames = screen.writes.filter((w) => w.includes('TASK [t]'));
    expect(frames.length).to.be.greaterThan(2);
    const bound = linesFor(boundsFor(screen.rows));
    for (const f of frames) expect(f.split('\n').filter((l) => HOST.test(l)).length).to.be.at.most(bound);
    expect(frames.some((f) => /h03 {2}apt: install nginx/.test(f))).to.equal(true);
    expect(frames.some((f) => f.includes('40 more running: h11 h12'))).to.equal(true);
    expect(frames.some((f) => /30\/50 done · ok 29 · failed 1/.test(f))).to.equal(true);
    // what stays in the terminal's history: the task's line of counts and its failure
    const last = frames.at(-1)!.split('\n').filter(Boolean);
    expect(last).to.have.length(2);
    expect(last[0]).to.match(/^✖ TASK \[t\] {2}50 hosts · ok 49 · failed 1 \(h07\) · \d+\.\ds$/);
    expect(last[1]).to.equal('  › h07: failed: boom');
    expect(printed.join('')).to.include('PLAY [p] (50 hosts)');
    expect(printed.join('')).to.match(/PLAY RECAP/);
  });
});
