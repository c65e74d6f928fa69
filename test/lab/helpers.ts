// Test helpers for the lab. Integration tests call `useLab(this)` in their `before`: the shared lab comes up
// once (lazily: unit-only runs never pay for it) and the root hook (test/hooks.ts) takes it down at the end,
// also on failure and on Ctrl-C / SIGTERM. Tag such suites "@lab" so `npm run test:unit` leaves them out.
//
//   describe('@lab my feature', function () {
//     let lab: LabHandle;
//     before(async function () { lab = await useLab(this); });
//     it('...', async () => { const r = await lab.exec('kpt1', 'systemctl is-active ssh'); ... });
//   });
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execIn, initPid } from '../../src/lab/host.js';
import { labDown, labUp, type UpOptions } from '../../src/lab/lab.js';
import { sshArgv } from '../../src/lab/ssh.js';
import { RUN_ROOT, readState, type LabState } from '../../src/lab/state.js';
import { labUnsupportedReason, lockHolder, run, tryLock, type RunOptions, type RunResult } from '../../src/lab/sys.js';

export const SHARED_PREFIX = process.env.KPLAY_TEST_LAB_PREFIX || 'kpt';
export const SHARED_NET = process.env.KPLAY_TEST_NET || '10.79.0';

export interface LabHandle {
  state: LabState;
  prefix: string;
  /** The site folder: hosts.yml, id_ed25519, known_hosts. */
  inventory: string;
  hostsFile: string;
  hosts: { name: string; ip: string }[];
  vip: string;
  /** Runs a command inside a host without ssh (nsenter): argv as given, a string through bash -c. */
  exec(host: string, cmd: string | string[], opts?: RunOptions): Promise<RunResult>;
  /** Runs a command through the system ssh client with the site's key and strict host-key checking. */
  ssh(host: string, cmd: string, opts?: RunOptions): Promise<RunResult>;
}

export function handle(state: LabState): LabHandle {
  const find = (host: string) => {
    const h = state.hosts.find((x) => x.name === host || x.ip === host);
    if (!h) throw new Error(`lab ${state.prefix} has no host ${host}`);
    return h;
  };
  return {
    state,
    prefix: state.prefix,
    inventory: state.inventoryDir,
    hostsFile: join(state.inventoryDir, 'hosts.yml'),
    hosts: state.hosts.map((h) => ({ name: h.name, ip: h.ip })),
    vip: state.vip,
    async exec(host, cmd, opts = {}) {
      const h = find(host);
      const init = initPid(state.cgroups.map((c) => join(c, h.name)));
      if (!init) throw new Error(`host ${host} is not running`);
      return execIn(init, typeof cmd === 'string' ? ['bash', '-c', cmd] : cmd, opts);
    },
    ssh(host, cmd, opts = {}) {
      return run(sshArgv(state.inventoryDir, find(host).ip, [cmd]), opts);
    },
  };
}

// Labs this test process started, for the teardown at the end (and on signals).
const started = new Set<string>();

// One test run at a time uses a shared lab prefix on a machine (KPLAY_TEST_LAB_PREFIX: `npm test` runs two lanes,
// each with its own, test/support/lanes.ts): a second run waits for the first. A lock whose holder died is taken
// over; its labs are remade by the next `up`.
const RUN_LOCK = join(RUN_ROOT, `test-run-${SHARED_PREFIX}.lock`);
let runLock: Promise<void> | undefined;
function acquireRunLock(): Promise<void> {
  runLock ??= (async () => {
    mkdirSync(RUN_ROOT, { recursive: true });
    for (let i = 0; !tryLock(RUN_LOCK); i++) {
      if (i === 0)
        console.log(`      (waiting for another test run, pid ${lockHolder(RUN_LOCK)}, to finish with the lab)`);
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  return runLock;
}
function releaseRunLock(): void {
  if (!runLock) return;
  if (lockHolder(RUN_LOCK) === process.pid) rmSync(RUN_LOCK, { force: true });
  runLock = undefined;
}
let shared: Promise<LabHandle> | undefined;
let sharedCount = 0;
let skipNoted = false;

/** Why lab tests cannot run here (undefined when they can). */
export function labSkipReason(): string | undefined {
  return labUnsupportedReason();
}

/** Skips the calling suite (one line saying why) when the lab cannot run; with CI=true, fails instead. */
export function requireLabOrSkip(ctx: Mocha.Context): void {
  const why = labSkipReason();
  if (!why) return;
  if (process.env.CI === 'true') throw new Error(`CI=true but the lab cannot run: ${why}`);
  if (!skipNoted) {
    skipNoted = true;
    console.log(`  (lab integration tests skipped: ${why})`);
  }
  ctx.skip();
}

/** Brings up (or reuses) a lab this test run owns; it is taken down at the end of the run. */
export async function startLab(o: UpOptions & { prefix: string }): Promise<LabHandle> {
  installSignalTeardown();
  await acquireRunLock();
  started.add(o.prefix);
  const r = await labUp({ inventory: join(tmpdir(), `kplay-test-lab-${o.prefix}`), ...o });
  return handle(r.state);
}

/** Takes a lab down (nothing to do where labs cannot run, e.g. after a skipped suite). */
export async function stopLab(prefix: string): Promise<void> {
  if (labSkipReason()) return;
  await acquireRunLock();
  await labDown({ prefix });
  started.delete(prefix);
}

/** The shared lab for integration tests (at least `count` hosts, 3 by default), up once per run. */
export async function useLab(ctx: Mocha.Context, o: { count?: number } = {}): Promise<LabHandle> {
  requireLabOrSkip(ctx);
  ctx.timeout(1_800_000); // a first run builds the base image, and another test run may hold the lab (lock)
  const want = Math.max(o.count ?? 3, sharedCount, 3);
  if (!shared || want > sharedCount) {
    const before = shared;
    sharedCount = want;
    shared = (async () => {
      await before?.catch(() => {});
      return startLab({
        count: want,
        prefix: SHARED_PREFIX,
        net: SHARED_NET,
        log: (l) => process.stderr.write(`      lab: ${l}\n`),
      });
    })();
    shared.catch(() => {
      shared = undefined;
      sharedCount = 0;
    });
  }
  const h = await shared;
  // A suite may have taken the shared lab down or broken it; bring it back (idempotent when healthy).
  if (!readState(SHARED_PREFIX)?.ready) return startLab({ count: want, prefix: SHARED_PREFIX, net: SHARED_NET });
  return h;
}

/** Root afterAll: takes down every lab this run started. */
export async function labAfterAll(): Promise<void> {
  for (const p of [...started]) {
    try {
      await stopLab(p);
    } catch (e) {
      console.error(`lab ${p}: teardown failed: ${(e as Error).message}`);
    }
  }
  shared = undefined;
  sharedCount = 0;
  releaseRunLock();
}

let signalsInstalled = false;
function installSignalTeardown(): void {
  if (signalsInstalled) return;
  signalsInstalled = true;
  const downMain = fileURLToPath(new URL('./down-main.js', import.meta.url));
  for (const [sig, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    // First in line (before mocha's own handler), and synchronous: the labs are down before the exit.
    process.prependListener(sig, () => {
      if (started.size > 0) {
        process.stderr.write(`\n${sig}: taking down lab ${[...started].join(', ')}\n`);
        spawnSync(process.execPath, [downMain, ...started], { stdio: 'inherit', timeout: 60_000 });
      }
      releaseRunLock();
      process.exit(code);
    });
  }
}
