// Day 2 on the HA suite's converged cluster: `kplay cluster update-certs` (96.update-certs.yml with --tags
// force_change_certs): the PKI copied to <site>/backup, every certificate issued anew under the same CA and
// rolled out; the apiserver stand-in serves the new one through the VIP, etcd stays healthy.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Day2Ctx, etcdctl, predicted } from './day2.js';
import { kplay, totalChanged } from './support.js';

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

  const newCa = await c.play('96.update-certs.yml', ['-e', 'CHANGE_CA=true']);
  expect(newCa.code, 'a new CA is refused first').to.equal(2);
  expect(totalChanged(newCa)).to.equal(0);

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
  for (const ip of c.g.etcd)
    expect((await c.lab.exec(c.hostOf(ip), `${etcdctl(ip, 'endpoint health')} 2>&1`)).stdout).to.include('is healthy');
  // that ha-cluster.yml then has nothing to do: the suite's Kubespray --check, after every day-2 verb
}
