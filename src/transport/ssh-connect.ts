// Opening one ssh2 connection: a TCP socket with TCP_NODELAY (or a stream forwarded through a jump host),
// host-key checking against known_hosts, key / agent / password auth (ssh-auth.ts), keepalive, the connect timeout, and
// the mapping of every failure to a KplayError: UNREACHABLE, HOST_KEY or AUTH. No secret reaches a message.
// Set-ups are bounded: SETUPS_AT_ONCE in all, SETUPS_PER_FIRST_HOP to one sshd (a run on 500 hosts, or through
// one jump host, opens its connections in waves rather than in one burst).
// ssh2 (~30 ms to load) is loaded by the first connection, so runs on local hosts and --syntax-check never load it.
import { connect as tcpConnect, type Socket } from 'node:net';
import { userInfo } from 'node:os';
import type { Duplex } from 'node:stream';
import type { Client, ConnectConfig } from 'ssh2';
import type { ConnectionSpec } from './connection-spec.js';
import { authConfig, parsedKey, type Hop, type Ssh2 } from './ssh-auth.js';
import { KplayError } from '../core/errors.js';
import { redact } from '../core/secrets.js';
import { importModule } from '../core/import-module.js';
import { Semaphore } from './channel.js';
import {
  checkHostKey,
  defaultKnownHostsFile,
  hostToken,
  preferredAlgorithms,
  type HostKeyVerdict,
} from './known-hosts.js';

export type { Hop };

export interface Opened {
  client: Client;
  /** Jump host connections, first to last (closed with the client). */
  jumps: Client[];
}

const NET_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'timed out',
  ENOTFOUND: 'unknown host name',
  EAI_AGAIN: 'host name lookup failed',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
};

export function loginUser(spec: ConnectionSpec): string {
  return spec.user ?? userInfo().username;
}

export function connectTimeoutMs(spec: ConnectionSpec): number {
  return (spec.connectTimeout ?? 10) * 1000;
}

function who(hop: Hop): string {
  return `${hop.user}@${hop.port === 22 ? hop.host : `${hop.host}:${hop.port}`}`;
}

function unreachable(name: string, hop: Hop, why: string, via?: string): KplayError {
  return new KplayError(redact(`cannot reach ${who(hop)}${via ? ` through ${via}` : ''}: ${why}`), {
    code: 'UNREACHABLE',
    host: name,
  });
}

