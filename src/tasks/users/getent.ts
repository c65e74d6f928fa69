// getent: one database of the host's name service (passwd, group, shadow, hosts, services...) as the fact
// `getent_<database>`, a mapping from each entry's key to the list of its other fields. Read-only: it never
// changes the host, so it runs in check mode too. Fields are split on ':' (on blanks for the databases that
// are written with blanks: hosts, networks, protocols, services...), or on `split` when given.
// A key that is not in the database fails the task (fail_key, default yes); with fail_key=no it is reported
// in `msg` and the fact has what was found.
import type { Plan } from '../contract.js';
import { taskFailed } from '../lib/fsattrs.js';
import { abool, astr, defineTask } from '../lib/schema.js';

const BLANK_SPLIT = new Set(['hosts', 'ahosts', 'ahostsv4', 'ahostsv6', 'networks', 'protocols', 'services', 'rpc']);

/** Each line of getent's answer: its first field is the key, the others its value. */
export function parseGetent(out: string, sep: string | undefined): Record<string, string[]> {
  const facts: Record<string, string[]> = {};
  for (const line of out.split('\n')) {
    if (line.trim() === '') continue;
    const f = sep === undefined ? line.trim().split(/\s+/) : line.split(sep);
    const k = f.shift()!;
    if (!(k in facts)) facts[k] = f;
  }
  return facts;
}

export const getent = defineTask({
  name: 'getent',
  description: 'Read a name-service database (getent) into the fact getent_<database>.',
  args: {
    database: astr(),
    key: astr(),
    split: astr(),
    service: astr(),
    fail_key: abool().default(true),
  },
  required: ['database'],
  returns: { ansible_facts: '`getent_<database>`: each key -> the list of its other fields' },
  example: '- getent: database=shadow key=kube',
  async plan(args, _host, facts): Promise<Plan> {
    const db = (args.database ?? '').trim();
    if (!/^[a-z0-9_]+$/.test(db)) throw taskFailed(`getent: "${args.database}" is not a database name`);
    const argv = ['getent', ...(args.service ? ['-s', args.service] : []), db, ...(args.key ? [args.key] : [])];
    const r = await facts.probe(argv);
    const sep = args.split ?? (BLANK_SPLIT.has(db) ? undefined : ':');
    const fact = { [`getent_${db}`]: parseGetent(r.stdout, sep) };
    if (r.rc === 0) return { changes: [], result: { ansible_facts: fact } };
    if (r.rc === 2) {
      const msg = 'One or more supplied key could not be found in the database.';
      if (args.fail_key) throw taskFailed(msg);
      return { changes: [], result: { ansible_facts: fact, msg } };
    }
    if (r.rc === 1) throw taskFailed(`getent: missing arguments, or database unknown: ${db}`);
    if (r.rc === 3) throw taskFailed(`getent: enumeration is not supported on this database: ${db}`);
    throw taskFailed(`getent: getent ${db} failed (rc=${r.rc}): ${r.stderr.trim()}`);
  },
});
