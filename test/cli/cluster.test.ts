// `kplay cluster`: the certificate report (real certificates made by openssl, read back with their expiry) and
// the day-2 verbs' runs (the shipped playbook, the site, the settings as -e). The verbs' playbooks themselves
// are proven on the lab cluster (test/e2e/day2.ts).
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certRows, clusterCerts, pkiDirOf } from '../../src/cli/cluster-certs.js';
import { verbRun } from '../../src/cli/verb-run.js';
import { main } from '../../src/cli/main.js';
import { KPLAY_ROOT } from '../../src/core/package-root.js';

const DAY = 86_400_000;

/** A site with pki/: a CA made for 3650 days, a certificate for 40, its key and a kubeconfig beside them. */
function site(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kplay-certs-'));
  const pki = join(dir, 'pki');
  mkdirSync(pki);
  const req = (name: string, days: number) =>
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-subj',
        `/O=k8s/CN=${name}`,
        '-days',
        String(days),
        '-keyout',
        join(pki, `${name}-key.pem`),
        '-out',
        join(pki, `${name}.pem`),
      ],
      { stdio: 'ignore' },
    );
  req('ca', 3650);
  req('etcd', 40);
  writeFileSync(join(pki, 'admin.kubeconfig'), 'apiVersion: v1\n');
  // a trust bundle (pki_trust) repeats the CA: not a row of its own
  writeFileSync(join(pki, 'ca-trust.pem'), readFileSync(join(pki, 'ca.pem')));
  return dir;
}

async function kplay(...args: string[]) {
  const r = { out: '', err: '' };
  const code = await main(args, {
    print: (t) => void (r.out += `${t}\n`),
    warn: (t) => void (r.err += `[WARNING]: ${t}\n`),
    error: (t) => void (r.err += `${t}\n`),
  });
  return { code, ...r };
}

describe('kplay cluster certs', () => {
  const s = site();
  const cases: { name: string; at: number; states: string[] }[] = [
    { name: 'today', at: 0, states: ['etcd.pem ok', 'ca.pem ok'] },
    { name: 'in 20 days', at: 20, states: ['etcd.pem soon', 'ca.pem ok'] },
    { name: 'in 50 days', at: 50, states: ['etcd.pem expired', 'ca.pem ok'] },
    { name: 'in 11 years', at: 4000, states: ['etcd.pem expired', 'ca.pem expired'] },
  ];
  for (const c of cases)
    it(`${c.name}: the certificates (keys, kubeconfigs, trust bundles passed over), soonest first, their state`, () => {
      const rows = certRows(pkiDirOf(s), 30, new Date(Date.now() + c.at * DAY));
      expect(rows.map((r) => `${r.file} ${r.state}`)).to.deep.equal(c.states);
      expect(rows[0]!.subject).to.equal('O=k8s, CN=etcd');
    });

  it('counts the days left; warns under --warn-days; exit 0 while none has expired', async () => {
    const rows = certRows(pkiDirOf(s), 30);
    expect(rows[0]!.days).to.be.within(38, 40);
    const r = await kplay('cluster', 'certs', s, '--warn-days', '45');
    expect(r.code).to.equal(0);
    expect(r.out).to.match(/etcd\.pem\s+\d{4}-\d\d-\d\d\s+(39|40) days left\s+O=k8s, CN=etcd/);
    expect(r.err).to.match(/1 certificate\(s\) expire within 45 days: etcd\.pem/);
    expect((await kplay('cluster', 'certs', s)).err).to.equal('');
  });

  it('says which have expired, and exits 2', () => {
    const out = { print: () => {}, warn: () => {}, error: (t: string) => void (said += t) };
    let said = '';
    expect(clusterCerts({ site: s, warnDays: 30, now: new Date(Date.now() + 50 * DAY) }, out)).to.equal(2);
    expect(said).to.equal('ERROR: 1 certificate(s) have expired: etcd.pem');
  });

  it('prefers <site>/ssl (a kubeasz cluster folder); a missing folder is NOT_FOUND, exit 1', async () => {
    mkdirSync(join(s, 'ssl'), { recursive: true });
    expect(pkiDirOf(s)).to.equal(join(s, 'ssl'));
    expect(pkiDirOf(s, '/x')).to.equal('/x');
    const r = await kplay('cluster', 'certs', join(s, 'nowhere'));
    expect(r.code).to.equal(1);
    expect(r.err).to.include(`no PKI folder at ${join(s, 'nowhere', 'pki')}`);
  });
});