/** A connected TCP socket with TCP_NODELAY (delayed ACKs cost ~40 ms per command otherwise). */
function openSocket(name: string, hop: Hop, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = tcpConnect({ host: hop.host, port: hop.port });
    sock.setNoDelay(true);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(unreachable(name, hop, `no answer within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.removeAllListeners('error');
      resolve(sock);
    });
    sock.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(unreachable(name, hop, NET_CODES[e.code ?? ''] ?? e.message));
    });
  });
}

/** ssh2, loaded by the first connection. */
let ssh2: Promise<Ssh2> | undefined;

/** Opens the SSH session for one hop over `sock` (connected TCP socket or a forwarded stream). */
function handshake(
  lib: Ssh2,
  name: string,
  spec: ConnectionSpec,
  hop: Hop,
  sock: Duplex,
  timeoutMs: number,
): Promise<Client> {
  const knownHosts = spec.knownHostsFile ?? defaultKnownHostsFile();
  const policy = spec.strictHostKeyChecking ?? 'yes';
  let verdict: HostKeyVerdict | undefined;
  let auth: ReturnType<typeof authConfig>;
  try {
    auth = authConfig(spec, hop);
  } catch (e) {
    sock.destroy();
    throw e;
  }
  const prefer = preferredAlgorithms(knownHosts, hop.host, hop.port);
  return new Promise((resolve, reject) => {
    const client = new lib.Client();
    let settled = false;
    const fail = (e: KplayError) => {
      if (settled) return;
      settled = true;
      client.removeAllListeners('ready');
      client.on('error', () => {});
      client.end();
      sock.destroy();
      reject(e);
    };
    client.on('keyboard-interactive', (_n, _i, _l, prompts, finish) => {
      finish(prompts.map(() => (hop.target && spec.password !== undefined ? spec.password : '')));
    });
    client.once('ready', () => {
      if (settled) return;
      settled = true;
      resolve(client); // the 'error' listener stays (a no-op once settled); the transport adds its own
    });
    client.on('error', (e: Error & { level?: string }) => {
      if (verdict && !verdict.ok) {
        const token = hostToken(hop.host, hop.port);
        const msg =
          verdict.reason === 'unknown'
            ? `host key verification failed for ${token}: ` +
              `the host is not in ${knownHosts} (it presents ${verdict.presented})`
            : verdict.reason === 'revoked'
              ? `host key verification failed for ${token}: ` +
                `its key ${verdict.presented} is marked @revoked in ${knownHosts}`
              : `host key verification failed for ${token}: ` +
                `the host presents ${verdict.presented} but ${knownHosts} has ${verdict.known.join(', ')} ` +
                `(changed key, or another machine at that address)`;
        const hint =
          verdict.reason === 'unknown'
            ? `add its key (ssh-keyscan -p ${hop.port} ${hop.host} >> ${knownHosts}) ` +
              `or set -o StrictHostKeyChecking=accept-new`
            : `if the host was reinstalled, remove the old entry: ssh-keygen -f ${knownHosts} -R '${token}'`;
        fail(new KplayError(msg, { code: 'HOST_KEY', host: name, hint }));
      } else if (e.level === 'client-authentication') {
        fail(
          new KplayError(redact(`authentication failed for ${who(hop)} with ${auth.how}`), {
            code: 'AUTH',
            host: name,
          }),
        );
      } else if (e.level === 'client-timeout') {
        fail(unreachable(name, hop, `no SSH handshake within ${timeoutMs / 1000} s`));
      } else {
        const code = (e as NodeJS.ErrnoException).code;
        fail(unreachable(name, hop, NET_CODES[code ?? ''] ?? e.message));
      }
    });
    client.on('close', () => fail(unreachable(name, hop, 'the connection closed during the handshake')));
    // the key is parsed once per run, not once per host (ssh2 parses a key given as bytes on every connect); as
    // ssh does, a key it cannot use is skipped when the agent or a password can still log in
    const key = auth.cfg.privateKey ? parsedKey(lib, auth.cfg.privateKey as Buffer) : undefined;
    if (key instanceof Error && auth.methods.length === 1) {
      const hint = /encrypted/i.test(key.message)
        ? 'add it to an ssh agent (ssh-add) and run with SSH_AUTH_SOCK set'
        : '';
      const why = `cannot use the private key ${spec.privateKeyFile} for ${who(hop)}: ${key.message}`;
      return fail(new KplayError(redact(why), { code: 'AUTH', host: name, ...(hint ? { hint } : {}) }));
    }
    const methods = auth.methods.flatMap((m): unknown[] =>
      m !== 'publickey' ? [m] : key instanceof Error ? [] : [{ type: m, username: hop.user, key }],
    );
    const cfg: ConnectConfig = {
      ...auth.cfg,
      privateKey: undefined,
      sock: sock as ConnectConfig['sock'],
      username: hop.user,
      readyTimeout: timeoutMs,
      keepaliveInterval: (spec.serverAliveInterval ?? 15) * 1000,
      keepaliveCountMax: 3,
      authHandler: methods as unknown as ConnectConfig['authHandler'],
      hostVerifier: (key: Buffer) => {
        verdict = checkHostKey(knownHosts, hop.host, hop.port, key, policy);
        return verdict.ok;
      },
    };
    if (prefer.length > 0) cfg.algorithms = { serverHostKey: { prepend: prefer } as never };
    try {
      client.connect(cfg);
    } catch (e) {
      fail(
        new KplayError(redact(`cannot connect to ${who(hop)}: ${(e as Error).message}`), { code: 'AUTH', host: name }),
      );
    }
  });
}

function forward(name: string, via: Client, viaHop: Hop, hop: Hop): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    via.forwardOut('127.0.0.1', 0, hop.host, hop.port, (err, stream) => {
      if (err) reject(unreachable(name, hop, err.message, who(viaHop)));
      else resolve(stream);
    });
  });
}

/** Connections being set up at once, in all (key exchanges cost the controller's CPU) ... */
export const SETUPS_AT_ONCE = 64;
/** ... and to one first hop: below sshd's MaxStartups (10 unauthenticated connections before it drops some), so
 *  a run through one jump host, or to one sshd, is not refused in a burst. */
export const SETUPS_PER_FIRST_HOP = 8;
const setups = new Semaphore(SETUPS_AT_ONCE);
const perFirstHop = new Map<string, Semaphore>();

/** Waits for a set-up slot, overall and for the first hop (`host:port`); returns what frees both. */
export async function setupSlot(firstHop: string): Promise<() => void> {
  let hop = perFirstHop.get(firstHop);
  if (!hop) perFirstHop.set(firstHop, (hop = new Semaphore(SETUPS_PER_FIRST_HOP)));
  const freeHop = await hop.acquire();
  const freeAll = await setups.acquire();
  return () => {
    freeAll();
    freeHop();
  };
}

/** Connects to the target, through the spec's jump hosts when it has any; the timeout counts from when its
 *  set-up slot is free. */
export async function openConnection(name: string, spec: ConnectionSpec): Promise<Opened> {
  const timeoutMs = connectTimeoutMs(spec);
  const user = loginUser(spec);
  const hops: Hop[] = [
    ...spec.proxyJump.map((j) => ({ host: j.host, port: j.port, user: j.user ?? user, target: false })),
    { host: spec.host, port: spec.port, user, target: true },
  ];
  const jumps: Client[] = [];
  const lib = await (ssh2 ??= importModule<Ssh2>('ssh2'));
  const free = await setupSlot(`${hops[0]!.host}:${hops[0]!.port}`);
  try {
    let client: Client | undefined;
    for (let i = 0; i < hops.length; i++) {
      const hop = hops[i]!;
      const sock: Duplex = client
        ? await forward(name, client, hops[i - 1]!, hop)
        : await openSocket(name, hop, timeoutMs);
      if (client) jumps.push(client);
      client = await handshake(lib, name, spec, hop, sock, timeoutMs);
    }
    return { client: client!, jumps };
  } catch (e) {
    for (const j of jumps) j.end();
    throw e;
  } finally {
    free();
  }
}
