// How to reach a host, read from its (already templated) variables: Ansible's connection variables
// (ansible_host, ansible_port, ansible_user, ansible_ssh_private_key_file, ansible_password, ansible_become*,
// ansible_ssh_common_args / ansible_ssh_extra_args with -o UserKnownHostsFile=, -o StrictHostKeyChecking=,
// -o ProxyJump= or -J) turned into a typed ConnectionSpec for the SSH transport. Passwords become secrets.
import { KplayError, type Loc } from '../core/errors.js';
import { shellSplit } from '../core/shlex.js';
import { addSecret } from '../core/secrets.js';
import { toBool } from '../core/value-utils.js';

export interface JumpHost {
  host: string;
  port: number;
  user?: string | undefined;
}

export interface ConnectionSpec {
  /** `ssh` for every remote host; `local` for ansible_connection=local (and implicit localhost). */
  connection: 'ssh' | 'local';
  host: string;
  port: number;
  user?: string | undefined;
  privateKeyFile?: string | undefined;
  password?: string | undefined;
  become: boolean;
  becomeMethod: 'sudo' | 'su';
  becomeUser: string;
  becomePassword?: string | undefined;
  knownHostsFile?: string | undefined;
  strictHostKeyChecking?: 'yes' | 'no' | 'accept-new' | 'ask' | undefined;
  proxyJump: JumpHost[];
  connectTimeout?: number | undefined;
  serverAliveInterval?: number | undefined;
  /** The host lock's file (host-lock.ts), or false for none: `kplay_host_lock`. */
  hostLock?: string | false | undefined;
  /** SSH options kplay read but does not act on. */
  warnings: string[];
}

function first(vars: Record<string, unknown>, ...names: string[]): unknown {
  for (const n of names) if (vars[n] !== undefined && vars[n] !== null) return vars[n];
  return undefined;
}

