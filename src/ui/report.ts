// The report of a run (docs/report.md): a JSON file of what happened (each task and host once, one small record
// per result; gzipped when large) and one self-contained HTML page that reads the same data: summary, failures
// with their source lines, a timeline with a time axis, a task table, each host's results, the diffs, and
// filters. Events arrive redacted; each file is redacted again as written (its JSON and HTML forms included).
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { RunEvent } from '../events/bus.js';
import { redact, safeJson } from '../core/secrets.js';
import { ReportBuilder, type ReportData, type ReportMeta } from './report-data.js';
import { reportPage } from './report-html.js';

/** How many runs' reports a folder keeps (the newest; KPLAY_REPORTS_KEEP sets it, 0 keeps every one). */
export const REPORTS_KEEP = 200;

/** Removes the reports of all but the newest `keep` runs in `dir` (a run's page and JSON go together). */
export function pruneReports(dir: string, keep: number): string[] {
  if (keep <= 0) return [];
  const runs = new Map<string, string[]>();
  for (const f of readdirSync(dir)) {
    const m = /^run-(.+?)\.(html|json|json\.gz)$/.exec(f);
    if (m) runs.set(m[1]!, [...(runs.get(m[1]!) ?? []), f]);
  }
  // the stamp is the run's start in ISO form: its order is the time's
  const old = [...runs.keys()].sort().reverse().slice(keep);
  const gone = old.flatMap((stamp) => runs.get(stamp)!);
  for (const f of gone) rmSync(join(dir, f), { force: true });
  return gone;
}

function keepSetting(): number {
  const v = process.env.KPLAY_REPORTS_KEEP;
  return v !== undefined && /^\d+$/.test(v.trim()) ? Number(v) : REPORTS_KEEP;
}

/** Above this, the JSON file is written gzipped (`.json.gz`); the page always holds the data as it is. */
export const GZIP_ABOVE = 1024 * 1024;

export function defaultMeta(inventories: string[], argv: string[] = process.argv.slice(2)): ReportMeta {
  let user = '';
  try {
    user = userInfo().username;
  } catch {
    user = process.env.USER ?? '';
  }
  return { inventories, command: ['kplay', ...argv].join(' '), user, controller: hostname() };
}

export class Report {
  private readonly builder: ReportBuilder;
  written: { json: string; html: string } | undefined;
  /** Why the report could not be written (the run itself is not failed by it). */
  failed: string | undefined;

  constructor(
    private readonly dir: string,
    meta: ReportMeta = defaultMeta([]),
  ) {
    this.builder = new ReportBuilder(meta);
  }

  listener(): (e: RunEvent) => void {
    return (e) => {
      const done = this.builder.add(e);
      if (!done) return;
      try {
        this.write(done);
      } catch (err) {
        this.failed = `${(err as Error).message ?? err}`;
      }
    };
  }

  private write(data: ReportData): void {
    mkdirSync(this.dir, { recursive: true });
    const stamp = new Date(this.builder.startedAt).toISOString().replace(/[:.]/g, '-');
    const json = redact(safeJson(data));
    const html = join(this.dir, `run-${stamp}.html`);
    let file = join(this.dir, `run-${stamp}.json`);
    if (json.length > GZIP_ABOVE) {
      file += '.gz';
      writeFileSync(file, gzipSync(json));
    } else writeFileSync(file, json);
    writeFileSync(html, redact(reportPage(json, data)));
    this.written = { json: file, html };
    pruneReports(this.dir, keepSetting());
  }
}
