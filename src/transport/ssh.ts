// The SSH transport: ONE ssh2 connection per host for the whole run. A command without stdin, become or timeout
// goes to a long-lived `sh` on it (shell-pool.ts: a fork on the host, not a new sshd session); the others each get
// an exec channel (at most `maxChannels` at once, below sshd's MaxSessions of 10: SFTP takes one more). A small
// text file is written by one call in that shell (shell-put.ts), other files by the one SFTP session
// (sftp-put.ts). A dropped connection is made again on the next call, which first removes puts' temp files.
import type { Client, SFTPWrapper } from 'ssh2';
import type { ConnectionSpec } from './connection-spec.js';
import { KplayError } from '../core/errors.js';
import { redact } from '../core/secrets.js';
import { checkPutOptions, putError, putScript, tempPathFor } from './atomic.js';
import { becomeError, becomeFor, type Become } from './become.js';
import { openExec, Semaphore } from './channel.js';
import { drive, type Driven, type RunningProc } from './session.js';
import { becomeMarkers, commandLine } from './shell.js';
import { functionCall } from '../core/shell-functions.js';
import { quoteArgv } from '../core/shell-quote.js';
import { takeHostLock } from './host-lock.js';
import { loginUser, openConnection } from './ssh-connect.js';
import { openSftp, sftpRead } from './sftp.js';
import { sftpPut, type SftpPutHost } from './sftp-put.js';
import { ShellPool } from './shell-pool.js';
import { putInShell } from './shell-put.js';
import type { ExecOptions, ExecResult, PutDone, PutOptions, Transport } from './types.js';

export { Semaphore };
export const DEFAULT_MAX_CHANNELS = 8;

export interface SshOptions {
  maxChannels?: number | undefined;
}

export class SshTransport implements Transport {
  readonly channels: Semaphore;
  /** Connections opened so far (1 for a whole run unless the host dropped the connection). */
  connects = 0;
  private lockProc: RunningProc | undefined;
  /** Channel opens sshd refused for a moment and that were retried. */
  openRetries = 0;
  private conn: { client: Client; jumps: Client[]; gone: Promise<never> } | undefined;
  private connecting: Promise<void> | undefined;
  private sftpP: Promise<SFTPWrapper> | undefined;
  private shells: ShellPool | undefined;
  private closed = false;
  private readonly markers = becomeMarkers();
  /** Temp files of puts in progress (and of puts a dropped connection interrupted). */
  private readonly temps = new Map<string, boolean>();

  constructor(
    readonly host: string,
    readonly spec: ConnectionSpec,
    o: SshOptions = {},
  ) {
    this.channels = new Semaphore(o.maxChannels ?? DEFAULT_MAX_CHANNELS);
  }

  get user(): string {
    return loginUser(this.spec);
  }

  connect(): Promise<void> {
    this.closed = false;
    if (this.conn) return Promise.resolve();
    if (!this.connecting) {
      this.connecting = (async () => {
        const opened = await openConnection(this.host, this.spec);
        this.connects++;
        let markGone!: (e: Error) => void;
        const gone = new Promise<never>((_, reject) => (markGone = reject));
        gone.catch(() => {});
        const drop = () => {
          if (this.conn?.client !== opened.client) return;
          this.conn = undefined;
          this.sftpP = undefined;
          this.shells = undefined;
          markGone(this.lost('(the host or the network closed it)'));
          for (const j of opened.jumps) j.end();
        };
        opened.client.on('error', drop);
        opened.client.on('close', drop);
        opened.client.on('end', drop);
        this.conn = { ...opened, gone };
        this.shells = new ShellPool(() => this.channel(opened.client, 'exec sh'));
        if (this.temps.size > 0) await this.cleanTemps();
      })().finally(() => {
        this.connecting = undefined;
      });
    }
    return this.connecting;
  }

