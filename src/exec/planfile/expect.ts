// `kplay apply plan.json`: the run executes exactly what the plan holds. Before anything is done, each host's
// recorded facts are read again: a host where one differs is refused (nothing is done on it) and named with the
// fact. Then every task plans again as it runs, and its changes must be the planned ones (a task that was
// uncertain in the plan may do what it now finds); a host where they are not fails there, before the change.
import { taskTitle } from '../../playbook/listing.js';
import { redact } from '../../core/secrets.js';
import type { Task } from '../../core/types.js';
import type { Change, FactReader } from '../../tasks/contract.js';
import { actionShape, probeDigest, readDigest, shapeDiffers, statDigest } from './digest.js';
import type { Fingerprint, PlanEntry, PlanFile } from './format.js';
import { locOf, Occurrences } from './record.js';

const key = (host: string, loc: string, n: number) => `${host}\0${loc}\0${n}`;

export class PlanExpect {
  private readonly entries = new Map<string, PlanEntry>();
  private readonly occurrences = new Occurrences();

  constructor(readonly plan: PlanFile) {
    for (const e of plan.entries) this.entries.set(key(e.host, e.loc, e.n), e);
  }

  private readonly checked = new Set<string>();

  /** Of a play's hosts, those the plan was made for and not checked yet (they are checked now). */
  unchecked(hosts: string[]): string[] {
    const planned = new Set(this.plan.entries.map((e) => e.host));
    const out = hosts.filter((h) => planned.has(h) && !this.checked.has(h));
    for (const h of out) this.checked.add(h);
    return out;
  }

  /** Why a task's changes now are not the planned ones (undefined: they are, or it was uncertain). */
  differs(host: string, t: Task, base: string, changes: Change[]): string | undefined {
    const loc = locOf(t, base);
    const e = this.entries.get(key(host, loc, this.occurrences.next(host, loc)));
    if (!e) return `'${redact(taskTitle(t))}' (${loc}) runs on ${host} now, but did not when the plan was made`;
    if (e.status === 'uncertain') return undefined;
    const now = changes.map((c) => ({
      summary: redact(c.summary),
      actions: c.actions.map((a) => actionShape(a, !!c.madeAnew)),
    }));
    const said = e.changes.map((c) => c.summary).join('; ') || 'no change';
    if (now.length !== e.changes.length || now.some((c, i) => c.summary !== e.changes[i]!.summary))
      return `it would now do: ${now.map((c) => c.summary).join('; ') || 'nothing'}; the plan said: ${said}`;
    for (const [i, c] of now.entries()) {
      const planned = e.changes[i]!.actions;
      if (planned.length !== c.actions.length) return `${c.summary}: its actions differ from the plan's`;
      for (const [j, a] of c.actions.entries()) {
        const why = shapeDiffers(planned[j]!, a);
        if (why) return `${c.summary}: ${why} (since the plan)`;
      }
    }
    return undefined;
  }

  /** The first fact a host's plan read (on it or on a target it delegated to) that is not as it was, if any. */
  async drift(host: string, readerOf: (target: string) => Promise<FactReader>): Promise<string | undefined> {
    const mine = new Set(this.plan.entries.filter((e) => e.host === host).flatMap((e) => e.reads));
    const fps = [...mine]
      .sort((a, b) => a - b)
      .flatMap((i) => (this.plan.fingerprints[i] ? [this.plan.fingerprints[i]!] : []));
    // read all at once (the connection multiplexes them), then name the first that differs, in the plan's order
    const now = await Promise.all(fps.map(async (fp) => digestNow(fp, await readerOf(fp.target))));
    const i = fps.findIndex((fp, k) => now[k] !== undefined && now[k] !== fp.digest);
    return i < 0 ? undefined : describe(fps[i]!, host);
  }
}

/** A fact's digest read again (undefined: it cannot be read again, a command whose argv held a secret). */
async function digestNow(fp: Fingerprint, r: FactReader): Promise<string | undefined> {
  if (fp.op === 'stat') return statDigest(await r.stat(fp.path!, { follow: fp.follow, checksum: fp.checksum }));
  if (fp.op === 'read') return readDigest(await r.read(fp.path!));
  const argv = fp.argv ?? [];
  if (argv.some((a) => a.includes('********'))) return undefined;
  return probeDigest(await r.probe(argv, { keys: fp.keys }), fp.keys);
}

function describe(fp: Fingerprint, host: string): string {
  const what = fp.op === 'probe' ? `the answer of \`${fp.argv!.join(' ')}\`` : fp.path!;
  const where = fp.target === host ? '' : ` on ${fp.target}`;
  return `${what}${where} changed since the plan (read by '${fp.task}' at ${fp.loc})`;
}
