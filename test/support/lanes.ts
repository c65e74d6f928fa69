// `npm test`: the suites in two lanes at once, each a mocha process with a lab of its own (its own prefix and
// subnet). The machine's two cores sit partly idle while one lab waits (services starting, a VIP moving, apt, a
// host rebooting); a second lab fills that time. Lane 1 holds most suites that need no lab (while lane 2 builds
// the lab's base image on a fresh machine), then those on five lab hosts (the HA cluster with its day-2 verbs
// first, then the prepare role's suite on the hosts it leaves); lane 2 the suites on three hosts, the labs of
// fixed names (test/lab/lifecycle, keepalived) and the Ansible parity suites, so its lab is never remade
// larger, then the rest of the suites without a lab (UNITS_LATE_IN_LANE_2). Each line is printed as it comes,
// led by its lane; the exit status is the worse of the two. `npx mocha` still runs everything in one process
// (.mocharc.json).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const ROOT = 'dist/test';
const FIRST_LAB = 'e2e/ha-cluster.test.js';
/** Suites without a lab that run last in lane 2, to even the lanes: lane 1 holds the HA cluster with its day-2
 *  verbs, lane 2's Ansible parity suite runs through Mitogen; build/ is the package test (~20 s). */
const UNITS_LATE_IN_LANE_2 = ['tasks/', 'cli/', 'build/'];
const LANES = [
  { name: '1', prefix: 'kpt', net: '10.79.0' },
  { name: '2', prefix: 'kpu', net: '10.79.6' },
];

/** A suite file that brings a lab up (through the shared lab or one of its own). */
function usesLab(file: string): boolean {
  return /\b(useLab|startLab|labUp)\b|lab-support\.js/.test(readFileSync(file, 'utf8'));
}

/** The most hosts a file asks of the shared lab (3 when it names none). */
function labCount(file: string): number {
  const asked = [...readFileSync(file, 'utf8').matchAll(/useLab\(this, \{ count: (\d+)/g)];
  return Math.max(3, ...asked.map((m) => Number(m[1])));
}

function split(): string[][] {
  const files = readdirSync(ROOT, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.js'))
    .map((f) => join(ROOT, f))
    .sort();
  // Lane 1 runs the suites without a lab first: on a fresh machine they keep the cores busy while lane 2's first
  // suite builds the lab's base image (debootstrap: about two minutes, downloads and one busy core).
  const late = (f: string) => UNITS_LATE_IN_LANE_2.some((d) => f.startsWith(join(ROOT, d)));
  const units = files.filter((f) => !usesLab(f));
  const labs = files.filter(usesLab);
  const five = labs
    .filter((f) => labCount(f) > 3)
    .sort((a, b) => Number(b.endsWith(FIRST_LAB)) - Number(a.endsWith(FIRST_LAB)));
  return [
    [...units.filter((f) => !late(f)), ...five],
    [...labs.filter((f) => !five.includes(f)), ...units.filter(late)],
  ];
}

function runLane(lane: (typeof LANES)[number], files: string[]): Promise<number> {
  const mocha = createRequire(import.meta.url).resolve('mocha/bin/mocha.js');
  // the options of .mocharc.json, whose spec (every file) would otherwise join the lane's
  const rc = JSON.parse(readFileSync('.mocharc.json', 'utf8')) as {
    require: string[];
    timeout: number;
    reporter: string;
  };
  const opts = ['--no-config', ...rc.require.flatMap((r) => ['--require', r]), '--timeout', String(rc.timeout)];
  const child = spawn(process.execPath, [mocha, ...opts, '--reporter', rc.reporter, ...files], {
    env: { ...process.env, KPLAY_TEST_LAB_PREFIX: lane.prefix, KPLAY_TEST_NET: lane.net },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lead = `[${lane.name}] `;
  const pipe = (from: NodeJS.ReadableStream, to: NodeJS.WriteStream) => {
    let rest = '';
    from.on('data', (d: Buffer) => {
      const lines = (rest + d.toString('utf8')).split('\n');
      rest = lines.pop()!;
      for (const l of lines) to.write(`${lead}${l}\n`);
    });
    from.on('end', () => rest && to.write(`${lead}${rest}\n`));
  };
  pipe(child.stdout, process.stdout);
  pipe(child.stderr, process.stderr);
  return new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
}

const lanes = split();
const t0 = Date.now();
const codes = await Promise.all(LANES.map((l, i) => runLane(l, lanes[i]!)));
console.log(
  `lanes: ${codes.map((c, i) => `lane ${i + 1} exit ${c}`).join(', ')}; ${((Date.now() - t0) / 1000).toFixed(0)} s`,
);
process.exitCode = Math.max(...codes);
