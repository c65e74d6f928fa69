// mount (ansible.posix.mount): states mounted, present, unmounted, absent, absent_from_fstab, ephemeral.
// fstab lines are written `src path fstype opts dump passno` (spaces in fields as \040). mounted creates
// the mount point, writes fstab and mounts (`mount -t fstype -o opts src path`); when the fstab entry of a
// mounted path changes it remounts (`mount -o remount path`), or unmounts and mounts when the fstype
// differs. absent unmounts, removes the entry and the (empty) mount point directory. fstype=swap: the
// entry is matched by src (swap lines all have path none/swap), mounted/unmounted mean swapon/swapoff
// (live state from /proc/swaps). Not supported: state=remounted (it never converges; kplay proves every
// apply converges), so it fails with a hint.
import type { Action, Change, FactReader, Plan, Vars } from '../contract.js';
import { backupAction, backupName, taskFailed } from '../lib/fsattrs.js';
import { splitLines } from '../lib/py-regex.js';
import { abool, astr, choice, defineTask, apath } from '../lib/schema.js';
import { activeSwaps, fstabEntries, fstabLine, SWAPS, unescapeFstab, type FstabEntry } from './fstab.js';
import { needDir, probeKey, readText } from './shared.js';

interface Mounted {
  source: string;
  fstype: string;
  options: string;
}

async function mountedAt(facts: FactReader, path: string): Promise<Mounted | undefined> {
  const r = await facts.probe(['findmnt', '-rn', '-o', 'SOURCE,FSTYPE,OPTIONS', '--mountpoint', path]);
  if (r.rc !== 0 || !r.stdout.trim()) return undefined;
  const last = r.stdout.trim().split('\n').at(-1)!.split(' ');
  return { source: unescapeFstab(last[0] ?? '').replace(/\\x20/g, ' '), fstype: last[1] ?? '', options: last[2] ?? '' };
}

