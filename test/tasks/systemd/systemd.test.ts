// systemd_service / systemd / service against a fake systemd: one `systemctl show` read, Ansible's order
// (daemon-reload, mask, enable, state), convergence, restarted/reloaded always changing, honest daemon-reload.
import { expect } from 'chai';
import { service, systemd_service, unitName } from '../../../src/tasks/systemd/systemd.js';
import { builtins } from '../../../src/tasks/index.js';
import type { ProbeResult, Vars } from '../../../src/tasks/contract.js';
import { FakeHost } from '../../support/fake-host.js';
import { converge, hostView, planError, planOn } from '../../support/plan-harness.js';

interface Unit {
  load: string;
  active: string;
  file: string;
  need?: boolean;
  inv: number;
  fragment?: string;
}

/** A fake host with a tiny systemd: units, `systemctl show`, and the verbs the module runs. */
class FakeSystemd extends FakeHost {
  units = new Map<string, Unit>();
  probes: string[] = [];
  mgr = 'systemd';
  private inv = 1;

  constructor(units: Record<string, Partial<Unit>> = {}) {
    super();
    for (const [n, u] of Object.entries(units)) {
      this.units.set(n, {
        load: 'loaded',
        active: 'inactive',
        file: 'disabled',
        inv: 0,
        fragment: `/etc/systemd/system/${n}`,
        ...u,
      });
    }
    this.onExec = (argv) => this.systemctl(argv);
  }

  override async facts(): Promise<Vars> {
    return { ...(await super.facts()), ansible_service_mgr: this.mgr };
  }

  override async probe(argv: string[]): Promise<ProbeResult> {
    this.probes.push(argv.join(' '));
    if (argv[0] === 'systemctl' && argv[1] === 'show' && argv.length === 3) {
      const u = this.units.get(argv[2]!);
      const lines = u
        ? [
            `Id=${argv[2]}`,
            `LoadState=${u.load}`,
            `ActiveState=${u.active}`,
            `UnitFileState=${u.file}`,
            `NeedDaemonReload=${u.need ? 'yes' : 'no'}`,
            `InvocationID=${u.inv ? `inv${u.inv}` : ''}`,
            `FragmentPath=${u.fragment ?? ''}`,
            'DropInPaths=',
            'Description=x=y',
          ]
        : [
            `Id=${argv[2]}`,
            'LoadState=not-found',
            'ActiveState=inactive',
            'UnitFileState=',
            'NeedDaemonReload=no',
            'InvocationID=',
            'FragmentPath=',
          ];
      return { rc: 0, stdout: `${lines.join('\n')}\n`, stderr: '' };
    }
    if (argv[0] === 'systemctl' && argv.includes('--all')) {
      const out = [...this.units.entries()]
        .filter(([, u]) => u.load !== 'not-found')
        .map(
          ([n, u]) =>
            `Id=${n}\nNeedDaemonReload=${u.need ? 'yes' : 'no'}\nFragmentPath=${u.fragment ?? ''}\nDropInPaths=\n`,
        );
      return { rc: 0, stdout: out.join('\n'), stderr: '' };
    }
    return super.probe(argv);
  }

  private systemctl(argv: string[]): void {
    if (argv[0] !== 'systemctl') throw new Error(`fake: unexpected exec ${argv.join(' ')}`);
    const verb = argv[1]!;
    const name = argv[argv.length - 1]!;
    if (verb === 'daemon-reload' || verb === 'daemon-reexec') {
      for (const u of this.units.values()) u.need = false;
      return;
    }
    const u = this.units.get(name);
    if (!u) throw new Error(`fake: Unit ${name} not found.`);
    switch (verb) {
      case 'start':
        if (u.active !== 'active') {
          u.active = 'active';
          u.inv = this.inv++;
        }
        return;
      case 'restart':
        u.active = 'active';
        u.inv = this.inv++;
        return;
      case 'reload':
        return;
      case 'stop':
        u.active = 'inactive';
        return;
      case 'enable':
        if (u.file === 'masked') throw new Error('fake: masked');
        u.file = 'enabled';
        return;
      case 'disable':
        u.file = 'disabled';
        return;
      case 'mask':
        u.file = 'masked';
        u.load = 'masked';
        return;
      case 'unmask':
        u.file = 'disabled';
        u.load = 'loaded';
        return;
    }
    throw new Error(`fake: verb ${verb}`);
  }
}

const summaries = (p: { changes: { summary: string }[] }) => p.changes.map((c) => c.summary);

