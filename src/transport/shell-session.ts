// One long-lived POSIX `sh` on a host, fed command lines one at a time (issue 18): a command costs a fork in
// that shell instead of a new sshd session and login shell (measured in the lab: 19.5 ms of the host's CPU for
// a stat and a sha256sum over a new exec channel, 5.7 ms through the shell).
//
// Each command runs in a subshell, so `exit`, `cd` or `set -e` in it leave the shell as it was, with stdin from
// /dev/null; a call of one of kplay's registered functions runs in the shell itself
// (src/core/shell-functions.ts). After it, the shell prints a line of its own on stdout (a newline, the random
// marker, the exit status) and one on stderr (a newline, the marker): what comes before them, less that
// newline, is the command's output, bytes as they are. The marker is 128 random bits, made once per shell.
//
// Only for commands with no stdin, no become and no timeout (the SSH transport sends the others over exec
// channels): a command still running when its caller gives up would leave the shell busy.
import { randomBytes } from 'node:crypto';
import { signalNumber, type RunningProc } from './session.js';
import type { FunctionCall } from '../core/shell-functions.js';

export interface ShellResult {
  rc: number;
  stdout: Buffer;
  stderr: Buffer;
  /** The shell went away (the connection dropped, the host killed it) before the command finished. */
  lost: boolean;
}

interface Pending {
  line: string;
  /** A registered shell function's call: the function is defined in this shell before its first call. */
  call?: FunctionCall | undefined;
  resolve: (r: ShellResult) => void;
}

export class ShellSession {
  private readonly marker = randomBytes(16).toString('hex');
  private readonly outEnd: Buffer;
  private readonly errEnd: Buffer;
  private out: Buffer[] = [];
  private err: Buffer[] = [];
  private outLen = 0;
  private errLen = 0;
  /** How far the buffers were searched for the end lines already (a long output arrives in many pieces). */
  private outSeen = 0;
  private errSeen = 0;
  private current: Pending | undefined;
  private readonly queue: Pending[] = [];
  private dead = false;
  private readonly defined = new Set<string>();
  /** Settles when the shell's process has ended. */
  readonly ended: Promise<unknown>;

  constructor(private readonly proc: RunningProc) {
    this.ended = proc.done;
    this.outEnd = Buffer.from(`\n${this.marker} `);
    this.errEnd = Buffer.from(`\n${this.marker}\n`);
    proc.stdout.on('data', (d: Buffer) => {
      this.out.push(d);
      this.outLen += d.length;
      this.settle();
    });
    proc.stderr.on('data', (d: Buffer) => {
      this.err.push(d);
      this.errLen += d.length;
      this.settle();
    });
    void proc.done.then((end) => this.die(end));
    proc.stdin.on('error', () => this.die({ code: null, lost: true }));
  }

  /** Free for a new command right now. */
  get idle(): boolean {
    return !this.dead && !this.current && this.queue.length === 0;
  }

  get alive(): boolean {
    return !this.dead;
  }

  /** Runs one shell command line; resolves when it has finished (or the shell is gone: `lost`). */
  run(line: string, call?: FunctionCall): Promise<ShellResult> {
    return new Promise((resolve) => {
      const p = { line: call?.line ?? line, call, resolve };
      if (this.dead) return resolve({ rc: -1, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), lost: true });
      this.queue.push(p);
      if (!this.current) this.next();
    });
  }

  close(): void {
    this.proc.kill();
  }

  private next(): void {
    const p = this.queue.shift();
    this.current = p;
    this.proc.hold?.(p !== undefined);
    if (!p) return;
    const m = this.marker;
    let define = '';
    if (p.call && !this.defined.has(p.call.name)) {
      this.defined.add(p.call.name);
      define = `${p.call.definition}\n`;
    }
    // a registered function runs in this shell (its body returns, never exits: shell-functions.ts); any other
    // line in a subshell
    const run = p.call ? `${p.line} </dev/null` : `(\n${p.line}\n) </dev/null`;
    this.proc.stdin.write(`${define}${run}; printf '\\n%s %d\\n' ${m} $?; printf '\\n%s\\n' ${m} >&2\n`);
  }

  private settle(): void {
    if (!this.current) return;
    const out = this.out.length === 1 ? this.out[0]! : Buffer.concat(this.out, this.outLen);
    this.out = [out];
    const o = out.indexOf(this.outEnd, Math.max(0, this.outSeen - this.outEnd.length));
    const eol = o < 0 ? -1 : out.indexOf(0x0a, o + this.outEnd.length);
    if (eol < 0) {
      this.outSeen = o < 0 ? out.length : o;
      return;
    }
    const err = this.err.length === 1 ? this.err[0]! : Buffer.concat(this.err, this.errLen);
    this.err = [err];
    const e = err.indexOf(this.errEnd, Math.max(0, this.errSeen - this.errEnd.length));
    if (e < 0) {
      this.outSeen = o;
      this.errSeen = err.length;
      return;
    }
    const rc = Number(out.subarray(o + this.outEnd.length, eol).toString('latin1'));
    const result = {
      rc: Number.isInteger(rc) ? rc : -1,
      stdout: Buffer.from(out.subarray(0, o)),
      stderr: Buffer.from(err.subarray(0, e)),
      lost: false,
    };
    const restOut = Buffer.from(out.subarray(eol + 1));
    const restErr = Buffer.from(err.subarray(e + this.errEnd.length));
    this.out = restOut.length ? [restOut] : [];
    this.outLen = restOut.length;
    this.err = restErr.length ? [restErr] : [];
    this.errLen = restErr.length;
    this.outSeen = 0;
    this.errSeen = 0;
    const p = this.current;
    this.current = undefined;
    p.resolve(result);
    this.next();
  }

  /** The shell ended: the commands sent end as it did (a signal: 128 + its number, as a shell reports it), or
   *  are lost with the connection. */
  private die(end: { code: number | null; signal?: string | null | undefined; lost?: boolean }): void {
    if (this.dead) return;
    this.dead = true;
    const rc = end.signal ? signalNumber(end.signal) : (end.code ?? -1);
    const ended = { rc, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), lost: end.lost === true || rc === -1 };
    for (const p of [...(this.current ? [this.current] : []), ...this.queue.splice(0)]) p.resolve(ended);
    this.current = undefined;
  }
}
