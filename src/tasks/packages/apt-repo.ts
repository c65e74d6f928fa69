// apt_repository: a source line is compared normalized (whitespace collapsed, in [options] too) with the
// enabled lines of /etc/apt/sources.list and sources.list.d/*.list. present adds it to
// sources.list.d/<filename>.list (default: Ansible's name from the URI), or uncomments a commented-out copy
// there; absent removes it from every file (a file left empty is removed). update_cache (default yes)
// refreshes the cache in the same change. PPAs (Ubuntu only) are not supported.
import type { Action, Change, Vars } from '../contract.js';
import { listTree } from '../lib/list-tree.js';
import { octal, resolveMode, taskFailed } from '../lib/fsattrs.js';
import { abool, aint, amode, astr, choice, defineTask } from '../lib/schema.js';
import { LISTS, STAMP, updateChange } from './apt-cache.js';

/** A sources.list line, normalized for comparison: whitespace collapsed (also inside [options]). */
export function normalizeSource(line: string): string | undefined {
  const m = /^\s*(deb|deb-src)\s+(\[[^\]]*\]\s+)?(\S+)\s+(.*)$/.exec(line.replace(/#.*$/, ''));
  if (!m) return undefined;
  const opts = m[2] ? `[${m[2].trim().slice(1, -1).trim().split(/\s+/).join(' ')}] ` : '';
  return `${m[1]} ${opts}${m[3]} ${m[4]!.trim().split(/\s+/).join(' ')}`;
}

/** Ansible's default file name: the URI without scheme, credentials and options, non-alphanumerics as '_'. */
export function repoFilename(repo: string): string {
  const line = repo.replace(/\[[^\]]+\]/, '').replace(/\w+:\/\//, '');
  const parts = line.split(/\s+/).filter((p) => p && p !== 'deb' && p !== 'deb-src');
  const uri = (parts[0] ?? '').replace(/^.*@/, '');
  return uri
    .replace(/[^a-zA-Z0-9]/g, ' ')
    .trim()
    .split(/\s+/)
    .join('_');
}

export const apt_repository = defineTask({
  name: 'apt_repository',
  description:
    'Add or remove an apt source line in /etc/apt/sources.list.d/<filename>.list, ' +
    'and refresh the cache after a change.',
  args: {
    repo: astr(),
    state: choice(['present', 'absent']).default('present'),
    filename: astr(),
    mode: amode(),
    update_cache: abool().default(true),
    update_cache_retries: aint(),
    update_cache_retry_max_delay: aint(),
    validate_certs: abool().default(true),
    codename: astr(),
    install_python_apt: abool(),
  },
  argAliases: { 'update-cache': 'update_cache' },
  required: ['repo'],
  returns: { repo: 'the source line', sources_added: 'files added', sources_removed: 'files removed' },
  example:
    '- apt_repository:\n    repo: "deb [signed-by=/etc/apt/keyrings/docker.gpg] ' +
    'https://download.docker.com/linux/debian bookworm stable"\n    filename: docker',
  async plan(args, _host, facts) {
    const repo = args.repo!.trim();
    if (repo.startsWith('ppa:')) throw taskFailed('apt_repository: PPAs are for Ubuntu only; not supported');
    const want = normalizeSource(repo);
    if (!want) throw taskFailed(`apt_repository: invalid repository line: ${repo}`);
    const name = (args.filename ?? repoFilename(repo)).replace(/\.list$/, '');
    const target = `/etc/apt/sources.list.d/${name}.list`;
    const d = await facts.stat('/etc/apt/sources.list.d', { follow: true });
    const files = [
      '/etc/apt/sources.list',
      ...(d.isdir
        ? (await listTree(facts, '/etc/apt/sources.list.d', 1))
            .filter((e) => e.isreg && e.path.endsWith('.list'))
            .map((e) => e.path)
            .sort()
        : []),
    ];
    if (!files.includes(target)) files.push(target);
    const texts = new Map<string, string | undefined>();
    for (const f of files) texts.set(f, (await facts.read(f))?.toString('utf8'));
    const changes: Change[] = [];
    const result: Vars = { repo, sources_added: [], sources_removed: [] };
    const update = args.update_cache ? updateChange('apt_repository').actions : [];
    const updTouches = args.update_cache ? [`file:${LISTS}/`, `file:${STAMP}`] : [];
    const mode = (cur: number) => (args.mode !== undefined ? octal(resolveMode(args.mode, cur, false)!) : undefined);
    const enabledIn = (text: string | undefined) =>
      (text ?? '').split('\n').some((l) => !/^\s*#/.test(l) && normalizeSource(l) === want);
    if (args.state === 'present') {
      if ([...texts.values()].some(enabledIn)) return { changes, result };
      const cur = texts.get(target);
      let lines = cur === undefined ? [] : cur.replace(/\n$/, '').split('\n');
      const disabled = lines.findIndex((l) => /^\s*#/.test(l) && normalizeSource(l.replace(/^\s*#+\s*/, '')) === want);
      if (disabled >= 0) lines[disabled] = want;
      else lines = [...lines.filter((l, i) => !(i === 0 && l === '' && lines.length === 1)), want];
      const after = `${lines.join('\n')}\n`;
      if (cur === undefined) result.sources_added = [target];
      changes.push({
        summary: `apt_repository: add "${want}" to ${target}`,
        diff: { path: target, before: cur ?? '', after },
        actions: [
          { put: target, content: Buffer.from(after), mode: mode(0o644) ?? (cur === undefined ? '0644' : undefined) },
          ...update,
        ],
        touches: [`file:${target}`, ...updTouches],
      });
      return { changes, result };
    }
    for (const [f, text] of texts) {
      if (!enabledIn(text)) continue;
      const kept = text!
        .replace(/\n$/, '')
        .split('\n')
        .filter((l) => /^\s*#/.test(l) || normalizeSource(l) !== want);
      const empty = kept.every((l) => l.trim() === '');
      const acts: Action[] = empty ? [{ remove: f }] : [{ put: f, content: Buffer.from(`${kept.join('\n')}\n`) }];
      if (empty) (result.sources_removed as string[]).push(f);
      changes.push({
        summary: `apt_repository: remove "${want}" from ${f}`,
        diff: { path: f, before: text!, after: empty ? '' : `${kept.join('\n')}\n` },
        actions: acts,
        touches: [`file:${f}`, ...updTouches],
      });
    }
    if (changes.length && update.length) changes[changes.length - 1]!.actions.push(...update);
    return { changes, result };
  },
});
