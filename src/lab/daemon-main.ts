// The lab's one background process, started detached by `kplay lab up`:
//   node daemon-main.js --host 10.77.0.1 --port 3142 --cache ~/.cache/kplay/apt
// It serves the apt proxy on the bridge address and supervises the hosts' nspawn processes (see
// supervisor.ts). Over IPC, while `up` is connected: "ready" once listening; {op:'start', spec} starts a
// host and answers {op:'started', name, pid}. SIGTERM powers the hosts off and ends it.
import { parseArgs } from 'node:util';
import { startProxy } from './proxy.js';
import { Supervisor, type HostSpec } from './supervisor.js';

const { values } = parseArgs({
  options: { host: { type: 'string' }, port: { type: 'string' }, cache: { type: 'string' }, grace: { type: 'string' } },
});
if (!values.host || !values.port || !values.cache) {
  console.error('usage: daemon-main --host ADDR --port N --cache DIR [--grace MS]');
  process.exit(2);
}
const log = (l: string) => console.log(`${new Date().toISOString()} ${l}`);
const hosts = new Supervisor(log);

try {
  const { server } = await startProxy({ host: values.host, port: Number(values.port), cacheDir: values.cache, log });
  log(`proxy listening on ${values.host}:${values.port}, cache ${values.cache}`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    log('stopping: powering the hosts off');
    server.close();
    server.closeAllConnections();
    await hosts.stopAll(Number(values.grace ?? 3000));
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('message', (m: { op?: string; spec?: HostSpec }) => {
    if (m?.op === 'start' && m.spec) {
      try {
        process.send?.({ op: 'started', name: m.spec.name, pid: hosts.start(m.spec) });
      } catch (e) {
        process.send?.({ op: 'started', name: m.spec.name, pid: 0, error: (e as Error).message });
      }
    }
  });
  process.send?.('ready');
} catch (e) {
  const msg = (e as Error).message;
  log(`cannot start: ${msg}`);
  process.send?.(`error: ${msg}`);
  process.exit(1);
}
