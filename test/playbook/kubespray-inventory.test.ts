// The HA cluster playbooks over an inventory in Kubespray's shape (kube_control_plane, k8s_cluster, calico_rr,
// host vars ip and access_ip): the plays find the masters, kplay-defaults computes the host lists and addresses
// from Kubespray's names, the templates use them, and the preflight checks pass (or say why two names disagree).
// The fixtures are test/fixtures/inventories/kubespray{,-yaml} (also inventory parity cases).
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { MemoryHost } from '../../src/transport/memory.js';
import { run } from '../support/play-harness.js';
import type { Vars } from '../../src/core/types.js';

const INI = 'test/fixtures/inventories/kubespray/hosts.ini';
const YAML = 'test/fixtures/inventories/kubespray-yaml/hosts.yml';
const ROLES = resolve('playbooks/roles');
const TEMPLATES = resolve('templates');

/** The harness's inventory folder holding a fixture (as `hosts`: Ansible skips `.ini` files in a folder); the
 * harness also writes its own inv/hosts.yml there, here an empty `all` that adds nothing. */
function site(fixture: string, text = readFileSync(fixture, 'utf8')) {
  return { inv: 'all: {}\n', files: { [fixture.endsWith('.yml') ? 'inv/site.yml' : 'inv/hosts']: text } };
}

