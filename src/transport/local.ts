// The local transport: commands on the controller itself (`delegate_to: localhost`, implicit localhost,
// ansible_connection=local). Same command lines (shell.ts), same become (sudo) and the same atomic put script
// as over ssh, run by /bin/sh in a child process of its own process group (a timeout stops the whole group);
// plain commands go to a long-lived shell (shell-pool.ts), as over ssh.
import { spawn } from 'node:child_process';
import { userInfo } from 'node:os';
import type { ConnectionSpec } from './connection-spec.js';
import { KplayError } from '../core/errors.js';
import { redact } from '../core/secrets.js';
import { checkPutOptions, putError, putScript, tempPathFor } from './atomic.js';
import { becomeError, becomeFor, type Become } from './become.js';
import { drive, type Driven, type RunningProc } from './session.js';
import { becomeMarkers, commandLine } from './shell.js';
import { functionCall } from '../core/shell-functions.js';
import { ShellPool } from './shell-pool.js';
import { putInShell } from './shell-put.js';
import { quoteArgv } from '../core/shell-quote.js';
import type { ExecOptions, ExecResult, PutDone, PutOptions, Transport } from './types.js';

export class LocalTransport implements Transport {
  private readonly markers = becomeMarkers();
  readonly spec: ConnectionSpec;
  /** Long-lived shells for plain commands (no stdin, become or timeout): a fork of a small shell each, not of
   *  kplay's own large process. */
  private readonly shells = new ShellPool(async () => {
    const { proc, spawned } = startSh(this.host, []);
    await Promise.race([spawned, new Promise((r) => setImmediate(r))]);
    return proc;
  });

  constructor(
    readonly host: string,
    spec?: Partial<ConnectionSpec>,
  ) {
    this.spec = {
      connection: 'local',
      host: 'localhost',
      port: 22,
      become: false,
      becomeMethod: 'sudo',
      becomeUser: 'root',
      proxyJump: [],
      warnings: [],
      ...spec,
    };
  }

  async connect(): Promise<void> {}

  private async run(argv: string[], o: ExecOptions, stdin?: Buffer): Promise<Driven & { become?: Become }> {
    const become = becomeFor(this.spec, userInfo().username, o, this.markers);
    let line = commandLine(argv, o);
    if (become) line = become.wrap(line);
    if (!become && !o.timeoutMs && stdin === undefined && o.stdin === undefined) {
      const r = await this.shells.run(line, functionCall(argv, o));
      if (r) return { ...r, timedOut: false, becameOk: true, passwordRefused: false };
    }
    const { proc, spawned } = startSh(this.host, ['-c', line]);
    const res = await Promise.race([
      drive(proc, { stdin: stdin ?? o.stdin, timeoutMs: o.timeoutMs, become: become?.io }),
      spawned,
    ]);
    return { ...res, become };
  }

  async exec(argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const t0 = performance.now();
    const r = await this.run(argv, opts);
    if (r.timedOut) {
      throw new KplayError(redact(`command timed out after ${(opts.timeoutMs ?? 0) / 1000} s: ${quoteArgv(argv)}`), {
        code: 'TIMEOUT',
        host: this.host,
      });
    }
    if (r.become && !r.becameOk) throw becomeError(this.host, 'the controller', r.become, r);
    return {
      rc: r.rc,
      stdout: r.stdout.toString('utf8'),
      stderr: r.stderr.toString('utf8'),
      cmd: argv,
      durationMs: performance.now() - t0,
    };
  }

  async put(path: string, content: Buffer, opts: PutOptions = {}): Promise<PutDone | undefined> {
    checkPutOptions(path, opts);
    const tmp = tempPathFor(path);
    const become = becomeFor(this.spec, userInfo().username, opts, this.markers);
    // a small text file: one call in a long-lived shell (shell-put.ts)
    const w = { tmp, target: path, content, opts };
    const inShell = !become && (await putInShell(this.shells, this.host, w, new Map()));
    if (inShell && inShell !== 'lost') return inShell;
    const script = putScript({ tmp, target: path, size: content.length, fromStdin: true, opts });
    const r = await this.run(['sh', '-c', script], { become: opts.become }, content);
    if (r.become && !r.becameOk) throw becomeError(this.host, 'the controller', r.become, r);
    if (r.rc !== 0) throw putError(this.host, path, opts, r.rc, r.stderr.toString('utf8'));
  }

  async get(path: string, opts: { become?: boolean } = {}): Promise<Buffer | undefined> {
    const r = await this.run(['sh', '-c', 'if [ -e "$1" ]; then exec cat -- "$1"; else exit 66; fi', 'sh', path], {
      become: opts.become,
    });
    if (r.become && !r.becameOk) throw becomeError(this.host, 'the controller', r.become, r);
    if (r.rc === 66) return undefined;
    if (r.rc !== 0)
      throw new KplayError(`cannot read ${path}: ${r.stderr.toString('utf8').trim()}`, {
        code: 'TASK_FAILED',
        host: this.host,
      });
    return r.stdout;
  }

  async close(): Promise<void> {
    this.shells.close();
  }
}

/** /bin/sh in a child process of its own process group (a kill stops the whole group). `spawned` rejects when
 *  it cannot start. */
function startSh(host: string, args: string[]): { proc: RunningProc; spawned: Promise<never> } {
  const child = spawn('/bin/sh', args, { stdio: 'pipe', detached: true });
  const spawned = new Promise<never>((_, reject) =>
    child.once('error', (e) =>
      reject(new KplayError(`cannot run /bin/sh on the controller: ${e.message}`, { code: 'INTERNAL', host })),
    ),
  );
  spawned.catch(() => {});
  let killTimer: NodeJS.Timeout | undefined;
  const group = (sig: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, sig);
    } catch {
      /* gone */
    }
  };
  const done = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('close', (code, signal) => {
      if (killTimer) clearTimeout(killTimer);
      resolve({ code, signal });
    }),
  );
  const handles = [child, child.stdin, child.stdout, child.stderr];
  const proc: RunningProc = {
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: child.stderr,
    done,
    kill() {
      group('SIGTERM');
      // never what holds kplay up at its end: a command's own wait for it does while it runs
      killTimer = setTimeout(() => group('SIGKILL'), 1000).unref();
    },
    hold(busy) {
      for (const h of handles) (h as { ref(): void; unref(): void })[busy ? 'ref' : 'unref']();
    },
  };
  return { proc, spawned };
}
