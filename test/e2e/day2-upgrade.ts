// Day 2 on the HA suite's converged cluster: `kplay cluster upgrade` (93.upgrade.yml) to stand-ins that say
// v1.31.0, put in the site's bin/ as a kubeasz user puts new binaries there. A bin_src two minor versions ahead
// is refused first. A poller on the first master asks the apiserver through the VIP every second for the
// whole run; the kubectl stand-in records cordon, drain and uncordon, so the batches' order is asserted.
import { expect } from 'chai';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exampleNodeNames } from './cluster-site.js';
import { type Day2Ctx, predicted, startPoller } from './day2.js';
import { kplay, type KplayRun, tasksWith, totalChanged } from './support.js';

const KUBE = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl', 'kubelet', 'kube-proxy'];
const CALLS = '/var/lib/kubectl-standin/node-calls.log';
const POLL = '/var/tmp/kplay-vip-poll';

/** The stand-ins of `files` in `dir` made to say `version`. */
function sayVersion(dir: string, files: string[], version: string): void {
  for (const f of files) {
    const path = join(dir, f);
    writeFileSync(path, readFileSync(path, 'utf8').replace(/^version=v[\d.]+/m, `version=${version}`));
  }
}

/** The hosts, in the order the named tasks ran on them. */
const hostsOf = (r: KplayRun, tasks: string[]) =>
  r.events.filter((e) => e.type === 'host_result' && tasks.includes(String(e.task))).map((e) => String(e.host));

export async function upgradeKube(c: Day2Ctx): Promise<void> {
  const bin = join(c.site, 'bin');
  const first = c.hostOf(c.g.master[0]!);
  const on = async (ip: string, cmd: string) => (await c.lab.exec(c.hostOf(ip), `${cmd}; true`)).stdout;
  const versions = async () =>
    Promise.all(
      [...c.g.master, ...c.g.node].map((ip) =>
        on(ip, '/opt/kube/bin/kubelet --version; /opt/kube/bin/kube-apiserver --version 2>/dev/null'),
      ),
    );

  // refused before any change: kube-apiserver two minor versions ahead
  const ahead = mkdtempSync(join(tmpdir(), 'kplay-bin-ahead-'));
  for (const f of ['kube-apiserver', 'kubelet']) copyFileSync(join(bin, f), join(ahead, f));
  sayVersion(ahead, ['kube-apiserver', 'kubelet'], 'v1.32.0');
  const skew = await c.play('93.upgrade.yml', ['-e', `bin_src=${ahead}`]);
  expect(skew.code).to.equal(2);
  expect(totalChanged(skew)).to.equal(0);
  expect(JSON.stringify(skew.events.filter((e) => e.status === 'failed'))).to.include(
    "bin_src's kube-apiserver 1.32.0 is more than one minor version ahead of the running 1.30.0",
  );

  sayVersion(bin, KUBE, 'v1.31.0');
  await c.lab.exec(first, `rm -f ${CALLS}`);
  const check = await kplay(['cluster', 'upgrade', c.site, '--check', '--json']);
  c.ok(check);
  expect(await on(c.g.master[0]!, `cat ${CALLS}`), '--check calls no kubectl verb').to.equal('');
  expect((await versions()).join('')).to.not.include('v1.31.0');

  const read = `timeout 5 openssl s_client -connect ${c.lab.vip}:8443 </dev/null 2>/dev/null | grep -q 'BEGIN CERT'`;
  const poller = startPoller(c, c.g.master[0]!, read, POLL);
  const run = await kplay(['cluster', 'upgrade', c.site, '--json']);
  const reads = await poller.stop();
  c.ok(run);
  predicted(check, run);
  for (const v of await versions()) expect(v).to.match(/^Kubernetes v1\.31\.0\n(Kubernetes v1\.31\.0\n)?$/);
  const pushThenRestart = ['kube-master : Push the control-plane binaries', 'kube-master : restart kube-apiserver'];
  expect(hostsOf(run, pushThenRestart), 'the masters one at a time').to.deep.equal(
    c.g.master.flatMap((ip) => [ip, ip]),
  );
  const names = exampleNodeNames(c.g);
  const workerCalls = c.g.node.flatMap((ip) => ['cordon', 'drain', 'uncordon'].map((v) => `${v} ${names.get(ip)}`));
  expect(
    (await on(c.g.master[0]!, `cat ${CALLS}`)).split('\n').filter(Boolean),
    'each worker in its batch',
  ).to.deep.equal(workerCalls);
  expect(
    reads.filter((r) => r !== 'ok'),
    'the VIP answered every second',
  ).to.deep.equal([]);
  expect(reads.length).to.be.greaterThan(5);

  const again = await c.play('93.upgrade.yml');
  c.ok(again);
  expect([...tasksWith(again, ['changed'])], 'a second run changes nothing').to.deep.equal([]);
  expect((await on(c.g.master[0]!, `cat ${CALLS}`)).split('\n').filter(Boolean), 'and drains nothing').to.have.length(
    workerCalls.length,
  );
}
