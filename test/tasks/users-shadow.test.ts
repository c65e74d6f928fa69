// user's shadow settings (expires, password ages, password_lock), its missing-home and ssh-key rules, the
// not-hashed warning, group's non_unique/force, and getent, against the fake host: planned, applied, planned
// again (a second run changes nothing).
import { expect } from 'chai';
import { getent, parseGetent } from '../../src/tasks/facts/getent.js';
import { group } from '../../src/tasks/users/group.js';
import { user } from '../../src/tasks/users/user.js';
import { passwordWarning } from '../../src/tasks/users/user-shadow.js';
import { converge, planError, planOn } from '../support/plan-harness.js';
import { SysHost } from './system-fake.js';

const HASH = `$6$rounds=5000$abcdefgh$${'a'.repeat(86)}`;
const bob = () => ({ uid: 2002, gid: 1500, comment: '', home: '/home/bob', shell: '/bin/sh', hash: HASH });

function host(): SysHost {
  const h = new SysHost({ '/home/.keep': '' });
  h.groups.set('kube', { gid: 1500, members: [] });
  h.users.set('bob', bob());
  h.files.set('/home/bob', { ...h.nodeAt('/')!, ino: 9000 });
  return h;
}

describe('user: shadow settings, home, ssh key', () => {
  const cases: { name: string; args: Record<string, unknown>; changes: string[]; check?: (h: SysHost) => void }[] = [
    {
      name: 'expires sets the UTC day as days since the epoch',
      args: { name: 'bob', expires: 2529881062 },
      changes: ['user: bob: expires'],
      check: (h) => expect(h.users.get('bob')!.expire).to.equal('29281'),
    },
    { name: 'expires -1 on an account that never expires: ok', args: { name: 'bob', expires: -1 }, changes: [] },
    { name: 'a very negative expires is "never" too', args: { name: 'bob', expires: -2529881062 }, changes: [] },
    {
      name: 'expires 0 is the first day of the epoch, not "never"',
      args: { name: 'bob', expires: '0' },
      changes: ['user: bob: expires'],
      check: (h) => expect(h.users.get('bob')!.expire).to.equal('0'),
    },
    {
      name: 'password ages with chage',
      args: { name: 'bob', password_expire_min: 5, password_expire_max: 10 },
      changes: ['user: bob: password age'],
      check: (h) => expect(h.users.get('bob')).to.deep.include({ min: '5', max: '10' }),
    },
    {
      name: 'password_lock=yes locks',
      args: { name: 'bob', password_lock: true },
      changes: ['user: bob: lock'],
      check: (h) => expect(h.users.get('bob')!.hash).to.equal(`!${HASH}`),
    },
    { name: 'password_lock=no on an unlocked account: ok', args: { name: 'bob', password_lock: false }, changes: [] },
    {
      name: 'the same hash with password_lock=yes: only the lock changes',
      args: { name: 'bob', password: HASH, password_lock: 'yes' },
      changes: ['user: bob: lock'],
      check: (h) => expect(h.users.get('bob')!.hash).to.equal(`!${HASH}`),
    },
    {
      name: 'a missing home of an existing user is made again',
      args: { name: 'bob', home: '/home/bob2' },
      changes: ['user: bob: home /home/bob → /home/bob2, home created'],
      check: (h) => expect(h.nodeAt('/home/bob2')?.type).to.equal('dir'),
    },
    { name: 'create_home=no leaves a missing home alone', args: { name: 'bob', create_home: false }, changes: [] },
    {
      name: 'generate_ssh_key makes the key when it is missing',
      args: { name: 'bob', generate_ssh_key: true, ssh_key_file: '.ssh/k' },
      changes: ['user: bob: ssh key'],
      check: (h) => expect(h.nodeAt('/home/bob/.ssh/k')).to.not.equal(undefined),
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const h = host();
      if (c.name.startsWith('create_home=no')) h.files.delete('/home/bob');
      const p = await planOn(user, c.args, h);
      expect(p.changes.map((x) => x.summary)).to.deep.equal(c.changes);
      if (p.changes.length) await converge(user, c.args, h);
      c.check?.(h);
    });
  }

  it('a new user: useradd -e with the day, then chage and the lock after the password', async () => {
    const args = { name: 'eve', expires: 86400 * 3, password: HASH, password_expire_max: 9, password_lock: true };
    const p = await planOn(user, args, host());
    const argv = p.changes[0]!.actions.map((a) => ('exec' in a ? a.exec : []));
    expect(argv[0]).to.include.members(['-e', '3']);
    expect(argv.slice(1)).to.deep.equal([
      ['chpasswd', '-e'],
      ['chage', '-M', '9', 'eve'],
      ['usermod', '-L', 'eve'],
    ]);
    const h = host();
    await converge(user, args, h);
    expect(h.users.get('eve')).to.deep.include({ expire: '3', max: '9', hash: `!${HASH}` });
  });

  it('the ssh key passphrase reaches ssh-keygen on stdin only; the result names the key file', async () => {
    const args = { name: 'bob', generate_ssh_key: true, ssh_key_passphrase: 'sekrit' };
    const p = await planOn(user, args, host());
    const act = p.changes[0]!.actions[0]!;
    expect('stdin' in act && act.stdin).to.equal('sekrit');
    expect(
      JSON.stringify({ exec: 'exec' in act ? act.exec : [], r: p.result, s: p.changes[0]!.summary }),
    ).to.not.include('sekrit');
    expect(p.result?.ssh_key_file).to.equal('/home/bob/.ssh/id_rsa');
  });

  const warn: [string, boolean][] = [
    [HASH, false],
    ['!', false],
    ['*', false],
    ['*************', false],
    ['plaintext', true],
    [`$6$rounds=5000$abc$${'a'.repeat(82)}++++`, true],
    ['$6$short$abc', true],
  ];
  for (const [pw, warns] of warn)
    it(`password ${pw.slice(0, 24)}: ${warns ? 'a warning' : 'no warning'}`, async () => {
      expect(passwordWarning(pw) !== undefined).to.equal(warns);
      const p = await planOn(user, { name: 'bob', password: pw }, host());
      expect('warnings' in (p.result ?? {})).to.equal(warns);
    });

  it('umask with local: true fails the task, as Ansible (its local tools take no umask)', async () => {
    expect(await planError(user, { name: 'bob2', local: true, umask: '077' }, host())).to.match(/'umask' cannot/);
  });

  const other: [string, Record<string, unknown>, RegExp | undefined][] = [
    ['a new local user', { name: 'nobody2', local: true }, /^'local: true' specified and user 'nobody2' was not found/],
    ['an existing local user', { name: 'bob', local: true }, undefined],
    ['append without groups', { name: 'bob', append: true }, /^'append' is set, but no 'groups' are specified/],
    ['append with groups', { name: 'bob', append: true, groups: [] }, undefined],
  ];
  for (const [what, args, want] of other)
    it(`Ansible's warning: ${what}`, async () => {
      const p = await planOn(user, args, host());
      const w = (p.result?.warnings as string[] | undefined) ?? [];
      if (want) expect(w).to.satisfy((x: string[]) => x.some((m) => want.test(m)));
      else expect(w).to.deep.equal([]);
    });
});

