// pki_ca, pki_cert, pki_keypair and pki_kubeconfig. First through the real CLI on the controller (implicit
// localhost, the local transport) in a temp folder, the results checked by openssl: check mode writes
// nothing, a run makes a verifiable PKI, a second run changes nothing, an added SAN reissues only that
// certificate, force reissues, --diff never shows a key. Then against the fake host: secrets, reasons for
// reissuing, expiry, and bad arguments reported with their position.
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { Problems } from '../../../src/core/errors.js';
import { readPlaybook } from '../../../src/playbook/playbook.js';
import { isSecret } from '../../../src/core/secrets.js';
import { validatePlaybook } from '../../../src/check/validate.js';
import type { Action, Plan } from '../../../src/tasks/contract.js';
import { pki_ca } from '../../../src/tasks/pki/ca.js';
import { pki_cert } from '../../../src/tasks/pki/cert.js';
import { pki_keypair } from '../../../src/tasks/pki/keypair.js';
import { pki_kubeconfig } from '../../../src/tasks/pki/kubeconfig.js';
import { FakeHost } from '../../support/fake-host.js';
import { converge, planError, planOn } from '../../support/plan-harness.js';

const BIN = join(process.cwd(), 'bin/kplay');

/** The parts of a kubeconfig these tests read. */
interface Kubeconfig {
  clusters: unknown[];
  contexts: unknown[];
  users: { name: string; user: Record<string, string> }[];
}

interface Res {
  task: string;
  status: string;
  msg?: string;
  result?: Record<string, unknown>;
}

