// Drives one running command (an ssh exec channel or a local child process): feeds stdin, collects stdout
// and stderr as bytes, enforces the command timeout, and speaks to sudo when the command runs under become
// (see shell.ts): the password is written only when sudo shows our prompt, stdin only once the inner shell has
// printed the marker (so stdin always reaches the command, never sudo), and the marker is stripped from stdout.
import { constants } from 'node:os';
import type { Readable, Writable } from 'node:stream';

export interface RunningProc {
  stdin: Writable;
  stdout: Readable;
  stderr: Readable;
  /** Stop the command hard (SIGKILL / close the channel). */
  kill(): void;
  /** Settles once the command has exited and its streams are closed. `lost` = the connection went away. */
  done: Promise<{ code: number | null; signal?: string | null | undefined; lost?: boolean }>;
  /** A long-lived process on the controller keeps the run alive only while it has work (a shell left idle
   *  never holds kplay up at its end). */
  hold?: (busy: boolean) => void;
}

export interface DriveOptions {
  /** What the command reads; a promise is written when it settles (the command waits for it meanwhile). */
  stdin?: string | Buffer | Promise<string | Buffer> | undefined;
  timeoutMs?: number | undefined;
  become?: { marker: string; prompt: string; password?: string | undefined } | undefined;
}

export interface Driven {
  rc: number;
  stdout: Buffer;
  stderr: Buffer;
  timedOut: boolean;
  /** The connection went away before the command reported its exit. */
  lost: boolean;
  /** With become: did the inner shell run (sudo accepted)? */
  becameOk: boolean;
  /** With become and a password: sudo asked again, the password was refused. */
  passwordRefused: boolean;
}

/** The exit status a shell gives a process that a signal ended (128 + its number); -1 for none. */
export function signalNumber(sig: string | null | undefined): number {
  if (!sig) return -1;
  const n = (constants.signals as Record<string, number>)[sig.startsWith('SIG') ? sig : `SIG${sig}`];
  return n === undefined ? -1 : 128 + n;
}

const GRACE_MS = 1500;

export async function drive(p: RunningProc, o: DriveOptions): Promise<Driven> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const b = o.become;
  const markerLine = b ? Buffer.from(`${b.marker}\n`) : undefined;
  let head: Buffer | undefined = markerLine ? Buffer.alloc(0) : undefined; // stdout held until the marker is seen
  let becameOk = false;
  let passwordRefused = false;
  let prompts = 0;
  let errText = '';
  let timedOut = false;
  let timeoutFired = () => {};
  p.stdin.on('error', () => {}); // the command may exit without reading its stdin
  const sendStdin = () => {
    void Promise.resolve(o.stdin).then((v) => {
      if (p.stdin.writableEnded) return;
      if (v !== undefined && v.length > 0) p.stdin.end(v);
      else p.stdin.end();
    });
  };
  p.stdout.on('data', (d: Buffer) => {
    if (head === undefined || !markerLine) {
      out.push(d);
      return;
    }
    head = Buffer.concat([head, d]);
    const n = Math.min(head.length, markerLine.length);
    if (!head.subarray(0, n).equals(markerLine.subarray(0, n))) {
      out.push(head); // not our marker: pass everything through
      head = undefined;
      return;
    }
    if (head.length >= markerLine.length) {
      becameOk = true;
      out.push(head.subarray(markerLine.length));
      head = undefined;
      sendStdin();
    }
  });
  p.stderr.on('data', (d: Buffer) => {
    if (!b || b.password === undefined) {
      err.push(d);
      return;
    }
    errText += d.toString('latin1');
    let i: number;
    while ((i = errText.indexOf(b.prompt)) >= 0) {
      errText = errText.slice(0, i) + errText.slice(i + b.prompt.length);
      prompts++;
      if (prompts === 1 && !becameOk) p.stdin.write(`${b.password}\n`);
      else {
        passwordRefused = true;
        p.kill();
      }
    }
  });
  if (!b) sendStdin();
  const timer =
    o.timeoutMs && o.timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          p.kill();
          timeoutFired();
        }, o.timeoutMs)
      : undefined;
  // After a timeout, wait a little for the command to go, but do not hang on a process that ignores it
  // (the caller keeps its channel slot until the channel really closes).
  let graceTimer: NodeJS.Timeout | undefined;
  const afterTimeout = new Promise<{ code: number | null; lost?: boolean }>((resolve) => {
    timeoutFired = () => (graceTimer = setTimeout(() => resolve({ code: null }), GRACE_MS));
  });
  let res: Awaited<RunningProc['done']>;
  try {
    res = await Promise.race([p.done, afterTimeout]);
  } finally {
    if (timer) clearTimeout(timer);
    if (graceTimer) clearTimeout(graceTimer);
  }
  if (head !== undefined && head.length > 0) out.push(head);
  if (b && b.password !== undefined) {
    // What is left of stderr, the prompts removed (latin1 round-trips the bytes).
    err.push(Buffer.from(errText, 'latin1'));
  }
  if (!p.stdin.writableEnded) p.stdin.end();
  const rc = res.code ?? signalNumber(res.signal);
  return {
    rc,
    stdout: Buffer.concat(out),
    stderr: Buffer.concat(err),
    timedOut,
    lost: !!res.lost,
    becameOk,
    passwordRefused,
  };
}
