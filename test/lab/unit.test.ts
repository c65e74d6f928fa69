// Lab parts that need no root: the proxy (against a local stand-in for the mirror), the site, names.
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { hostsYaml, knownHosts, layout, removeInventory, writeInventory } from '../../src/lab/inventory.js';
import { cachePath, cacheable, loggedUrl, startProxy } from '../../src/lab/proxy.js';
import { recipeKey } from '../../src/lab/base.js';
import { checkNet, checkPrefix, names } from '../../src/lab/state.js';
import { sshArgv } from '../../src/lab/ssh.js';

function get(
  port: number,
  url: string,
  method = 'GET',
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: url,
        method,
        headers: { host: url.startsWith('http') ? new URL(url).host : 'x' },
      },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('lab proxy', () => {
  let upstream: Server;
  let proxy: Server;
  let proxyPort: number;
  let dir: string;
  const hits: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kplay-proxy-'));
    upstream = createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/debian/pool/main/h/hello/hello_1.0_amd64.deb') return void res.end('DEB-BYTES');
      if (req.url === '/debian/dists/bookworm/InRelease') return void res.end('release');
      if (req.url === '/debian/pool/main/t/trunc/trunc_1_amd64.deb') {
        res.writeHead(200, { 'content-length': 100 });
        res.write('only ten b');
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      res.writeHead(404).end('no');
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const up = (upstream.address() as AddressInfo).port;
    const p = await startProxy({
      host: '127.0.0.1',
      port: 0,
      cacheDir: dir,
      allow: ['deb.debian.org'],
      upstream: () => ({ host: '127.0.0.1', port: up }),
    });
    proxy = p.server;
    proxyPort = p.port;
  });
  after(() => {
    proxy.close();
    proxy.closeAllConnections();
    upstream.close();
    upstream.closeAllConnections();
    rmSync(dir, { recursive: true, force: true });
  });

  it('forwards an allowed .deb and serves it from the cache afterwards', async () => {
    const url = 'http://deb.debian.org/debian/pool/main/h/hello/hello_1.0_amd64.deb';
    const a = await get(proxyPort, url);
    expect(a.status).to.equal(200);
    expect(a.body).to.equal('DEB-BYTES');
    await new Promise((r) => setTimeout(r, 50));
    const b = await get(proxyPort, url);
    expect(b.body).to.equal('DEB-BYTES');
    expect(b.headers['x-kplay-cache']).to.equal('hit');
    expect(hits.filter((h) => h.endsWith('hello_1.0_amd64.deb'))).to.have.length(1);
    expect(readFileSync(join(dir, 'deb.debian.org/debian/pool/main/h/hello/hello_1.0_amd64.deb'), 'utf8')).to.equal(
      'DEB-BYTES',
    );
  });

  it('does not cache index files that change', async () => {
    await get(proxyPort, 'http://deb.debian.org/debian/dists/bookworm/InRelease');
    await get(proxyPort, 'http://deb.debian.org/debian/dists/bookworm/InRelease');
    expect(hits.filter((h) => h.endsWith('InRelease'))).to.have.length(2);
  });

  it('does not keep a download cut short', async () => {
    await get(proxyPort, 'http://deb.debian.org/debian/pool/main/t/trunc/trunc_1_amd64.deb').catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(join(dir, 'deb.debian.org/debian/pool/main/t/trunc/trunc_1_amd64.deb'))).to.equal(false);
  });

  it('refuses hosts off the allow list, other ports, non-proxy requests and methods that write', async () => {
    expect((await get(proxyPort, 'http://example.com/x.deb')).status).to.equal(403);
    expect((await get(proxyPort, 'http://deb.debian.org:8080/x.deb')).status).to.equal(403);
    expect((await get(proxyPort, '/relative/path')).status).to.equal(400);
    expect((await get(proxyPort, 'http://deb.debian.org/debian/x.deb', 'POST')).status).to.equal(405);
  });

  it('refuses CONNECT (https tunnels)', async () => {
    const line = await new Promise<string>((resolve, reject) => {
      const s = connect(proxyPort, '127.0.0.1', () =>
        s.write('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'),
      );
      let got = '';
      s.on('data', (c) => (got += c));
      s.on('end', () => resolve(got.split('\r\n')[0] ?? ''));
      s.on('error', reject);
    });
    expect(line).to.match(/^HTTP\/1\.1 403/);
  });

  it('logs a refused URL without its user:password or query (where tokens travel)', async () => {
    const lines: string[] = [];
    const p = await startProxy({
      host: '127.0.0.1',
      port: 0,
      cacheDir: dir,
      allow: ['deb.debian.org'],
      log: (l) => lines.push(l),
    });
    try {
      expect((await get(p.port, 'http://user:pw-s3cret@example.com/get?token=tok-s3cret&x=1')).status).to.equal(403);
    } finally {
      p.server.close();
      p.server.closeAllConnections();
    }
    expect(lines).to.deep.equal(['refused GET http://example.com/get?…']);
    expect(loggedUrl('http://deb.debian.org/debian/pool/a.deb')).to.equal('http://deb.debian.org/debian/pool/a.deb');
  });

  it('keeps cache paths inside the cache folder', () => {
    expect(cachePath('/c', 'deb.debian.org', '/debian/%2e%2e/%2e%2e/etc/passwd')).to.equal(undefined);
    expect(cachePath('/c', 'deb.debian.org', '/debian/a%2Fb.deb')).to.equal(undefined);
    expect(cachePath('/c', 'deb.debian.org', '/debian/pool/a.deb')).to.equal('/c/deb.debian.org/debian/pool/a.deb');
    expect(cacheable('/debian/pool/a.deb')).to.equal(true);
    expect(cacheable('/debian/dists/bookworm/main/binary-amd64/by-hash/SHA256/abc')).to.equal(true);
    expect(cacheable('/debian/dists/bookworm/InRelease')).to.equal(false);
  });
});

