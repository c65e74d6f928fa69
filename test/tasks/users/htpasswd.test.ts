// htpasswd over a fake host (plan, apply, plan again: nothing left): the cases as a table, each by the file
// before and what it holds after; bcrypt hashes are checked by verifying them, since each is salted anew.
import bcrypt from 'bcryptjs';
import { expect } from 'chai';
import { redact } from '../../../src/core/secrets.js';
import { htpasswd, htpasswdLines } from '../../../src/tasks/users/htpasswd.js';
import { FakeHost } from '../../support/fake-host.js';
import { converge, planError, planOn } from '../../support/plan-harness.js';

const F = '/etc/registry/htpasswd';
const PW = 'hunter2-registry';
const hashOf = (pw: string) => bcrypt.hashSync(pw, 4);

interface Case {
  name: string;
  file?: string;
  args: Record<string, unknown>;
  /** The users in the file after, in order; each line verifies its password when one is given. */
  after: [string, string | undefined][];
  changed: boolean;
  msg: string;
}

const KEEP = `bob:${hashOf('b')}`;
const CASES: Case[] = [
  {
    name: 'a missing file is made with the line',
    args: { path: F, name: 'admin', password: PW },
    after: [['admin', PW]],
    changed: true,
    msg: `Created ${F} and added admin`,
  },
  {
    name: 'a line whose hash verifies the password is kept',
    file: `${KEEP}\nadmin:${hashOf(PW)}\n`,
    args: { path: F, name: 'admin', password: PW },
    after: [
      ['bob', 'b'],
      ['admin', PW],
    ],
    changed: false,
    msg: 'admin already present',
  },
  {
    name: 'a wrong hash is rewritten in place, the other lines kept',
    file: `admin:${hashOf('old')}\n${KEEP}\n`,
    args: { path: F, name: 'admin', password: PW },
    after: [
      ['admin', PW],
      ['bob', 'b'],
    ],
    changed: true,
    msg: 'Password updated for admin',
  },
  {
    name: 'a line of another scheme (apr1) is replaced by bcrypt',
    file: 'admin:$apr1$abc$defghijkl\n',
    args: { path: F, name: 'admin', password: PW },
    after: [['admin', PW]],
    changed: true,
    msg: 'Password updated for admin',
  },
  {
    name: 'a new user is appended',
    file: `${KEEP}\n`,
    args: { path: F, name: 'admin', password: PW },
    after: [
      ['bob', 'b'],
      ['admin', PW],
    ],
    changed: true,
    msg: 'Added admin',
  },
  {
    name: 'absent removes the line',
    file: `admin:${hashOf(PW)}\n${KEEP}\n`,
    args: { path: F, name: 'admin', state: 'absent' },
    after: [['bob', 'b']],
    changed: true,
    msg: 'Removed admin',
  },
  {
    name: 'absent without the line changes nothing',
    file: `${KEEP}\n`,
    args: { path: F, name: 'admin', state: 'absent' },
    after: [['bob', 'b']],
    changed: false,
    msg: 'admin not present',
  },
];

describe('htpasswd', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const h = new FakeHost(c.file === undefined ? { '/etc/registry': { type: 'dir' } } : { [F]: c.file });
      const plan = await planOn(htpasswd, c.args, h);
      expect(plan.changes.length, 'changed').to.equal(c.changed ? 1 : 0);
      const done = await converge(htpasswd, c.args, h);
      expect(done.result?.msg).to.equal(c.msg);
      const lines = htpasswdLines(h.text(F) ?? '');
      expect(lines.map((l) => l.name)).to.deep.equal(c.after.map(([n]) => n));
      c.after.forEach(
        ([, pw], i) => pw && expect(bcrypt.compareSync(pw, lines[i]!.hash!), c.after[i]![0]).to.equal(true),
      );
    });
  }

  it('the diff and the summary show neither the password nor a hash', async () => {
    const old = hashOf('old');
    const h = new FakeHost({ [F]: `admin:${old}\n` });
    const plan = await planOn(htpasswd, { path: F, name: 'admin', password: PW, mode: '0640' }, h);
    const c = plan.changes[0]!;
    expect(c.diff).to.deep.include({ before: 'admin:********', after: 'admin:********' });
    const made = htpasswdLines((c.actions[0] as { content: Buffer }).content.toString())[0]!.hash!;
    const shown = redact(JSON.stringify({ summary: c.summary, result: plan.result, made, old, pw: PW }));
    for (const s of [PW, made, old]) expect(shown).to.not.include(s);
    expect(c.madeAnew).to.equal(true);
    expect((c.actions[0] as { mode?: string }).mode).to.equal('0640');
  });

  const BAD: [string, Record<string, unknown>, RegExp][] = [
    ['present without a password', { path: F, name: 'a' }, /state=present needs a password/],
    ['a colon in the name', { path: F, name: 'a:b', password: 'x' }, /must not hold ":"/],
    ['create=no and no file', { path: F, name: 'a', password: 'x', create: false }, /does not exist and create=no/],
    ['no folder', { path: '/nodir/h', name: 'a', password: 'x' }, /the folder \/nodir does not exist/],
    ['md5 asked', { path: F, name: 'a', password: 'x', hash_scheme: 'apr_md5_crypt' }, /hash_scheme/],
  ];
  for (const [name, args, re] of BAD)
    it(`refused: ${name}`, async () => {
      const h = new FakeHost({ '/etc/registry': { type: 'dir' } });
      expect(await planError(htpasswd, args, h)).to.match(re);
    });
});
