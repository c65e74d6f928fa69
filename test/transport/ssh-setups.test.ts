// Connection set-ups are bounded (transport/ssh-connect.ts): many hosts behind one sshd (here a TCP server on
// 127.0.0.1 that accepts and never answers, so each set-up waits out its 1 s timeout) are opened at most
// SETUPS_PER_FIRST_HOP at a time, in waves, and each still fails UNREACHABLE with its own timeout; the slots of
// one first hop do not hold up another's.
import { expect } from 'chai';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { connectionSpec } from '../../src/transport/connection-spec.js';
import { SETUPS_PER_FIRST_HOP, setupSlot } from '../../src/transport/ssh-connect.js';
import { SshTransport } from '../../src/transport/ssh.js';

describe('transport/ssh: connection set-ups at once', () => {
  let server: Server;
  let port = 0;
  // set-ups in flight when the server accepts one: accepted so far less those the client has given up
  let accepted = 0;
  let failed = 0;
  let peak = 0;
  const sockets: Socket[] = [];
  before(async () => {
    server = createServer((s) => {
      peak = Math.max(peak, ++accepted - failed);
      sockets.push(s);
      s.on('error', () => {});
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });

  it('opens many set-ups to one sshd in waves of SETUPS_PER_FIRST_HOP, each with its own timeout', async function () {
    this.timeout(30_000);
    const n = SETUPS_PER_FIRST_HOP * 2 + 3;
    const spec = (i: number) =>
      connectionSpec(
        {
          ansible_host: '127.0.0.1',
          ansible_port: port,
          ansible_user: 'nobody',
          ansible_ssh_common_args: '-o ConnectTimeout=1',
        },
        `h${i}`,
      );
    const started = Date.now();
    const results = await Promise.allSettled(
      Array.from({ length: n }, (_, i) =>
        new SshTransport(`h${i}`, spec(i)).connect().catch((e) => {
          failed++;
          throw e;
        }),
      ),
    );
    const took = Date.now() - started;
    expect(results.map((r) => r.status)).to.deep.equal(Array(n).fill('rejected'));
    for (const r of results) expect(String((r as PromiseRejectedResult).reason?.code)).to.equal('UNREACHABLE');
    expect([accepted, peak]).to.deep.equal([n, SETUPS_PER_FIRST_HOP]);
    expect(took).to.be.at.least(2900); // three waves, each waiting out its 1 s
  });

  it("one first hop's full slots do not hold up another's", async () => {
    const held = await Promise.all(Array.from({ length: SETUPS_PER_FIRST_HOP }, () => setupSlot('a:22')));
    let nextA = false;
    const waiting = setupSlot('a:22').then((free) => ((nextA = true), free));
    const b = await setupSlot('b:22'); // answered at once
    await new Promise((r) => setImmediate(r));
    expect(nextA).to.equal(false);
    held[0]!();
    const freeA = await waiting;
    expect(nextA).to.equal(true);
    for (const f of [...held.slice(1), freeA, b]) f();
  });
});
