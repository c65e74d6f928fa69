// hostname and timezone against a fake host: the file and the running value are planned separately,
// applied, and planned again (converges); planning changes nothing.
import { expect } from 'chai';
import { hostname, timezone } from '../../src/tasks/system.js';
import { converge, planError, planOn } from '../support/plan-harness.js';
import { SysHost } from './system-fake.js';

describe('hostname', () => {
  const cases: {
    name: string;
    file?: string;
    live: string;
    args: Record<string, unknown>;
    changes: RegExp[];
    facts?: Record<string, unknown>;
    path?: string;
    after?: string;
  }[] = [
    {
      name: 'file and running name differ: /etc/hostname written and `hostname NAME`',
      file: 'old\n',
      live: 'old',
      args: { name: 'node7' },
      changes: [/\/etc\/hostname: old → node7/, /running name old → node7/],
      after: 'node7\n',
    },
    { name: 'both right: ok', file: 'node7\n', live: 'node7', args: { name: 'node7' }, changes: [] },
    {
      name: 'only the running name drifted: `hostname NAME` only',
      file: 'node7\n',
      live: 'localhost',
      args: { name: 'node7' },
      changes: [/^hostname: running name localhost → node7$/],
    },
    {
      name: 'a missing /etc/hostname is created',
      live: 'node7',
      args: { name: 'node7' },
      changes: [/\(unset\) → node7/],
      after: 'node7\n',
    },
    {
      name: 'an FQDN is kept whole in the file',
      file: 'x\n',
      live: 'x',
      args: { name: 'k8s-1.example.com' },
      changes: [/→ k8s-1.example.com/, /running name/],
      after: 'k8s-1.example.com\n',
    },
    {
      name: 'use=redhat (old RHEL): HOSTNAME= in /etc/sysconfig/network',
      file: undefined,
      live: 'old',
      args: { name: 'node7' },
      facts: { ansible_os_family: 'RedHat', ansible_service_mgr: 'sysvinit' },
      path: '/etc/sysconfig/network',
      changes: [/sysconfig\/network: old → node7/, /running name/],
      after: 'NETWORKING=yes\nHOSTNAME=node7\n',
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const h = new SysHost(
        c.path
          ? { [c.path]: 'NETWORKING=yes\nHOSTNAME=old\n' }
          : c.file === undefined
            ? { '/etc/keep': '' }
            : { '/etc/hostname': c.file },
      );
      if (c.facts) h.factsVars = c.facts;
      h.hostname = c.live;
      const p = await planOn(hostname, c.args, h);
      expect(p.changes.map((x) => x.summary)).to.have.length(
        c.changes.length,
        p.changes.map((x) => x.summary).join('; '),
      );
      p.changes.forEach((x, i) => expect(x.summary).to.match(c.changes[i]!));
      if (p.changes.length) await converge(hostname, c.args, h);
      expect(h.hostname).to.equal(c.args.name);
      if (c.after !== undefined) expect(h.text(c.path ?? '/etc/hostname')).to.equal(c.after);
    });
  }

  it('returns the new ansible_* name facts', async () => {
    const h = new SysHost({ '/etc/hostname': 'a\n' });
    const p = await planOn(hostname, { name: 'k8s-1.example.com' }, h);
    expect(p.result?.ansible_facts).to.deep.equal({
      ansible_hostname: 'k8s-1',
      ansible_nodename: 'k8s-1.example.com',
      ansible_fqdn: 'k8s-1.example.com',
      ansible_domain: 'example.com',
    });
    expect(p.changes.at(-1)!.touches).to.deep.equal(['probe:hostname']);
  });

  it('an invalid name fails', async () => {
    expect(await planError(hostname, { name: 'bad_name!' }, new SysHost())).to.match(/not a valid host name/);
  });
});

describe('timezone', () => {
  const zones = { '/usr/share/zoneinfo/Etc/UTC': 'TZif-utc', '/usr/share/zoneinfo/Asia/Shanghai': 'TZif-sh' };
  const link = (target: string) => ({ type: 'link' as const, target });

  it('Debian: /etc/localtime linked to the zone and /etc/timezone written; then ok', async () => {
    const h = new SysHost({
      ...zones,
      '/etc/localtime': link('/usr/share/zoneinfo/Etc/UTC'),
      '/etc/timezone': 'Etc/UTC\n',
    });
    const p = await converge(timezone, { name: 'Asia/Shanghai' }, h);
    expect(p.changes.map((c) => c.summary)).to.deep.equal([
      'timezone: /etc/localtime → /usr/share/zoneinfo/Asia/Shanghai (was Etc/UTC)',
      'timezone: /etc/timezone: Etc/UTC → Asia/Shanghai',
    ]);
    expect(h.nodeAt('/etc/localtime')!.target).to.equal('/usr/share/zoneinfo/Asia/Shanghai');
    expect(h.text('/etc/timezone')).to.equal('Asia/Shanghai\n');
    // the zone before, also as Ansible registers it (a play restores it from diff.before.name)
    expect(p.result).to.deep.equal({
      name: 'Asia/Shanghai',
      before: 'Etc/UTC',
      diff: { before: { name: 'Etc/UTC' }, after: { name: 'Asia/Shanghai' } },
    });
  });

  it('a relative link (timedatectl writes ../usr/share/zoneinfo/X) counts as set', async () => {
    const h = new SysHost({
      ...zones,
      '/etc/localtime': link('../usr/share/zoneinfo/Asia/Shanghai'),
      '/etc/timezone': 'Asia/Shanghai\n',
    });
    expect((await planOn(timezone, { name: 'Asia/Shanghai' }, h)).changes).to.deep.equal([]);
  });

  it('a copied /etc/localtime (not a link) is replaced by the link', async () => {
    const h = new SysHost({ ...zones, '/etc/localtime': 'TZif-utc', '/etc/timezone': 'Etc/UTC\n' });
    const p = await converge(timezone, { name: 'Etc/UTC' }, h);
    expect(p.changes.map((c) => c.summary)).to.deep.equal([
      'timezone: /etc/localtime → /usr/share/zoneinfo/Etc/UTC (was (not a link))',
    ]);
    expect(p.result?.diff).to.deep.equal({ before: { name: 'n/a' }, after: { name: 'Etc/UTC' } });
  });

  it('RedHat family: no /etc/timezone', async () => {
    const h = new SysHost({ ...zones, '/etc/keep': '' });
    h.factsVars = { ansible_os_family: 'RedHat' };
    const p = await converge(timezone, { name: 'Asia/Shanghai' }, h);
    expect(p.changes).to.have.length(1);
    expect(h.nodeAt('/etc/timezone')).to.equal(undefined);
  });

  it('an unknown zone fails clearly', async () => {
    expect(await planError(timezone, { name: 'Mars/Olympus' }, new SysHost(zones))).to.match(
      /given timezone "Mars\/Olympus" is not available/,
    );
  });

  it('hwclock is refused', async () => {
    expect(await planError(timezone, { name: 'Etc/UTC', hwclock: 'local' }, new SysHost(zones))).to.match(
      /hwclock is not supported/,
    );
  });
});
