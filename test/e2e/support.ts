// e2e helpers: a site folder for a lab (its hosts.yml plus a .env), kplay run as a real process with --json.
import { expect } from 'chai';
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

/** host|task of every result with one of the statuses. */
export function tasksWith(r: KplayRun, statuses: string[]): Set<string> {
  return new Set(
    r.events
      .filter((e) => e.type === 'host_result' && statuses.includes(String(e.status)))
      .map((e) => `${e.host}|${e.task}`),
  );
}

export interface Exactness {
  /** task-host results of the check run, by status */
  results: number;
  changed: number;
  uncertain: number;
  ok: number;
  /** changed in the real run, but check mode said ok */
  missed: string[];
  /** check mode said changed, the real run did not change it */
  wrong: string[];
}

/** How well a --check run predicted the real run after it, per task and host, both ways. */
export function exactness(check: KplayRun, real: KplayRun): Exactness {
  const changed = tasksWith(real, ['changed']);
  const predicted = tasksWith(check, ['changed']);
  const uncertain = tasksWith(check, ['uncertain']);
  const all = check.events.filter((e) => e.type === 'host_result');
  return {
    results: all.length,
    changed: predicted.size,
    uncertain: uncertain.size,
    ok: all.filter((e) => e.status === 'ok').length,
    missed: [...changed].filter((t) => !predicted.has(t) && !uncertain.has(t)),
    wrong: [...predicted].filter((t) => !changed.has(t)),
  };
}

/** Issue 13's proof on a playbook: `--check` first, then the real run, on the same hosts. Check mode must have
 *  called changed exactly what the real run changed, per task and host, both ways (uncertain results may go
 *  either way, and are counted). Prints the figures; returns the real run. */
export async function checkedRun(args: string[], o: { cwd?: string } = {}): Promise<KplayRun> {
  const check = await kplay([...args, '--check'], o);
  expect(check.code, `--check: ${check.stderr}${check.stdout.slice(-2000)}`).to.equal(0);
  const real = await kplay(args, o);
  const x = exactness(check, real);
  console.log(
    `      (--check, then the run: ${x.results} task-host results: changed=${x.changed}, ` +
      `uncertain=${x.uncertain}, ok=${x.ok}; the run changed ${tasksWith(real, ['changed']).size})`,
  );
  expect(x.missed, 'changed in the real run but --check said ok').to.deep.equal([]);
  expect(x.wrong, '--check said changed, the real run did not change it').to.deep.equal([]);
  return real;
}

export function totalChanged(r: KplayRun): number {
  return Object.values(r.recap).reduce((n, c) => n + (c.changed ?? 0), 0);
}