describe('lab site (inventories/lab)', () => {
  const hosts = [1, 2, 3, 4, 5].map((i) => ({
    name: `kp${i}`,
    ip: `10.77.0.${10 + i}`,
    hostKey: `ssh-ed25519 KEY${i}`,
  }));

  it('puts the first 3 hosts in etcd and kube_master, the rest in kube_node, ex_lb on two hosts', () => {
    expect(layout(['a', 'b', 'c'])).to.deep.equal({
      etcd: ['a', 'b', 'c'],
      master: ['a', 'b', 'c'],
      node: [],
      lb: ['a', 'b'],
    });
    expect(layout(['a', 'b', 'c', 'd', 'e'])).to.deep.equal({
      etcd: ['a', 'b', 'c'],
      master: ['a', 'b', 'c'],
      node: ['d', 'e'],
      lb: ['d', 'e'],
    });
    expect(layout(['a']).lb).to.deep.equal(['a']);
  });

  it('writes Ansible YAML with the connection variables, strict host-key checking and LB variables', () => {
    const doc = parse(hostsYaml('/site', { prefix: 'kp', hosts, vip: '10.77.0.10', keyFile: '/k' }));
    expect(doc.all.vars.ansible_user).to.equal('root');
    expect(doc.all.vars.ansible_ssh_private_key_file).to.equal('/site/id_ed25519');
    expect(doc.all.vars.ansible_ssh_common_args).to.equal(
      '-o UserKnownHostsFile=/site/known_hosts -o StrictHostKeyChecking=yes',
    );
    expect(doc.all.hosts.kp4).to.deep.equal({ ansible_host: '10.77.0.14' });
    expect(Object.keys(doc.all.children.etcd.hosts)).to.deep.equal(['kp1', 'kp2', 'kp3']);
    expect(Object.keys(doc.all.children.kube_master.hosts)).to.deep.equal(['kp1', 'kp2', 'kp3']);
    expect(Object.keys(doc.all.children.kube_node.hosts)).to.deep.equal(['kp4', 'kp5']);
    expect(doc.all.children.ex_lb.hosts).to.deep.equal({ kp4: { LB_ROLE: 'master' }, kp5: { LB_ROLE: 'backup' } });
    expect(doc.all.children.ex_lb.vars).to.deep.equal({ EX_APISERVER_VIP: '10.77.0.10', EX_APISERVER_PORT: 8443 });
    expect(knownHosts(hosts.slice(0, 1))).to.equal('10.77.0.11,kp1 ssh-ed25519 KEY1\n');
  });

  it('writes the key 0600 and removes only its own files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kplay-site-'));
    const site = join(dir, 'lab');
    writeFileSync(join(dir, 'k'), 'PRIVATE');
    writeFileSync(join(dir, 'k.pub'), 'PUBLIC');
    writeInventory(site, { prefix: 'kp', hosts, vip: '10.77.0.10', keyFile: join(dir, 'k') });
    expect(statSync(join(site, 'id_ed25519')).mode & 0o777).to.equal(0o600);
    removeInventory(site, 'other');
    expect(existsSync(join(site, 'hosts.yml'))).to.equal(true);
    removeInventory(site, 'kp');
    expect(existsSync(site)).to.equal(false);
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds ssh argv with the site key and strict checking', () => {
    const a = sshArgv('/site', '10.77.0.11', ['hostname']);
    expect(a).to.include('StrictHostKeyChecking=yes');
    expect(a).to.include('UserKnownHostsFile=/site/known_hosts');
    expect(a.slice(-3)).to.deep.equal(['root@10.77.0.11', '--', 'hostname']);
  });
});

describe('lab names and options', () => {
  it('accepts short prefixes and /24 subnets, refuses the rest', () => {
    expect(checkPrefix('kp')).to.equal('kp');
    expect(() => checkPrefix('Kp')).to.throw(/bad lab prefix/);
    expect(() => checkPrefix('toolongx')).to.throw(/bad lab prefix/);
    expect(checkNet('10.77.0')).to.equal('10.77.0');
    expect(checkNet('10.77.0.0/24')).to.equal('10.77.0');
    expect(() => checkNet('10.77.300')).to.throw(/bad lab subnet/);
  });

  it('keeps interface names within 15 characters', () => {
    const h = names('abcdef').host(200);
    expect(h.veth.length).to.be.at.most(15);
    expect(h.peer.length).to.be.at.most(15);
    expect(names('abcdef').bridge.length).to.be.at.most(15);
  });

  it('keys the base image by its recipe', () => {
    expect(recipeKey()).to.match(/^[0-9a-f]{16}$/);
  });
});
