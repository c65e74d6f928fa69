// Day 2 on the HA suite's converged cluster: the last master removed (`kplay cluster del-master`,
// 33.delmaster.yml) and added back (`kplay cluster add-master`, 23.addmaster.yml). It is also an etcd member: it
// keeps etcd. A poller on the first master asks the apiserver through the VIP every second for the whole time:
// the balancers drop the leaving master before it stops, and take the new one once it answers.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exampleNodeNames } from './cluster-site.js';
import { allAnswered, type Day2Ctx, groupLines, predicted, startPoller } from './day2.js';
import { kplay, tasksWith, totalChanged } from './support.js';

const CALLS = '/var/lib/kubectl-standin/node-calls.log';
const POLL = '/var/tmp/kplay-master-poll';
const MASTER_UNITS = 'kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kube-lb containerd';

export async function delThenAddMaster(c: Day2Ctx, vipAnswers: () => Promise<boolean>): Promise<void> {
  const m = c.g.master[c.g.master.length - 1]!; // added back, it is the last of kube_master again
  const [m0, w] = [c.g.master[0]!, c.g.node[0]!];
  const name = exampleNodeNames(c.g).get(m)!;
  const on = async (ip: string, cmd: string) => (await c.lab.exec(c.hostOf(ip), `${cmd}; true`)).stdout;
  const cluster = (args: string[]) => kplay(['cluster', ...args, '--json']);
  const hostsBefore = readFileSync(join(c.site, 'hosts'), 'utf8');
  /** Where the master is named: kube-lb's and haproxy's upstreams, the apiserver certificate's SANs. */
  const named = async () => ({
    kubeLb: (await on(w, 'cat /etc/kube-lb/kube-lb.conf')).includes(`${m}:6443`),
    haproxy: (await on(c.g.lb[0]!, 'cat /etc/haproxy/haproxy.cfg')).includes(`${m}:6443`),
    sans: (await on(m0, 'openssl x509 -noout -ext subjectAltName -in /etc/kubernetes/ssl/kubernetes.pem')).includes(
      `IP Address:${m},`,
    ),
  });
  await c.lab.exec(c.hostOf(m0), `rm -f ${CALLS}`);

  // refused before any change (the verbs' own refusals are in test/cli/cluster.test.ts)
  const worker = await c.play('33.delmaster.yml', ['-e', `NODE_TO_DEL=${w}`]);
  expect(worker.code, 'the playbook refuses a worker').to.equal(2);
  expect(Object.keys(worker.recap), 'only the check ran').to.deep.equal(['localhost']);

  const read = `timeout 5 openssl s_client -connect ${c.lab.vip}:8443 </dev/null 2>/dev/null | grep -q 'BEGIN CERT'`;
  const poller = startPoller(c, m0, read, POLL);
  // del-master: --check, the playbook, then the verb (a second run: no change; the host leaves kube_master)
  const check = await cluster(['del-master', c.site, m, '--check']);
  c.ok(check);
  expect(await on(m0, `cat ${CALLS}`), '--check calls no kubectl verb').to.equal('');
  expect(readFileSync(join(c.site, 'hosts'), 'utf8'), '--check leaves the inventory').to.equal(hostsBefore);
  const del = await c.play('33.delmaster.yml', ['-e', `NODE_TO_DEL=${m}`]);
  c.ok(del);
  predicted(check, del);
  expect((await on(m0, `cat ${CALLS}`)).split('\n').filter(Boolean)).to.deep.equal([
    `cordon ${name}`,
    `drain ${name}`,
    `delete node ${name}`,
  ]);
  const states = (await on(m, `systemctl is-active ${MASTER_UNITS}`)).split('\n').filter(Boolean);
  expect(
    states.filter((s) => s === 'active'),
    'its units stopped',
  ).to.deep.equal([]);
  expect(await on(m, 'systemctl is-active etcd'), 'an etcd member keeps etcd').to.equal('active\n');
  // the apiserver certificate keeps its address: the pki role keeps a certificate with more names than asked
  expect(await named(), 'no balancer names it').to.deep.equal({ kubeLb: false, haproxy: false, sans: true });
  const again = await cluster(['del-master', c.site, m]);
  c.ok(again);
  expect([...tasksWith(again, ['changed'])], 'a second run changes nothing').to.deep.equal([]);
  expect(groupLines(c.site, 'kube_master').map((l) => l.split(' ')[0])).to.deep.equal(c.g.master.slice(0, -1));

  // add-master: --check leaves the inventory; the run does what it said; a second run changes nothing
  const vars = `k8s_nodename=${name}`;
  const addCheck = await cluster(['add-master', c.site, m, vars, '--check']);
  c.ok(addCheck);
  expect(groupLines(c.site, 'kube_master'), '--check leaves the inventory').to.have.length(c.g.master.length - 1);
  const add = await cluster(['add-master', c.site, m, vars]);
  c.ok(add);
  predicted(addCheck, add);
  expect(await on(m, `systemctl is-active ${MASTER_UNITS}`)).to.equal('active\n'.repeat(7));
  expect(await named(), 'the balancers and the certificate name it again').to.deep.equal({
    kubeLb: true,
    haproxy: true,
    sans: true,
  });
  // a real kubelet registers its node again; the kubectl stand-in hears no kubelet: its record is taken back
  await c.lab.exec(c.hostOf(m0), `rm -f /var/lib/kubectl-standin/node.${name}.deleted`);
  const addAgain = await c.play('23.addmaster.yml', ['-e', `NODE_TO_ADD=${m}`]);
  c.ok(addAgain);
  expect([...tasksWith(addAgain, ['changed'])], 'a second run changes nothing').to.deep.equal([]);
  expect(totalChanged(addAgain)).to.equal(0);
  const unquoted = hostsBefore.replace(`${m} k8s_nodename='${name}'`, `${m} ${vars}`);
  expect(readFileSync(join(c.site, 'hosts'), 'utf8'), 'the inventory as it was').to.equal(unquoted);

  await allAnswered(poller, 'the VIP answered every second');
  expect(await vipAnswers(), 'the VIP answers').to.equal(true);
}