describe('group: non_unique, force; getent', () => {
  it('non_unique needs a gid', async () => {
    expect(await planError(group, { name: 'g', non_unique: true }, host())).to.match(/non_unique=yes needs a gid/);
  });

  it('force deletes with groupdel -f', async () => {
    const p = await planOn(group, { name: 'kube', state: 'absent', force: true }, host());
    expect(p.changes[0]!.actions).to.deep.equal([{ exec: ['groupdel', '-f', 'kube'] }]);
  });

  it('getent: each key with the list of its other fields, as a fact', async () => {
    const p = await planOn(getent, { database: 'shadow', key: 'bob' }, host());
    expect(p.changes).to.deep.equal([]);
    const f = (p.result!.ansible_facts as Record<string, Record<string, string[]>>).getent_shadow!;
    expect(f.bob).to.deep.equal([HASH, '19000', '0', '99999', '7', '', '', '']);
  });

  it('getent: a missing key fails, or with fail_key=no is told in msg', async () => {
    expect(await planError(getent, { database: 'passwd', key: 'nope' }, host())).to.match(/could not be found/);
    const p = await planOn(getent, { database: 'passwd', key: 'nope', fail_key: false }, host());
    expect(p.result?.msg).to.match(/could not be found/);
  });

  it('getent splits the blank-written databases on blanks', () => {
    expect(parseGetent('127.0.0.1       localhost a\n', undefined)).to.deep.equal({ '127.0.0.1': ['localhost', 'a'] });
  });
});
