// The transport contract: how the engine talks to one host. Only the engine holds a Transport; modules never do.
import type { ConnectionSpec } from './connection-spec.js';

export interface ExecOptions {
  stdin?: string | Buffer | undefined;
  cwd?: string | undefined;
  env?: Record<string, string> | undefined;
  /** Run through `sh -c` (the `shell` module); otherwise argv is quoted into one command line by shell.ts. */
  shell?: boolean | undefined;
  /** Wrap in sudo (become). */
  become?: boolean | undefined;
  becomeUser?: string | undefined;
  /** The task's become_method (else the host's ansible_become_method). */
  becomeMethod?: 'sudo' | 'su' | undefined;
  timeoutMs?: number | undefined;
}

export interface ExecResult {
  rc: number;
  stdout: string;
  stderr: string;
  /** The argv (or shell line) that ran, for results and error messages. */
  cmd: string[];
  durationMs: number;
}

export interface PutOptions {
  mode?: string | undefined; // octal like '0644'
  owner?: string | undefined;
  group?: string | undefined;
  become?: boolean | undefined;
  /** A command with %s run on the temp file before it replaces the target; non-zero exit aborts. */
  validate?: string | undefined;
}

/** A write's answer: the written file's stat line (core/shell-functions.ts STAT_FIELDS), when it was read. */
export interface PutDone {
  stat: string | undefined;
}

export interface Transport {
  readonly host: string;
  /** Connect (once; later calls reuse the connection). Throws KplayError code UNREACHABLE / HOST_KEY / AUTH. */
  connect(): Promise<void>;
  exec(argv: string[], opts?: ExecOptions): Promise<ExecResult>;
  /** Atomic write: temp file beside the target, mode/owner, validate, rename. Nothing half-written on failure.
   *  May answer with the file's stat as written, read in the same round trip. */
  put(path: string, content: Buffer, opts?: PutOptions): Promise<PutDone | undefined>;
  /** A file's content, or undefined when it does not exist. */
  get(path: string, opts?: { become?: boolean }): Promise<Buffer | undefined>;
  /** Takes the host lock for this run (held until close); throws HOST_LOCKED when another run holds it. */
  lockHost?(owner: string): Promise<void>;
  close(): Promise<void>;
}

export type TransportFactory = (name: string, spec: ConnectionSpec) => Transport;
