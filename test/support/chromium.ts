// Headless Chromium (Debian's `chromium`) driven over the DevTools protocol through a pipe (--remote-debugging-pipe:
// messages are JSON, each ended by a NUL byte; Chromium reads fd 3 and writes fd 4). Enough to open a page, run
// script in it, type into it and take a screenshot: the report's browser test needs no more.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

export const CHROMIUM = '/usr/bin/chromium';

type Message = { id?: number; method?: string; params?: Record<string, unknown>; result?: unknown; error?: unknown };

export class Browser {
  private next = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private waiters: { method: string; resolve: () => void }[] = [];
  private session = '';

  private constructor(
    private readonly proc: ChildProcess,
    private readonly profile: string,
  ) {
    let buf = '';
    (proc.stdio[4] as Readable).on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      let at: number;
      while ((at = buf.indexOf('\0')) >= 0) {
        this.onMessage(JSON.parse(buf.slice(0, at)) as Message);
        buf = buf.slice(at + 1);
      }
    });
  }

  static async open(width = 1400, height = 1000): Promise<Browser> {
    const profile = mkdtempSync(join(tmpdir(), 'kplay-chromium-'));
    const args = [
      '--headless',
      '--remote-debugging-pipe',
      '--no-sandbox', // tests run as root, where Chromium's sandbox refuses to start
      '--disable-gpu',
      '--disable-dev-shm-usage', // a small /dev/shm (containers) would crash its renderer
      '--no-first-run',
      '--disable-extensions',
      '--disable-background-networking',
      `--user-data-dir=${profile}`,
      `--window-size=${width},${height}`,
      'about:blank',
    ];
    const proc = spawn(CHROMIUM, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'], detached: true });
    const b = new Browser(proc, profile);
    const { targetInfos } = (await b.send('Target.getTargets')) as {
      targetInfos: { type: string; targetId: string }[];
    };
    const page = targetInfos.find((t) => t.type === 'page');
    const targetId = page
      ? page.targetId
      : ((await b.send('Target.createTarget', { url: 'about:blank' })) as { targetId: string }).targetId;
    b.session = (
      (await b.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string }
    ).sessionId;
    await b.send('Page.enable');
    await b.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false });
    return b;
  }

  private onMessage(m: Message): void {
    if (m.id !== undefined) {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error) p?.reject(new Error(`DevTools: ${JSON.stringify(m.error)}`));
      else p?.resolve(m.result);
    } else if (m.method) {
      for (const w of this.waiters.filter((x) => x.method === m.method)) w.resolve();
      this.waiters = this.waiters.filter((x) => x.method !== m.method);
    }
  }

  send(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.next++;
    const msg: Record<string, unknown> = { id, method, params };
    if (this.session && !/^(Target|Browser)\./.test(method)) msg.sessionId = this.session;
    (this.proc.stdio[3] as Writable).write(`${JSON.stringify(msg)}\0`);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      setTimeout(() => reject(new Error(`DevTools: ${method} got no answer in 30 s`)), 30_000).unref();
    });
  }

  private event(method: string): Promise<void> {
    return new Promise((resolve) => this.waiters.push({ method, resolve }));
  }

  /** Opens a page and waits for its load event. By way of about:blank: a new fragment on the page shown would be
   *  a navigation within the document, which loads nothing. */
  async goto(url: string): Promise<void> {
    for (const u of ['about:blank', url]) {
      const loaded = this.event('Page.loadEventFired');
      await this.send('Page.navigate', { url: u });
      await Promise.race([
        loaded,
        new Promise((_, reject) => setTimeout(() => reject(new Error(`${u} did not load in 30 s`)), 30_000).unref()),
      ]);
    }
  }

  /** The value of an expression evaluated in the page (awaited when it is a promise). */
  async eval<T>(expression: string): Promise<T> {
    const r = (await this.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true })) as {
      result: { value: T };
      exceptionDetails?: { exception?: { description?: string }; text: string };
    };
    if (r.exceptionDetails)
      throw new Error(`in the page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value;
  }

  /** Types text into the focused element, as a user would (key events and input events). */
  async type(text: string): Promise<void> {
    await this.send('Input.insertText', { text });
  }

  async screenshot(): Promise<Buffer> {
    const r = (await this.send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: false })) as {
      data: string;
    };
    return Buffer.from(r.data, 'base64');
  }

  async close(): Promise<void> {
    try {
      await Promise.race([this.send('Browser.close'), new Promise((r) => setTimeout(r, 3000))]);
    } catch {
      /* gone already */
    }
    const exited = new Promise((r) => (this.proc.exitCode !== null ? r(0) : this.proc.once('exit', r)));
    try {
      process.kill(-this.proc.pid!, 'SIGKILL'); // the browser and its helper processes
    } catch {
      /* gone already */
    }
    await exited;
    rmSync(this.profile, { recursive: true, force: true, maxRetries: 5 });
  }
}
