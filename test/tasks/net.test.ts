// wait_for and uri: their probes are real shell/curl command lines, so these tests run them on this machine
// (a FactReader whose probe executes locally) against a port and an HTTP server opened here.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, createServer as createTcp, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProbeResult } from '../../src/tasks/contract.js';
import { parseCurlOut, requestBody, uri } from '../../src/tasks/net/uri.js';
import { procAddresses, wait_for } from '../../src/tasks/net/wait-for.js';
import { wait_for_connection } from '../../src/tasks/net/wait-for-connection.js';
import { FakeHost } from '../support/fake-host.js';
import { hostView, planError, planOn } from '../support/plan-harness.js';

class LocalHost extends FakeHost {
  probes: string[][] = [];
  fresh: boolean[] = [];
  override probe(argv: string[], opts: { fresh?: boolean } = {}): Promise<ProbeResult> {
    this.probes.push(argv);
    this.fresh.push(!!opts.fresh);
    return new Promise((resolve) => {
      execFile(argv[0]!, argv.slice(1), { encoding: 'utf8', maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
        resolve({ rc: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      });
    });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createTcp().listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

describe('wait_for (its script run locally)', function () {
  this.timeout(20_000);

  it('a port already open: ok at once', async () => {
    const srv = createTcp((c) => {
      c.on('error', () => undefined);
      c.end('hello SSH-2.0\n');
    }).listen(0, '127.0.0.1');
    await new Promise((r) => srv.once('listening', r));
    const port = (srv.address() as AddressInfo).port;
    try {
      const plan = await planOn(wait_for, { port, timeout: 5 }, new LocalHost());
      expect(plan.changes).to.deep.equal([]);
      // whole seconds measured on the host: a second boundary may fall inside an instant wait
      expect(plan.result).to.include({ state: 'started', port });
      expect(plan.result!.elapsed).to.be.oneOf([0, 1]);
      const re = await planOn(wait_for, { port, search_regex: 'SSH-\\d', timeout: 5 }, new LocalHost());
      expect(re.result).to.include({ search_regex: 'SSH-\\d' });
    } finally {
      srv.close();
    }
  });

  it('a port opened later: waits for it', async () => {
    const port = await freePort();
    const srv = createTcp((c) => {
      c.on('error', () => undefined);
      c.end();
    });
    setTimeout(() => srv.listen(port, '127.0.0.1'), 1500);
    try {
      const plan = await planOn(wait_for, { port, timeout: 10, sleep: 1 }, new LocalHost());
      expect(plan.result?.elapsed).to.be.within(1, 4);
    } finally {
      srv.close();
    }
  });

  it('a port that stays closed: Timeout when waiting for host:port; stopped is ok', async () => {
    const port = await freePort();
    expect(await planError(wait_for, { port, timeout: 1 }, new LocalHost())).to.include(
      `Timeout when waiting for 127.0.0.1:${port}`,
    );
    // the failed result says how long it waited, as Ansible's
    const timedOut = await planOn(wait_for, { port, timeout: 1 }, new LocalHost());
    expect(timedOut.failed).to.equal(`Timeout when waiting for 127.0.0.1:${port}`);
    expect(timedOut.result?.elapsed).to.be.within(1, 2);
    expect((await planOn(wait_for, { port, state: 'stopped', timeout: 1 }, new LocalHost())).changes).to.deep.equal([]);
  });

  it('files: present with search_regex, absent; msg replaces the message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kplay-wait-'));
    const f = join(dir, 'log');
    writeFileSync(f, 'starting\nready: port 80\n');
    const found = await planOn(
      wait_for,
      { path: f, search_regex: '^ready: (?P<what>\\w+) (\\d+)$', timeout: 2 },
      new LocalHost(),
    );
    expect(found.changes).to.deep.equal([]);
    // the groups of the first match, Python's way (multi-line, named groups), as Ansible returns them
    expect(found.result).to.deep.include({ match_groups: ['port', '80'], match_groupdict: { what: 'port' } });
    const plain = await planOn(wait_for, { path: f, timeout: 2 }, new LocalHost());
    expect(plain.result).to.deep.include({ match_groups: [], match_groupdict: {} });
    expect(await planError(wait_for, { path: f, search_regex: 'nope', timeout: 1 }, new LocalHost())).to.include(
      `Timeout when waiting for search string nope in ${f}`,
    );
    expect(
      await planError(wait_for, { path: f, state: 'absent', timeout: 1, msg: 'still there' }, new LocalHost()),
    ).to.include('still there');
    expect(
      (await planOn(wait_for, { path: join(dir, 'nope'), state: 'absent', timeout: 1 }, new LocalHost())).result,
    ).to.include({ state: 'absent' });
  });

  it('check mode tests once without waiting and does not fail', async () => {
    const port = await freePort();
    const t0 = Date.now();
    const plan = await planOn(wait_for, { port, timeout: 30 }, new LocalHost(), hostView({}, { check: true }));
    expect(Date.now() - t0).to.be.below(5000);
    expect(plan.result?.msg).to.match(/^check mode: not so now/);
  });

  it('asks for a fresh probe (never the run cache: until/retries polls again), the same command', async () => {
    const h = new LocalHost();
    const port = await freePort();
    await planOn(wait_for, { port, state: 'stopped', timeout: 1 }, h);
    await planOn(wait_for, { port, state: 'stopped', timeout: 1 }, h);
    expect(h.fresh).to.deep.equal([true, true]);
    expect(h.probes[0]).to.deep.equal(h.probes[1]);
  });

  it('a plain timeout waits on the controller: nothing runs on the host', async () => {
    const h = new LocalHost();
    const plan = await planOn(wait_for, { timeout: 3, delay: 1 }, h);
    expect(h.waited).to.deep.equal([4]);
    expect(h.probes).to.deep.equal([]);
    expect(plan.result?.elapsed).to.equal(4);
  });

  it('drained: waits until no active connection to the port (/proc/net/tcp), as Ansible on Linux', async () => {
    const srv = createTcp((c) => held.push(c));
    const held: Socket[] = [];
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as AddressInfo).port;
    const client = connect(port, '127.0.0.1');
    await new Promise((r) => client.once('connect', r));
    try {
      expect(await planError(wait_for, { port, state: 'drained', timeout: 1 }, new LocalHost())).to.include(
        `Timeout when waiting for 127.0.0.1:${port} to drain`,
      );
      const excluded = { port, state: 'drained', timeout: 1, exclude_hosts: ['127.0.0.1'] };
      expect((await planOn(wait_for, excluded, new LocalHost())).result).to.include({ state: 'drained' });
      const other = { port, state: 'drained', timeout: 1, active_connection_states: ['TIME_WAIT'] };
      expect((await planOn(wait_for, other, new LocalHost())).result).to.include({ state: 'drained' });
    } finally {
      client.destroy();
      for (const c of held) c.destroy();
      srv.close();
    }
    expect(await planError(wait_for, { path: '/x', state: 'drained' }, new LocalHost())).to.include(
      'state=drained should only be used for checking a port in the wait_for module',
    );
    expect(await planError(wait_for, { port: 1, exclude_hosts: ['::1'] }, new LocalHost())).to.include(
      'exclude_hosts should only be with state=drained',
    );
  });

  it("addresses as /proc/net/tcp writes them (each 4-byte word's bytes reversed)", () => {
    for (const [host, want] of [
      ['127.0.0.1', ['4:0100007F', '6:0000000000000000FFFF00000100007F']],
      ['::1', ['6:00000000000000000000000001000000']],
      ['0.0.0.0', ['4:00000000', '6:0000000000000000FFFF000000000000']],
      ['fe80::1:2', ['6:000080FE000000000000000002000100']],
    ] as const)
      expect(procAddresses(host), host).to.deep.equal(want);
    expect(() => procAddresses('example.org')).to.throw(/needs host to be an IP address or localhost/);
  });

  it('port and path are exclusive', async () => {
    expect(await planError(wait_for, { port: 1, path: '/x' }, new LocalHost())).to.match(
      /port.*path|mutually exclusive/i,
    );
  });
});