describe('kplay cluster backup and restore', () => {
  it('run the shipped playbook on the site, settings given as -e, --check with --diff', () => {
    expect(verbRun('94.backup.yml', { site: 'inv/prod' }, { backup_keep: 3 })).to.deep.equal({
      playbook: join(KPLAY_ROOT, 'playbooks', '94.backup.yml'),
      inventory: ['inv/prod'],
      check: false,
      diff: false,
      json: false,
      extraVars: ['{"backup_keep":3}'],
    });
    const r = verbRun('95.restore.yml', { site: 'inv/prod', check: true }, { etcd_snapshot: undefined });
    expect([r.extraVars, r.check, r.diff]).to.deep.equal([undefined, true, true]);
  });

  it('name the verbs when none is given (exit 5)', async () => {
    const r = await kplay('cluster');
    expect(r.code).to.equal(5);
    expect(r.err).to.include(
      'name a cluster verb: add-node, del-node, add-master, del-master, add-etcd, del-etcd, backup, restore, ' +
        'upgrade, update-certs, stop, start, kubeconfig, certs',
    );
  });
});

describe('kplay cluster add-node, del-node, add-master, del-master, add-etcd, del-etcd refuse bad input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kplay-nodes-'));
  const hosts = join(dir, 'hosts');
  const text = readFileSync(join(KPLAY_ROOT, 'inventories/example/hosts'), 'utf8');
  writeFileSync(hosts, text);
  const cases: { args: string[]; code: number; msg: string }[] = [
    { args: ['add-node', dir, '192.168.56.11'], code: 5, msg: '192.168.56.11 is a master: add-node adds workers' },
    { args: ['add-node', dir, '192.168.56.14'], code: 5, msg: '192.168.56.14 is already in kube_node' },
    { args: ['add-node', dir, '192.168.56.16', 'nodename'], code: 5, msg: 'a host variable is KEY=VALUE' },
    // written, then refused while the run loads the site: the file is put back
    { args: ['add-node', dir, '192.168.56.16', 'ansible_port=99999'], code: 4, msg: 'must be a port number' },
    { args: ['del-node', dir, '192.168.56.11'], code: 5, msg: '192.168.56.11 is a master: del-node removes workers' },
    { args: ['del-node', dir, '192.168.56.99'], code: 5, msg: '192.168.56.99 is not in kube_node' },
    { args: ['add-master', dir, '192.168.56.12'], code: 5, msg: '192.168.56.12 is already in kube_master' },
    { args: ['add-master', dir, '192.168.56.16', 'ansible_port=99999'], code: 4, msg: 'must be a port number' },
    { args: ['del-master', dir, '192.168.56.14'], code: 5, msg: '192.168.56.14 is not in kube_master' },
    { args: ['add-etcd', dir, '192.168.56.12'], code: 5, msg: '192.168.56.12 is already in etcd' },
    { args: ['add-etcd', dir, '192.168.56.14'], code: 5, msg: 'etcd would have 4 members, an even number' },
    { args: ['del-etcd', dir, '192.168.56.14'], code: 5, msg: '192.168.56.14 is not in etcd' },
    // the playbook's first play (on localhost) refuses it: no host is reached
    { args: ['del-etcd', dir, '192.168.56.13'], code: 2, msg: 'without 192.168.56.13 the etcd group has 2 members' },
  ];
  for (const c of cases)
    it(`${c.args.slice(0, 1).concat(c.args.slice(2)).join(' ')}: exit ${c.code}`, async () => {
      const r = await kplay('cluster', ...c.args);
      expect(r.err + r.out).to.include(c.msg);
      expect(r.code).to.equal(c.code);
      expect(readFileSync(hosts, 'utf8')).to.equal(text);
    });
});
