// Day 2 on the HA suite's converged cluster: `kplay cluster upgrade` (93.upgrade.yml) to stand-ins that say
// v1.31.0, put in the site's bin/ as a kubeasz user puts new binaries there. A bin_src two minor versions ahead
// is refused first. Then a first upgrade fails in the first workers' batch (that worker's kubelet cannot start:
// a drop-in the test adds) and stops there; run again once the worker is mended, it finishes. A poller on the
// first master asks the apiserver through the VIP every second for the whole time; the kubectl stand-in records
// cordon, drain and uncordon, so the batches' order is asserted.
import { expect } from 'chai';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { exampleNodeNames } from './cluster-site.js';
import { allAnswered, type Day2Ctx, predicted, startPoller } from './day2.js';
import { kplay, type KplayRun, tasksWith, totalChanged } from './support.js';
import { onPage, reportPage, saveScreenshot, texts } from '../support/report-page.js';

const KUBE = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl', 'kubelet', 'kube-proxy'];
const CALLS = '/var/lib/kubectl-standin/node-calls.log';
const POLL = '/var/tmp/kplay-vip-poll';
const BROKEN = '/etc/systemd/system/kubelet.service.d/99-kplay-test-broken.conf';

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
  const calls = async () => (await on(c.g.master[0]!, `cat ${CALLS}`)).split('\n').filter(Boolean);
  const names = exampleNodeNames(c.g);
  const verbs = (ip: string, vs: string[]) => vs.map((v) => `${v} ${names.get(ip)}`);
  const [w0, w1] = c.g.node as [string, string];
  const read = `timeout 5 openssl s_client -connect ${c.lab.vip}:8443 </dev/null 2>/dev/null | grep -q 'BEGIN CERT'`;
  const poller = startPoller(c, c.g.master[0]!, read, POLL);

  // a failed batch: the masters are upgraded one at a time, then the first worker is drained and its kubelet
  // does not start; the upgrade stops there, that worker cordoned, the next untouched, the VIP answering
  await c.lab.exec(
    c.hostOf(w0),
    `mkdir -p ${dirname(BROKEN)} && printf '[Service]\\nExecStartPre=/bin/false\\n' >${BROKEN}`,
  );
  await c.lab.exec(c.hostOf(w0), 'systemctl daemon-reload');
  const failed = await kplay(['cluster', 'upgrade', c.site, '--batch', '1', '--json']);
  expect(failed.code, 'the failed batch fails the run').to.equal(2);
  const failures = failed.events.filter((e) => e.type === 'host_result' && e.status === 'failed');
  expect(failures.map((e) => `${e.host} ${e.task}`)).to.deep.equal([`${w0} kube-node : restart kubelet`]);
  // what the run's report shows of it, in a browser: the failure first, with the handler's source lines
  await onPage(reportPage(failed.stdout), async (b) => {
    expect(await texts(b, '#failures h3')).to.equal(`failed ${w0} · kube-node : restart kubelet`);
    expect(await texts(b, '#failures .src')).to.match(/playbooks\/roles\/kube-node\/handlers\/main\.yml:\d+$/);
    expect(await texts(b, '#failures .snippet .hit')).to.match(/- name: restart kubelet/);
    expect(await b.eval<number>(`document.querySelectorAll('#tasks tr[data-task]').length`)).to.be.above(10);
    await saveScreenshot(b, 'report-ha-upgrade-failed-5-hosts.png');
  });
  const pushThenRestart = ['kube-master : Push the control-plane binaries', 'kube-master : restart kube-apiserver'];
  expect(hostsOf(failed, pushThenRestart), 'the masters one at a time').to.deep.equal(
    c.g.master.flatMap((ip) => [ip, ip]),
  );
  expect(await calls(), 'the first worker drained, not uncordoned').to.deep.equal(verbs(w0, ['cordon', 'drain']));
  expect(await on(w1, '/opt/kube/bin/kubelet --version'), 'the next batch untouched').to.equal('Kubernetes v1.30.0\n');
  await c.lab.exec(c.hostOf(w0), `rm ${BROKEN} && systemctl daemon-reload`);

  // run again: --check predicts it; it drains the first worker again (its binaries are already the new ones,
  // its mark says its upgrade did not finish), upgrades and uncordons it, then the next batch
  const check = await kplay(['cluster', 'upgrade', c.site, '--batch', '1', '--check', '--json']);
  c.ok(check);
  expect(await calls(), '--check calls no kubectl verb').to.have.length(2);
  const run = await kplay(['cluster', 'upgrade', c.site, '--batch', '1', '--json']);
  await allAnswered(poller, 'the VIP answered every second');
  c.ok(run);
  predicted(check, run);
  for (const v of await versions()) expect(v).to.match(/^Kubernetes v1\.31\.0\n(Kubernetes v1\.31\.0\n)?$/);
  const workerCalls = [
    ...verbs(w0, ['cordon', 'drain']),
    ...[w0, w1].flatMap((ip) => verbs(ip, ['cordon', 'drain', 'uncordon'])),
  ];
  expect(await calls(), 'each worker in its batch').to.deep.equal(workerCalls);

  const again = await c.play('93.upgrade.yml');
  c.ok(again);
  expect([...tasksWith(again, ['changed'])], 'a second run changes nothing').to.deep.equal([]);
  expect(await calls(), 'and drains nothing').to.have.length(workerCalls.length);
}