  private async cleanTemps(): Promise<void> {
    for (const [path, become] of [...this.temps]) {
      const r = await this.run(['rm', '-f', '--', path], { become }).catch(() => undefined);
      if (r && r.rc === 0) this.temps.delete(path);
    }
  }

  private async client(): Promise<Client> {
    if (!this.conn) await this.connect();
    return this.conn!.client;
  }

  private lost(what: string): KplayError {
    return new KplayError(redact(`the connection to ${this.user}@${this.spec.host} was lost ${what}`), {
      code: 'UNREACHABLE',
      host: this.host,
    });
  }

  /** Runs a command in a free long-lived shell when it can, else on an exec channel (waiting for a slot). */
  private async run(
    argv: string[],
    o: ExecOptions,
    line?: string,
    stdin?: string | Buffer | Promise<string | Buffer>,
  ): Promise<Driven & { line: string; become?: Become }> {
    const become = becomeFor(this.spec, this.user, o, this.markers);
    // The host stops a timed-out command itself (TERM to its process group, KILL 2 s later), half a second
    // after our own timer: so the TIMEOUT is always ours, not an rc 124 racing it.
    const remoteTimeoutSec = o.timeoutMs ? o.timeoutMs / 1000 + 0.5 : undefined;
    let cmd = line ?? commandLine(argv, { ...o, remoteTimeoutSec });
    if (become) cmd = become.wrap(cmd);
    const client = await this.client();
    if (!become && !o.timeoutMs && line === undefined && stdin === undefined && o.stdin === undefined && this.shells) {
      const r = await this.shells.run(cmd, functionCall(argv, o));
      if (r) return { ...r, timedOut: false, becameOk: true, passwordRefused: false, line: cmd };
    }
    const proc = await this.channel(client, cmd).catch((e: Error) => {
      throw this.conn
        ? new KplayError(`cannot open a channel on ${this.spec.host}: ${e.message}`, {
            code: 'UNREACHABLE',
            host: this.host,
          })
        : this.lost(`before running ${quoteArgv(argv)}`);
    });
    const res = await drive(proc, { stdin: stdin ?? o.stdin, timeoutMs: o.timeoutMs, become: become?.io });
    return { ...res, line: cmd, become };
  }

  /** An exec channel of `cmd`, holding a slot of the connection's channels until it has really closed (a
   *  timed-out one may take a moment). */
  private async channel(client: Client, cmd: string): Promise<RunningProc> {
    const release = await this.channels.acquire();
    try {
      const proc = await openExec(
        client,
        cmd,
        () => this.conn?.client === client,
        () => this.openRetries++,
      );
      void proc.done.then(release);
      return proc;
    } catch (e) {
      release();
      throw e;
    }
  }

  async exec(argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const t0 = performance.now();
    const r = await this.run(argv, opts);
    const shown = quoteArgv(argv);
    if (r.timedOut) {
      throw new KplayError(redact(`command timed out after ${(opts.timeoutMs ?? 0) / 1000} s: ${shown}`), {
        code: 'TIMEOUT',
        host: this.host,
      });
    }
    if (r.lost) throw this.lost(`while running ${shown}`);
    if (r.become && !r.becameOk) throw becomeError(this.host, this.spec.host, r.become, r);
    return {
      rc: r.rc,
      stdout: r.stdout.toString('utf8'),
      stderr: r.stderr.toString('utf8'),
      cmd: argv,
      durationMs: performance.now() - t0,
    };
  }

  private sftp(): Promise<SFTPWrapper> {
    if (!this.sftpP) {
      this.sftpP = this.client().then((c) => openSftp(c, this.host, this.spec.host));
      this.sftpP.catch(() => (this.sftpP = undefined));
    }
    return this.sftpP;
  }

  private get ftp(): SftpPutHost {
    return {
      host: this.host,
      address: this.spec.host,
      sftp: () => this.sftp(),
      finish: (script, go) => this.run(['sh', '-c', script], { become: false }, undefined, go),
      gone: () => this.conn?.gone,
      lost: (what) => this.lost(what),
    };
  }

