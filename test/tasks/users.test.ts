// user and group against a fake host with passwd/group/shadow databases: planned (nothing changes while
// planning), applied, planned again (converges). The password hash never shows in argv, summary or result.
import { expect } from 'chai';
import { group } from '../../src/tasks/users/group.js';
import { user } from '../../src/tasks/users/user.js';
import { converge, planError, planOn } from '../support/plan-harness.js';
import { SysHost } from './system-fake.js';

const HASH = '$6$salt$0123456789abcdefABCDEF';

function host(): SysHost {
  const h = new SysHost({ '/home/.keep': '' });
  h.groups.set('docker', { gid: 998, members: [] });
  h.groups.set('adm', { gid: 4, members: ['syslog'] });
  h.groups.set('kube', { gid: 1500, members: [] });
  h.files.set('/home/bob', { ...h.nodeAt('/')!, ino: 9000 }); // the home of the cases' existing user
  return h;
}

describe('group', () => {
  const cases: {
    name: string;
    setup?: (h: SysHost) => void;
    args: Record<string, unknown>;
    changes: string[];
    check?: (h: SysHost) => void;
  }[] = [
    {
      name: 'create',
      args: { name: 'etcd' },
      changes: ['group: create etcd'],
      check: (h) => expect(h.groups.has('etcd')).to.equal(true),
    },
    {
      name: 'create with gid and system',
      args: { name: 'etcd', gid: 1234, system: true },
      changes: ['group: create etcd (gid 1234)'],
      check: (h) => expect(h.groups.get('etcd')!.gid).to.equal(1234),
    },
    { name: 'present: ok', args: { name: 'kube' }, changes: [] },
    {
      name: 'gid differs: groupmod',
      args: { name: 'kube', gid: '1600' },
      changes: ['group: kube: gid 1500 → 1600'],
      check: (h) => expect(h.groups.get('kube')!.gid).to.equal(1600),
    },
    {
      name: 'absent: groupdel',
      args: { name: 'kube', state: 'absent' },
      changes: ['group: remove kube'],
      check: (h) => expect(h.groups.has('kube')).to.equal(false),
    },
    { name: 'absent and missing: ok', args: { name: 'nope', state: 'absent' }, changes: [] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const h = host();
      c.setup?.(h);
      const p = await planOn(group, c.args, h);
      expect(p.changes.map((x) => x.summary)).to.deep.equal(c.changes);
      if (p.changes.length) await converge(group, c.args, h);
      c.check?.(h);
    });
  }

  it('argv of a system group with a gid', async () => {
    const p = await planOn(group, { name: 'etcd', gid: 1234, system: 'yes' }, host());
    expect(p.changes[0]!.actions).to.deep.equal([{ exec: ['groupadd', '-g', '1234', '-r', 'etcd'] }]);
    expect(p.changes[0]!.touches).to.include('probe:getent group');
  });
});

