// Images from the site's own registry, on lab hosts (issue 17): 11.harbor.yml installs Docker Distribution
// (Debian's docker-registry, through the lab's apt proxy) on the third host with TLS from the cluster CA and
// one user from the site's .env; load-images.yml pushes an OCI image archive the test makes itself
// (test/support/oci-image.ts) from the controller; the runtime role points the first host's containerd at the
// mirror (hosts.toml per public registry: override_path, the CA, the basic-auth header); `ctr images pull` there
// by the image's public name, docker.io/library/..., is served by the mirror (the lab hosts reach nothing else).
// A wrong password stops the runtime role with a message naming the settings, before any file changes.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { useLab, type LabHandle } from '../lab/helpers.js';
import { kubeBinDir } from '../support/kube-bin.js';
import { makeOciArchive, type OciArchive } from '../support/oci-image.js';
import { checkedRun, kplay, siteFor, totalChanged, type KplayRun } from './support.js';

const PW = 'e2e-registry-pass-71c4';
const IMAGE = 'docker.io/library/kplay-e2e:1.0';
const DOMAIN = 'harbor.easzlab.io.local';
const MIRROR = `${DOMAIN}:8443`;
const CTR = '/opt/kube/bin/ctr -n k8s.io';

describe('@lab registry: images from the site registry through containerd mirrors', () => {
  let lab: LabHandle;
  let site: string;
  let bin: string;
  let node: string;
  let reg: string;
  let regIp: string;
  let image: OciArchive;
  const seen: string[] = [];

  const wipeNode =
    'systemctl disable --now containerd >/dev/null 2>&1; rm -rf /etc/systemd/system/containerd.service ' +
    '/etc/containerd /etc/crictl.yaml /var/lib/containerd /run/containerd /opt/kube; ' +
    `sed -i '/${DOMAIN}/d' /etc/hosts; systemctl daemon-reload; true`;
  const wipeReg =
    'systemctl stop docker-registry >/dev/null 2>&1; apt-get purge -y -q docker-registry >/dev/null 2>&1; ' +
    'rm -rf /etc/docker /var/lib/docker-registry; true';

  const run = async (playbook: string, extra: string[] = [], checked = false): Promise<KplayRun> => {
    const r = await (checked ? checkedRun : kplay)(['run', playbook, '-i', site, '--json', ...extra]);
    seen.push(r.stdout, r.stderr);
    return r;
  };
  const runtime = (extra: string[] = [], checked = false) =>
    run('test/e2e/fixtures/runtime-role/runtime.yml', ['--limit', node, '-e', `bin_src=${bin}`, ...extra], checked);
  const ok = (r: KplayRun) => expect(r.code, r.stderr + r.stdout.slice(-4000)).to.equal(0);
  const env = (pw: string) => writeFileSync(join(site, '.env'), `REGISTRY_PASSWORD=${pw}\n`);
  /** curl from the controller to the registry by its name, checked against the site's CA. */
  const ask = (path: string, auth = true) =>
    execFileSync('curl', [
      '-sS',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '--cacert',
      join(site, 'pki/ca-trust.pem'),
      '--resolve',
      `${MIRROR}:${regIp}`,
      ...(auth ? ['-u', `admin:${PW}`] : []),
      `https://${MIRROR}${path}`,
    ]).toString();

  before(async function () {
    this.timeout(600_000);
    lab = await useLab(this, { count: 3 });
    bin = await kubeBinDir();
    node = lab.hosts[0]!.name;
    reg = lab.hosts[2]!.name;
    regIp = lab.hosts[2]!.ip;
    site = siteFor(lab, (y) =>
      y.replace(/^ {2}children:\n/m, `  children:\n    harbor:\n      hosts:\n        ${reg}: {}\n`),
    );
    env(PW);
    await Promise.all([lab.exec(node, wipeNode), lab.exec(reg, wipeReg)]);
    image = makeOciArchive(IMAGE, { hello: 'kplay e2e\n' });
    mkdirSync(join(site, 'images'));
    copyFileSync(image.path, join(site, 'images/kplay-e2e.tar'));
  });
  after(async function () {
    this.timeout(300_000);
    if (!lab) return;
    await Promise.all([lab.exec(node, wipeNode), lab.exec(reg, wipeReg)]);
    if (image) rmSync(dirname(image.path), { recursive: true, force: true });
  });

  it('11.harbor.yml: TLS and basic auth; --check writes nothing; a second run changes nothing', async function () {
    this.timeout(300_000);
    const check = await run('playbooks/11.harbor.yml', ['--check']);
    ok(check);
    expect((await lab.exec(reg, 'test -e /etc/docker/registry/config.yml && echo there || echo none')).stdout).to.equal(
      'none\n',
    );
    const r = await run('playbooks/11.harbor.yml');
    ok(r);
    expect(ask('/v2/', false)).to.equal('401');
    expect(ask('/v2/')).to.equal('200');
    const files = await lab.exec(
      reg,
      'stat -c "%n %a %U:%G" /etc/docker/registry/harbor-key.pem /etc/docker/registry/htpasswd',
    );
    expect(files.stdout).to.equal(
      '/etc/docker/registry/harbor-key.pem 640 root:docker-registry\n' +
        '/etc/docker/registry/htpasswd 640 root:docker-registry\n',
    );
    const pid = (await lab.exec(reg, 'systemctl show -p MainPID --value docker-registry')).stdout;
    const again = await run('playbooks/11.harbor.yml');
    ok(again);
    expect(totalChanged(again)).to.equal(0);
    expect((await lab.exec(reg, 'systemctl show -p MainPID --value docker-registry')).stdout).to.equal(pid);
  });

  it('load-images.yml pushes the archive under its public name; a second run pushes nothing', async function () {
    this.timeout(300_000);
    const r = await run('playbooks/load-images.yml', [], true);
    ok(r);
    expect(totalChanged(r)).to.equal(1);
    const tags = execFileSync('curl', [
      '-sS',
      '--cacert',
      join(site, 'pki/ca-trust.pem'),
      '--resolve',
      `${MIRROR}:${regIp}`,
      '-u',
      `admin:${PW}`,
      `https://${MIRROR}/v2/docker.io/library/kplay-e2e/tags/list`,
    ]).toString();
    expect(JSON.parse(tags)).to.deep.equal({ name: 'docker.io/library/kplay-e2e', tags: ['1.0'] });
    const again = await run('playbooks/load-images.yml');
    ok(again);
    expect(totalChanged(again)).to.equal(0);
  });

  it('the runtime role points containerd at the mirror: ctr pulls docker.io/library/... from it', async function () {
    this.timeout(300_000);
    const diff = await runtime(['--check', '--diff']);
    ok(diff);
    expect(diff.stdout).to.include('Authorization = \\"Basic ********\\"');
    const r = await runtime([], true);
    ok(r);
    const toml = (await lab.exec(node, 'cat /etc/containerd/certs.d/docker.io/hosts.toml')).stdout;
    expect(toml).to.include(`[host."https://${MIRROR}/v2/docker.io"]`).and.include('override_path = true');
    expect((await lab.exec(node, `grep ${DOMAIN} /etc/hosts`)).stdout).to.equal(`${regIp} ${DOMAIN}\n`);
    const pull = await lab.exec(node, `${CTR} images pull --hosts-dir /etc/containerd/certs.d ${IMAGE}`);
    expect(pull.code, pull.stdout + pull.stderr).to.equal(0);
    const listed = await lab.exec(node, `${CTR} images ls name==${IMAGE} | tail -n +2 | awk '{print $3}'`);
    expect(listed.stdout.trim()).to.equal(image.digest);
    const again = await runtime();
    ok(again);
    expect(totalChanged(again)).to.equal(0);
  });

  it('a wrong password stops the runtime role with a message naming the settings; no file changes', async function () {
    this.timeout(300_000);
    const before = (await lab.exec(node, 'sha256sum /etc/containerd/certs.d/*/hosts.toml')).stdout;
    env('not-the-password');
    const r = await runtime();
    env(PW);
    expect(r.code).to.not.equal(0);
    const failed = r.events.find((e) => e.type === 'host_result' && e.status === 'failed') as
      | { task?: string; msg?: string }
      | undefined;
    expect(failed?.task).to.equal('runtime : Stop when the mirror refuses the credentials or does not answer');
    expect(failed?.msg).to.equal(
      `the mirror ${MIRROR} refused the password of admin (401 Unauthorized): set REGISTRY_USER and ` +
        `REGISTRY_PASSWORD in ${site}/.env`,
    );
    expect((await lab.exec(node, 'sha256sum /etc/containerd/certs.d/*/hosts.toml')).stdout).to.equal(before);
  });

  it("INSECURE_REG, then no mirror: kplay's folders go, the site's own stays; again: no change", async function () {
    this.timeout(300_000);
    const own = '/etc/containerd/certs.d/own.example';
    await lab.exec(node, `mkdir -p ${own} && echo 'server = "https://own.example"' > ${own}/hosts.toml`);
    const insecure = ['-e', '{"REGISTRY_MIRROR": "", "INSECURE_REG": ["http://insecure.local:5000"]}'];
    ok(await runtime(insecure, true));
    expect((await lab.exec(node, 'ls /etc/containerd/certs.d')).stdout).to.equal('insecure.local:5000\nown.example\n');
    const toml = (await lab.exec(node, 'cat /etc/containerd/certs.d/insecure.local:5000/hosts.toml')).stdout;
    expect(toml).to.include('server = "http://insecure.local:5000"').and.include('skip_verify = true');
    ok(await runtime(['-e', 'REGISTRY_MIRROR='], true));
    expect((await lab.exec(node, 'ls /etc/containerd/certs.d')).stdout).to.equal('own.example\n');
    const again = await runtime(['-e', 'REGISTRY_MIRROR=']);
    ok(again);
    expect(totalChanged(again)).to.equal(0);
  });

  it('no output showed the password, or the header made from it', () => {
    const header = Buffer.from(`admin:${PW}`).toString('base64');
    for (const text of seen) expect(text).to.not.include(PW).and.not.include(header);
  });
});
