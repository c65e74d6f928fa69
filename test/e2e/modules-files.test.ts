// blockinfile, replace, slurp, script, unarchive, get_url, uri and wait_for on real lab hosts through the
// real CLI: a first run does the work, a second changes nothing, and --check after a drift predicts the
// repairs. The test serves the downloads and the JSON API itself, on the lab bridge's controller address,
// and opens the port wait_for waits for. The hosts get curl (apt, through the lab's proxy) for get_url/uri.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTcp, type AddressInfo, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useLab, type LabHandle } from '../lab/helpers.js';
import { checkedRun, exactness, kplay, results, siteFor, totalChanged } from './support.js';

const PLAYBOOK = 'test/e2e/fixtures/modules-files/site.yml';
const PAYLOAD = Buffer.from('kplay payload\n'.repeat(100));
const SHA = createHash('sha256').update(PAYLOAD).digest('hex');
const STATE =
  'cd /opt/kplay-mf && cat app.conf hosts scripted && stat -c "%a %n" hosts payload.bin unpacked/bin/tool ' +
  '&& readlink unpacked/link remote/link && sha256sum payload.bin && cat remote/etc/a.conf';

function listen<T extends Server | TcpServer>(srv: T, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, host, () => resolve((srv.address() as AddressInfo).port));
  });
}

function makeBundle(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kplay-mf-'));
  const root = join(dir, 'root');
  mkdirSync(join(root, 'bin'), { recursive: true });
  mkdirSync(join(root, 'etc'));
  writeFileSync(join(root, 'bin/tool'), '#!/bin/sh\necho tool\n', { mode: 0o755 });
  writeFileSync(join(root, 'etc/a.conf'), 'a=1\n');
  symlinkSync('bin/tool', join(root, 'link'));
  execFileSync('tar', ['-czf', join(dir, 'bundle.tgz'), '-C', root, '.']);
  return join(dir, 'bundle.tgz');
}