describe('user', () => {
  const cases: {
    name: string;
    setup?: (h: SysHost) => void;
    args: Record<string, unknown>;
    changes: RegExp[];
    check?: (h: SysHost) => void;
  }[] = [
    {
      name: 'create a system user in an existing group, no home, nologin',
      args: { name: 'kube', group: 'kube', system: true, create_home: false, shell: '/sbin/nologin' },
      changes: [/^user: create kube$/],
      check: (h) => expect(h.users.get('kube')).to.deep.include({ gid: 1500, shell: '/sbin/nologin' }),
    },
    {
      name: 'create with supplementary groups and a uid',
      args: { name: 'alice', uid: 2001, groups: 'docker,adm', comment: 'Alice' },
      changes: [/create alice/],
      check: (h) => {
        expect(h.users.get('alice')).to.deep.include({ uid: 2001, comment: 'Alice' });
        expect(h.groups.get('adm')!.members).to.include('alice');
      },
    },
    {
      name: 'no group given, a same-name group exists: the user joins it',
      args: { name: 'kube' },
      changes: [/create kube/],
      check: (h) => expect(h.users.get('kube')!.gid).to.equal(1500),
    },
    {
      name: 'existing user: shell, comment and uid changed with one usermod',
      setup: (h) =>
        h.users.set('bob', { uid: 2002, gid: 1500, comment: '', home: '/home/bob', shell: '/bin/sh', hash: '!' }),
      args: { name: 'bob', uid: 2003, shell: '/bin/bash', comment: 'Bob' },
      changes: [/^user: bob: uid 2002 → 2003, comment, shell \/bin\/sh → \/bin\/bash$/],
    },
    {
      name: 'groups replace the supplementary groups (append=no)',
      setup: (h) => {
        h.users.set('bob', { uid: 2002, gid: 1500, comment: '', home: '/home/bob', shell: '/bin/sh', hash: '!' });
        h.groups.get('adm')!.members.push('bob');
      },
      args: { name: 'bob', groups: ['docker'] },
      changes: [/groups adm → docker/],
      check: (h) => {
        expect(h.groups.get('adm')!.members).to.not.include('bob');
        expect(h.groups.get('docker')!.members).to.include('bob');
      },
    },
    {
      name: 'append=yes only adds the missing ones',
      setup: (h) => {
        h.users.set('bob', { uid: 2002, gid: 1500, comment: '', home: '/home/bob', shell: '/bin/sh', hash: '!' });
        h.groups.get('adm')!.members.push('bob');
      },
      args: { name: 'bob', groups: ['docker'], append: true },
      changes: [/groups adm → \+docker/],
      check: (h) => {
        expect(h.groups.get('adm')!.members).to.include('bob');
        expect(h.groups.get('docker')!.members).to.include('bob');
      },
    },
    {
      name: "groups: '' removes every supplementary group",
      setup: (h) => {
        h.users.set('bob', { uid: 2002, gid: 1500, comment: '', home: '/home/bob', shell: '/bin/sh', hash: '!' });
        h.groups.get('adm')!.members.push('bob');
      },
      args: { name: 'bob', groups: '' },
      changes: [/groups adm → \(none\)/],
    },
    {
      name: 'the primary group listed in groups is not a supplementary change',
      setup: (h) =>
        h.users.set('bob', { uid: 2002, gid: 1500, comment: '', home: '/home/bob', shell: '/bin/sh', hash: '!' }),
      args: { name: 'bob', groups: ['kube'] },
      changes: [],
    },
    {
      name: 'absent with remove: userdel -r',
      setup: (h) =>
        h.users.set('bob', { uid: 2002, gid: 1500, comment: '', home: '/home/bob', shell: '/bin/sh', hash: '!' }),
      args: { name: 'bob', state: 'absent', remove: true },
      changes: [/remove bob and its home/],
      check: (h) => expect(h.users.has('bob')).to.equal(false),
    },
    { name: 'absent and missing: ok', args: { name: 'nobody2', state: 'absent' }, changes: [] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const h = host();
      c.setup?.(h);
      const p = await planOn(user, c.args, h);
      expect(p.changes.map((x) => x.summary)).to.have.length(
        c.changes.length,
        p.changes.map((x) => x.summary).join('; '),
      );
      p.changes.forEach((x, i) => expect(x.summary).to.match(c.changes[i]!));
      if (p.changes.length) await converge(user, c.args, h);
      c.check?.(h);
    });
  }

  it('useradd argv for a new user', async () => {
    const p = await planOn(
      user,
      { name: 'alice', uid: 2001, groups: 'docker', shell: '/bin/bash', system: true, create_home: false },
      host(),
    );
    expect(p.changes[0]!.actions).to.deep.equal([
      { exec: ['useradd', '-u', '2001', '-G', 'docker', '-s', '/bin/bash', '-r', '-M', 'alice'] },
    ]);
  });

  it('the password hash goes to chpasswd -e on stdin only; never in argv, summary, diff or result', async () => {
    const h = host();
    const p = await converge(user, { name: 'alice', password: HASH }, h);
    expect(h.users.get('alice')!.hash).to.equal(HASH);
    const shown = JSON.stringify({
      summaries: p.changes.map((c) => c.summary),
      argv: p.changes.flatMap((c) => c.actions.map((a) => ('exec' in a ? a.exec : []))),
      diff: p.changes.map((c) => c.diff),
      result: p.result,
    });
    expect(shown).to.not.include('salt');
    expect(p.result?.password).to.equal('NOT_LOGGING_PASSWORD');
    expect(p.changes[0]!.actions[1]).to.deep.equal({ exec: ['chpasswd', '-e'], stdin: `alice:${HASH}\n` });
    // a changed hash is reset (update_password=always) ...
    const p2 = await converge(user, { name: 'alice', password: '$6$other$x' }, h);
    expect(p2.changes.map((c) => c.summary)).to.deep.equal(['user: alice: password']);
    // ... but not with on_create
    expect(
      (await planOn(user, { name: 'alice', password: HASH, update_password: 'on_create' }, h)).changes,
    ).to.deep.equal([]);
  });

  it('a missing group fails like Ansible', async () => {
    expect(await planError(user, { name: 'x', groups: ['nope'] }, host())).to.match(/Group nope does not exist/);
    expect(await planError(user, { name: 'x', group: 'nope' }, host())).to.match(/Group nope does not exist/);
  });

  it(
    'a user created after its group in the same run reads ' + 'what the group task touches (check mode is uncertain)',
    async () => {
      const g = await planOn(group, { name: 'etcd' }, host());
      const h = host();
      await planOn(user, { name: 'etcd', group: 'kube' }, h);
      expect(h.probes).to.include('getent group');
      expect(g.changes[0]!.touches).to.include('probe:getent group');
    },
  );
});