export const mount = defineTask({
  name: 'mount',
  description: 'Mount a filesystem and/or manage its /etc/fstab entry (swap lines too).',
  args: {
    path: apath(),
    src: apath(),
    fstype: astr(),
    opts: astr(),
    dump: astr().default('0'),
    passno: astr().default('0'),
    state: choice(['mounted', 'present', 'unmounted', 'absent', 'remounted', 'absent_from_fstab', 'ephemeral']),
    fstab: apath().default('/etc/fstab'),
    boot: abool().default(true),
    backup: abool().default(false),
  },
  argAliases: { name: 'path', dest: 'path' },
  required: ['path', 'state'],
  requiredIf: [
    ['state', 'mounted', ['src', 'fstype']],
    ['state', 'present', ['src', 'fstype']],
    ['state', 'ephemeral', ['src', 'fstype']],
  ],
  returns: {
    name: 'the mount point',
    src: 'the device',
    fstype: 'the filesystem type',
    opts: 'mount options',
    fstab: 'the fstab file',
    dump: 'dump field',
    passno: 'passno field',
  },
  example: '- mount: path=/var/lib/kubelet src=/dev/sdb1 fstype=xfs opts=noatime state=mounted',
  async plan(args, _host, facts): Promise<Plan> {
    const state = args.state!;
    if (state === 'remounted')
      throw taskFailed(
        'mount: state=remounted is not supported (it changes on every run, ' +
          'and kplay proves every apply converges); use `command: mount -o remount <path>`',
      );
    const swap = args.fstype === 'swap';
    const path = swap ? args.path! : args.path!.length > 1 ? args.path!.replace(/\/+$/, '') : args.path!;
    let opts = args.opts ?? 'defaults';
    if (!args.boot && !opts.split(',').includes('noauto')) opts = opts === 'defaults' ? 'noauto' : `${opts},noauto`;
    const want = { src: args.src ?? '', path, fstype: args.fstype ?? '', opts, dump: args.dump, passno: args.passno };
    const result: Vars = {
      name: path,
      src: args.src,
      fstype: args.fstype,
      opts,
      dump: args.dump,
      passno: args.passno,
      fstab: args.fstab,
    };
    const changes: Change[] = [];
    const fstabTouches = [`file:${args.fstab}`];

    // fstab
    if (state !== 'unmounted' && state !== 'ephemeral') {
      const { exists, text } = await readText(facts, args.fstab);
      const lines = splitLines(text);
      const match = (e: FstabEntry) => (swap ? e.fstype === 'swap' && e.src === want.src : e.path === path);
      const mine = fstabEntries(lines).filter(match);
      let after: string | undefined;
      if (state === 'absent' || state === 'absent_from_fstab') {
        if (mine.length) after = lines.filter((_, i) => !mine.some((m) => m.idx === i)).join('');
      } else {
        const line = fstabLine(want);
        const first = mine[0];
        const same =
          first &&
          mine.length === 1 &&
          first.src === want.src &&
          first.fstype === want.fstype &&
          first.opts === want.opts &&
          first.dump === want.dump &&
          first.passno === want.passno;
        if (!same) {
          const next = [...lines];
          if (first) {
            next[first.idx] = line;
            for (const m of mine.slice(1).reverse()) next.splice(m.idx, 1);
          } else {
            if (next.length && !next.at(-1)!.endsWith('\n')) next[next.length - 1] += '\n';
            next.push(line);
          }
          after = next.join('');
        }
      }
      if (after !== undefined) {
        if (!exists) await needDir(facts, args.fstab);
        const actions: Action[] = [];
        if (args.backup && exists) {
          result.backup_file = backupName(args.fstab);
          actions.push(backupAction(args.fstab, result.backup_file as string));
        }
        actions.push({ put: args.fstab, content: Buffer.from(after), mode: exists ? undefined : '0644' });
        changes.push({
          summary:
            `mount: ${args.fstab}: ` +
            `${state === 'absent' || state === 'absent_from_fstab' ? 'remove' : mine.length ? 'update' : 'add'}` +
            ` the entry for ${swap ? want.src : path}`,
          diff: { path: args.fstab, before: text, after },
          actions,
          touches: fstabTouches,
        });
      }
    }
    const fstabChanged = changes.length > 0;
    if (state === 'present' || state === 'absent_from_fstab') return { changes, result };

    // live state
    if (swap) {
      const active = (await activeSwaps(facts)).includes(want.src);
      const touches = [probeKey(SWAPS)];
      if (state === 'mounted' && !active)
        changes.push({
          summary: `mount: swapon ${want.src}`,
          actions: [{ exec: ['swapon', '--', want.src] }],
          touches,
        });
      if ((state === 'unmounted' || state === 'absent') && active)
        changes.push({
          summary: `mount: swapoff ${want.src}`,
          actions: [{ exec: ['swapoff', '--', want.src] }],
          touches,
        });
      if (state === 'ephemeral' && !active)
        changes.push({
          summary: `mount: swapon ${want.src}`,
          actions: [{ exec: ['swapon', '--', want.src] }],
          touches,
        });
      return { changes, result };
    }
    const cur = await mountedAt(facts, path);
    const liveTouches = [
      `mount:${path}`,
      probeKey(['findmnt', '-rn', '-o', 'SOURCE,FSTYPE,OPTIONS', '--mountpoint', path]),
    ];
    const mountCmd: Action = { exec: ['mount', '-t', want.fstype, '-o', opts, '--', want.src, path] };
    if (state === 'mounted' || state === 'ephemeral') {
      const st = await facts.stat(path, { follow: true });
      if (st.exists && !st.isdir && !opts.split(',').includes('bind'))
        throw taskFailed(`mount: ${path} exists and is not a directory`);
      if (!cur) {
        const actions: Action[] = st.exists ? [] : [{ exec: ['mkdir', '-p', '--', path] }];
        changes.push({
          summary: `mount: mount ${want.src} on ${path}`,
          actions: [...actions, mountCmd],
          touches: [...liveTouches, `file:${path}`],
        });
      } else if (state === 'ephemeral') {
        const bind = opts.split(',').includes('bind') || want.fstype === 'none';
        if (!bind && cur.fstype !== want.fstype)
          throw taskFailed(`mount: ${path} is already mounted with fstype ${cur.fstype}, not ${want.fstype}`);
      } else if (fstabChanged) {
        const bind = opts.split(',').includes('bind') || want.fstype === 'none';
        const actions: Action[] =
          !bind && cur.fstype !== want.fstype
            ? [{ exec: ['umount', '--', path] }, mountCmd]
            : [{ exec: ['mount', '-o', `remount,${opts}`, '--', path] }];
        changes.push({ summary: `mount: remount ${path}`, actions, touches: liveTouches });
      }
    } else if (state === 'unmounted' || state === 'absent') {
      if (cur)
        changes.push({
          summary: `mount: unmount ${path}`,
          actions: [{ exec: ['umount', '--', path] }],
          touches: liveTouches,
        });
      if (state === 'absent') {
        const st = await facts.stat(path, { follow: false });
        if (st.exists && st.isdir)
          changes.push({
            summary: `mount: remove the mount point ${path}`,
            actions: [{ exec: ['rmdir', '--', path] }],
            touches: [`file:${path}`],
          });
      }
    }
    return { changes, result };
  },
});
