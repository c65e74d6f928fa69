// getent: a database of the host's name service (passwd, group, hosts, services...) as facts,
// `ansible_facts.getent_<database>`: each line's first field -> the other fields (a list of such lists when the
// first field repeats). passwd, shadow, group and gshadow split on `:`, others on blanks (or `split`). Read-only.
import type { Plan, Vars } from '../contract.js';
import { taskFailed } from '../lib/fsattrs.js';
import { abool, astr, defineTask } from '../lib/schema.js';

const COLON = new Set(['passwd', 'shadow', 'group', 'gshadow']);

const FAILURES: Record<number, string> = {
  1: 'Missing arguments, or database unknown.',
  2: 'One or more supplied key could not be found in the database.',
  3: 'Enumeration not supported on this database.',
};

/** getent's lines as Ansible's module gives them. */
export function parseGetent(out: string, split: string | undefined): Record<string, unknown> {
  const tree: Record<string, unknown> = {};
  const seen = new Map<string, number>();
  for (const line of out.split('\n')) {
    if (line === '') continue;
    const rec = split === undefined ? line.trim().split(/\s+/) : line.split(split);
    const [k, ...rest] = rec as [string, ...string[]];
    const n = seen.get(k) ?? 0;
    if (n === 0) tree[k] = rest;
    else tree[k] = n === 1 ? [tree[k], rest] : [...(tree[k] as unknown[]), rest];
    seen.set(k, n + 1);
  }
  return tree;
}

export const getent = defineTask({
  name: 'getent',
  description: 'A name service database (passwd, group, hosts...) as facts: ansible_facts.getent_<database>.',
  args: {
    database: astr(),
    key: astr(),
    service: astr(),
    split: astr(),
    fail_key: abool().default(true),
  },
  required: ['database'],
  returns: { ansible_facts: '`getent_<database>`: first field -> the other fields' },
  example: '- getent: database=passwd key=root\n- debug: var=getent_passwd.root',
  async plan(args, _host, facts): Promise<Plan> {
    const db = args.database!;
    const argv = ['getent', db, ...(args.key === undefined ? [] : [args.key])];
    if (args.service !== undefined) argv.push('-s', args.service);
    // check mode: a user, group or /etc/hosts change planned earlier makes the answer uncertain
    const r = await facts.probe(argv, { reads: [`file:/etc/${db}`] });
    if (r.rc === 127) throw taskFailed('Failed to find required executable "getent" in paths');
    const split = args.split ?? (COLON.has(db) ? ':' : undefined);
    const name = `getent_${db}`;
    if (r.rc === 0) return { changes: [], result: { ansible_facts: { [name]: parseGetent(r.stdout, split) } } };
    if (r.rc === 2 && !args.fail_key) {
      const tree: Vars = { [args.key ?? '']: null };
      return { changes: [], result: { ansible_facts: { [name]: tree }, msg: FAILURES[2] } };
    }
    throw taskFailed(FAILURES[r.rc] ?? 'Unexpected failure!');
  },
});
