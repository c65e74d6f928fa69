// The system ssh client pointed at a lab host with the site's key and known_hosts (strict host-key checking).
import { join } from 'node:path';

export function sshOptions(inventoryDir: string): string[] {
  return [
    '-i',
    join(inventoryDir, 'id_ed25519'),
    '-o',
    `UserKnownHostsFile=${join(inventoryDir, 'known_hosts')}`,
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'BatchMode=yes',
    '-o',
    'ConnectTimeout=10',
    '-o',
    'LogLevel=ERROR',
  ];
}

/** argv for `ssh root@ip [cmd...]`; a terminal is asked for when interactive and no command is given. */
export function sshArgv(inventoryDir: string, ip: string, cmd: string[] = [], tty = false): string[] {
  return [
    'ssh',
    ...sshOptions(inventoryDir),
    ...(tty && cmd.length === 0 ? ['-t'] : []),
    `root@${ip}`,
    ...(cmd.length ? ['--', ...cmd] : []),
  ];
}
