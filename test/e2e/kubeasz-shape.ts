// A cluster as kubeasz leaves it, for the adoption test (issue 15): its PKI made by another tool (openssl), in
// kubeasz's layout (ssl/ca.pem, ca-key.pem, <node>-kubelet.pem ...) with the subjects, SANs, usages (all of them,
// as kubeasz's signing profile gives) and RSA keys (PKCS#1, as cfssl writes them) of kubeasz's certificate
// requests; on the hosts, those certificates under the names kubeasz copies them to, the service-account and
// front-proxy flags as kubeasz sets them (the CA pair; no sa.key, no front-proxy CA), and kubeconfigs as
// `kubectl config` writes them. Unit files and configurations are otherwise kplay's: the adoption test is about
// what kplay must keep (the CA, the certificates, the running services), and kubeasz's own unit files would only
// add differences kplay rewrites.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { run } from '../../src/lab/sys.js';
import type { LabHandle } from '../lab/helpers.js';
import { exampleNodeNames, type ClusterLayout } from './cluster-site.js';

interface CertSpec {
  name: string;
  cn: string;
  o: string;
  sans: string[];
}

const SUBJECT = (o: string, cn: string) => `/C=CN/ST=HangZhou/L=XS/O=${o}/OU=System/CN=${cn}`;

