// Day 2 on the HA suite's converged cluster: a worker removed (`kplay cluster del-node`, 32.delnode.yml) and
// added back (`kplay cluster add-node`, 22.addnode.yml), then a dead worker removed. The worker is also a load
// balancer: it keeps keepalived and haproxy. The kubectl stand-in on the first master records cordon, drain and
// delete node.
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exampleNodeNames } from './cluster-site.js';
import { type Day2Ctx, groupLines, predicted } from './day2.js';
import { kplay, type KplayRun, tasksWith, totalChanged } from './support.js';

const CALLS = '/var/lib/kubectl-standin/node-calls.log';
const NODE_UNITS = 'kubelet kube-proxy kube-lb containerd';

/** The hosts a run changed something on (a delegated task counts for the host it ran for). */
const changedHosts = (r: KplayRun) => [...new Set([...tasksWith(r, ['changed'])].map((t) => t.split('|')[0]))];

export async function delThenAddNode(c: Day2Ctx, vipAnswers: () => Promise<boolean>): Promise<void> {
  // the last worker: added back, it is the last of kube_node again (the hosts' order, and /etc/hosts, as before)
  const w = c.g.node[c.g.node.length - 1]!;
  const name = exampleNodeNames(c.g).get(w)!;
  const master = c.hostOf(c.g.master[0]!);
  const on = async (ip: string, cmd: string) => (await c.lab.exec(c.hostOf(ip), `${cmd}; true`)).stdout;
  const cluster = (args: string[]) => kplay(['cluster', ...args, '--json']);
  const hostsBefore = readFileSync(join(c.site, 'hosts'), 'utf8');
  const linesBefore = groupLines(c.site, 'kube_node');
  await c.lab.exec(master, `rm -f ${CALLS}`);

  // bad input: refused before anything runs, the inventory untouched
  for (const [args, msg] of [
    [['del-node', c.site, '10.250.0.9'], /10\.250\.0\.9 is not in kube_node/],
    [['del-node', c.site, c.g.master[1]!], /is a master: del-node removes workers/],
    [['add-node', c.site, w], /is already in kube_node/],
  ] as const) {
    const r = await cluster([...args]);
    expect(r.code, args.join(' ')).to.equal(5);
    expect(r.stderr).to.match(msg);
    expect(
      r.events.filter((e) => e.type === 'host_result'),
      'nothing ran',
    ).to.deep.equal([]);
  }
  const asMaster = await c.play('32.delnode.yml', ['-e', `NODE_TO_DEL=${c.g.master[1]}`]);
  expect(asMaster.code, 'the playbook refuses a master').to.equal(2);
  expect(totalChanged(asMaster)).to.equal(0);
  expect(Object.keys(asMaster.recap), 'only the check ran').to.deep.equal(['localhost']);

  // del-node: --check, then the run; only the worker changes; cordon, drain, then delete
  const check = await cluster(['del-node', c.site, w, '--check']);
  c.ok(check);
  expect(await on(c.g.master[0]!, `cat ${CALLS}`), '--check calls no kubectl verb').to.equal('');
  expect(await on(w, `systemctl is-active ${NODE_UNITS}`)).to.equal('active\n'.repeat(4));
  expect(readFileSync(join(c.site, 'hosts'), 'utf8'), '--check leaves the inventory').to.equal(hostsBefore);
  const del = await c.play('32.delnode.yml', ['-e', `NODE_TO_DEL=${w}`]);
  c.ok(del);
  predicted(check, del);
  expect(changedHosts(del)).to.deep.equal([w]);
  expect((await on(c.g.master[0]!, `cat ${CALLS}`)).split('\n').filter(Boolean)).to.deep.equal([
    `cordon ${name}`,
    `drain ${name}`,
    `delete node ${name}`,
  ]);
  const states = (await on(w, `systemctl is-active ${NODE_UNITS}`)).split('\n').filter(Boolean);
  expect(
    states.filter((s) => s === 'active'),
    'the node units stopped',
  ).to.deep.equal([]);
  expect(await on(w, 'ls -d /etc/systemd/system/kubelet.service /etc/containerd /etc/kube-lb 2>/dev/null')).to.equal(
    '',
  );
  expect(await on(w, 'systemctl is-active keepalived haproxy'), 'an ex_lb host keeps its balancer').to.equal(
    'active\nactive\n',
  );
  expect(await vipAnswers(), 'the VIP answers').to.equal(true);
  // the verb: a second run finds no node and changes nothing, then takes the worker out of kube_node
  const again = await cluster(['del-node', c.site, w]);
  c.ok(again);
  expect(totalChanged(again)).to.equal(0);
  expect(groupLines(c.site, 'kube_node')).to.deep.equal(linesBefore.filter((l) => !l.startsWith(`${w} `)));
  expect(readFileSync(join(c.site, 'hosts'), 'utf8'), 'still an ex_lb').to.match(new RegExp(`^${w} LB_ROLE=`, 'm'));

  // add-node: --check leaves the inventory as it was; the run changes the new worker only, as predicted
  const vars = `k8s_nodename=${name}`;
  const addCheck = await cluster(['add-node', c.site, w, vars, '--check']);
  c.ok(addCheck);
  expect(groupLines(c.site, 'kube_node'), '--check leaves the inventory').to.not.include(`${w} ${vars}`);
  const add = await cluster(['add-node', c.site, w, vars]);
  c.ok(add);
  predicted(addCheck, add);
  expect(changedHosts(add)).to.deep.equal([w]);
  expect(groupLines(c.site, 'kube_node')).to.include(`${w} ${vars}`);
  expect(await on(w, `systemctl is-active ${NODE_UNITS}`)).to.equal('active\n'.repeat(4));
  expect(await on(w, 'ss -Htln sport = :6443')).to.include('127.0.0.1:6443');
  // a real kubelet registers its node again; the kubectl stand-in hears no kubelet: its record is taken back
  await c.lab.exec(master, `rm -f /var/lib/kubectl-standin/node.${name}.deleted`);
  const addAgain = await c.play('22.addnode.yml', ['-e', `NODE_TO_ADD=${w}`]);
  c.ok(addAgain);
  expect([...tasksWith(addAgain, ['changed'])], 'a second run changes nothing').to.deep.equal([]);
  const unquoted = hostsBefore.replace(`${w} k8s_nodename='${name}'`, `${w} ${vars}`);
  expect(readFileSync(join(c.site, 'hosts'), 'utf8'), 'the inventory as it was').to.equal(unquoted);

  // a dead worker (listed, nothing answers at its address) is drained and deleted all the same, its cleaning
  // reported as ignored, then taken out of the inventory
  const dead = `${c.lab.state.net}.99`;
  writeFileSync(join(c.site, 'hosts'), unquoted.replace('[kube_node]\n', `[kube_node]\n${dead} k8s_nodename=dead\n`));
  await c.lab.exec(master, `rm -f ${CALLS}`);
  const gone = await cluster(['del-node', c.site, dead]);
  c.ok(gone);
  expect((await on(c.g.master[0]!, `cat ${CALLS}`)).split('\n').filter(Boolean)).to.deep.equal([
    'cordon dead',
    'drain dead',
    'delete node dead',
  ]);
  expect(gone.recap[dead], 'the cleaning, ignored').to.include({ unreachable: 0, failed: 0 });
  expect(gone.recap[dead]!.ignored).to.be.greaterThan(0);
  expect(readFileSync(join(c.site, 'hosts'), 'utf8')).to.equal(unquoted);
}
