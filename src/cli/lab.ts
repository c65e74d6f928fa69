// `kplay lab ...`: throwaway Linux hosts on this machine (network namespaces + systemd-nspawn).
import type { Argv } from 'yargs';
import { KplayError } from '../core/errors.js';
import { labDown, labUp } from '../lab/lab.js';
import { labStatus, requireLab, type LabStatus } from '../lab/status.js';
import { knownPrefixes, readState, DEFAULT_NET, DEFAULT_PREFIX, MAX_HOSTS } from '../lab/state.js';
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

export type Guard = (fn: () => Promise<number>) => Promise<void>;

/** Without the CLI's guard: print a KplayError plainly and exit with its code. */
const ownGuard: Guard = async (fn) => {
  let code: number;
  try {
    code = await fn();
  } catch (e) {
    if (!(e instanceof KplayError)) throw e;
    process.stderr.write(`ERROR: ${e.format()}\n`);
    code = e.exitCode;
  }
  if (code !== 0) process.exit(code);
};

/** Registers `kplay lab` and its subcommands. `guard` (the CLI's) reports errors and sets the exit code. */
export function labCommand(y: Argv, guard: Guard = ownGuard): Argv {
  return y.command('lab', 'Throwaway Linux hosts on this machine, for tests and trying playbooks', (a) =>
    a
      .usage(
        'kplay lab <command>\n\nReal Debian hosts (systemd, sshd, apt) in network namespaces on one bridge, ' +
          'booted with systemd-nspawn ' +
          'from a cached base image. Needs Linux and root. ' +
          '`up` writes a ready site (hosts.yml, ssh key, known_hosts) to inventories/lab/.',
      )
      .command(
        'up [count]',
        'Start COUNT hosts (kept as they are if a healthy lab of that size is up) and write the site',
        (b) =>
          b
            .positional('count', { type: 'number', default: 3, describe: `number of hosts (1-${MAX_HOSTS})` })
            .option('prefix', {
              type: 'string',
              default: DEFAULT_PREFIX,
              describe: 'names the lab, its hosts (<prefix>1..N), links and namespaces',
            })
            .option('net', {
              type: 'string',
              default: DEFAULT_NET,
              describe: 'first three octets of the lab /24 (bridge .1, VIP .10, hosts .11 up); refused if in use',
            })
            .option('cache', {
              type: 'string',
              describe: 'cache folder for the base image and .deb files [default: $KPLAY_CACHE_DIR or ~/.cache/kplay]',
            })
            .option('inventory', {
              type: 'string',
              default: 'inventories/lab',
              describe: 'folder for the site (hosts.yml, id_ed25519, known_hosts)',
            })
            .option('json', { type: 'boolean', default: false, describe: 'print the lab as JSON' })
            .example('kplay lab up 3', 'three hosts kp1..kp3 on 10.77.0.0/24')
            .example('kplay lab up 6 --prefix t --net 10.78.0 --inventory /tmp/t', 'a second lab beside the first'),
        (argv) =>
          guard(async () => {
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
          }),
      )
      .command(
        'down',
        'Stop the hosts and remove everything the lab made (safe to run twice)',
        (b) =>
          b
            .option('prefix', { type: 'string', default: DEFAULT_PREFIX, describe: 'which lab' })
            .option('all', { type: 'boolean', default: false, describe: 'every lab on this machine' }),
        (argv) =>
          guard(async () => {
            const t0 = Date.now();
            const done = await labDown({ prefix: argv.prefix, all: argv.all, log: say });
            say(`${done.length ? done.join(', ') : 'nothing'} down in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
            return 0;
          }),
      )
      .command(
        'status',
        'Show the labs and the state of their hosts',
        (b) =>
          b
            .option('prefix', { type: 'string', describe: 'only this lab [default: all]' })
            .option('json', { type: 'boolean', default: false, describe: 'print JSON' }),
        (argv) =>
          guard(async () => {
            const labs = await labStatus({ prefix: argv.prefix });
            if (argv.json) console.log(JSON.stringify(labs, null, 2));
            else printStatus(labs);
            return 0;
          }),
      )
      .command(
        'ssh <host> [cmd..]',
        "Open a shell on a lab host, or run a command there (ssh with the site's key and known_hosts)",
        (b) =>
          b
            .positional('host', { type: 'string', demandOption: true, describe: 'host name (e.g. kp1) or address' })
            .positional('cmd', {
              type: 'string',
              array: true,
              describe: 'command to run (after --, if it has options)',
            })
            .option('prefix', { type: 'string', describe: 'which lab [default: the one with that host]' })
            .example('kplay lab ssh kp1', 'a shell on kp1')
            .example('kplay lab ssh kp2 -- systemctl is-system-running', 'one command'),
        (argv) =>
          guard(async () => {
            requireRootLinux();
            const s = labOfHost(argv.host, argv.prefix);
            const h = s.hosts.find((x) => x.name === argv.host || x.ip === argv.host)!;
            // Words after `--` land in argv._ (after "lab ssh").
            const cmd = [...(argv.cmd ?? []), ...argv._.slice(2)].map(String);
            return runAttached(sshArgv(s.inventoryDir, h.ip, cmd, process.stdin.isTTY === true));
          }),
      )
      .demandCommand(1, 'say which lab command: up, down, status or ssh')
      .strict(),
  );
}
