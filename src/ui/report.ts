// The report of a run: a JSON file of every result and a self-contained HTML page with the recap and a
// per-host timeline (one bar per task, as long as it took, coloured by status). Events arrive redacted; each
// file is redacted again as written (its JSON and HTML forms of a secret included).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostCounts, HostResultEvent, RunEvent } from '../events/bus.js';
import { redact, safeJson } from '../core/secrets.js';

const COLOURS: Record<string, string> = {
  ok: '#3a3',
  changed: '#d90',
  failed: '#d33',
  unreachable: '#a0a',
  skipped: '#99a',
  uncertain: '#39c',
  ignored: '#c66',
  rescued: '#6a6',
};

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export class Report {
  private results: (HostResultEvent & { at: number })[] = [];
  private t0 = Date.now();
  private playbook = '';
  private check = false;
  written: { json: string; html: string } | undefined;

  constructor(private readonly dir: string) {}

  listener(): (e: RunEvent) => void {
    return (e) => {
      if (e.type === 'run_start') {
        this.t0 = Date.now();
        this.playbook = e.playbook;
        this.check = e.check;
      } else if (e.type === 'host_result') this.results.push({ ...e, at: Date.now() - this.t0 - e.ms });
      else if (e.type === 'run_end') this.write(e.recap, e.exitCode, e.ms);
    };
  }

  private write(recap: Record<string, HostCounts>, exitCode: number, ms: number): void {
    mkdirSync(this.dir, { recursive: true });
    const stamp = new Date(this.t0).toISOString().replace(/[:.]/g, '-');
    const json = join(this.dir, `run-${stamp}.json`);
    const html = join(this.dir, `run-${stamp}.html`);
    const data = {
      playbook: this.playbook,
      check: this.check,
      started: new Date(this.t0).toISOString(),
      ms,
      exitCode,
      recap,
      results: this.results,
    };
    writeFileSync(json, redact(safeJson(data, 1)));
    writeFileSync(html, redact(this.html(data)));
    this.written = { json, html };
  }

  private html(d: {
    playbook: string;
    check: boolean;
    started: string;
    ms: number;
    exitCode: number;
    recap: Record<string, HostCounts>;
  }): string {
    const total = Math.max(1, d.ms);
    const rows = Object.entries(d.recap).map(([host, c]) => {
      const bars = this.results
        .filter((r) => r.host === host)
        .map((r) => {
          const left = (100 * Math.max(0, r.at)) / total;
          const width = Math.max(0.3, (100 * r.ms) / total);
          return (
            `<div class="bar" style="left:${left.toFixed(2)}%;width:${width.toFixed(2)}%;` +
            `background:${COLOURS[r.status] ?? '#888'}" ` +
            `title="${esc(`${r.task}: ${r.status} (${r.ms} ms)${r.msg ? ` ${r.msg}` : ''}`)}"></div>`
          );
        });
      const counts = Object.entries(c)
        .filter(([k]) => k !== 'ms')
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      return `<tr><th>${esc(host)}</th><td class="counts">${counts}</td><td class="lane">${bars.join('')}</td></tr>`;
    });
    return (
      `<!doctype html><html><head><meta charset="utf-8"><title>kplay run ${esc(d.started)}</title><style>
body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;width:100%}` +
      `th{text-align:left;padding:4px 8px;white-space:nowrap}
td.counts{font:12px monospace;white-space:nowrap;padding:4px 8px}` +
      `td.lane{position:relative;width:60%;height:18px;background:#f4f4f4}
.bar{position:absolute;top:2px;height:14px;border-radius:2px}` +
      `.legend span{display:inline-block;padding:2px 6px;margin-right:4px;color:#fff;border-radius:3px}
</style></head><body><h1>kplay ${d.check ? 'check ' : ''}run</h1>` +
      `<p>${esc(d.playbook)} · started ${esc(d.started)} · ${(d.ms / 1000).toFixed(1)} s · exit ${d.exitCode}</p>
<p class="legend">${Object.entries(COLOURS)
        .map(([k, v]) => `<span style="background:${v}">${k}</span>`)
        .join('')}</p>
<table>${rows.join('\n')}</table></body></html>\n`
    );
  }
}