  /** Become is really needed: asked for, and not already root logging in as root. */
  private needsBecome(o: { become?: boolean | undefined }): boolean {
    return becomeFor(this.spec, this.user, o, this.markers) !== undefined;
  }

  async put(path: string, content: Buffer, opts: PutOptions = {}): Promise<PutDone | undefined> {
    checkPutOptions(path, opts);
    const tmp = tempPathFor(path);
    const become = this.needsBecome(opts);
    // a small text file: one call in a long-lived shell (a failure there removed the temp file)
    const w = { tmp, target: path, content, opts };
    const inShell = !become && this.shells && (await putInShell(this.shells, this.host, w, this.temps));
    if (inShell === 'lost') throw this.lost(`while writing ${path}`);
    if (inShell) return inShell;
    this.temps.set(tmp, become);
    const script = (fromStdin: boolean) =>
      putScript({ tmp, target: path, size: content.length, fromStdin, waitGo: !fromStdin, opts });
    let r: Driven;
    try {
      if (!become) {
        r = await sftpPut(this.ftp, path, tmp, content, script(false));
      } else {
        r = await this.run(['sh', '-c', script(true)], { become: true }, undefined, content);
        const rb = r as Driven & { become?: Become };
        if (rb.become && !r.becameOk && !r.lost) {
          this.temps.delete(tmp); // sudo refused: nothing was written
          throw becomeError(this.host, this.spec.host, rb.become, r);
        }
      }
    } catch (e) {
      if (this.conn) await this.cleanTemps();
      throw e;
    }
    if (r.lost) throw this.lost(`while writing ${path}`);
    this.temps.delete(tmp); // the script removed it (or renamed it) whatever happened
    if (r.rc !== 0) throw putError(this.host, path, opts, r.rc, r.stderr.toString('utf8'));
  }

  async get(path: string, opts: { become?: boolean } = {}): Promise<Buffer | undefined> {
    if (!this.needsBecome(opts)) {
      const sftp = await this.sftp();
      return sftpRead(sftp, path, this.conn?.gone ?? Promise.reject(this.lost(`before reading ${path}`))).catch(
        (e: Error) => {
          if (e instanceof KplayError) throw e;
          throw new KplayError(`cannot read ${path} on ${this.spec.host}: ${e.message}`, {
            code: 'TASK_FAILED',
            host: this.host,
          });
        },
      );
    }
    const r = await this.run(['sh', '-c', 'if [ -e "$1" ]; then exec cat -- "$1"; else exit 66; fi', 'sh', path], {
      become: true,
    });
    if (r.lost) throw this.lost(`while reading ${path}`);
    if (r.become && !r.becameOk) throw becomeError(this.host, this.spec.host, r.become, r);
    if (r.rc === 66) return undefined;
    if (r.rc !== 0)
      throw new KplayError(`cannot read ${path} on ${this.spec.host}: ${r.stderr.toString('utf8').trim()}`, {
        code: 'TASK_FAILED',
        host: this.host,
      });
    return r.stdout;
  }

  async lockHost(owner: string): Promise<void> {
    const client = await this.client();
    const current = () => this.conn?.client === client;
    this.lockProc = await takeHostLock(this.host, client, owner, current, () => this.openRetries++, this.spec.hostLock);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.lockProc?.stdin.end();
    this.lockProc = undefined;
    const c = this.conn;
    this.conn = undefined;
    this.sftpP = undefined;
    this.shells?.close();
    this.shells = undefined;
    if (!c) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 2000);
      c.client.once('close', () => {
        clearTimeout(t);
        resolve();
      });
      c.client.end();
    });
    for (const j of c.jumps) j.end();
  }

  /** For tests: the live ssh2 client (undefined when not connected). */
  get rawClient(): Client | undefined {
    return this.conn?.client;
  }

  /** close() was called (a later call would connect again). */
  get isClosed(): boolean {
    return this.closed;
  }
}
