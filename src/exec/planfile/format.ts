// The plan file `kplay run --check --plan-out plan.json` writes and `kplay apply plan.json` executes: the run's
// arguments, per host and task the changes planned (their shape, and a digest of their bytes, never the bytes),
// and a fingerprint of every host fact the plans read, so apply can refuse a host that drifted. No secret is
// ever in it: values are references (digests), bytes that hold a secret are marked, and the whole text is
// checked against the run's secrets before it is written.
import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { KplayError } from '../../core/errors.js';
import { holdsSecret } from '../../core/secrets.js';

export const PLAN_VERSION = 1;

/** One host fact a plan read: a stat, a file's bytes, or a read-only command's answer, with its digest. */
const fingerprint = z.object({
  target: z.string(),
  op: z.enum(['stat', 'read', 'probe']),
  path: z.string().optional(),
  argv: z.array(z.string()).optional(),
  follow: z.boolean().optional(),
  checksum: z.enum(['sha1', 'sha256']).optional(),
  /** A Key=Value answer: only these keys were the plan's (ProbeOptions.keys). */
  keys: z.array(z.string()).optional(),
  digest: z.string(),
  /** The first task that read it (name, and where it is written). */
  task: z.string(),
  loc: z.string(),
});

/** An action without its bytes: `content` is their sha256, 'secret' (they hold one) or 'anew' (made anew by each
 *  plan: a new key, a certificate for it). */
const action = z.object({
  exec: z.array(z.string()).optional(),
  put: z.string().optional(),
  remove: z.string().optional(),
  controllerPut: z.string().optional(),
  recurse: z.boolean().optional(),
  mode: z.string().optional(),
  owner: z.string().optional(),
  group: z.string().optional(),
  content: z.string().optional(),
});

const entry = z.object({
  host: z.string(),
  /** Where the task acts (delegate_to), the host itself otherwise. */
  target: z.string(),
  task: z.string(),
  loc: z.string(),
  module: z.string(),
  /** The how-manieth time this task ran on this host in the run (loops, handlers, a file imported twice). */
  n: z.number().int(),
  status: z.enum(['ok', 'changed', 'uncertain']),
  changes: z.array(z.object({ summary: z.string(), actions: z.array(action) })),
  /** Indexes into `fingerprints`: what this task's plan read on its target. */
  reads: z.array(z.number().int()),
});

const planFile = z.object({
  kplay: z.literal('plan'),
  version: z.literal(PLAN_VERSION),
  created: z.string(),
  args: z.object({
    playbook: z.string(),
    inventory: z.array(z.string()),
    limit: z.string().optional(),
    extraVars: z.array(z.string()),
    tags: z.array(z.string()),
    skipTags: z.array(z.string()),
    startAtTask: z.string().optional(),
    forks: z.number().optional(),
    diff: z.boolean(),
    /** --force-handlers (absent in plans written before it was kept). */
    forceHandlers: z.boolean().optional(),
  }),
  /** sha256 of the playbook and inventory files as they were planned. */
  files: z.record(z.string(), z.string()),
  fingerprints: z.array(fingerprint),
  entries: z.array(entry),
});

export type PlanFile = z.infer<typeof planFile>;
export type Fingerprint = z.infer<typeof fingerprint>;
export type PlanEntry = z.infer<typeof entry>;
export type ActionShape = z.infer<typeof action>;

export function writePlan(path: string, plan: PlanFile): void {
  const text = `${JSON.stringify(plan, null, 1)}\n`;
  // the recorder keeps only references and redacted text: a secret here is a bug, and is never written
  if (holdsSecret(text))
    throw new KplayError(`the plan holds a secret: not written to ${path}`, {
      code: 'INTERNAL',
      hint: 'a bug in kplay: please report it (the plan was not written)',
    });
  writeFileSync(path, text, { mode: 0o600 });
}

export function readPlan(path: string): PlanFile {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new KplayError(`cannot read the plan ${path}: ${(e as Error).message}`, { code: 'PLAN_FILE' });
  }
  const r = planFile.safeParse(data);
  if (!r.success) {
    const first = r.error.issues[0]!;
    throw new KplayError(
      `${path} is not a kplay plan (version ${PLAN_VERSION}): ${first.path.join('.')}: ${first.message}`,
      {
        code: 'PLAN_FILE',
      },
    );
  }
  return r.data;
}
