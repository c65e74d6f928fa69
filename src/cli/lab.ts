// `kplay lab ...`: throwaway Linux hosts on this machine (network namespaces + systemd-nspawn). The work is in
// lab-run.ts, loaded when a command runs, so `kplay --help` stays light.
import type { Argv } from 'yargs';
import { KplayError } from '../core/errors.js';
import { DEFAULT_NET, DEFAULT_PREFIX, MAX_HOSTS } from '../lab/state.js';

const run = () => import('./lab-run.js');

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
        (argv) => guard(async () => (await run()).labUpCommand(argv)),
      )
      .command(
        'down',
        'Stop the hosts and remove everything the lab made (safe to run twice)',
        (b) =>
          b
            .option('prefix', { type: 'string', default: DEFAULT_PREFIX, describe: 'which lab' })
            .option('all', { type: 'boolean', default: false, describe: 'every lab on this machine' }),
        (argv) => guard(async () => (await run()).labDownCommand(argv)),
      )
      .command(
        'status',
        'Show the labs and the state of their hosts',
        (b) =>
          b
            .option('prefix', { type: 'string', describe: 'only this lab [default: all]' })
            .option('json', { type: 'boolean', default: false, describe: 'print JSON' }),
        (argv) => guard(async () => (await run()).labStatusCommand(argv)),
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
        (argv) => guard(async () => (await run()).labSshCommand(argv)),
      )
      .demandCommand(1, 'say which lab command: up, down, status or ssh')
      .strict(),
  );
}