function kplay(dir: string, args: string[]) {
  return spawnSync(process.execPath, [BIN, 'run', join(dir, 'site.yml'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
  });
}

/** A --json run: each task's status and result, and the number of changed tasks. */
function run(
  dir: string,
  extra: string[] = [],
): { code: number | null; results: Res[]; status: Record<string, string>; changed: number } {
  const r = kplay(dir, ['--json', ...extra]);
  const events = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const results = events.filter((e) => e.type === 'host_result') as unknown as Res[];
  const status = Object.fromEntries(results.map((x) => [x.task, x.status]));
  return { code: r.status, results, status, changed: results.filter((x) => x.status === 'changed').length };
}

const openssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8' });
const modeOf = (p: string) => (statSync(p).mode & 0o7777).toString(8).padStart(4, '0');
const SANS = ['127.0.0.1', '10.0.0.1', 'kubernetes.default', '10.0.0.1'];

function sitePlaybook(out: string): string {
  const ssl = `${out}/ssl`;
  return (
    `- hosts: localhost
  gather_facts: false
  vars:
    k8s_sans: ${JSON.stringify(SANS)}
    admin_force: false
  tasks:
    - name: ca
      pki_ca: { path: ${ssl}, organization: kplay }
    - name: kubernetes cert
      pki_cert: { path: ${ssl}, name: kubernetes, sans: "{{ k8s_sans }}" }
    - name: admin cert
      pki_cert: { path: ${ssl}, name: admin, organization: ["system:masters"], ` +
    `usage: client, force: "{{ admin_force }}" }
    - name: sa keypair
      pki_keypair: { path: ${ssl} }
    - name: admin kubeconfig
      pki_kubeconfig: { dest: ${out}/kube/config, server: "https://10.0.0.1:6443", ` +
    `ca: ${ssl}/ca.pem, cert: ${ssl}/admin.pem, key: ${ssl}/admin-key.pem }
`
  );
}

describe('pki modules on the controller (local transport, openssl checks)', function () {
  this.timeout(60_000);
  let dir: string;
  let out: string;
  let ssl: string;
  const f = (name: string) => join(ssl, name);
  const read = (name: string) => readFileSync(f(name), 'utf8');

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kplay-pki-'));
    out = join(dir, 'out');
    ssl = join(out, 'ssl');
    writeFileSync(join(dir, 'site.yml'), sitePlaybook(out));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('check mode on an empty folder writes nothing, and knows that all the CA would sign is made too', () => {
    const r = run(dir, ['--check']);
    expect(r.code).to.equal(0);
    // the plan's own CA (a throwaway key) signs what later tasks plan: each is a change, none uncertain
    expect(r.status).to.deep.equal({
      ca: 'changed',
      'kubernetes cert': 'changed',
      'admin cert': 'changed',
      'sa keypair': 'changed',
      'admin kubeconfig': 'changed',
    });
    expect(existsSync(out), 'check mode wrote nothing').to.equal(false);
  });

  it('a run makes a PKI openssl verifies, with 0600 keys, and --diff shows no key', () => {
    const r = kplay(dir, ['--diff']);
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.include('(private key, not shown)');
    expect(r.stdout).to.include('client-key-data: (private key, not shown)');
    expect(r.stdout).to.not.include('PRIVATE KEY');
    for (const k of ['ca-key.pem', 'kubernetes-key.pem', 'admin-key.pem', 'sa.key']) {
      for (const line of read(k)
        .split('\n')
        .filter((l) => l.length > 20))
        expect(r.stdout, `a line of ${k} in the output`).to.not.include(line);
    }
    const kubeconfig = parseYaml(readFileSync(join(out, 'kube/config'), 'utf8')) as Kubeconfig;
    expect(r.stdout).to.not.include(kubeconfig.users[0]!.user['client-key-data']);

    expect(openssl('verify', '-CAfile', f('ca.pem'), f('kubernetes.pem'), f('admin.pem'))).to.equal(
      `${f('kubernetes.pem')}: OK\n${f('admin.pem')}: OK\n`,
    );
    const ca = openssl('x509', '-noout', '-text', '-in', f('ca.pem'));
    expect(ca).to.match(/Subject: O = kplay, CN = kubernetes-ca\n/);
    expect(ca).to.match(/Basic Constraints: critical\n\s+CA:TRUE\n/);
    expect(ca).to.match(/Key Usage: critical\n\s+Certificate Sign, CRL Sign\n/);
    const k8s = openssl('x509', '-noout', '-text', '-in', f('kubernetes.pem'));
    expect(k8s).to.match(/Subject: CN = kubernetes\n/);
    expect(k8s).to.match(
      /Subject Alternative Name: \n\s+IP Address:127.0.0.1, IP Address:10.0.0.1, DNS:kubernetes.default\n/,
    );
    expect(k8s).to.match(/Extended Key Usage: \n\s+TLS Web Server Authentication, TLS Web Client Authentication\n/);
    expect(k8s).to.match(/Basic Constraints: critical\n\s+CA:FALSE\n/);
    expect(k8s).to.match(/Key Usage: critical\n\s+Digital Signature, Key Encipherment\n/);
    expect(k8s).to.include('X509v3 Subject Key Identifier').and.to.include('X509v3 Authority Key Identifier');
    const admin = openssl('x509', '-noout', '-text', '-in', f('admin.pem'));
    expect(admin).to.match(/Subject: O = system:masters, CN = admin\n/);
    expect(admin).to.match(/Extended Key Usage: \n\s+TLS Web Client Authentication\n/);
    expect(admin).to.not.include('Subject Alternative Name');
    // each key is its certificate's; the .pub is the key's public half
    for (const n of ['ca', 'kubernetes', 'admin']) {
      expect(openssl('pkey', '-in', f(`${n}-key.pem`), '-pubout'), n).to.equal(
        openssl('x509', '-in', f(`${n}.pem`), '-pubkey', '-noout'),
      );
    }
    expect(read('sa.key')).to.match(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(openssl('pkey', '-in', f('sa.key'), '-noout', '-text')).to.include('Private-Key: (2048 bit');
    expect(openssl('pkey', '-in', f('sa.key'), '-pubout')).to.equal(read('sa.pub'));

    expect(modeOf(ssl)).to.equal('0700');
    for (const k of ['ca-key.pem', 'kubernetes-key.pem', 'admin-key.pem', 'sa.key'])
      expect(modeOf(f(k)), k).to.equal('0600');
    for (const c of ['ca.pem', 'kubernetes.pem', 'admin.pem', 'sa.pub']) expect(modeOf(f(c)), c).to.equal('0644');
    expect(modeOf(join(out, 'kube/config'))).to.equal('0600');

    expect(kubeconfig).to.deep.include({ apiVersion: 'v1', kind: 'Config', 'current-context': 'default' });
    expect(kubeconfig.clusters).to.deep.equal([
      {
        name: 'kubernetes',
        cluster: {
          'certificate-authority-data': Buffer.from(read('ca.pem')).toString('base64'),
          server: 'https://10.0.0.1:6443',
        },
      },
    ]);
    expect(kubeconfig.contexts).to.deep.equal([{ name: 'default', context: { cluster: 'kubernetes', user: 'admin' } }]);
    const user = kubeconfig.users[0]!;
    expect(user.name).to.equal('admin');
    expect(Buffer.from(user.user['client-certificate-data'], 'base64').toString()).to.equal(read('admin.pem'));
    expect(Buffer.from(user.user['client-key-data'], 'base64').toString()).to.equal(read('admin-key.pem'));
  });

  it('a second run changes nothing, and reports what is there', () => {
    const r = run(dir);
    expect(r.code).to.equal(0);
    expect(r.changed).to.equal(0);
    const k8s = r.results.find((x) => x.task === 'kubernetes cert')!.result!;
    expect(k8s.sans).to.deep.equal(['IP:127.0.0.1', 'IP:10.0.0.1', 'DNS:kubernetes.default']);
    expect(k8s.path).to.equal(f('kubernetes.pem'));
    expect(Date.parse(k8s.not_after as string)).to.be.greaterThan(Date.now() + 36000 * 86_400_000);
  });

  it(
    'force reissues (no convergence failure: ' + 'it is planned on every run by design); without it nothing changes',
    () => {
      const serial = () => openssl('x509', '-noout', '-serial', '-in', f('admin.pem'));
      const s0 = serial();
      const r = run(dir, ['-e', 'admin_force=true']);
      expect(r.code).to.equal(0);
      expect(r.status).to.deep.equal({
        ca: 'ok',
        'kubernetes cert': 'ok',
        'admin cert': 'changed',
        'sa keypair': 'ok',
        'admin kubeconfig': 'changed',
      });
      expect(r.results.find((x) => x.task === 'admin cert')!.result!.reason).to.equal('forced');
      expect(serial()).to.not.equal(s0);
      expect(openssl('verify', '-CAfile', f('ca.pem'), f('admin.pem'))).to.include(': OK');
      expect(run(dir).changed).to.equal(0);
    },
  );

  it('a missing .pub is made again from the kept key; a readable key gets 0600 back without a reissue', () => {
    const key = read('sa.key');
    const pub = read('sa.pub');
    const admin = read('admin.pem');
    rmSync(f('sa.pub'));
    chmodSync(f('admin-key.pem'), 0o644);
    const r = run(dir);
    expect(r.status).to.deep.equal({
      ca: 'ok',
      'kubernetes cert': 'ok',
      'admin cert': 'changed',
      'sa keypair': 'changed',
      'admin kubeconfig': 'ok',
    });
    expect(read('sa.key')).to.equal(key);
    expect(read('sa.pub')).to.equal(pub);
    expect(read('admin.pem')).to.equal(admin);
    expect(modeOf(f('admin-key.pem'))).to.equal('0600');
  });

  it('(after the repairs) SANs in another order change nothing; an added SAN reissues only that certificate', () => {
    const sans = (list: string[]) => ['-e', JSON.stringify({ k8s_sans: list })];
    expect(run(dir, sans(['kubernetes.default', '10.0.0.1', '127.0.0.1'])).changed).to.equal(0);
    const before = Object.fromEntries(
      ['ca.pem', 'ca-key.pem', 'admin.pem', 'admin-key.pem', 'kubernetes.pem', 'kubernetes-key.pem', 'sa.key'].map(
        (n) => [n, read(n)],
      ),
    );
    const kubeconfig = readFileSync(join(out, 'kube/config'), 'utf8');
    const r = run(dir, sans([...SANS, 'kubernetes.default.svc']));
    expect(r.status).to.deep.equal({
      ca: 'ok',
      'kubernetes cert': 'changed',
      'admin cert': 'ok',
      'sa keypair': 'ok',
      'admin kubeconfig': 'ok',
    });
    expect(r.results.find((x) => x.task === 'kubernetes cert')!.result!.reason).to.equal(
      'SANs lack DNS:kubernetes.default.svc',
    );
    for (const n of ['ca.pem', 'ca-key.pem', 'admin.pem', 'admin-key.pem', 'sa.key'])
      expect(read(n), n).to.equal(before[n]);
    expect(readFileSync(join(out, 'kube/config'), 'utf8')).to.equal(kubeconfig);
    expect(read('kubernetes.pem')).to.not.equal(before['kubernetes.pem']);
    expect(read('kubernetes-key.pem'), 'a new key with it').to.not.equal(before['kubernetes-key.pem']);
    expect(openssl('x509', '-noout', '-ext', 'subjectAltName', '-in', f('kubernetes.pem'))).to.include(
      'DNS:kubernetes.default.svc',
    );
    expect(openssl('verify', '-CAfile', f('ca.pem'), f('kubernetes.pem'))).to.include(': OK');
    expect(run(dir, sans([...SANS, 'kubernetes.default.svc'])).changed).to.equal(0);
  });

  it('without a CA, a real run fails on pki_cert with a message', () => {
    const d = mkdtempSync(join(tmpdir(), 'kplay-pki-noca-'));
    mkdirSync(join(d, 'ssl'));
    writeFileSync(
      join(d, 'site.yml'),
      '- hosts: localhost\n  gather_facts: false\n  tasks:\n' +
        `    - name: cert\n      pki_cert: { path: ${d}/ssl, name: etcd }\n`,
    );
    const r = run(d);
    expect(r.status).to.deep.equal({ cert: 'failed' });
    expect(r.results[0]!.msg).to.include(`CA certificate ${d}/ssl/ca.pem not found (make it with pki_ca first)`);
    expect(r.code).to.not.equal(0);
    rmSync(d, { recursive: true, force: true });
  });
});

const SSL = '/pki';
const puts = (p: Plan) =>
  p.changes.flatMap((c) => c.actions).filter((a): a is Extract<Action, { put: string }> => 'put' in a);

/** A fake host holding a CA made by pki_ca. */
async function withCa(): Promise<FakeHost> {
  const h = new FakeHost({ [SSL]: { type: 'dir', mode: 0o700 } });
  await converge(pki_ca, { path: SSL }, h);
  return h;
}

const content = (h: FakeHost, p: string) => h.files.get(p)!.content.toString();

describe('pki modules on the fake host', () => {
  it('every private key made or read is a secret, and no diff holds one', async () => {
    const h = new FakeHost({ [SSL]: { type: 'dir' } });
    const plan = await planOn(pki_ca, { path: SSL, key_type: 'rsa' }, h);
    const key = puts(plan).find((a) => a.put === `${SSL}/ca-key.pem`)!;
    expect(key.mode).to.equal('0600');
    expect(isSecret(key.content.toString())).to.equal(true);
    for (const c of plan.changes) expect(JSON.stringify(c.diff ?? '')).to.not.include('PRIVATE KEY');
    h.apply(plan.changes);
    const certPlan = await converge(pki_cert, { path: SSL, name: 'etcd', sans: ['10.0.0.1'] }, h);
    for (const c of certPlan.changes) expect(JSON.stringify(c.diff ?? '')).to.not.include('PRIVATE KEY');
    expect(isSecret(content(h, `${SSL}/etcd-key.pem`))).to.equal(true);
    const kc = await converge(
      pki_kubeconfig,
      {
        dest: '/root/.kube/config',
        server: 'https://10.0.0.1:6443',
        ca: `${SSL}/ca.pem`,
        cert: `${SSL}/etcd.pem`,
        key: `${SSL}/etcd-key.pem`,
      },
      h,
    );
    expect(kc.changes[0]!.summary).to.equal('pki_kubeconfig: create directory /root/.kube');
    expect(kc.changes[1]!.diff!.after).to.include('client-key-data: (private key, not shown)');
    expect(isSecret(Buffer.from(content(h, `${SSL}/etcd-key.pem`)).toString('base64'))).to.equal(true);
  });

  it('a CA is never made again while it is there; a key that is not its own is an error', async () => {
    const h = await withCa();
    const ca = content(h, `${SSL}/ca.pem`);
    expect((await planOn(pki_ca, { path: SSL, common_name: 'another' }, h)).changes).to.deep.equal([]);
    h.files.get(`${SSL}/ca-key.pem`)!.content = Buffer.from(
      execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']),
    );
    expect(await planError(pki_ca, { path: SSL }, h)).to.equal(
      `${SSL}/ca-key.pem is not the key of ${SSL}/ca.pem; force: true ` +
        'makes a new CA (and every certificate it signed must be issued again)',
    );
    const forced = await planOn(pki_ca, { path: SSL, force: true }, h);
    expect(forced.changes.map((c) => [c.summary, c.repeats])).to.deep.equal([
      [`pki_ca: replace ${SSL}/ca-key.pem (forced)`, true],
      [`pki_ca: replace ${SSL}/ca.pem (forced)`, true],
    ]);
    expect(content(h, `${SSL}/ca.pem`)).to.equal(ca);
  });

  it('tells why a certificate is issued again: subject, usages, another CA, a key type, expiry', async () => {
    const h = await withCa();
    const args = {
      path: SSL,
      name: 'node',
      common_name: 'system:node:n1',
      organization: 'system:nodes',
      usage: ['client'],
    };
    await converge(pki_cert, args, h);
    const why = async (a: Record<string, unknown>) => (await planOn(pki_cert, a, h)).result!.reason;
    expect(await why({ ...args, common_name: 'system:node:n2' })).to.equal('CN differs');
    expect(await why({ ...args, organization: ['system:nodes', 'x'] })).to.equal('O differs');
    expect(await why({ ...args, usage: ['client', 'server'] })).to.equal('usage lacks server');
    expect(await why({ ...args, sans: ['10.0.0.9', 'n1'] })).to.equal('SANs lack IP:10.0.0.9, DNS:n1');
    // more than the task asks for is kept (a certificate another tool made: kubeasz's have every usage)
    await converge(pki_cert, { ...args, usage: ['client', 'server'], sans: ['127.0.0.1', 'n1'] }, h);
    expect(await why({ ...args, sans: ['n1'] })).to.equal(undefined);
    expect(await why({ ...args, key_type: 'rsa' })).to.equal('key type is ec');
    const real = Date.now;
    try {
      Date.now = () => real() + 36480 * 86_400_000; // 20 days before expiry
      expect(String(await why(args))).to.match(/^expires \d{4}-/);
    } finally {
      Date.now = real;
    }
    await converge(pki_cert, { ...args, days: 9 }, h); // short-lived: converges all the same
    const other = new FakeHost({ [SSL]: { type: 'dir' } });
    await converge(pki_ca, { path: SSL }, other);
    for (const n of ['ca.pem', 'ca-key.pem'])
      h.files.get(`${SSL}/${n}`)!.content = other.files.get(`${SSL}/${n}`)!.content;
    expect(await why(args)).to.equal('not signed by the current CA');
    h.files.delete(`${SSL}/ca-key.pem`);
    expect(await planError(pki_cert, args, h)).to.equal(
      `${SSL}/ca-key.pem: not found; it is needed to issue ${SSL}/node.pem (not signed by the current CA)`,
    );
  });

  it('pki_keypair keeps an existing key in any PEM form and writes only its .pub', async () => {
    const pkcs1 = execFileSync('openssl', ['genrsa', '-traditional', '2048'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    }).toString();
    const h = new FakeHost({ [`${SSL}/sa.key`]: { content: pkcs1, mode: 0o600 } });
    const plan = await converge(pki_keypair, { path: SSL }, h);
    expect(plan.changes.map((c) => c.summary)).to.deep.equal([`pki_keypair: create ${SSL}/sa.pub (missing)`]);
    expect(content(h, `${SSL}/sa.key`)).to.equal(pkcs1);
    expect(isSecret(pkcs1)).to.equal(true);
    const pub = content(h, `${SSL}/sa.pub`);
    h.files.get(`${SSL}/sa.pub`)!.content = Buffer.from(
      execFileSync('openssl', ['pkey', '-pubout'], {
        input: execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']),
      }),
    );
    const again = await converge(pki_keypair, { path: SSL }, h);
    expect(again.changes.map((c) => c.summary)).to.deep.equal([
      `pki_keypair: replace ${SSL}/sa.pub (does not match the key)`,
    ]);
    expect(content(h, `${SSL}/sa.pub`)).to.equal(pub);
  });

  it('bad arguments are reported with their position before any connection', () => {
    const d = mkdtempSync(join(tmpdir(), 'kplay-pki-bad-'));
    const file = join(d, 'site.yml');
    writeFileSync(
      file,
      [
        '- hosts: all',
        '  tasks:',
        '    - pki_cert:',
        '        path: /pki',
        '        name: x',
        '        usage: [server, peer]',
        '        key_type: dsa',
        '    - pki_kubeconfig:',
        '        dest: /k',
        '        server: 10.0.0.1:6443',
        '        ca: /a',
        '        cert: /b',
        '        key: /c',
      ].join('\n'),
    );
    const problems = new Problems();
    validatePlaybook(readPlaybook(file, problems), problems);
    const got = problems.list.map((e) => `${e.loc?.line}:${e.loc?.col} ${e.code} ${e.message}`);
    expect(got).to.deep.equal([
      '6:16 BAD_ARGS pki_cert: argument \'usage\': ["server","peer"] is not one of server, client',
      '7:19 BAD_ARGS pki_cert: argument \'key_type\': "dsa" is not one of ec, rsa',
      '10:17 BAD_ARGS pki_kubeconfig: argument \'server\': server must be an http(s) URL (got "10.0.0.1:6443")',
    ]);
    rmSync(d, { recursive: true, force: true });
  });
});
