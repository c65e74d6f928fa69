// The preflight checks (playbooks/00.preflight.yml, imported first by every stage): a bad site is refused
// before any change, with every problem listed at once.
import { expect } from 'chai';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useLab, type LabHandle } from '../lab/helpers.js';
import { writeClusterSite } from './cluster-site.js';
import { kplay, siteFor, totalChanged } from './support.js';
import { onPage, reportPage, saveScreenshot, texts } from '../support/report-page.js';

describe('@lab preflight: a bad site is refused before any change', () => {
  let lab: LabHandle;
  before(async function () {
    lab = await useLab(this, { count: 5 });
  });

  it(
    'lists every problem (even etcd count, VIP off the LB subnet, ' +
      'router id, SANs, missing binaries, calico modes) and changes nothing',
    async function () {
      this.timeout(120_000);
      const empty = join(lab.inventory, '..', `kplay-empty-bin-${process.pid}`);
      mkdirSync(empty, { recursive: true });
      writeFileSync(join(empty, 'etcd'), '');
      const site = writeClusterSite(lab, 'ini', empty);
      const hosts = join(site, 'hosts');
      let text = readFileSync(hosts, 'utf8');
      const etcd = lab.hosts.slice(0, 2).map((h) => h.ip);
      text = text
        .replace(/\[etcd\][^[]*/, `[etcd]\n${etcd.join('\n')}\n\n`)
        .replaceAll(`EX_APISERVER_VIP=${lab.vip}`, 'EX_APISERVER_VIP=10.99.0.10')
        .replace("k8s_nodename='worker-02'", "k8s_nodename='worker-01'");
      writeFileSync(hosts, text + 'ex_lb_router_id=300\n');
      const r = await kplay([
        'run',
        'playbooks/ha-cluster.yml',
        '-i',
        site,
        '--json',
        '-e',
        '{"apiserver_sans": ["127.0.0.1"], "CALICO_ENABLE_OVERLAY": "Sometimes", "CALICO_IPV4POOL_VXLAN": "Always"}',
      ]);
      rmSync(empty, { recursive: true, force: true });
      const out = r.stdout + r.stderr;
      expect(r.code, out).to.equal(2);
      expect(out).to.include('the etcd group has 2 hosts');
      expect(out).to.include("ex_lb_router_id '300' must be a number from 1 to 255");
      expect(out).to.match(/the VIP 10\.99\.0\.10 is not in this load balancer's subnet/);
      const missing = `missing in bin_src (${join(site, 'bin')}, or its containerd-bin/ for the container runtime's): `;
      for (const b of ['etcdctl', 'kube-apiserver', 'kubelet', 'containerd', 'cni-bin', 'cni-bin/calico'])
        expect(out).to.include(missing + b);
      expect(out).to.not.include(`${missing}etcd\n`);
      expect(out).to.include(
        `apiserver_sans lacks ${lab.hosts
          .slice(0, 3)
          .map((h) => h.ip)
          .join(', ')}, 10.99.0.10: the VIP and every master`,
      );
      expect(out).to.include('k8s_nodename must be unique: master-01, master-02, master-03, worker-01, worker-01');
      // calico (the example's network): a mode calico does not have, and IP-in-IP with VXLAN
      expect(out).to.include(
        'CALICO_IPV4POOL_IPIP (Sometimes) and CALICO_IPV4POOL_VXLAN (Always) must be Always, CrossSubnet or Never',
      );
      expect(out).to.include('calico encapsulates with IP-in-IP or VXLAN, not both');
      expect(out).to.include('nothing was changed');
      // nothing ran after the checks: no host has been touched by prepare
      expect(r.events.filter((e) => e.type === 'host_result' && e.status === 'changed')).to.deep.equal([]);
      // the run's report, in a browser: the failures first, each with the check's message and its source lines
      await onPage(reportPage(r.stdout), async (b) => {
        expect(await texts(b, '#exit-code')).to.equal('2');
        // the same failure on every host: one entry naming them all
        const failed = r.events.filter((e) => e.type === 'host_result' && e.status === 'failed').map((e) => e.host);
        expect(failed).to.have.length(5);
        expect(await b.eval<number>(`document.querySelectorAll('#failures .failure').length`)).to.equal(1);
        expect(await texts(b, '#failures h3')).to.include(`failed ${failed.join(', ')} · preflight : Stop before`);
        expect(await texts(b, '#failures .msg')).to.include('preflight: the site has problems');
        // the problems themselves: the checks' failures the role lets pass, then stops on
        expect(await texts(b, '#ignored .msg')).to.include('the etcd group has 2 hosts');
        expect(await b.eval('document.querySelector("#ignored details").open')).to.equal(true);
        expect(await texts(b, '#failures .src')).to.match(/playbooks\/roles\/preflight\/tasks\/\S+\.yml:\d+/);
        await saveScreenshot(b, 'report-ha-cluster-preflight-failed-5-hosts.png');
      });
    },
  );

  it("passes a good site written without k8s_nodename (the lab's own hosts.yml)", async function () {
    this.timeout(120_000);
    const r = await kplay([
      'run',
      'playbooks/00.preflight.yml',
      '-i',
      siteFor(lab),
      '--json',
      '-e',
      '{"preflight_roles": []}',
    ]);
    expect(r.code, r.stdout.slice(-3000)).to.equal(0);
    expect(totalChanged(r)).to.equal(0);
  });
});
