// Day 2 on the HA suite's converged cluster: an etcd member added (`kplay cluster add-etcd`, 21.addetcd.yml) on
// a worker, then removed (`kplay cluster del-etcd`, 31.deletcd.yml), real etcd on every member. A poller on the
// first master reads a key through the three first members every second for the whole time: the cluster must
// answer each read (it keeps its quorum through the rolling restarts).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allAnswered, type Day2Ctx, etcdctl, predicted, quorumRead, startPoller } from './day2.js';
import { kplay, type KplayRun, tasksWith, totalChanged } from './support.js';

const POLL = '/var/tmp/kplay-etcd-poll';

/** The member list's lines, as the first member sees it. */
async function memberList(c: Day2Ctx): Promise<string[]> {
  const ip = c.g.etcd[0]!;
  const r = await c.lab.exec(c.hostOf(ip), etcdctl(ip, 'member list'));
  return r.stdout.split('\n').filter(Boolean);
}

const failedMsgs = (r: KplayRun) =>
  r.events.filter((e) => e.type === 'host_result' && e.status === 'failed').map((e) => String(e.msg));

export async function addThenDelEtcd(c: Day2Ctx, vipAnswers: () => Promise<boolean>): Promise<void> {
  const w = c.g.node[0]!; // a worker (and a load balancer) becomes the fourth member, then leaves
  const [m0, m1, m2] = c.g.etcd as [string, string, string];
  const on = async (ip: string, cmd: string) => (await c.lab.exec(c.hostOf(ip), `${cmd}; true`)).stdout;
  const cluster = (args: string[]) => kplay(['cluster', ...args, '--json']);
  const etcdServers = () =>
    on(c.g.master[0]!, 'grep -o -- "--etcd-servers=[^ ]*" /etc/systemd/system/kube-apiserver.service');
  const hostsFile = () => readFileSync(join(c.site, 'hosts'), 'utf8');
  const hostsBefore = hostsFile();

  // refused before any change: the members that stay would lack a quorum (one of them is stopped). The verbs'
  // own refusals (a member twice, an even number left without --force) are in test/cli/cluster.test.ts.
  await c.lab.exec(c.hostOf(m1), 'systemctl stop etcd');
  const noQuorum = await c.play('31.deletcd.yml', ['-e', `ETCD_TO_DEL=${m2}`, '-e', 'force=true']);
  await c.lab.exec(c.hostOf(m1), 'systemctl start etcd');
  expect(noQuorum.code).to.equal(2);
  expect(totalChanged(noQuorum)).to.equal(0);
  expect(failedMsgs(noQuorum).join('\n')).to.include(
    `removing ${m2} would leave 2 members of which 1 answer healthy (${m0})`,
  );

  // every second, a linearizable read (it needs the quorum) asked of each first member in turn until one
  // answers: the cluster answered that second (a member restarting just then does not count against it). The
  // members are asked again for up to 3 s: when the leader restarts, the election that may follow (etcd's
  // election timeout is 1 s; on a loaded machine its hand-over on stop can time out) leaves no member to answer
  // for a moment. A lost quorum lasts longer: a member's restart behind its health gate.
  const read = `( for try in 1 2 3; do ${quorumRead(c)} && exit 0; sleep 1; done; exit 1 )`;
  const poller = startPoller(c, m0, read, POLL);
  // add-etcd: --check leaves the inventory and the members; the run changes what --check said
  const check = await cluster(['add-etcd', c.site, w, '--force', '--check']);
  c.ok(check);
  expect(hostsFile(), '--check leaves the inventory').to.equal(hostsBefore);
  expect(await memberList(c)).to.have.length(3);
  const add = await cluster(['add-etcd', c.site, w, '--force']);
  c.ok(add);
  predicted(check, add);
  const four = await memberList(c);
  expect(four, 'four members, all started').to.have.length(4);
  expect(four.filter((l) => l.includes(', started, '))).to.have.length(4);
  expect(four.join('\n')).to.include(`, etcd-${w}, https://${w}:2380,`);
  for (const ip of [m0, m1, m2, w])
    expect(await on(ip, `${etcdctl(ip, 'endpoint health')} 2>&1`)).to.include('is healthy');
  expect(await on(w, 'grep -c -- "--initial-cluster-state=existing" /etc/systemd/system/etcd.service')).to.equal('1\n');
  expect(await etcdServers(), "the apiservers' --etcd-servers").to.include(`https://${w}:2379`);
  const again = await c.play('21.addetcd.yml', ['-e', `NODE_TO_ADD=${w}`, '-e', 'force=true']);
  c.ok(again);
  expect([...tasksWith(again, ['changed'])], 'a second run changes nothing').to.deep.equal([]);

  // del-etcd: --check, then the run; three members again, the host cleaned, the inventory as it began
  const delCheck = await cluster(['del-etcd', c.site, w, '--check']);
  c.ok(delCheck);
  expect(await memberList(c)).to.have.length(4);
  const del = await cluster(['del-etcd', c.site, w]);
  c.ok(del);
  predicted(delCheck, del);
  const three = await memberList(c);
  expect(three.join('\n')).to.not.include(w);
  expect(three).to.have.length(3);
  expect(await on(w, 'systemctl is-active etcd')).to.not.equal('active\n');
  expect(await on(w, 'ls -d /etc/systemd/system/etcd.service /var/lib/etcd 2>/dev/null')).to.equal('');
  expect(await etcdServers()).to.not.include(w);
  expect(hostsFile(), 'the inventory as it began').to.equal(hostsBefore);

  await allAnswered(poller, 'every read through the members answered');
  expect(await vipAnswers(), 'the VIP answers').to.equal(true);
}
