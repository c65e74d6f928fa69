// kubeBinDir(): every file of kubeasz's bin dir is there and executable; the stand-ins say they are stand-ins
// and behave as the cluster roles expect (kubectl apply reports created / unchanged / configured).
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import {
  accessSync,
  constants,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { KUBE_BIN_FILES, kubeBinDir, KubeBinUnavailable, standinsDir } from './kube-bin.js';

/** A scratch folder for the kubectl stand-in (its state and a kubeconfig), removed after `fn`. */
function withKubectlWork(fn: (w: { work: string; env: NodeJS.ProcessEnv; kc: string }) => void): void {
  const work = mkdtempSync(join(tmpdir(), 'kplay-kubectl-'));
  try {
    const kc = join(work, 'kubeconfig');
    writeFileSync(kc, 'apiVersion: v1\nkind: Config\n');
    fn({ work, env: { ...process.env, KUBECTL_STANDIN_STATE: join(work, 'state') }, kc });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

describe('test support: kubeBinDir', () => {
  let dir: string;
  before(async function () {
    this.timeout(300_000);
    try {
      dir = await kubeBinDir();
    } catch (e) {
      if (!(e instanceof KubeBinUnavailable) || process.env.CI === 'true') throw e;
      console.log(
        `      (kubeBinDir skipped: apt-get download is impossible here: ${e.message.split('\n')[1] ?? e.message})`,
      );
      this.skip();
    }
  });

  it('holds every binary of the bin dir, executable, and the CNI plugins in cni-bin/', () => {
    for (const f of KUBE_BIN_FILES) {
      const p = join(dir, f);
      expect(statSync(p).isFile(), p).to.equal(true);
      accessSync(p, constants.X_OK);
    }
    expect(readdirSync(join(dir, 'cni-bin')).length).to.be.greaterThan(8);
  });

  it('a second call answers from the cache, fast, with the same folder', async () => {
    const t = Date.now();
    expect(await kubeBinDir()).to.equal(dir);
    expect(Date.now() - t).to.be.lessThan(200);
  });

  it('the real binaries run (etcd, containerd, runc report their versions), the stand-ins say theirs', () => {
    expect(execFileSync(join(dir, 'etcd'), ['--version']).toString()).to.match(/etcd Version: 3\./);
    expect(execFileSync(join(dir, 'containerd'), ['--version']).toString()).to.match(/containerd .*1\./);
    expect(execFileSync(join(dir, 'runc'), ['--version']).toString()).to.match(/runc version 1\./);
    for (const f of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubelet', 'kube-proxy'])
      expect(execFileSync(join(dir, f), ['--version']).toString(), f).to.equal('Kubernetes v1.30.0\n');
  });

  it('every stand-in starts with a comment saying it is a test stand-in', () => {
    const files = readdirSync(standinsDir(), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    for (const f of files.map((e) => relative(standinsDir(), join(e.parentPath, e.name)))) {
      const head = readFileSync(join(dir, f), 'utf8').split('\n').slice(0, 2).join('\n');
      expect(head, f).to.match(/^#!\/bin\/sh\n# TEST STAND-IN, not \S+.*imitates/);
    }
  });

  it('kubectl stand-in: apply says created, unchanged, configured; delete; a missing kubeconfig fails', () =>
    withKubectlWork(({ work, env, kc }) => {
      const m = join(work, 'm.yaml');
      writeFileSync(
        m,
        '---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n---\napiVersion: apps/v1\n' +
          'kind: Deployment\nmetadata:\n  labels: {a: b}\n  name: web\nspec:\n  replicas: 1\n',
      );
      const k = (...a: string[]) =>
        execFileSync(join(dir, 'kubectl'), a, { env, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
      expect(k('--kubeconfig', kc, 'apply', '-f', m)).to.equal('namespace/demo created\ndeployment/web created\n');
      expect(k('--kubeconfig', kc, 'apply', '-f', m)).to.equal('namespace/demo unchanged\ndeployment/web unchanged\n');
      writeFileSync(m, readFileSync(m, 'utf8').replace('replicas: 1', 'replicas: 2'));
      expect(k(`--kubeconfig=${kc}`, 'apply', '-f', m)).to.equal(
        'namespace/demo unchanged\ndeployment/web configured\n',
      );
      expect(k('--kubeconfig', kc, 'delete', '-f', m)).to.equal('namespace "demo" deleted\ndeployment "web" deleted\n');
      expect(k('--kubeconfig', kc, 'version')).to.match(/^Client Version: v1\.\d+\.\d+\n[\s\S]*Server Version: v1\./);
      expect(() => k('--kubeconfig', join(work, 'nope'), 'get', 'nodes')).to.throw(/no such file/);
      expect(() => k('--kubeconfig', kc, 'frobnicate')).to.throw(/unknown command "frobnicate"/);
    }));

  it('kubectl stand-in: cordon, drain, delete node recorded in order; a deleted node is not found', () =>
    withKubectlWork(({ work, env, kc }) => {
      const k = (...a: string[]) =>
        execFileSync(join(dir, 'kubectl'), ['--kubeconfig', kc, ...a], { env, encoding: 'utf8', stdio: 'pipe' });
      expect(k('get', 'node', 'w1', '--ignore-not-found', '-o', 'name')).to.equal('node/w1\n');
      expect(k('cordon', 'w1')).to.equal('node/w1 cordoned\n');
      expect(k('drain', 'w1', '--ignore-daemonsets', '--timeout=60s')).to.equal('node/w1 drained\n');
      expect(k('delete', 'node', 'w1')).to.equal('node "w1" deleted\n');
      expect(k('get', 'node', 'w1', '--ignore-not-found', '-o', 'name')).to.equal('');
      expect(() => k('get', 'node', 'w1')).to.throw(/nodes "w1" not found/);
      expect(() => k('cordon', 'w1')).to.throw(/nodes "w1" not found/);
      expect(readFileSync(join(work, 'state', 'node-calls.log'), 'utf8')).to.equal(
        'cordon w1\ndrain w1\ndelete node w1\n',
      );
    }));

  it('kube-apiserver stand-in refuses garbage, a missing file and a missing --etcd-servers', () => {
    const a = (...x: string[]) =>
      execFileSync(join(dir, 'kube-apiserver'), x, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    expect(() => a('garbage')).to.throw(/unknown argument "garbage"/);
    expect(() => a('--Bad=1')).to.throw(/unknown flag: --Bad/);
    expect(() => a('--etcd-servers=https://127.0.0.1:2379', '--tls-cert-file=/nonexistent.pem')).to.throw(
      /--tls-cert-file: no such file: \/nonexistent\.pem/,
    );
    expect(() => a('--tls-cert-file=/dev/null')).to.throw();
    expect(() => a('--secure-port=1')).to.throw(/--etcd-servers must be specified/);
  });
});
