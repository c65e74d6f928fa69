// The run report's files from a run's events: each task and host once, one small record per result, a failed
// task's source lines, diffs as patches, the JSON gzipped when large, and a page that needs nothing else.
// (test/e2e/report.test.ts opens a real run's page in Chromium.)
import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { rememberText } from '../../src/core/source-text.js';
import type { HostCounts, RunEvent } from '../../src/events/bus.js';
import type { ReportData } from '../../src/ui/report-data.js';
import { GZIP_ABOVE, pruneReports, Report } from '../../src/ui/report.js';

const counts = (o: Partial<HostCounts> = {}): HostCounts => ({
  ok: 0,
  changed: 0,
  unreachable: 0,
  failed: 0,
  skipped: 0,
  rescued: 0,
  ignored: 0,
  uncertain: 0,
  ms: 10,
  ...o,
});
const meta = {
  inventories: ['inventories/x'],
  command: 'kplay run site.yml -i inventories/x',
  user: 'u',
  controller: 'c',
};

function runOf(events: RunEvent[]): { data: ReportData; page: string; json: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kplay-report-'));
  const rep = new Report(dir, meta);
  const l = rep.listener();
  for (const e of events) l(e);
  const { json, html } = rep.written!;
  const text = json.endsWith('.gz') ? gunzipSync(readFileSync(json)).toString('utf8') : readFileSync(json, 'utf8');
  return { data: JSON.parse(text) as ReportData, page: readFileSync(html, 'utf8'), json };
}

const playbook = join(mkdtempSync(join(tmpdir(), 'kplay-report-pb-')), 'site.yml');
const source =
  '- hosts: all\n  tasks:\n    - name: configure\n      copy: {dest: /x, content: y}\n    - name: boom\n' +
  '      command: /bin/false\n      tags: [etcd]\n';
writeFileSync(playbook, source);
rememberText(playbook, source);

const events: RunEvent[] = [
  { type: 'run_start', playbook, check: false, hosts: 2 },
  { type: 'play_start', play: 'all', index: 0, hosts: ['n1', 'n2'] },
  { type: 'task_start', task: 'configure', taskId: `${playbook}:3:7`, hosts: ['n1', 'n2'], handler: false },
  ...['n1', 'n2'].map(
    (host): RunEvent => ({
      type: 'host_result',
      host,
      task: 'configure',
      taskId: `${playbook}:3:7`,
      status: 'changed',
      changes: ['copy: create /x'],
      diff: [{ path: '/x', before: '', after: 'y\n' }],
      result: { changed: true, big: 'z'.repeat(10_000) },
      ms: 5,
    }),
  ),
  {
    type: 'task_start',
    task: 'boom',
    taskId: `${playbook}:5:7`,
    hosts: ['n1', 'n2'],
    handler: false,
    loc: { file: playbook, line: 5, col: 7 },
    tags: ['etcd'],
  },
  {
    type: 'host_result',
    host: 'n1',
    task: 'boom',
    taskId: `${playbook}:5:7`,
    status: 'failed',
    msg: 'non-zero return code 1 from `/bin/false`',
    result: { failed: true, rc: 1, stderr: 'e'.repeat(9000), stdout: '' },
    ms: 7,
  },
  { type: 'host_result', host: 'n2', task: 'boom', taskId: `${playbook}:5:7`, status: 'ok', ms: 3 },
  { type: 'warning', msg: 'a warning' },
  {
    type: 'run_end',
    recap: { n1: counts({ changed: 1, failed: 1 }), n2: counts({ changed: 1, ok: 1 }) },
    exitCode: 2,
    ms: 40,
  },
];

