// --list-hosts, --list-tasks and --list-tags, printed as ansible-playbook prints them.
import { relative } from 'node:path';
import { collectTags, selectTasks, type TagFilter } from './tags.js';
import type { Play, Playbook, TaskNode } from '../core/types.js';
import { fnmatch } from '../core/fnmatch.js';

export interface ListOptions {
  hosts?: (play: Play) => string[];
  filter: TagFilter;
  startAt?: string | undefined;
  cwd?: string;
}

const tagText = (tags: Iterable<string>) => `[${[...new Set(tags)].sort().join(', ')}]`;

function header(pb: Playbook, cwd: string): string[] {
  return ['', `playbook: ${relative(cwd, pb.file) || pb.file}`];
}

function playLine(p: Play): string {
  return `  play #${p.index} (${p.hosts}): ${p.name}\tTAGS: ${tagText(p.tags)}`;
}

export function taskTitle(t: TaskNode): string {
  const name = t.name ?? (t.kind === 'task' ? t.module : t.kind === 'block' ? 'block' : `${t.kind}: ${t.target}`);
  return t.role ? `${t.role.name} : ${name}` : name;
}

/** Tasks in run order, blocks opened (block, rescue, always), handlers left out as Ansible does. */
export function flatten(nodes: TaskNode[]): TaskNode[] {
  return nodes.flatMap((n) =>
    n.kind === 'block' ? [...flatten(n.block), ...flatten(n.rescue), ...flatten(n.always)] : [n],
  );
}

/** Glob match used by --start-at-task, as Ansible (fnmatch on the name, with or without the role prefix). */
export function nameMatches(pattern: string, t: TaskNode): boolean {
  const re = fnmatch(pattern);
  return [t.name ?? '', taskTitle(t)].some((n) => n === pattern || re.test(n));
}

/** The tasks a run would start with, per play, after --tags/--skip-tags and --start-at-task. */
export function playTasks(p: Play, opts: ListOptions, started: { yes: boolean }): TaskNode[] {
  const all = flatten(selectTasks([...p.preTasks, ...p.tasks, ...p.postTasks], opts.filter));
  if (!opts.startAt || started.yes) return all;
  const i = all.findIndex((t) => nameMatches(opts.startAt!, t));
  if (i < 0) return [];
  started.yes = true;
  return all.slice(i);
}

export function listTasks(pb: Playbook, opts: ListOptions): string {
  const lines = header(pb, opts.cwd ?? process.cwd());
  const started = { yes: false };
  for (const p of pb.plays) {
    lines.push('', playLine(p), '    tasks:');
    for (const t of playTasks(p, opts, started)) lines.push(`      ${taskTitle(t)}\tTAGS: ${tagText(t.tags)}`);
  }
  return lines.join('\n') + '\n';
}

export function listTags(pb: Playbook, opts: ListOptions): string {
  const lines = header(pb, opts.cwd ?? process.cwd());
  for (const p of pb.plays) {
    const tags = collectTags(selectTasks([...p.preTasks, ...p.tasks, ...p.postTasks], opts.filter));
    lines.push('', playLine(p), `      TASK TAGS: ${tagText(tags)}`);
  }
  return lines.join('\n') + '\n';
}

export function listHosts(pb: Playbook, opts: ListOptions): string {
  const lines = header(pb, opts.cwd ?? process.cwd());
  for (const p of pb.plays) {
    const hosts = opts.hosts ? opts.hosts(p) : [];
    lines.push(
      '',
      playLine(p),
      `    pattern: [${p.hosts
        .split(',')
        .map((h) => `'${h.trim()}'`)
        .join(', ')}]`,
      `    hosts (${hosts.length}):`,
    );
    for (const h of hosts) lines.push(`      ${h}`);
  }
  return lines.join('\n') + '\n';
}