async function openssl(dir: string, args: string[]): Promise<void> {
  const r = await run(['openssl', ...args], { cwd: dir });
  if (r.code !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
}

/** kubeasz's certificates for this cluster: names, subjects and SANs as its CSR templates make them. */
export function kubeaszCerts(g: ClusterLayout, vip: string, site: string): CertSpec[] {
  const config = parse(readFileSync(join(site, 'config.yml'), 'utf8')) as { MASTER_CERT_HOSTS: string[] };
  const names = exampleNodeNames(g);
  const dns = ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster'];
  return [
    { name: 'admin', cn: 'admin', o: 'system:masters', sans: [] },
    {
      name: 'kube-controller-manager',
      cn: 'system:kube-controller-manager',
      o: 'system:kube-controller-manager',
      sans: [],
    },
    { name: 'kube-scheduler', cn: 'system:kube-scheduler', o: 'system:kube-scheduler', sans: [] },
    { name: 'kube-proxy', cn: 'system:kube-proxy', o: 'k8s', sans: [] },
    { name: 'aggregator-proxy', cn: 'aggregator', o: 'k8s', sans: [] },
    { name: 'etcd', cn: 'etcd', o: 'k8s', sans: [...g.etcd, '127.0.0.1'] },
    {
      name: 'kubernetes',
      cn: 'kubernetes',
      o: 'k8s',
      sans: [
        '127.0.0.1',
        vip,
        ...g.master,
        '10.68.0.1',
        ...config.MASTER_CERT_HOSTS,
        ...dns,
        'kubernetes.default.svc.cluster.local',
      ],
    },
    ...[...names].map(([ip, n]) => ({
      name: `${n}-kubelet`,
      cn: `system:node:${n}`,
      o: 'system:nodes',
      sans: ['127.0.0.1', ip, n],
    })),
  ];
}

/** Writes kubeasz's ssl/ folder into `site` with openssl; returns its path. */
export async function makeKubeaszPki(site: string, certs: CertSpec[]): Promise<string> {
  const ssl = join(site, 'ssl');
  mkdirSync(ssl, { recursive: true });
  await openssl(ssl, ['genrsa', '-traditional', '-out', 'ca-key.pem', '2048']);
  await openssl(ssl, [
    'req',
    '-x509',
    '-new',
    '-key',
    'ca-key.pem',
    '-out',
    'ca.pem',
    '-days',
    '36500',
    '-subj',
    SUBJECT('k8s', 'kubernetes-ca'),
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
  ]);
  for (const c of certs) {
    await openssl(ssl, ['genrsa', '-traditional', '-out', `${c.name}-key.pem`, '2048']);
    await openssl(ssl, [
      'req',
      '-new',
      '-key',
      `${c.name}-key.pem`,
      '-subj',
      SUBJECT(c.o, c.cn),
      '-out',
      `${c.name}.csr`,
    ]);
    const ext = [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth,clientAuth',
      ...(c.sans.length
        ? [`subjectAltName=${c.sans.map((s) => (/^[\d.]+$/.test(s) ? `IP:${s}` : `DNS:${s}`)).join(',')}`]
        : []),
    ];
    writeFileSync(join(ssl, `${c.name}.ext`), `${ext.join('\n')}\n`);
    await openssl(ssl, [
      'x509',
      '-req',
      '-in',
      `${c.name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca-key.pem',
      '-set_serial',
      `0x${Buffer.from(c.name).toString('hex').slice(0, 30)}`,
      '-days',
      '18250',
      '-extfile',
      `${c.name}.ext`,
      '-out',
      `${c.name}.pem`,
    ]);
  }
  return ssl;
}

/** A kubeconfig as `kubectl config set-cluster/set-credentials/set-context --embed-certs` writes it (keys sorted,
 *  lists not indented under their key). */
function kubectlConfig(
  ssl: string,
  cert: string,
  server: string,
  user: string,
  cluster = 'kubernetes',
  context = 'default',
): string {
  const b64 = (f: string) => readFileSync(join(ssl, f)).toString('base64');
  return stringify(
    {
      apiVersion: 'v1',
      clusters: [{ cluster: { 'certificate-authority-data': b64('ca.pem'), server }, name: cluster }],
      contexts: [{ context: { cluster, user }, name: context }],
      'current-context': context,
      kind: 'Config',
      preferences: {},
      users: [
        {
          name: user,
          user: { 'client-certificate-data': b64(`${cert}.pem`), 'client-key-data': b64(`${cert}-key.pem`) },
        },
      ],
    },
    { indentSeq: false, lineWidth: 0 },
  );
}

/** Puts kubeasz's files on the converged lab cluster and restarts what reads them, etcd members together. */
export async function kubeaszShapeHosts(lab: LabHandle, g: ClusterLayout, ssl: string): Promise<void> {
  const names = exampleNodeNames(g);
  const hostOf = (ip: string) => lab.hosts.find((h) => h.ip === ip)!.name;
  const files = new Map<string, Map<string, string | Buffer>>(); // ip -> path -> content
  const put = (ip: string, path: string, content: string | Buffer) => {
    if (!files.has(ip)) files.set(ip, new Map());
    files.get(ip)!.set(path, content);
  };
  const pem = (f: string) => readFileSync(join(ssl, f));
  const api = 'https://127.0.0.1:6443'; // kube-lb on each node
  const firstMaster = `https://${g.master[0]}:6443`; // kubeasz's control-plane kubeconfigs (its deploy role)
  for (const ip of g.etcd)
    for (const f of ['ca.pem', 'etcd.pem', 'etcd-key.pem']) put(ip, `/etc/kubernetes/ssl/${f}`, pem(f));
  for (const ip of g.master) {
    for (const f of ['ca-key.pem', 'kubernetes.pem', 'kubernetes-key.pem', 'admin.pem', 'admin-key.pem'])
      put(ip, `/etc/kubernetes/ssl/${f}`, pem(f));
    for (const f of ['aggregator-proxy.pem', 'aggregator-proxy-key.pem']) put(ip, `/etc/kubernetes/ssl/${f}`, pem(f));
    for (const c of ['kube-controller-manager', 'kube-scheduler'])
      put(ip, `/etc/kubernetes/${c}.kubeconfig`, kubectlConfig(ssl, c, firstMaster, `system:${c}`));
    put(
      ip,
      '/root/.kube/config',
      kubectlConfig(ssl, 'admin', `https://${lab.vip}:8443`, 'admin', 'cluster1', 'context-cluster1'),
    );
  }
  for (const ip of [...g.master, ...g.node]) {
    const n = names.get(ip)!;
    put(ip, '/etc/kubernetes/ssl/ca.pem', pem('ca.pem'));
    put(ip, '/etc/kubernetes/ssl/kubelet.pem', pem(`${n}-kubelet.pem`));
    put(ip, '/etc/kubernetes/ssl/kubelet-key.pem', pem(`${n}-kubelet-key.pem`));
    put(ip, '/etc/kubernetes/kubelet.kubeconfig', kubectlConfig(ssl, `${n}-kubelet`, api, `system:node:${n}`));
    put(ip, '/etc/kubernetes/kube-proxy.kubeconfig', kubectlConfig(ssl, 'kube-proxy', api, 'kube-proxy'));
  }
  const script = (ip: string) => {
    const lines = ['set -e'];
    for (const [path, content] of files.get(ip)!) {
      const mode = /key|kubeconfig|\/config$/.test(path) ? '0600' : '0644';
      lines.push(
        `base64 -d > ${path} <<'EOF'`,
        Buffer.from(content).toString('base64'),
        'EOF',
        `chmod ${mode} ${path}`,
      );
    }
    if (g.master.includes(ip)) {
      // kubeasz's flags: tokens signed with the CA pair, the front proxy trusted through the cluster CA
      const units = '/etc/systemd/system/kube-apiserver.service /etc/systemd/system/kube-controller-manager.service';
      lines.push(
        `sed -i -e 's#ssl/sa\\.key#ssl/ca-key.pem#' -e 's#ssl/sa\\.pub#ssl/ca.pem#' ` +
          `-e 's#ssl/front-proxy-ca\\.pem#ssl/ca.pem#' ${units}`,
        'rm -f /etc/kubernetes/ssl/sa.key /etc/kubernetes/ssl/sa.pub /etc/kubernetes/ssl/front-proxy-ca.pem',
      );
    }
    lines.push('systemctl daemon-reload');
    return `${lines.join('\n')}\n`;
  };
  const hosts = [...files.keys()];
  for (const ip of hosts) {
    const r = await lab.exec(hostOf(ip), ['bash', '-s'], { input: script(ip) });
    if (r.code !== 0) throw new Error(`${ip}: ${r.stderr}`);
  }
  // every member's peer certificate changed CA: restart them together
  await Promise.all(g.etcd.map((ip) => lab.exec(hostOf(ip), 'systemctl restart etcd')));
  for (const ip of hosts) {
    const units = [
      ...(g.master.includes(ip) ? ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] : []),
      'kubelet',
      'kube-proxy',
    ];
    const r = await lab.exec(hostOf(ip), `systemctl restart ${units.join(' ')}`);
    if (r.code !== 0) throw new Error(`${ip}: ${r.stderr}`);
  }
}

/** What kplay changes when it adopts such a cluster: its kubeconfigs and trust bundle (ca-trust.pem, the CA's
 *  bytes) on the controller (new in ssl/), and the control plane's on the masters, which kplay points at kube-lb
 *  (kubeasz: at the first master), with the restarts of what reads them. A kubeconfig saying what kplay's says
 *  (kubelet's, kube-proxy's, admin's) is kept. calico's CNI plugin gets a certificate and kubeconfig of its own
 *  (kubeasz's calico used etcd's, from calico-etcd-secrets). Sorted. */
export const ADOPTION_CHANGES = [
  'kube-master : Push the kube-controller-manager kubeconfig',
  'kube-master : Push the kube-scheduler kubeconfig',
  'kube-master : restart kube-controller-manager',
  'kube-master : restart kube-scheduler',
  "network : Push the calico CNI plugin's kubeconfig",
  "pki : Issue the calico CNI plugin's certificate",
  "pki : Write each CA's trust bundle",
  "pki : Write each node's kubelet kubeconfig",
  "pki : Write the calico CNI plugin's kubeconfig",
  'pki : Write the control-plane and kube-proxy kubeconfigs',
];
