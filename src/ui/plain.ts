// Plain lines, as ansible-playbook prints them when not on a terminal: PLAY / TASK headers, one line per
// host result, diffs with --diff, and the PLAY RECAP.
import { createTwoFilesPatch } from 'diff';
import type { HostResultEvent, RunEvent } from '../events/bus.js';
import { formatRecap } from '../events/recap.js';
import { safeJson } from '../core/secrets.js';

const stars = (title: string) => `${title} ${'*'.repeat(Math.max(3, 79 - title.length))}`;

// A message of several lines (a positioned error with its source line and caret, or one line per failed loop
// item): the first in the JSON, the others below it, indented, as they read.
const firstLine = (m: unknown): unknown => (typeof m === 'string' ? m.split('\n')[0] : m);
const moreLines = (m: unknown): string =>
  typeof m === 'string' && m.includes('\n')
    ? `\n${m
        .split('\n')
        .slice(1)
        .map((l) => `    ${l}`)
        .join('\n')}`
    : '';

function resultLine(e: HostResultEvent, verbose: boolean): string {
  const who = e.delegatedTo ? `[${e.host} -> ${e.delegatedTo}]` : `[${e.host}]`;
  const item = e.item !== undefined ? ` => (item=${typeof e.item === 'string' ? e.item : JSON.stringify(e.item)})` : '';
  switch (e.status) {
    case 'failed':
      return (
        `fatal: ${who}: FAILED! => ` +
        `${JSON.stringify({ changed: e.result?.changed ?? false, msg: firstLine(e.msg ?? e.result?.msg) })}` +
        `${moreLines(e.msg ?? e.result?.msg)}`
      );
    case 'unreachable':
      return `fatal: ${who}: UNREACHABLE! => ${JSON.stringify({ changed: false, msg: e.msg, unreachable: true })}`;
    case 'ignored':
      return `fatal: ${who}: FAILED! => ${JSON.stringify({ msg: firstLine(e.msg) })}${moreLines(e.msg)}\n...ignoring`;
    case 'skipped':
      return `skipping: ${who}${item}${e.msg ? ` => ${e.msg}` : ''}`;
    case 'uncertain':
      return `uncertain: ${who}${item} => ${e.msg ?? 'known only after a real run'}`;
    case 'rescued':
      return `rescued: ${who}`;
    default: {
      const show = debugValue(e);
      const changes = verbose && e.changes?.length ? `\n${e.changes.map((c) => `  - ${c}`).join('\n')}` : '';
      return `${e.status}: ${who}${item}${show !== undefined ? ` => ${JSON.stringify(show, null, 4)}` : ''}${changes}`;
    }
  }
}

/** debug prints its message or variable, as Ansible does. */
function debugValue(e: HostResultEvent): unknown {
  return e.show;
}

export function diffText(d: { path: string; before: string; after: string; skipped?: string | undefined }): string {
  if (d.skipped) return `--- before: ${d.path}\n+++ after: ${d.path}\n${d.skipped}\n`;
  return createTwoFilesPatch(`before: ${d.path}`, `after: ${d.path}`, d.before, d.after, undefined, undefined, {
    context: 3,
  })
    .split('\n')
    .slice(1)
    .join('\n');
}

export function plainRenderer(
  write: (s: string) => void,
  o: { check: boolean; verbose?: boolean },
): (e: RunEvent) => void {
  return (e) => {
    switch (e.type) {
      case 'play_start':
        write(`\n${stars(`PLAY [${e.play}]`)}\n`);
        if (e.hosts.length === 0) write('skipping: no hosts matched\n');
        break;
      case 'task_start':
        write(`\n${stars(`${e.handler ? 'RUNNING HANDLER' : 'TASK'} [${e.task}]`)}\n`);
        break;
      case 'host_result':
        for (const d of e.diff ?? []) write(diffText(d));
        write(`${resultLine(e, o.verbose ?? o.check)}\n`);
        break;
      case 'warning':
        write(`[WARNING]: ${e.host ? `${e.host}: ` : ''}${e.msg}\n`);
        break;
      case 'interrupted':
        write('\n[ERROR]: interrupted: no new tasks were started; running ones finished\n');
        break;
      case 'run_end':
        write(formatRecap(e.recap, o.check));
        break;
      default:
        break;
    }
  };
}

export function jsonRenderer(write: (s: string) => void): (e: RunEvent) => void {
  return (e) => write(`${safeJson({ ...e, time: new Date().toISOString() })}\n`);
}
