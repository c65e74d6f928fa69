// The journal: what happened to each host at each task, appended as the run goes (JSON lines, redacted),
// so `kplay run --resume` can continue every host from the task where it stopped.
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { RunEvent } from './bus.js';
import { MASK, redact, redactDeep, safeJson } from '../core/secrets.js';

export interface JournalEntry {
  host: string;
  key: string; // play index : task id # occurrence on that host
  status: string;
  register?: string | undefined;
  result?: Record<string, unknown> | undefined;
  /** The result held a secret (masked here) or was hidden by no_log: it cannot be restored, so the task runs again. */
  masked?: true | undefined;
}

/** One journal per playbook + inventory, under .kplay/ in the current folder. */
export function journalPath(playbook: string, inventories: string[], dir = '.kplay'): string {
  const h = createHash('sha256')
    .update([resolve(playbook), ...inventories.map((i) => resolve(i))].join('\n'))
    .digest('hex')
    .slice(0, 16);
  return join(dir, `journal-${h}.jsonl`);
}

export class Journal {
  /** Open for the run (closed at its end): a line is one write (to the kernel at once, as a SIGKILL must not
   *  lose it), not an open, a write and a close. */
  private fd: number | undefined;
  constructor(readonly path: string) {
    mkdirSync(join(path, '..'), { recursive: true });
    this.fd = openSync(path, 'w');
  }
  listener(): (e: RunEvent) => void {
    return (e) => {
      if (e.type === 'run_end' && this.fd !== undefined) {
        closeSync(this.fd);
        this.fd = undefined;
      }
      if (e.type !== 'host_result' || !e.key) return;
      const kept = e.setFacts ? { ansible_facts: e.setFacts } : e.register ? e.result : undefined;
      const result = kept === undefined ? undefined : (redactDeep(kept) as Record<string, unknown>);
      const text = result === undefined ? '' : safeJson(result);
      const masked = text.includes(MASK) || (result !== undefined && 'censored' in result) ? true : undefined;
      const entry: JournalEntry = {
        host: e.host,
        key: e.key,
        status: e.status,
        register: e.register,
        result: masked ? undefined : result,
        masked,
      };
      const line = safeJson(entry);
      // the last guard: a form of a secret the structured pass missed drops the result, never the line's syntax
      const safe = redact(line) === line ? line : redact(JSON.stringify({ ...entry, result: undefined, masked: true }));
      if (this.fd !== undefined) writeSync(this.fd, `${safe}\n`);
      else appendFileSync(this.path, `${safe}\n`);
    };
  }
}

export interface ResumePoint {
  /** Task keys a host finished (ok/changed/skipped) before it stopped. */
  done: Set<string>;
  /** Variables those tasks registered or set, to restore. */
  facts: Record<string, unknown>;
}

/** Read a journal: for each host, the tasks it finished before its first failure. */
export function readJournal(path: string): Map<string, ResumePoint> {
  const out = new Map<string, ResumePoint>();
  if (!existsSync(path)) return out;
  const stopped = new Set<string>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const e = JSON.parse(line) as JournalEntry;
    if (stopped.has(e.host)) continue;
    const rp = out.get(e.host) ?? { done: new Set<string>(), facts: {} };
    out.set(e.host, rp);
    if (['ok', 'changed', 'skipped', 'ignored'].includes(e.status)) {
      if (e.masked) continue; // what it registered cannot be restored: it runs again
      rp.done.add(e.key);
      const facts = (e.result as { ansible_facts?: Record<string, unknown> } | undefined)?.ansible_facts;
      if (facts) Object.assign(rp.facts, facts);
      else if (e.register && e.result) rp.facts[e.register] = e.result;
    } else stopped.add(e.host);
  }
  return out;
}
