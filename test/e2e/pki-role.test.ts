// The pki role on the controller (no host is contacted: every task is delegated to localhost), on the example
// kubeasz site: the files and their modes, the apiserver SANs, idempotence, and `--tags force_change_certs`.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkedRun, kplay, totalChanged } from './support.js';

const PB = 'test/e2e/fixtures/pki-role/pki.yml';
const openssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8' });

describe('pki role (on the controller, example site)', function () {
  this.timeout(120_000);
  let site: string;
  let pki: string;
  before(() => {
    site = mkdtempSync(join(tmpdir(), 'kplay-pki-site-'));
    copyFileSync('inventories/example/hosts', join(site, 'hosts'));
    pki = join(site, 'pki');
  });

  it(
    'makes the CA, certificates, ' + 'keys (0600) and kubeconfigs in <site>/pki; a second run changes nothing',
    async () => {
      const r = await checkedRun(['run', PB, '-i', site, '--json']);
      expect(r.code, r.stdout.slice(-2000)).to.equal(0);
      const files = readdirSync(pki);
      for (const f of [
        'ca.pem',
        'ca-key.pem',
        'front-proxy-ca.pem',
        'etcd.pem',
        'kubernetes.pem',
        'admin.pem',
        'sa.key',
        'sa.pub',
        'admin.kubeconfig',
        'kube-proxy.kubeconfig',
        'kubelet-master-01.kubeconfig',
        'kubelet-worker-02.pem',
      ]) {
        expect(files, f).to.include(f);
      }
      for (const f of files.filter((x) => x.endsWith('-key.pem') || x === 'sa.key' || x.endsWith('.kubeconfig'))) {
        expect((statSync(join(pki, f)).mode & 0o777).toString(8), f).to.equal('600');
      }
      const sans = openssl('x509', '-in', join(pki, 'kubernetes.pem'), '-noout', '-ext', 'subjectAltName');
      for (const n of [
        'IP Address:192.168.56.11',
        'IP Address:192.168.56.12',
        'IP Address:192.168.56.13',
        'IP Address:192.168.56.250',
        'IP Address:127.0.0.1',
        'IP Address:10.68.0.1',
        'DNS:kubernetes.default.svc.cluster.local',
      ]) {
        expect(sans).to.include(n);
      }
      expect(openssl('x509', '-in', join(pki, 'kubelet-worker-01.pem'), '-noout', '-subject')).to.match(
        /CN ?= ?system:node:worker-01/,
      );
      expect(
        openssl('verify', '-CAfile', join(pki, 'ca.pem'), join(pki, 'kubernetes.pem'), join(pki, 'etcd.pem')),
      ).to.match(/kubernetes.pem: OK\n.*etcd.pem: OK/);
      const again = await kplay(['run', PB, '-i', site, '--json']);
      expect(totalChanged(again)).to.equal(0);
    },
  );

  const force =
    '--tags force_change_certs issues every certificate anew under the same CA and service-account key; ' +
    'with CHANGE_CA=true those anew too; the next plain run changes nothing';
  it(force, async () => {
    const serial = (f: string) => openssl('x509', '-in', join(pki, f), '-noout', '-serial');
    const now = () => [serial('ca.pem'), serial('kubernetes.pem'), readFileSync(join(pki, 'sa.key'), 'utf8')];
    const [ca, apiserver, sa] = now();
    const r = await kplay(['run', PB, '-i', site, '--json', '--tags', 'force_change_certs']);
    expect(r.code, r.stdout.slice(-2000)).to.equal(0);
    const renewed = now();
    expect([renewed[0], renewed[2]], 'the CA and the service-account key are kept').to.deep.equal([ca, sa]);
    expect(renewed[1]).to.not.equal(apiserver);
    const newCa = await kplay([
      'run',
      PB,
      '-i',
      site,
      '--json',
      '--tags',
      'force_change_certs',
      '-e',
      'CHANGE_CA=true',
    ]);
    expect(newCa.code, newCa.stdout.slice(-2000)).to.equal(0);
    const anew = now();
    expect(anew[0]).to.not.equal(ca);
    expect(anew[2]).to.not.equal(sa);
    expect(openssl('verify', '-CAfile', join(pki, 'ca.pem'), join(pki, 'kubernetes.pem'))).to.include('OK');
    expect(totalChanged(await kplay(['run', PB, '-i', site, '--json']))).to.equal(0);
  });

  const userKubeconfig =
    "kplay cluster kubeconfig: a user's certificate from the CA and a kubeconfig through the VIP; again, no change";
  it(userKubeconfig, async () => {
    const cfg = join(pki, 'user-jane.kubeconfig');
    const args = ['cluster', 'kubeconfig', site, '--user', 'jane', '--group', 'dev', '--days', '90'];
    const check = await kplay([...args, '--check']);
    expect(check.code, check.stdout.slice(-2000)).to.equal(0);
    expect(existsSync(cfg), '--check writes nothing').to.equal(false);
    const r = await kplay(args);
    expect(r.code, r.stdout.slice(-2000)).to.equal(0);
    expect(r.stdout).to.include(`kubeconfig: ${cfg}`);
    const pem = join(pki, 'user-jane.pem');
    expect(openssl('x509', '-in', pem, '-noout', '-subject')).to.match(/O ?= ?dev, CN ?= ?jane/);
    const end = Date.parse(openssl('x509', '-in', pem, '-noout', '-enddate').split('=')[1]!);
    expect(Math.round((end - Date.now()) / 86_400_000)).to.equal(90);
    expect(openssl('verify', '-CAfile', join(pki, 'ca.pem'), pem)).to.include('OK');
    expect(statSync(join(pki, 'user-jane-key.pem')).mode & 0o777).to.equal(0o600);
    expect(readFileSync(cfg, 'utf8')).to.match(/server: https:\/\/192\.168\.56\.250:8443\n/);
    const again = await kplay([...args, '--json']);
    expect(again.code).to.equal(0);
    expect(totalChanged(again)).to.equal(0);
    const bad = await kplay(['cluster', 'kubeconfig', site, '--user', 'Jane_Doe']);
    expect(bad.code, bad.stderr).to.equal(5);
    expect(bad.stderr).to.include("a user name is needed (lower case letters, digits, '-', '.', '@'): Jane_Doe");
    const admin = await kplay(['cluster', 'kubeconfig', site, '--admin']);
    expect(admin.stdout).to.equal(readFileSync(join(pki, 'admin.kubeconfig'), 'utf8'));
  });
});