function kplay(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/kplay', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The hosts --list-hosts shows for each play, by play name (the last play of a name wins: preflight repeats). */
function playHosts(out: string): Record<string, string[]> {
  const plays: Record<string, string[]> = {};
  for (const block of out.split(/\n {2}play #\d+ /).slice(1)) {
    const name = /^\(.*?\): (.*?)\t/.exec(block)![1]!;
    plays[name] = [...block.matchAll(/^ {6}(\S+)$/gm)].map((m) => m[1]!);
  }
  return plays;
}

/** Runs `tasks` over `hosts` with kplay-defaults (and other roles' variable files: 'etcd/defaults') on a fixture. */
async function withDefaults(
  fixture: string,
  hosts: string,
  tasks: string,
  o: { vars?: string[]; memory?: MemoryHost[] },
) {
  const varsFiles = (o.vars ?? []).map((r) => `${ROLES}/${r}/main.yml`);
  const pb =
    `- hosts: ${hosts}\n  gather_facts: no\n  roles: [${ROLES}/kplay-defaults]\n` +
    `  vars_files: ${JSON.stringify(varsFiles)}\n  tasks:\n${tasks}`;
  return run(pb, { ...site(fixture), memory: o.memory });
}

// Kubespray has no chrony, harbor or ex_lb group: Ansible's warnings for those plays' patterns, once a run; and the
// site linter names the one Kubespray setting of the fixtures that kplay does not read.
const warnings = (fixture: string, at: string) =>
  '[WARNING]: Could not match supplied host pattern, ignoring: ~chrony$\n' +
  '[WARNING]: Could not match supplied host pattern, ignoring: harbor\n' +
  '[WARNING]: Could not match supplied host pattern, ignoring: ex_lb\n' +
  `[WARNING]: ${fixture}:${at}: unknown setting kube_network_plugin, read by nothing\n`;
const WARNED: Record<string, string> = {
  [INI]: warnings(INI, '37:1'),
  [YAML]: warnings(YAML, '25:9'),
};

const SHOWN = [
  'kube_master_hosts',
  'kube_node_hosts',
  'etcd_hosts',
  'cluster_hosts',
  'master_ips',
  'etcd_ips',
  'node_ip',
  'node_access_ip',
  'apiserver_bind_address',
];

describe('HA cluster playbooks over a Kubespray-shaped inventory', function () {
  this.timeout(60_000); // kplay processes, on a shared machine
  for (const fixture of [INI, YAML]) {
    it(`${fixture}: ha-cluster.yml passes --syntax-check`, () => {
      const r = kplay('run', 'playbooks/ha-cluster.yml', '-i', fixture, '--syntax-check');
      expect([r.code, r.err]).to.deep.equal([0, WARNED[fixture]]);
    });
  }

  it('--list-hosts: the masters of kube_control_plane in the master plays, calico_rr in none', () => {
    const r = kplay('run', 'playbooks/ha-cluster.yml', '-i', INI, '--list-hosts');
    expect(r.code).to.equal(0);
    expect(r.err).to.equal(WARNED[INI]);
    const masters = ['cp-1', 'cp-2', 'cp-3'];
    const all = [...masters, 'wk-1', 'wk-2'];
    expect(playHosts(r.out)).to.deep.equal({
      'preflight checks': all,
      'certificates and kubeconfigs, made on the controller': all,
      'prepare the hosts': all,
      'time sync on chrony hosts outside the cluster': [],
      'image registry': [],
      'load images into the registry': [],
      'etcd cluster': masters,
      'container runtime': all,
      'external load balancers': [],
      'control plane': masters,
      workers: ['wk-1', 'wk-2'], // cp-3 is in kube_node too: it is set up with the masters
      'pod network': all,
      'cluster addons': masters, // the role runs on the first one only
    });
  });

  it('99.clean.yml and every stage playbook find the same hosts', () => {
    const r = kplay('run', 'playbooks/99.clean.yml', '-i', INI, '--list-hosts');
    expect(r.code).to.equal(0);
    expect(playHosts(r.out)).to.deep.include({
      'remove the nodes and the control plane': ['cp-1', 'cp-2', 'cp-3', 'wk-1', 'wk-2'],
      'remove etcd': ['cp-1', 'cp-2', 'cp-3'],
    });
  });

  for (const fixture of [INI, YAML]) {
    it(`${fixture}: kplay-defaults reads the groups and ip / access_ip`, async () => {
      const msg = `{${SHOWN.map((v) => `${v}: "{{ ${v} }}"`).join(', ')}}`;
      const r = await withDefaults(fixture, 'all', `    - debug: { msg: ${msg} }\n`, {});
      const shown = Object.fromEntries(r.results.map((x) => [x.host, x.show?.msg as Record<string, unknown>]));
      const cluster = {
        kube_master_hosts: ['cp-1', 'cp-2', 'cp-3'],
        kube_node_hosts: ['cp-3', 'wk-1', 'wk-2'],
        etcd_hosts: ['cp-1', 'cp-2', 'cp-3'],
        cluster_hosts: ['cp-1', 'cp-2', 'cp-3', 'wk-1', 'wk-2'],
        // what other hosts connect to: access_ip
        master_ips: ['10.40.0.11', '10.40.0.12', '10.40.0.13'],
        etcd_ips: ['10.40.0.11', '10.40.0.12', '10.40.0.13'],
      };
      // [host, node_ip (ip, else ansible_host), node_access_ip (access_ip, else as node_ip)]
      const table: Array<[string, string, string]> = [
        ['cp-1', '10.30.0.11', '10.40.0.11'],
        ['cp-3', '10.30.0.13', '10.40.0.13'],
        ['wk-1', '10.30.0.21', '10.30.0.21'],
        ['wk-2', '198.51.100.22', '198.51.100.22'],
        ['rr-1', '10.30.0.31', '10.30.0.31'],
      ];
      for (const [host, ip, access] of table) {
        expect(shown[host], host).to.deep.equal({
          ...cluster,
          node_ip: ip,
          node_access_ip: access,
          apiserver_bind_address: ip,
        });
      }
    });
  }

  it('the apiserver and etcd certificates name both addresses of every member', async () => {
    const r = await withDefaults(INI, 'cp-1', '    - debug: { var: pki_certs }\n', { vars: ['pki/vars'] });
    expect(r.results[0]!.status).to.equal('ok');
    const certs = r.results[0]!.show!.pki_certs as Array<{ name: string; sans: string[] }>;
    const sans = Object.fromEntries(certs.map((c) => [c.name, c.sans]));
    for (const n of [11, 12, 13]) {
      expect(sans.etcd).to.include.members([`10.30.0.${n}`, `10.40.0.${n}`]);
      expect(sans.kubernetes).to.include.members([`10.30.0.${n}`, `10.40.0.${n}`]);
    }
  });

  it('etcd listens on ip and advertises access_ip; kube-lb reaches the masters at access_ip', async () => {
    const cp1 = new MemoryHost('cp-1');
    const tasks = [
      `    - template: { src: ${TEMPLATES}/etcd/etcd.service.hbs, dest: /tmp/etcd.service }\n`,
      `    - template: { src: ${TEMPLATES}/kube-lb/kube-lb.conf.hbs, dest: /tmp/kube-lb.conf }\n`,
    ].join('');
    const r = await withDefaults(INI, 'cp-1', tasks, { vars: ['etcd/defaults', 'kube-lb/defaults'], memory: [cp1] });
    expect(r.lines.map((l) => l.split('|')[2])).to.deep.equal(['changed', 'changed']);
    const etcd = cp1.files.get('/tmp/etcd.service')!.content!.toString();
    const flags = [
      '--name=etcd-10.40.0.11',
      '--listen-peer-urls=https://10.30.0.11:2380',
      '--listen-client-urls=https://10.30.0.11:2379,https://127.0.0.1:2379',
      '--initial-advertise-peer-urls=https://10.40.0.11:2380',
      '--advertise-client-urls=https://10.40.0.11:2379',
      '--initial-cluster=etcd-10.40.0.11=https://10.40.0.11:2380,etcd-10.40.0.12=https://10.40.0.12:2380,' +
        'etcd-10.40.0.13=https://10.40.0.13:2380',
    ];
    for (const f of flags) expect(etcd).to.include(`  ${f} \\\n`);
    const lb = cp1.files.get('/tmp/kube-lb.conf')!.content!.toString();
    expect([...lb.matchAll(/server (\S+):6443/g)].map((m) => m[1])).to.deep.equal([
      '10.40.0.11',
      '10.40.0.12',
      '10.40.0.13',
    ]);
  });

  it('the preflight site and host checks pass, and say that calico_rr is left alone', async () => {
    const pb = `- import_playbook: ${resolve('playbooks/00.preflight.yml')}\n`;
    const r = await run(pb, { ...site(INI), extra: { preflight_roles: [] } });
    expect(r.results.filter((x) => x.status !== 'ok' && x.status !== 'skipped').map((x) => x.msg)).to.deep.equal([]);
    expect(r.code).to.equal(0);
    expect(Object.keys(r.recap)).to.deep.equal(['cp-1', 'cp-2', 'cp-3', 'wk-1', 'wk-2']);
    // a message, once a run (run_once: every host gets the first host's result, as in Ansible)
    const note = r.results.filter((x) => x.task === 'preflight : Say that the calico_rr hosts are left alone');
    expect([...new Set(note.map((x) => x.show?.msg))]).to.deep.equal([
      'calico_rr (rr-1): kplay sets up no calico route reflectors; ' +
        'these hosts get only what their other groups give them',
    ]);
  });
});

describe('both kubeasz and Kubespray group names in one inventory', () => {
  /** The preflight's failed checks over an inventory with these master groups (each: group, its hosts). */
  async function preflight(groups: string): Promise<string[]> {
    const inv = '[etcd]\nm1\n[kube_node]\nw1\n' + groups + '\n';
    const pb = `- hosts: all\n  gather_facts: no\n  roles: [${ROLES}/preflight]\n`;
    const r = await run(pb, { ...site('hosts', inv), extra: { preflight_roles: [] } });
    const checks = r.results.find((x) => x.task.endsWith(' : Check the site'))!.result!.results as Vars[];
    return checks.filter((x) => x.failed).map((x) => String(x.msg));
  }
  const cases: Array<[string, string, string[]]> = [
    ["one name is the other one's child", '[kube_master]\nm1\n[kube_control_plane:children]\nkube_master', []],
    ['both list the same hosts', '[kube_master]\nm1\nm2\n[kube_control_plane]\nm2\nm1', []],
    ['one of them is empty', '[kube_master]\n[kube_control_plane]\nm1', []],
    [
      'they list different hosts',
      '[kube_master]\nm1\n[kube_control_plane]\nm2',
      [
        "the masters' groups hold different hosts: kube_master (m1), kube_control_plane (m2); " +
          "keep one name, or make one group the other's child",
      ],
    ],
    [
      'no masters under any name',
      '[kube_master]',
      ['the kube_master group is empty (kube_control_plane in a Kubespray inventory)'],
    ],
  ];
  for (const [what, groups, problems] of cases) {
    it(`${what}: ${problems.length ? 'refused' : 'accepted'}`, async () => {
      expect(await preflight(groups)).to.deep.equal(problems);
    });
  }
});

describe('the group names live in one place', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .map((f) => join(dir, f))
      .filter((f) => statSync(f).isFile());
  const defaults = parse(readFileSync('playbooks/roles/kplay-defaults/defaults/main.yml', 'utf8')) as Vars;

  it("no role or template but kplay-defaults and preflight's checks reads `groups`", () => {
    const own = ['playbooks/roles/kplay-defaults/', 'playbooks/roles/preflight/vars/'];
    const naming = [...files('playbooks/roles'), ...files('templates')]
      .filter((f) => !own.some((o) => f.startsWith(o)))
      .filter((f) => /\bgroups\b\s*[[.]|@root\.groups|#each groups/.test(readFileSync(f, 'utf8')));
    expect(naming).to.deep.equal([]);
  });

  it("every play that names the masters or the workers names all of kplay-defaults' names for them", () => {
    const masters = defaults.kube_master_groups as string[];
    const workers = defaults.kube_node_groups as string[];
    const known = new Set([...masters, ...workers, 'etcd', 'ex_lb', 'chrony', 'harbor', 'localhost']);
    for (const f of readdirSync('playbooks').filter((n) => n.endsWith('.yml'))) {
      for (const play of parse(readFileSync(join('playbooks', f), 'utf8')) as Vars[]) {
        // a day-2 playbook's chosen hosts (`{{ NODE_TO_ADD }}`): its first play checks them against the groups
        if (typeof play.hosts !== 'string' || /^\{\{ \w+ \}\}$/.test(play.hosts)) continue;
        const names = play.hosts
          .replace(/\{\{ \w+ \}\}/g, '') // `etcd:!{{ NODE_TO_ADD }}`: the group less the chosen host
          .split(/[~()|$:!&]+/)
          .filter(Boolean);
        expect(
          names.filter((n) => !known.has(n)),
          `${f}: ${play.hosts}`,
        ).to.deep.equal([]);
        for (const set of [masters, workers])
          if (names.some((n) => set.includes(n))) expect(names, `${f}: ${play.hosts}`).to.include.members(set);
      }
    }
  });
});
