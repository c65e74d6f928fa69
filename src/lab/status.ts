// `status`: what each lab's state file says and whether its hosts really run; `requireLab` for the commands.
import { KplayError } from '../core/errors.js';
import { DAEMON_MARK } from './daemon.js';
import { hostSystemState } from './host.js';
import { checkPrefix, knownPrefixes, readState, type HostState, type LabState } from './state.js';
import { pidAlive, requireRootLinux } from './sys.js';
import { hostCgroups } from './lab.js';

export interface HostStatus {
  name: string;
  ip: string;
  state: string;
}
export interface LabStatus {
  prefix: string;
  net: string;
  ready: boolean;
  proxy: string;
  inventory: string;
  vip: string;
  hosts: HostStatus[];
}

export async function labStatus(o: { prefix?: string }): Promise<LabStatus[]> {
  requireRootLinux();
  const prefixes = o.prefix ? [checkPrefix(o.prefix)] : knownPrefixes();
  const out: LabStatus[] = [];
  for (const p of prefixes) {
    const s = readState(p);
    if (!s) continue;
    const hosts = await Promise.all(
      s.hosts.map(async (h) => ({ name: h.name, ip: h.ip, state: await hostSystemState(hostCgroups(s, h.name)) })),
    );
    const proxy =
      s.daemon && pidAlive(s.daemon.pid, DAEMON_MARK)
        ? `http://${s.bridgeIp}:${s.daemon.port} (pid ${s.daemon.pid})`
        : 'not running';
    out.push({
      prefix: p,
      net: `${s.net}.0/24`,
      ready: s.ready === true,
      proxy,
      inventory: s.inventoryDir,
      vip: s.vip,
      hosts,
    });
  }
  return out;
}

/** The recorded state of a lab that is up, or a plain error. */
export function requireLab(prefix: string): LabState {
  const s = readState(checkPrefix(prefix));
  if (!s?.ready)
    throw new KplayError(`lab "${prefix}" is not up`, {
      code: 'NOT_FOUND',
      hint: `start it with: kplay lab up 3${prefix === 'kp' ? '' : ` --prefix ${prefix}`}`,
    });
  return s;
}

export type { HostState };