describe('run report', () => {
  it('holds each task and host once, each result as indexes, with the run summary', () => {
    const { data } = runOf(events);
    expect(data).to.include({ playbook, exitCode: 2, check: false, ms: 40, command: meta.command, user: 'u' });
    expect(data.inventories).to.deep.equal(['inventories/x']);
    expect(data.hosts).to.deep.equal(['n1', 'n2']);
    expect(data.tasks.map((t) => [t.title, t.file, t.line, t.tags])).to.deep.equal([
      ['configure', playbook, 3, undefined],
      ['boom', playbook, 5, ['etcd']],
    ]);
    expect(data.results.map((r) => [r.t, r.h, r.s])).to.deep.equal([
      [0, 0, 'changed'],
      [0, 1, 'changed'],
      [1, 0, 'failed'],
      [1, 1, 'ok'],
    ]);
    expect(data.warnings).to.deep.equal([{ msg: 'a warning' }]);
  });

  it("keeps a failure's message, rc, the end of its stderr and its task's source lines; a diff as a patch", () => {
    const { data } = runOf(events);
    const failed = data.results[2]!;
    expect(failed.msg).to.equal('non-zero return code 1 from `/bin/false`');
    expect(failed.out).to.match(/^rc: 1\nstderr:\n… e+$/);
    expect(failed.out!.length).to.be.lessThan(4100);
    expect(data.sources[1]).to.deep.equal({
      file: playbook,
      line: 5,
      first: 2,
      lines: source.split('\n').slice(1, 8),
    });
    expect(data.results[0]!.diff).to.deep.equal([
      { path: '/x', patch: '--- before: /x\n+++ after: /x\n@@ -0,0 +1,1 @@\n+y\n' },
    ]);
    // a module's whole result is not kept (--json prints it)
    expect(JSON.stringify(data)).not.to.include('zzzz');
  });

  it('is gzipped above the size a JSON file is read whole; smaller, it is plain JSON', () => {
    expect(runOf(events).json).to.match(/\.json$/);
    const many: RunEvent[] = [events[0]!, events[1]!, events[2]!];
    const perResult = 900;
    for (let i = 0; i < GZIP_ABOVE / perResult; i++)
      many.push({
        type: 'host_result',
        host: `h${i}`,
        task: 'configure',
        taskId: `${playbook}:3:7`,
        status: 'ok',
        msg: `m${i} ${'x'.repeat(perResult)}`,
        ms: 1,
      });
    many.push({ type: 'run_end', recap: {}, exitCode: 0, ms: 1 });
    const big = runOf(many);
    expect(big.json).to.match(/\.json\.gz$/);
    expect(big.data.results).to.have.length(many.length - 4);
  });

  it('is one page that loads nothing: its data inline, script and style inline, no address to fetch', () => {
    const { page, data } = runOf([
      ...events.slice(0, 3),
      {
        type: 'host_result',
        host: 'n1',
        task: 'configure',
        taskId: `${playbook}:3:7`,
        status: 'ok',
        msg: '</script><script>alert(1)</script>',
        ms: 1,
      },
      events.at(-1)!,
    ]);
    expect(page).to.match(/^<!doctype html>/);
    expect(page).to.include("default-src 'none'");
    expect(page).not.to.match(/\b(src|href)=/);
    expect(page.match(/<script/g)).to.have.length(5);
    const inline = /<script id="report-data" type="application\/json">(.*?)<\/script>/s.exec(page)![1]!;
    expect(JSON.parse(inline)).to.deep.equal(data);
  });

  it("keeps the newest runs' reports (KPLAY_REPORTS_KEEP), a run's page and data together, nothing else", () => {
    const dir = mkdtempSync(join(tmpdir(), 'kplay-reports-'));
    const stamps = ['2026-01-01T10-00-00-000Z', '2026-01-02T10-00-00-000Z', '2026-02-01T09-00-00-000Z'];
    for (const s of stamps) for (const ext of ['html', 'json']) writeFileSync(join(dir, `run-${s}.${ext}`), '');
    writeFileSync(join(dir, `run-${stamps[0]}.json.gz`), '');
    writeFileSync(join(dir, 'notes.txt'), '');
    expect(pruneReports(dir, 0)).to.deep.equal([]);
    expect(pruneReports(dir, 2).sort()).to.deep.equal([
      `run-${stamps[0]}.html`,
      `run-${stamps[0]}.json`,
      `run-${stamps[0]}.json.gz`,
    ]);
    expect(readdirSync(dir).sort()).to.deep.equal([
      'notes.txt',
      ...stamps.slice(1).flatMap((s) => [`run-${s}.html`, `run-${s}.json`]),
    ]);
    const before = process.env.KPLAY_REPORTS_KEEP;
    process.env.KPLAY_REPORTS_KEEP = '1';
    try {
      const rep = new Report(dir, meta);
      for (const e of events) rep.listener()(e);
      expect(readdirSync(dir).sort()).to.deep.equal(
        ['notes.txt', rep.written!.html, rep.written!.json].map((f) => f.split('/').pop()).sort(),
      );
    } finally {
      if (before === undefined) delete process.env.KPLAY_REPORTS_KEEP;
      else process.env.KPLAY_REPORTS_KEEP = before;
    }
  });
});
