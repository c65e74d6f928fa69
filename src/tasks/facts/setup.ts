// setup (and gather_facts, its action's name): gather the host's facts again, now, with the engine's one fact
// gathering (the play's `gather_facts` uses the same), and return them as `ansible_facts`, which the engine
// merges into the host's facts. `filter`: only the facts whose names match one of these fnmatch patterns
// (`ansible_eth*`). gather_subset, gather_timeout, fact_path and parallel are accepted and do not narrow what is
// gathered: kplay's gathering is one small script (docs/ansible-differences.md).
// ping: the host is reached (the connection is made before any task plans) and runs a command; `data` is
// answered back as `ping`, and `data=crash` fails, as Ansible's does.
import { fnmatch } from '../../core/fnmatch.js';
import type { Plan, Vars } from '../contract.js';
import { taskFailed } from '../lib/fsattrs.js';
import { abool, aint, alist, apath, astr, defineTask } from '../lib/schema.js';

export const setup = defineTask({
  name: 'setup',
  aliases: ['gather_facts'],
  description: "Gather the host's facts again and return them as ansible_facts.",
  args: {
    filter: alist(astr()).default([]),
    gather_subset: alist(astr()).default(['all']),
    gather_timeout: aint().default(10),
    fact_path: apath(),
    parallel: abool(),
  },
  returns: { ansible_facts: 'the gathered facts (ansible_* names), only those matching `filter` when given' },
  example: '- setup: filter=ansible_default_ipv4',
  async plan(args, _host, facts): Promise<Plan> {
    const all = await facts.facts({ fresh: true });
    const pats = args.filter.map((p) => fnmatch(p));
    const picked: Vars = pats.length ? {} : { ...all };
    if (pats.length) for (const [k, v] of Object.entries(all)) if (pats.some((re) => re.test(k))) picked[k] = v;
    return { changes: [], result: { ansible_facts: picked } };
  },
});

export const ping = defineTask({
  name: 'ping',
  description: 'Check that the host is reached and runs commands; answers `ping: data`.',
  args: { data: astr().default('pong') },
  returns: { ping: 'the `data` given (pong)' },
  example: '- ping:',
  async plan(args, _host, facts): Promise<Plan> {
    // Ansible's ping raises an exception: a module failure, its traceback on stderr
    if (args.data === 'crash')
      throw taskFailed('MODULE FAILURE: Exception: boom', {
        msg: 'MODULE FAILURE\nSee stdout/stderr for the exact error',
        module_stdout: '',
        module_stderr: 'Exception: boom\n',
        exception: 'Exception: boom\n',
        rc: 1,
      });
    const r = await facts.probe(['true'], { fresh: true });
    if (r.rc !== 0) throw taskFailed(`ping: the host cannot run a command (rc=${r.rc}): ${r.stderr.trim()}`);
    return { changes: [], result: { ping: args.data } };
  },
});