describe('uri (curl run locally)', function () {
  this.timeout(20_000);
  let srv: Server;
  let base: string;
  const seen: { method: string; body: string; ct: string | undefined }[] = [];
  before(async () => {
    srv = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d));
      req.on('end', () => {
        seen.push({ method: req.method!, body, ct: req.headers['content-type'] });
        if (req.url === '/json') {
          res.writeHead(200, { 'Content-Type': 'application/json', 'X-Thing': 'a' });
          res.end('{"ok":true,"n":[1,2]}');
        } else if (req.url === '/missing') {
          res.writeHead(404);
          res.end('nope');
        } else if (req.url === '/moved') {
          res.writeHead(302, { Location: '/json' });
          res.end();
        } else {
          res.writeHead(req.method === 'POST' ? 201 : 200, { 'Content-Type': 'text/plain' });
          res.end('hello');
        }
      });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  });
  after(() => srv.close());

  it('GET: status, json, headers, content; no change', async () => {
    const plan = await planOn(uri, { url: `${base}/json`, return_content: true }, new LocalHost());
    expect(plan.changes).to.deep.equal([]);
    expect(plan.result).to.include({
      status: 200,
      content: '{"ok":true,"n":[1,2]}',
      x_thing: 'a',
      content_type: 'application/json',
      redirected: false,
    });
    expect(plan.result?.json).to.deep.equal({ ok: true, n: [1, 2] });
    expect(plan.result?.msg).to.equal('OK (21 bytes)');
  });

  it('GET with dest: saved when the body differs (a folder takes the URL name), unchanged when the same', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kplay-uri-'));
    const dest = join(dir, 'body.txt');
    const first = await planOn(uri, { url: `${base}/plain`, dest }, new LocalHost({ [dir]: { type: 'dir' } }));
    expect(first.changes).to.have.length(1);
    expect(first.result).to.include({ status: 200, path: dest });
    const exec = (first.changes[0]!.actions[0] as { exec: string[] }).exec;
    await new Promise((r) => execFile(exec[0]!, exec.slice(1), r));
    expect(readFileSync(dest, 'utf8')).to.equal('hello');
    const again = await planOn(uri, { url: `${base}/plain`, dest }, new LocalHost({ [dest]: 'hello' }));
    expect(again.changes).to.deep.equal([]);
    const inDir = await planOn(uri, { url: `${base}/plain`, dest: dir }, new LocalHost({ [dir]: { type: 'dir' } }));
    expect(inDir.result).to.include({ path: join(dir, 'plain') });
    expect(await planError(uri, { url: `${base}/missing`, dest }, new LocalHost())).to.equal(
      'Status code was 404 and not [200]: HTTP Error 404',
    );
  });

  it('content only with return_content; redirects followed for GET', async () => {
    const plan = await planOn(uri, { url: `${base}/moved` }, new LocalHost());
    expect(plan.result).to.include({ status: 200, redirected: true });
    expect(plan.result).to.not.have.property('content');
  });

  it('a status not in status_code fails; a listed one is ok; no server is status -1', async () => {
    expect(await planError(uri, { url: `${base}/missing` }, new LocalHost())).to.include(
      'Status code was 404 and not [200]',
    );
    expect((await planOn(uri, { url: `${base}/missing`, status_code: [200, 404] }, new LocalHost())).result).to.include(
      { status: 404 },
    );
    const port = await freePort();
    expect(await planError(uri, { url: `http://127.0.0.1:${port}/`, timeout: 3 }, new LocalHost())).to.match(
      /Status code was -1 and not \[200\]: Request failed/,
    );
  });

  it('POST is a change: curl with the JSON body on stdin, accepted codes checked in the script', async () => {
    const plan = await planOn(
      uri,
      { url: `${base}/things`, method: 'POST', body: { a: 1 }, body_format: 'json', status_code: 201 },
      new LocalHost(),
    );
    expect(plan.changes).to.have.length(1);
    const a = plan.changes[0]!.actions[0] as { exec: string[]; stdin: string };
    expect(a.stdin).to.equal('{"a": 1}');
    expect(a.exec).to.include.members(['-X', 'POST', 'Content-Type: application/json', '--data-binary', '@-']);
    // run the planned action for real: it succeeds with the body on stdout
    const r = await new Promise<{ code: number; out: string }>((resolve) => {
      const c = execFile(a.exec[0]!, a.exec.slice(1), (err, out) => resolve({ code: err ? 1 : 0, out }));
      c.stdin!.end(a.stdin);
    });
    expect(r).to.deep.equal({ code: 0, out: 'hello' });
    expect(seen.at(-1)).to.deep.equal({ method: 'POST', body: '{"a": 1}', ct: 'application/json' });
    expect(uri.converges).to.equal(false);
  });

  it('bodies: json, form-urlencoded, raw', () => {
    expect(requestBody({ a: [1, 'x'] }, 'json')).to.deep.equal({ data: '{"a": [1, "x"]}', type: 'application/json' });
    expect(requestBody({ a: 'b c', d: 1 }, 'form-urlencoded')).to.deep.equal({
      data: 'a=b+c&d=1',
      type: 'application/x-www-form-urlencoded',
    });
    expect(requestBody('raw', 'raw')).to.deep.equal({ data: 'raw' });
    expect(parseCurlOut('junk')).to.equal(undefined);
  });

  it('no curl on the host: a clear failure', async () => {
    const h = new LocalHost();
    h.probe = async (argv) =>
      argv.join(' ').includes('command -v curl')
        ? { rc: 1, stdout: '', stderr: '' }
        : { rc: 0, stdout: '', stderr: '' };
    expect(await planError(uri, { url: `${base}/json` }, h)).to.include('curl is needed on the host');
  });
});

