// Recording a plan file while `--check --plan-out` runs: every host read the plans make (through a recording
// reader per task), and per task and host the outcome and the shape of its changes.
import { taskTitle } from '../../playbook/listing.js';
import { relative } from 'node:path';
import { redact } from '../../core/secrets.js';
import type { Task } from '../../core/types.js';
import type { Change, FactReader, ProbeOptions, ProbeResult, StatInfo, TreeEntry, Vars } from '../../tasks/contract.js';
import { actionShape, probeDigest, readDigest, statDigest } from './digest.js';
import type { Fingerprint, PlanEntry, PlanFile } from './format.js';

/** Where a task is written, relative to the playbook's folder (a plan is applied from any checkout). */
export const locOf = (t: Task, base: string): string =>
  `${relative(base, t.loc.file) || t.loc.file}:${t.loc.line}:${t.loc.col}`;

/** Counts how often a task ran on a host, so a plan entry and its apply-time run are paired. */
export class Occurrences {
  private readonly seen = new Map<string, number>();
  next(host: string, loc: string): number {
    const k = `${host}\0${loc}`;
    const n = (this.seen.get(k) ?? 0) + 1;
    this.seen.set(k, n);
    return n;
  }
}

export class PlanRecorder {
  readonly fingerprints: Fingerprint[] = [];
  readonly entries: PlanEntry[] = [];
  readonly occurrences = new Occurrences();
  private readonly index = new Map<string, number>();

  /** A reader over `host` (a target's reader) that records what a task's plan reads there. */
  reading(target: string, t: Task, base: string, host: FactReader): RecordingReader {
    return new RecordingReader(host, (fp) => this.fingerprint(target, t, locOf(t, base), fp));
  }

  private fingerprint(target: string, t: Task, loc: string, fp: Omit<Fingerprint, 'target' | 'task' | 'loc'>) {
    const key = JSON.stringify([target, fp.op, fp.path, fp.argv, fp.follow, fp.checksum]);
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.fingerprints.push({ target, ...fp, task: redact(taskTitle(t)), loc }) - 1;
      this.index.set(key, i);
    }
    return i;
  }

  record(
    host: string,
    target: string,
    t: Task,
    base: string,
    status: string,
    changes: Change[],
    reads: number[],
    anew: boolean,
  ): void {
    const st = status === 'changed' || status === 'uncertain' ? status : 'ok';
    this.entries.push({
      host,
      target,
      task: redact(taskTitle(t)),
      loc: locOf(t, base),
      module: t.module,
      n: this.occurrences.next(host, locOf(t, base)),
      status: st,
      changes:
        st === 'uncertain'
          ? []
          : changes.map((c) => ({
              summary: redact(c.summary),
              actions: c.actions.map((a) => actionShape(a, anew || !!c.madeAnew)),
            })),
      reads: [...new Set(reads)],
    });
  }

  file(args: PlanFile['args'], files: Record<string, string>): PlanFile {
    return {
      kplay: 'plan',
      version: 1,
      created: new Date().toISOString(),
      args,
      files,
      fingerprints: this.fingerprints,
      entries: this.entries,
    };
  }
}

/** A FactReader that passes reads on and reports a fingerprint of each answer. */
export class RecordingReader implements FactReader {
  /** Fingerprint indexes of what was read through it. */
  readonly reads: number[] = [];

  constructor(
    private readonly host: FactReader,
    private readonly note: (fp: Omit<Fingerprint, 'target' | 'task' | 'loc'>) => number,
  ) {}

  facts(opts?: { fresh?: boolean }): Promise<Vars> {
    return this.host.facts(opts);
  }

  async stat(path: string, opts: { follow?: boolean; checksum?: 'sha1' | 'sha256' } = {}): Promise<StatInfo> {
    const st = await this.host.stat(path, opts);
    this.reads.push(
      this.note({ op: 'stat', path, follow: !!opts.follow, checksum: opts.checksum, digest: statDigest(st) }),
    );
    return st;
  }

  async read(path: string): Promise<Buffer | undefined> {
    const b = await this.host.read(path);
    this.reads.push(this.note({ op: 'read', path, digest: readDigest(b) }));
    return b;
  }

  async probe(argv: string[], opts: ProbeOptions = {}): Promise<ProbeResult> {
    const r = await this.host.probe(argv, opts);
    // a polled answer (a port, a URL) is expected to change: not a fact to compare
    if (!opts.fresh)
      this.reads.push(
        this.note({ op: 'probe', argv: argv.map(redact), keys: opts.keys, digest: probeDigest(r, opts.keys) }),
      );
    return r;
  }

  wait(seconds: number): Promise<void> {
    return this.host.wait(seconds);
  }

  controllerRead(path: string): Promise<Buffer> {
    return this.host.controllerRead(path);
  }

  controllerTree(path: string, opts?: { follow?: boolean }): Promise<TreeEntry[] | undefined> {
    return this.host.controllerTree?.(path, opts) ?? Promise.resolve(undefined);
  }

  controllerMode(path: string): Promise<number | undefined> {
    return this.host.controllerMode?.(path) ?? Promise.resolve(undefined);
  }
}
