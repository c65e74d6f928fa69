// What `kplay lab` does (lab.ts declares the commands; this file, and lab/ with it, loads when one runs).
import { KplayError } from '../core/errors.js';
import { labDown, labUp } from '../lab/lab.js';
import { labStatus, requireLab, type LabStatus } from '../lab/status.js';
import { knownPrefixes, readState } from '../lab/state.js';
import { requireRootLinux, runAttached } from '../lab/sys.js';
import { sshArgv } from '../lab/ssh.js';

const say = (l: string) => process.stderr.write(`lab: ${l}\n`);

function printStatus(labs: LabStatus[]): void {
  if (labs.length === 0) {
    console.log('no lab is up');
    return;
  }
  for (const l of labs) {
    console.log(`lab "${l.prefix}"  ${l.net}  ${l.ready ? 'ready' : 'NOT READY'}  VIP ${l.vip}`);
    console.log(`  proxy      ${l.proxy}`);
    console.log(`  inventory  ${l.inventory}/hosts.yml`);
    const w = Math.max(4, ...l.hosts.map((h) => h.name.length));
    console.log(`  ${'HOST'.padEnd(w)}  ${'ADDRESS'.padEnd(15)}  STATE`);
    for (const h of l.hosts) console.log(`  ${h.name.padEnd(w)}  ${h.ip.padEnd(15)}  ${h.state}`);
  }
}

/** Which lab a host name belongs to (the prefix given, or the one lab that has it). */
function labOfHost(host: string, prefix: string | undefined) {
  if (prefix) return requireLab(prefix);
  const owners = knownPrefixes()
    .map((p) => readState(p))
    .filter((s) => s?.hosts.some((h) => h.name === host || h.ip === host));
  if (owners.length === 1) return owners[0]!;
  if (owners.length > 1)
    throw new KplayError(`host "${host}" is in several labs`, { code: 'OPTIONS', hint: 'say which with --prefix' });
  throw new KplayError(`no lab has a host "${host}"`, { code: 'NOT_FOUND', hint: 'kplay lab status lists the hosts' });
}

export interface LabUpArgs {
  count: number;
  prefix: string;
  net: string;
  cache: string | undefined;
  inventory: string;
  json: boolean;
}

export async function labUpCommand(argv: LabUpArgs): Promise<number> {
  const ctl = new AbortController();
  const stop = () => ctl.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const r = await labUp({
      count: argv.count,
      prefix: argv.prefix,
      net: argv.net,
      cache: argv.cache,
      inventory: argv.inventory,
      log: say,
      signal: ctl.signal,
    });
    if (argv.json) console.log(JSON.stringify(r.state, null, 2));
    else {
      say(`${r.kept ? 'kept the running lab' : 'up'} in ${(r.ms / 1000).toFixed(1)} s`);
      printStatus(await labStatus({ prefix: r.state.prefix }));
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return 0;
}

export async function labDownCommand(argv: { prefix: string; all: boolean }): Promise<number> {
  const t0 = Date.now();
  const done = await labDown({ prefix: argv.prefix, all: argv.all, log: say });
  say(`${done.length ? done.join(', ') : 'nothing'} down in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return 0;
}

export async function labStatusCommand(argv: { prefix: string | undefined; json: boolean }): Promise<number> {
  const labs = await labStatus({ prefix: argv.prefix });
  if (argv.json) console.log(JSON.stringify(labs, null, 2));
  else printStatus(labs);
  return 0;
}

export async function labSshCommand(argv: {
  host: string;
  prefix: string | undefined;
  cmd: string[] | undefined;
  _: (string | number)[];
}): Promise<number> {
  requireRootLinux();
  const s = labOfHost(argv.host, argv.prefix);
  const h = s.hosts.find((x) => x.name === argv.host || x.ip === argv.host)!;
  // Words after `--` land in argv._ (after "lab ssh").
  const cmd = [...(argv.cmd ?? []), ...argv._.slice(2)].map(String);
  return runAttached(sshArgv(s.inventoryDir, h.ip, cmd, process.stdin.isTTY === true));
}