function parseJump(spec: string, fail: (m: string) => never): JumpHost[] {
  return spec.split(',').map((one) => {
    const m = /^(?:ssh:\/\/)?(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(one.trim());
    if (!m) fail(`cannot read the jump host "${one}": use [user@]host[:port]`);
    return { user: m[1], host: m[2]!.replace(/^\[|\]$/g, ''), port: m[3] ? Number(m[3]) : 22 };
  });
}

/** Read the connection variables of a host. Throws KplayError (code VARS) for what the transport cannot do. */
export function connectionSpec(vars: Record<string, unknown>, hostName?: string, loc?: Loc): ConnectionSpec {
  const fail = (m: string, hint?: string): never => {
    throw new KplayError(m, { code: 'VARS', host: hostName, loc, hint });
  };
  const str = (name: string, v: unknown): string | undefined => {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string' || typeof v === 'number') return String(v);
    return fail(`${name} must be a string, got ${Array.isArray(v) ? 'a list' : typeof v}`);
  };
  const conn = str('ansible_connection', first(vars, 'ansible_connection')) ?? 'ssh';
  if (!['ssh', 'paramiko', 'smart', 'local'].includes(conn))
    fail(`ansible_connection "${conn}" is not supported: use ssh or local`);
  const portV = first(vars, 'ansible_port', 'ansible_ssh_port');
  const port = portV === undefined ? 22 : Number(portV);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    fail(`ansible_port must be a port number, got ${JSON.stringify(portV)}`);
  const method = str('ansible_become_method', first(vars, 'ansible_become_method')) ?? 'sudo';
  if (method !== 'sudo' && method !== 'su') fail(`ansible_become_method "${method}" is not supported: use sudo or su`);
  const spec: ConnectionSpec = {
    connection: conn === 'local' ? 'local' : 'ssh',
    host:
      str('ansible_host', first(vars, 'ansible_host', 'ansible_ssh_host')) ??
      hostName ??
      fail('the host has no name and no ansible_host'),
    port,
    user: str('ansible_user', first(vars, 'ansible_user', 'ansible_ssh_user')),
    privateKeyFile: str(
      'ansible_ssh_private_key_file',
      first(vars, 'ansible_ssh_private_key_file', 'ansible_private_key_file'),
    ),
    password: str('ansible_password', first(vars, 'ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password')),
    become: toBool(first(vars, 'ansible_become') ?? false),
    becomeMethod: method as 'sudo' | 'su',
    becomeUser: str('ansible_become_user', first(vars, 'ansible_become_user')) ?? 'root',
    becomePassword: str(
      'ansible_become_password',
      first(vars, 'ansible_become_password', 'ansible_become_pass', 'ansible_sudo_pass'),
    ),
    proxyJump: [],
    warnings: [],
  };
  // Ansible's `timeout`: seconds to wait for the connection (-o ConnectTimeout in the ssh args wins, below)
  const timeout = first(vars, 'ansible_ssh_timeout', 'ansible_timeout');
  if (timeout !== undefined) {
    spec.connectTimeout = Number(timeout);
    if (!Number.isInteger(spec.connectTimeout) || spec.connectTimeout < 1)
      fail(`ansible_timeout must be a number of seconds, got ${JSON.stringify(timeout)}`);
  }
  const lock = first(vars, 'kplay_host_lock');
  if (lock !== undefined)
    spec.hostLock = lock === false || lock === '' || lock === 'false' ? false : str('kplay_host_lock', lock);
  if (spec.password !== undefined) addSecret(spec.password);
  if (spec.becomePassword !== undefined) addSecret(spec.becomePassword);
  for (const name of ['ansible_ssh_common_args', 'ansible_ssh_extra_args']) {
    const text = str(name, vars[name]);
    if (text) sshArgs(spec, name, text, fail);
  }
  return spec;
}

const UNUSED = "is not used by kplay's SSH transport: ignored";
/** What the user can change about an SSH word kplay ignores. */
const IGNORED = (name: string) =>
  ` (kplay reads -o UserKnownHostsFile, StrictHostKeyChecking, ProxyJump, ConnectTimeout, ServerAliveInterval ` +
  `and -J; take it out of ${name} to silence this)`;

function sshArgs(spec: ConnectionSpec, name: string, text: string, fail: (m: string, hint?: string) => never): void {
  const { tokens, error } = shellSplit(text);
  if (error) fail(`cannot read ${name}: ${error.message}`);
  const words = tokens.map((t) => t.text);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    let opt: string | undefined;
    if (w === '-o') opt = words[++i] ?? fail(`${name}: -o needs an option`);
    else if (w.startsWith('-o')) opt = w.slice(2);
    else if (w === '-J') {
      spec.proxyJump = parseJump(words[++i] ?? fail(`${name}: -J needs a jump host`), fail);
      continue;
    } else if (w.startsWith('-J')) {
      spec.proxyJump = parseJump(w.slice(2), fail);
      continue;
    } else {
      spec.warnings.push(`${name}: "${w}" ${UNUSED}${IGNORED(name)}`);
      continue;
    }
    let m = /^\s*([A-Za-z]+)\s*=\s*(.*)$/.exec(opt) ?? /^\s*([A-Za-z]+)\s+(.*)$/.exec(opt);
    if (!m && /^[A-Za-z]+$/.test(opt) && words[i + 1] !== undefined)
      m = ['', opt, words[++i]!] as unknown as RegExpExecArray;
    if (!m) fail(`${name}: cannot read the SSH option "${opt}"`);
    const key = m[1]!.toLowerCase();
    const value = m[2]!.trim();
    if (key === 'userknownhostsfile') spec.knownHostsFile = value;
    else if (key === 'stricthostkeychecking') {
      const v = value.toLowerCase();
      const map: Record<string, ConnectionSpec['strictHostKeyChecking']> = {
        yes: 'yes',
        no: 'no',
        off: 'no',
        'accept-new': 'accept-new',
        ask: 'ask',
      };
      if (!(v in map)) fail(`${name}: StrictHostKeyChecking=${value} is not one of yes, no, accept-new, ask`);
      spec.strictHostKeyChecking = map[v];
    } else if (key === 'proxyjump') spec.proxyJump = value.toLowerCase() === 'none' ? [] : parseJump(value, fail);
    else if (key === 'proxycommand') {
      fail(
        `${name}: ProxyCommand is not supported by kplay's SSH transport`,
        'use -o ProxyJump=user@bastion (or -J user@bastion)',
      );
    } else if (key === 'connecttimeout' && /^\d+$/.test(value)) spec.connectTimeout = Number(value);
    else if (key === 'serveraliveinterval' && /^\d+$/.test(value)) spec.serverAliveInterval = Number(value);
    else spec.warnings.push(`${name}: SSH option ${m[1]} ${UNUSED}${IGNORED(name)}`);
  }
}