describe('wait_for_connection (a host that answers after some failures)', () => {
  /** Fails the first `down` probes as a lost connection would, then answers. */
  class Rebooting extends FakeHost {
    tries = 0;
    constructor(private readonly down: number) {
      super();
    }
    override async probe(argv: string[], opts: { fresh?: boolean } = {}): Promise<ProbeResult> {
      expect([argv, opts.fresh]).to.deep.equal([['true'], true]);
      if (this.tries++ < this.down) throw new Error('the connection to root@10.0.0.5 was lost');
      return { rc: 0, stdout: '', stderr: '' };
    }
  }
  const cases: [string, number, Record<string, unknown>, { waited: number[]; elapsed?: number; msg?: string }][] = [
    ['an answering host: no wait', 0, {}, { waited: [], elapsed: 0 }],
    ['the delay first, counted in elapsed', 0, { delay: 3 }, { waited: [3], elapsed: 3 }],
    ['a sleep between attempts', 2, { sleep: 2 }, { waited: [2, 2], elapsed: 4 }],
    [
      'timeout: fails with the last error',
      99,
      { sleep: 1, timeout: 3 },
      { waited: [1, 1, 1], msg: 'timed out waiting for ping module test: the connection to root@10.0.0.5 was lost' },
    ],
  ];
  for (const [name, down, args, want] of cases)
    it(name, async () => {
      const h = new Rebooting(down);
      if (want.msg) expect(await planError(wait_for_connection, args, h)).to.equal(want.msg);
      else {
        const plan = await planOn(wait_for_connection, args, h);
        expect(plan).to.deep.equal({ changes: [], result: { elapsed: want.elapsed } });
      }
      expect(h.waited).to.deep.equal(want.waited);
    });
});