describe('systemd_service', () => {
  it('is registered as systemd_service, systemd and ansible.builtin.systemd; service is separate', () => {
    expect(builtins.find('systemd')).to.equal(systemd_service);
    expect(builtins.find('systemd_service')).to.equal(systemd_service);
    expect(builtins.find('service')).to.equal(service);
  });

  it('unit names: .service is added unless a unit suffix is there', () => {
    expect(unitName('etcd')).to.equal('etcd.service');
    expect(unitName('kube-apiserver.service')).to.equal('kube-apiserver.service');
    expect(unitName('fstrim.timer')).to.equal('fstrim.timer');
    expect(unitName('getty@tty1')).to.equal('getty@tty1.service');
    expect(unitName('a.b')).to.equal('a.b.service');
  });

  // table: [what, unit state, args, expected summaries]
  const table: [string, Partial<Unit>, Vars, string[]][] = [
    [
      'start+enable a stopped disabled unit',
      {},
      { state: 'started', enabled: true },
      ['systemd: enable etcd.service', 'systemd: start etcd.service'],
    ],
    [
      'started + enabled already: nothing',
      { active: 'active', file: 'enabled' },
      { state: 'started', enabled: true },
      [],
    ],
    ['activating counts as running', { active: 'activating' }, { state: 'started' }, []],
    ['stop a running unit', { active: 'active' }, { state: 'stopped' }, ['systemd: stop etcd.service']],
    ['stop a deactivating unit', { active: 'deactivating' }, { state: 'stopped' }, ['systemd: stop etcd.service']],
    ['stopped already', {}, { state: 'stopped' }, []],
    [
      'restarted: always, a running unit is restarted',
      { active: 'active', inv: 7 },
      { state: 'restarted' },
      ['systemd: restart etcd.service'],
    ],
    ['restarted: a stopped unit is started', {}, { state: 'restarted' }, ['systemd: start etcd.service']],
    ['reloaded: always', { active: 'active' }, { state: 'reloaded' }, ['systemd: reload etcd.service']],
    ['reloaded: a stopped unit is started', {}, { state: 'reloaded' }, ['systemd: start etcd.service']],
    ['disable', { file: 'enabled' }, { enabled: false }, ['systemd: disable etcd.service']],
    ['static units are left alone by enabled=yes/no', { file: 'static' }, { enabled: false }, []],
    [
      'mask a running unit and stop it',
      { active: 'active', file: 'enabled' },
      { masked: true, state: 'stopped' },
      ['systemd: mask etcd.service', 'systemd: stop etcd.service'],
    ],
    [
      'masked already: masked=yes and enabled=no are nothing',
      { load: 'masked', file: 'masked' },
      { masked: true, enabled: false },
      [],
    ],
    [
      'unmask, then enable and start (Ansible order)',
      { load: 'masked', file: 'masked' },
      { masked: false, enabled: true, state: 'started' },
      ['systemd: unmask etcd.service', 'systemd: enable etcd.service', 'systemd: start etcd.service'],
    ],
    [
      'daemon_reload only when the unit changed on disk',
      { need: true, active: 'active' },
      { daemon_reload: true, state: 'started' },
      ['systemd: daemon-reload (changed on disk: etcd.service)'],
    ],
    [
      'daemon_reload when nothing changed on disk: ok',
      { active: 'active' },
      { daemon_reload: true, state: 'started' },
      [],
    ],
  ];
  for (const [what, unit, args, want] of table) {
    it(`${what}; converges`, async () => {
      const host = new FakeSystemd({ 'etcd.service': unit });
      const plan = await converge(systemd_service, { name: 'etcd', ...args }, host);
      expect(summaries(plan)).to.deep.equal(want);
      expect(host.probes.filter((p) => p.startsWith('systemctl show')).length, 'one show per plan').to.equal(2);
    });
  }

  it("reports Ansible's result fields: name, state, enabled, status from systemctl show", async () => {
    const plan = await planOn(
      systemd_service,
      { name: 'etcd', state: 'started', enabled: true },
      new FakeSystemd({ 'etcd.service': { active: 'active', file: 'enabled' } }),
    );
    expect(plan.result).to.deep.include({ name: 'etcd', state: 'started', enabled: true });
    expect((plan.result!.status as Vars).ActiveState).to.equal('active');
    expect((plan.result!.status as Vars).Description, 'values with = are kept whole').to.equal('x=y');
  });

  it('restarted: the re-plan is empty only because a restart really happened (new InvocationID)', async () => {
    const host = new FakeSystemd({ 'etcd.service': { active: 'active', inv: 3 } });
    const first = await planOn(systemd_service, { name: 'etcd', state: 'restarted' }, host);
    expect(first.changes[0]!.mark).to.deep.equal({ key: 'restarted:etcd.service', value: 'inv3' });
    // the engine's re-plan gets the marks of what it applied (HostView.applied)
    const replan = hostView({}, { applied: new Map([['restarted:etcd.service', 'inv3']]) });
    // not really restarted (the same InvocationID): the re-plan still wants it (the engine: NOT_CONVERGED)
    expect(summaries(await planOn(systemd_service, { name: 'etcd', state: 'restarted' }, host, replan))).to.deep.equal([
      'systemd: restart etcd.service',
    ]);
    host.apply(first.changes);
    expect(summaries(await planOn(systemd_service, { name: 'etcd', state: 'restarted' }, host, replan))).to.deep.equal(
      [],
    );
    // a new run of the task (a new view): restarts again, as Ansible does
    expect(summaries(await planOn(systemd_service, { name: 'etcd', state: 'restarted' }, host))).to.deep.equal([
      'systemd: restart etcd.service',
    ]);
  });

  it('touches service:NAME and the show read, so a later task on the unit is uncertain in check mode', async () => {
    const plan = await planOn(
      systemd_service,
      { name: 'etcd.service', state: 'started' },
      new FakeSystemd({ 'etcd.service': {} }),
    );
    expect(plan.changes[0]!.touches).to.deep.equal(['service:etcd', 'probe:systemctl show etcd.service']);
    expect(plan.changes[0]!.actions).to.deep.equal([{ exec: ['systemctl', 'start', 'etcd.service'] }]);
  });

  it(
    "a missing unit fails with Ansible's message; its " + 'possible unit files are read (check mode can tell)',
    async () => {
      const host = new FakeSystemd();
      const reads: string[] = [];
      const stat = host.stat.bind(host);
      host.stat = async (p, o) => (reads.push(p), stat(p, o));
      expect(await planError(systemd_service, { name: 'nope', state: 'started' }, host)).to.equal(
        'Could not find the requested service nope.service: host',
      );
      expect(reads).to.include('/etc/systemd/system/nope.service');
      expect(await planError(systemd_service, { name: 'nope', enabled: true }, new FakeSystemd())).to.match(
        /Could not find/,
      );
    },
  );

  it('masking a missing unit is allowed', async () => {
    const plan = await planOn(systemd_service, { name: 'nope', masked: true }, new FakeSystemd());
    expect(summaries(plan)).to.deep.equal(['systemd: mask nope.service']);
  });

  it('enabling a masked unit fails unless masked=no', async () => {
    expect(
      await planError(
        systemd_service,
        { name: 'x', enabled: true },
        new FakeSystemd({ 'x.service': { load: 'masked', file: 'masked' } }),
      ),
    ).to.match(/masked/);
  });

  it('daemon_reload without a name: only when some loaded unit changed on disk', async () => {
    const host = new FakeSystemd({ 'a.service': {}, 'b.service': { need: true } });
    const plan = await converge(systemd_service, { daemon_reload: true }, host);
    expect(summaries(plan)).to.deep.equal(['systemd: daemon-reload (changed on disk: b.service)']);
    expect(plan.changes[0]!.actions).to.deep.equal([{ exec: ['systemctl', 'daemon-reload'] }]);
    expect(summaries(await planOn(systemd_service, { daemon_reload: true }, host))).to.deep.equal([]);
  });

  it('daemon_reexec always runs (reported changed), once per task run', async () => {
    const plan = await converge(systemd_service, { daemon_reexec: true }, new FakeSystemd());
    expect(summaries(plan)).to.deep.equal(['systemd: daemon-reexec']);
  });

  it('scope=user and no_block reach systemctl', async () => {
    const host = new FakeSystemd();
    host.probe = async (argv) => ({
      rc: 0,
      stdout: argv.includes('--user') ? 'LoadState=loaded\nActiveState=inactive\nUnitFileState=disabled\n' : '',
      stderr: '',
    });
    const plan = await planOn(systemd_service, { name: 'x', state: 'started', scope: 'user', no_block: true }, host);
    expect(plan.changes[0]!.actions).to.deep.equal([
      { exec: ['systemctl', '--user', 'start', '--no-block', 'x.service'] },
    ]);
  });

  it('checks its arguments as Ansible does', async () => {
    expect(await planError(systemd_service, { name: 'x' }, new FakeSystemd())).to.match(/one of/);
    expect(await planError(systemd_service, { name: 'x', state: 'running' }, new FakeSystemd())).to.match(/state/);
    expect(await planError(systemd_service, { state: 'started' }, new FakeSystemd())).to.match(/name is required/);
  });
});

describe('service', () => {
  it('delegates to the systemd planner on systemd hosts (same plan, its own summaries)', async () => {
    const host = new FakeSystemd({ 'haproxy.service': { file: 'enabled', active: 'active' } });
    const plan = await converge(service, { name: 'haproxy', state: 'restarted', enabled: true }, host);
    expect(summaries(plan)).to.deep.equal(['service: restart haproxy.service']);
  });

  it("passes systemd's own arguments through (daemon-reload, as Ansible's service hands them to systemd)", async () => {
    const host = new FakeSystemd({ 'cron.service': { need: true, active: 'active' } });
    const plan = await converge(service, { name: 'cron', state: 'started', daemon_reload: true }, host);
    expect(summaries(plan)).to.deep.equal(['service: daemon-reload (changed on disk: cron.service)']);
    expect(builtins.find('service')!.argAliases).to.include({ 'daemon-reload': 'daemon_reload' });
  });

  it('fails clearly on other service managers', async () => {
    const host = new FakeSystemd();
    host.mgr = 'sysvinit';
    expect(await planError(service, { name: 'x', state: 'started' }, host)).to.match(
      /service manager 'sysvinit' is not supported/,
    );
  });
});
