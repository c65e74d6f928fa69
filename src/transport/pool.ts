// The run's connections: one Transport per host, made from its ConnectionSpec on first use (ssh or local)
// and kept for the whole run; `closeAll()` at the end.
import type { ConnectionSpec } from './connection-spec.js';
import { LocalTransport } from './local.js';
import { SshTransport, type SshOptions } from './ssh.js';
import type { Transport, TransportFactory } from './types.js';

export const defaultFactory =
  (o: SshOptions = {}): TransportFactory =>
  (name, spec) =>
    spec.connection === 'local' ? new LocalTransport(name, spec) : new SshTransport(name, spec, o);

/** A new transport for a host (the executor keeps one per host for the run and closes it at the end). */
export const openTransport: (host: string, spec: ConnectionSpec) => Transport = defaultFactory();

export class Connections {
  private readonly byHost = new Map<string, Transport>();

  constructor(private readonly factory: TransportFactory = defaultFactory()) {}

  /** The host's transport (made once; connecting happens on its first use or an explicit connect()). */
  get(name: string, spec: ConnectionSpec): Transport {
    let t = this.byHost.get(name);
    if (!t) {
      t = this.factory(name, spec);
      this.byHost.set(name, t);
    }
    return t;
  }

  /** Connected transport for the host (throws UNREACHABLE / HOST_KEY / AUTH). */
  async connected(name: string, spec: ConnectionSpec): Promise<Transport> {
    const t = this.get(name, spec);
    await t.connect();
    return t;
  }

  has(name: string): boolean {
    return this.byHost.has(name);
  }

  async closeAll(): Promise<void> {
    const all = [...this.byHost.values()];
    this.byHost.clear();
    await Promise.allSettled(all.map((t) => t.close()));
  }
}
