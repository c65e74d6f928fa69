// dpkg_selections: reads the selection with `dpkg --get-selections NAME` and sets it with
// `dpkg --set-selections` (NAME SELECTION on stdin). A package dpkg does not know: deinstall and purge are
// ok (nothing to do, `after` is "not present"); hold and install fail, since dpkg would ignore them.
import { taskFailed } from '../lib/fsattrs.js';
import { astr, choice, defineTask } from '../lib/schema.js';
import { recordPkgReads } from './shared.js';

export const dpkg_selections = defineTask({
  name: 'dpkg_selections',
  description: "Set a package's dpkg selection: hold, install, deinstall or purge.",
  args: { name: astr(), selection: choice(['install', 'hold', 'deinstall', 'purge']) },
  required: ['name', 'selection'],
  returns: { before: 'the selection before', after: 'the selection after' },
  example: '- dpkg_selections: name=containerd selection=hold',
  async plan(args, host, facts) {
    const name = args.name!;
    const r = await facts.probe(['dpkg', '--get-selections', name]);
    const line = r.stdout.split('\n').find((l) => l.split(/\s+/)[0]?.replace(/:.*$/, '') === name);
    const before = line ? line.trim().split(/\s+/)[1]! : 'not present';
    await recordPkgReads(host, facts, [name]);
    const result = { before, after: args.selection };
    if (before === args.selection) return { changes: [], result };
    if (before === 'not present') {
      if (args.selection === 'deinstall' || args.selection === 'purge')
        return { changes: [], result: { before, after: before } };
      throw taskFailed(
        `dpkg_selections: ${name} is not known to dpkg (not installed): dpkg would ignore the selection`,
      );
    }
    return {
      changes: [
        {
          summary: `dpkg_selections: ${name} ${before} -> ${args.selection}`,
          actions: [{ exec: ['dpkg', '--set-selections'], stdin: `${name} ${args.selection}\n` }],
          touches: [`package:${name}`, `file:/var/lib/dpkg/info/${name}.list`, `probe:dpkg --get-selections ${name}`],
        },
      ],
      result,
    };
  },
});