describe('@lab modules: edits, transfer, net on real hosts', () => {
  let lab: LabHandle;
  let site: string;
  let web: Server;
  let tcp: TcpServer;
  let extra: string[];
  const posts: string[] = [];

  before(async function () {
    this.timeout(600_000);
    lab = await useLab(this, { count: 3 });
    site = siteFor(lab);
    const ctl = lab.state.bridgeIp;
    web = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d));
      req.on('end', () => {
        if (req.method === 'POST' && req.url === '/events') {
          posts.push(body);
          res.writeHead(201, { 'Content-Type': 'application/json' }).end('{"stored":true}');
        } else if (req.url === '/payload.bin')
          res.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(PAYLOAD);
        else if (req.url === '/status.json')
          res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true,"name":"kplay"}');
        else res.writeHead(404).end('not here');
      });
    });
    tcp = createTcp((c) => {
      c.on('error', () => undefined);
      c.end();
    });
    const webPort = await listen(web, ctl);
    const port = await listen(tcp, ctl);
    extra = [
      '-e',
      JSON.stringify({ web: `http://${ctl}:${webPort}`, ctl, port, bundle: makeBundle(), payload_sha: SHA }),
    ];
    await Promise.all(
      lab.hosts.map(async (h) => {
        await lab.exec(h.name, 'rm -rf /opt/kplay-mf');
        const r = await lab.exec(
          h.name,
          'command -v curl >/dev/null || { apt-get update -qq && ' +
            'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl >/dev/null; }',
        );
        if (r.code !== 0) throw new Error(`cannot install curl on ${h.name}: ${r.stderr}`);
      }),
    );
  });
  after(() => {
    web?.close();
    tcp?.close();
  });

  it('a first run does the work on every host; a second run changes nothing', async function () {
    this.timeout(240_000);
    const r = await checkedRun(['run', PLAYBOOK, '-i', site, '--json', ...extra]);
    expect(r.code, r.stderr + r.stdout.slice(-4000)).to.equal(0);
    expect(totalChanged(r)).to.be.greaterThan(0);
    for (const h of lab.hosts) {
      const s = await lab.exec(h.name, STATE);
      expect(s.code, s.stderr).to.equal(0);
      expect(s.stdout).to.include(
        'listen 80 ssl\nlisten 8080 ssl\nswap on\n# BEGIN KPLAY PEERS\n' +
          `peer ${h.name}\npeer other\n# END KPLAY PEERS\n[extra]\nkey=2\n`,
      );
      expect(s.stdout).to.include('# BEGIN ANSIBLE MANAGED BLOCK\n10.0.0.1 master1\n# END ANSIBLE MANAGED BLOCK\n');
      expect(s.stdout).to.include('args=one two\ncwd=/tmp\n');
      expect(s.stdout).to.include('640 hosts\n640 payload.bin\n755 unpacked/bin/tool\nbin/tool\nbin/tool\n');
      expect(s.stdout).to.include(`${SHA}  payload.bin\na=1\n`);
      // temp files of these modules are dot-files named .kplay-* (other suites leave their own kplay-* files)
      const leftovers = await lab.exec(h.name, 'ls -a /tmp | grep "^\\.kplay-" || true');
      expect(leftovers.stdout.trim(), 'temp files of script/unarchive are removed').to.equal('');
    }
    expect(
      posts
        .map((p) => JSON.parse(p) as { host: string })
        .map((p) => p.host)
        .sort(),
    ).to.deep.equal(lab.hosts.map((h) => h.name).sort());
    const remote = r.events.find((e) => e.type === 'host_result' && e.task === 'an archive already on the host') as {
      result: { files: string[] };
    };
    expect(remote.result.files).to.include.members(['bin/', 'bin/tool', 'etc/a.conf', 'link']);

    const again = await kplay(['run', PLAYBOOK, '-i', site, '--json', ...extra]);
    expect(again.code, again.stderr + again.stdout.slice(-3000)).to.equal(0);
    expect(totalChanged(again), JSON.stringify(results(again).filter((x) => x.endsWith('|changed')))).to.equal(0);
  });

  it(
    '--check after a drift predicts each repair and writes nothing; ' + 'the real run repairs; then nothing to do',
    async function () {
      this.timeout(240_000);
      const host = lab.hosts[1]!.name;
      await lab.exec(
        host,
        'cd /opt/kplay-mf && sed -i "s/^listen 80 ssl$/listen 80/" app.conf && sed -i ' +
          '"s/master1/drifted/" hosts && rm unpacked/etc/a.conf && echo junk > payload.bin && rm scripted',
      );
      const before = (
        await lab.exec(host, 'find /opt/kplay-mf -printf "%p %s %m\\n" | sort; sha256sum /opt/kplay-mf/app.conf')
      ).stdout;
      const check = await kplay([
        'run',
        PLAYBOOK,
        '-i',
        site,
        '--check',
        '--diff',
        '--json',
        '--limit',
        host,
        ...extra,
      ]);
      expect(check.code, check.stderr + check.stdout.slice(-3000)).to.equal(0);
      const predicted = results(check);
      // the script is not run in check mode, but predicted as the real run reports it (changed, no changed_when)
      for (const task of [
        'a second block in a new file',
        'replace with a group',
        'an archive from the controller',
        'a download with a checksum',
        'a script from the controller',
      ]) {
        expect(predicted, task).to.include(`${host}|${task}|changed`);
      }
      expect(predicted).to.include(`${host}|a managed block|ok`);
      // app.conf has a planned change (replace): the next task reads it as that change leaves it
      expect(predicted).to.include(`${host}|replace after a section header|ok`);
      expect(
        (await lab.exec(host, 'find /opt/kplay-mf -printf "%p %s %m\\n" | sort; sha256sum /opt/kplay-mf/app.conf'))
          .stdout,
      ).to.equal(before);

      const real = await kplay(['run', PLAYBOOK, '-i', site, '--json', '--limit', host, ...extra]);
      expect(real.code, real.stderr + real.stdout.slice(-3000)).to.equal(0);
      const x = exactness(check, real);
      expect([x.missed, x.wrong]).to.deep.equal([[], []]);
      for (const task of [
        'a second block in a new file',
        'replace with a group',
        'an archive from the controller',
        'a download with a checksum',
        'a script from the controller',
      ]) {
        expect(results(real), task).to.include(`${host}|${task}|changed`);
      }
      const s = await lab.exec(host, STATE);
      expect(s.stdout)
        .to.include('10.0.0.1 master1\n')
        .and.include('listen 80 ssl\n')
        .and.include(`${SHA}  payload.bin`);
      const again = await kplay(['run', PLAYBOOK, '-i', site, '--json', '--limit', host, ...extra]);
      expect(totalChanged(again), JSON.stringify(results(again).filter((x) => x.endsWith('|changed')))).to.equal(0);
    },
  );

  it('failures are clear: a wrong checksum (no partial file left), a closed port, a missing status', async function () {
    this.timeout(120_000);
    const host = lab.hosts[0]!.name;
    const dir = mkdtempSync(join(tmpdir(), 'kplay-mf-fail-'));
    const cases: [string, string][] = [
      [
        `get_url: { url: "{{ web }}/payload.bin", dest: /tmp/bad.bin, checksum: "sha256:${'0'.repeat(64)}" }`,
        `The checksum for /tmp/bad.bin did not match ${'0'.repeat(64)}; it was ${SHA}.`,
      ],
      ['wait_for: { host: "{{ ctl }}", port: 1, timeout: 2 }', `Timeout when waiting for ${lab.state.bridgeIp}:1`],
      ['uri: { url: "{{ web }}/nope" }', 'Status code was 404 and not [200]: HTTP Error 404'],
    ];
    for (const [i, [task, msg]] of cases.entries()) {
      const pb = join(dir, `fail${i}.yml`);
      writeFileSync(pb, `- hosts: all\n  gather_facts: no\n  tasks:\n    - ${task}\n`);
      const r = await kplay(['run', pb, '-i', site, '--json', '--limit', host, ...extra]);
      const res = r.events.filter((e) => e.type === 'host_result');
      expect(r.code, r.stderr).to.equal(2);
      expect(res.map((e) => e.status)).to.deep.equal(['failed']);
      expect(String(res[0]!.msg)).to.include(msg);
    }
    expect(
      (await lab.exec(host, 'ls /tmp/bad.bin* 2>/dev/null || true')).stdout.trim(),
      'no partial download is left',
    ).to.equal('');
  });
});
