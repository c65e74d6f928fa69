// Day 2 on the HA suite's converged cluster: `kplay cluster update-certs` (96.update-certs.yml with --tags
// force_change_certs): the PKI copied to <site>/backup, every certificate issued anew under the same CA and
// rolled out; the apiserver stand-in serves the new one through the VIP, etcd stays healthy. Then with
// --change-ca (CHANGE_CA=true) the CAs are replaced in three rounds while a poller on the first master checks,
// every second, the apiserver's certificate through the VIP and an etcd read over mutual TLS, each with the
// host's own CA file and certificates of the moment: no two parts of the cluster ever distrust each other.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allAnswered, type Day2Ctx, etcdctl, predicted, quorumRead, startPoller } from './day2.js';
import { kplay } from './support.js';

const serial = (pem: string) =>
  execFileSync('openssl', ['x509', '-noout', '-serial', '-in', pem], { encoding: 'utf8' }).trim();

/** Every file of a folder, by name, with its bytes. */
const filesOf = (dir: string) =>
  Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f)).toString('base64')]));

const pkiCopies = (site: string) =>
  existsSync(join(site, 'backup')) ? readdirSync(join(site, 'backup')).filter((f) => f.startsWith('pki_')) : [];

export async function updateCerts(c: Day2Ctx): Promise<void> {
  const pki = join(c.site, 'pki');
  const before = filesOf(pki);
  const [ca, apiserver] = [serial(join(pki, 'ca.pem')), serial(join(pki, 'kubernetes.pem'))];
  const verb = (extra: string[] = []) => kplay(['cluster', 'update-certs', c.site, '--json', ...extra]);

  const check = await verb(['--check']);
  c.ok(check);
  expect(pkiCopies(c.site), '--check copies nothing').to.deep.equal([]);
  expect(filesOf(pki), '--check issues nothing').to.deep.equal(before);
  const run = await verb();
  c.ok(run);
  predicted(check, run);

  const copies = pkiCopies(c.site);
  expect(copies).to.have.length(1);
  expect(filesOf(join(c.site, 'backup', copies[0]!)), 'the copy is the PKI as it was').to.deep.equal(before);
  expect(serial(join(pki, 'ca.pem')), 'the CA is kept').to.equal(ca);
  const renewed = serial(join(pki, 'kubernetes.pem'));
  expect(renewed).to.not.equal(apiserver);
  const first = c.hostOf(c.g.master[0]!);
  const served = await c.lab.exec(
    first,
    `timeout 20 openssl s_client -connect ${c.lab.vip}:8443 </dev/null 2>/dev/null | openssl x509 -noout -serial`,
  );
  expect(served.stdout.trim(), 'the apiserver serves the new certificate through the VIP').to.equal(renewed);
  await etcdHealthy(c);
  // that ha-cluster.yml then has nothing to do: the suite's Kubespray --check, after every day-2 verb
}

const POLL = '/var/tmp/kplay-ca-poll';
const ROLLOVER = ['ca', 'front-proxy-ca'].flatMap((n) =>
  ['-next', '-next-key', '-previous'].map((s) => `${n}${s}.pem`),
);

async function etcdHealthy(c: Day2Ctx): Promise<void> {
  for (const ip of c.g.etcd)
    expect((await c.lab.exec(c.hostOf(ip), `${etcdctl(ip, 'endpoint health')} 2>&1`)).stdout).to.include('is healthy');
}

export async function changeCa(c: Day2Ctx): Promise<void> {
  const pki = join(c.site, 'pki');
  const before = filesOf(pki);
  const ca = serial(join(pki, 'ca.pem'));
  const copiesBefore = pkiCopies(c.site);
  const verb = (extra: string[] = []) => kplay(['cluster', 'update-certs', c.site, '--change-ca', '--json', ...extra]);
  const m0 = c.g.etcd[0]!;
  // each second: the apiserver's certificate through the VIP, checked against the host's CA file, and a read
  // (it needs the quorum) of any member, with the host's CA file and client certificate; asked again for up to
  // 3 s (a member or apiserver restarting just then, or the moment between the pushes of a certificate and its key)
  const tls = `-verify_return_error -verify_ip ${c.lab.vip} -CAfile /etc/kubernetes/ssl/ca.pem`;
  const api = `timeout 5 openssl s_client ${tls} -connect ${c.lab.vip}:8443 </dev/null >/dev/null 2>&1`;
  const read = `( for try in 1 2 3; do ${api} && ${quorumRead(c)} && exit 0; sleep 1; done; exit 1 )`;
  const poller = startPoller(c, m0, read, POLL);

  const check = await verb(['--check']);
  c.ok(check);
  expect(pkiCopies(c.site), '--check copies nothing').to.deep.equal(copiesBefore);
  expect(filesOf(pki), '--check makes no CA').to.deep.equal(before);
  const run = await verb();
  c.ok(run);
  predicted(check, run);
  await allAnswered(poller, 'the apiserver and etcd answered every second, trusted');

  const copies = pkiCopies(c.site).filter((f) => !copiesBefore.includes(f));
  expect(copies).to.have.length(1);
  expect(filesOf(join(c.site, 'backup', copies[0]!)), 'the copy is the PKI as it was').to.deep.equal(before);
  const newCa = serial(join(pki, 'ca.pem'));
  expect(newCa, 'a new CA').to.not.equal(ca);
  for (const f of ROLLOVER) expect(existsSync(join(pki, f)), `${f} is gone`).to.equal(false);
  const caPem = readFileSync(join(pki, 'ca.pem'), 'utf8');
  expect(readFileSync(join(pki, 'ca-trust.pem'), 'utf8'), 'the new CA alone is trusted').to.equal(caPem);
  for (const ip of [...c.g.master, ...c.g.node, ...c.g.etcd]) {
    const onHost = await c.lab.exec(c.hostOf(ip), 'cat /etc/kubernetes/ssl/ca.pem');
    expect(onHost.stdout, `${ip} trusts the new CA alone`).to.equal(caPem);
  }
  // the certificate the VIP serves is the new CA's, checked by the controller's openssl
  const served = await c.lab.exec(
    c.hostOf(m0),
    `timeout 20 openssl s_client -connect ${c.lab.vip}:8443 </dev/null 2>/dev/null | openssl x509`,
  );
  const verified = execFileSync('openssl', ['verify', '-CAfile', join(pki, 'ca.pem')], { input: served.stdout });
  expect(verified.toString()).to.match(/: OK\n$/);
  await etcdHealthy(c);
}
