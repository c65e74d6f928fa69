// e2e helpers: a site folder for a lab (its hosts.yml plus a .env), kplay run as a real process with --json.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabHandle } from '../lab/helpers.js';

export const E2E_TOKEN = 'e2e-s3cret-token-9f8e7d';

export function siteFor(lab: LabHandle, extraHostsYaml?: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kplay-e2e-site-'));
  copyFileSync(lab.hostsFile, join(dir, 'hosts.yml'));
  if (extraHostsYaml)
    writeFileSync(join(dir, 'hosts.yml'), extraHostsYaml(readFileSync(join(dir, 'hosts.yml'), 'utf8')));
  writeFileSync(join(dir, '.env'), `E2E_TOKEN=${E2E_TOKEN}\n`);
  return dir;
}

export interface KplayRun {
  code: number | null;
  stdout: string;
  stderr: string;
  events: Record<string, unknown>[];
  recap: Record<string, Record<string, number>>;
}

export function kplay(
  args: string[],
  o: { cwd?: string; onLine?: (line: string, kill: (sig: NodeJS.Signals) => void) => void } = {},
): Promise<KplayRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(process.cwd(), 'bin/kplay'), ...args], {
      cwd: o.cwd ?? process.cwd(),
      env: { ...process.env, CI: 'true' },
    });
    let stdout = '';
    let stderr = '';
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
      buf += d;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        o.onLine?.(line, (sig) => child.kill(sig));
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code) => {
      const events = stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const end = events.find((e) => e.type === 'run_end') as { recap?: KplayRun['recap'] } | undefined;
      resolve({ code, stdout, stderr, events, recap: end?.recap ?? {} });
    });
  });
}

/** host|task|status of every result. */
export function results(r: KplayRun): string[] {
  return r.events.filter((e) => e.type === 'host_result').map((e) => `${e.host}|${e.task}|${e.status}`);
}

export function totalChanged(r: KplayRun): number {
  return Object.values(r.recap).reduce((n, c) => n + (c.changed ?? 0), 0);
}
