// known_hosts over a fake host (plan, apply, plan again: nothing left): plain and hashed lines found, a key of
// the same type replaced at the end, other lines kept in order, and Ansible's messages for a bad name or key.
import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import { hashHost, namesHost } from '../../../src/tasks/ssh/host-keys.js';
import { known_hosts } from '../../../src/tasks/ssh/known-hosts.js';
import { FakeHost } from '../../support/fake-host.js';
import { converge, planError } from '../../support/plan-harness.js';

const F = '/root/.ssh/known_hosts';
const RSA = 'example.org ssh-rsa AAAArsa';
const OTHERS = 'example.com ssh-dss AAAAdss\n# example.net ssh-ed25519 AAAAc\n';
const hashed = (name: string, salt = Buffer.alloc(20, 7)) =>
  `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;

interface Case {
  name: string;
  file?: string;
  args: Record<string, unknown>;
  /** The file after the task (a RegExp where a new salt is in it); undefined: not changed. */
  after?: string | RegExp;
}

const CASES: Case[] = [
  { name: 'a new host is appended', file: OTHERS, args: { name: 'example.org', key: RSA }, after: OTHERS + RSA + '\n' },
  { name: 'the same key is kept', file: `${RSA}\n${OTHERS}`, args: { name: 'Example.ORG', key: `${RSA}\n` } },
  {
    name: 'a new key of the same type replaces the old one, at the end',
    file: `${RSA}\n${OTHERS}`,
    args: { name: 'example.org', key: 'example.org ssh-rsa AAAAnew' },
    after: `${OTHERS}example.org ssh-rsa AAAAnew\n`,
  },
  {
    name: 'a key of another type is added beside it',
    file: `${RSA}\n`,
    args: { name: 'example.org', key: 'example.org ssh-ed25519 AAAAed' },
    after: `${RSA}\nexample.org ssh-ed25519 AAAAed\n`,
  },
  {
    name: 'hash_host writes a hashed line',
    file: OTHERS,
    args: { name: 'example.org', key: RSA, hash_host: true },
    after: /^example\.com ssh-dss AAAAdss\n# example\.net ssh-ed25519 AAAAc\n\|1\|[^|]+\|[^ ]+ ssh-rsa AAAArsa\n$/,
  },
  {
    name: 'a hashed line for the host with the key is kept',
    file: `${hashed('example.org')} ssh-rsa AAAArsa\n`,
    args: { name: 'example.org', key: RSA, hash_host: true },
  },
  {
    name: 'a hashed line is rewritten plain when hash_host is off',
    file: `${hashed('example.org')} ssh-rsa AAAArsa\n${OTHERS}`,
    args: { name: 'example.org', key: RSA },
    after: `${OTHERS}${RSA}\n`,
  },
  {
    name: 'a line naming the host among others counts',
    file: 'a.org,example.org ssh-rsa AAAArsa\n',
    args: { name: 'example.org', key: RSA },
  },
  {
    name: 'absent removes the line holding the key, hashed or plain',
    file: `${hashed('example.org')} ssh-rsa AAAArsa\n${OTHERS}`,
    args: { name: 'example.org', key: RSA, state: 'absent' },
    after: OTHERS,
  },
  {
    name: 'absent with another key of the host changes nothing',
    file: `${RSA}\n`,
    args: { name: 'example.org', key: 'example.org ssh-ed25519 AAAAed', state: 'absent' },
  },
  {
    name: 'absent without a key removes every line for the host',
    file: `${RSA}\nexample.org ssh-ed25519 AAAAed\n${OTHERS}`,
    args: { name: 'example.org', state: 'absent' },
    after: OTHERS,
  },
  { name: 'absent from a missing file changes nothing', args: { name: 'example.org', state: 'absent' } },
  { name: 'a missing file is made', args: { name: 'example.org', key: RSA }, after: `${RSA}\n` },
];

describe('known_hosts', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const h = new FakeHost(c.file === undefined ? { '/root/.ssh': { type: 'dir' } } : { [F]: c.file });
      const plan = await converge(known_hosts, c.args, h);
      expect(plan.changes.length, 'changed').to.equal(c.after === undefined ? 0 : 1);
      const diff = plan.result?.diff as Record<string, string>;
      expect(diff.before_header).to.equal(F);
      if (c.after instanceof RegExp) expect(h.text(F)).to.match(c.after);
      else expect(h.text(F)).to.equal(c.after ?? c.file);
      expect(diff.after).to.equal(c.after === undefined ? diff.before : h.text(F));
    });
  }

  const BAD: [string, Record<string, unknown>, string][] = [
    [
      'a comma list of names',
      { name: 'example.org,b.org', key: RSA },
      'Comma separated list of names is not supported. Please pass a single name to lookup in the known_hosts file.',
    ],
    [
      'a key for another host',
      { name: 'example.com', key: RSA },
      'Host parameter does not match hashed host field in supplied key',
    ],
    ['a key that is not a key line', { name: 'example.org', key: 'ssh-rsa' }, 'Invalid host key specified: ssh-rsa'],
  ];
  for (const [name, args, msg] of BAD)
    it(`refused: ${name}`, async () => {
      const h = new FakeHost({ [F]: OTHERS });
      expect(await planError(known_hosts, args, h)).to.equal(msg);
    });

  it('present needs a key (checked before the run)', async () => {
    expect(await planError(known_hosts, { name: 'example.org' }, new FakeHost())).to.match(/key/);
  });

  it('a hashed name matches only its host, with a new salt each time', () => {
    const a = hashHost('example.org');
    expect(namesHost(a, 'example.org')).to.equal(true);
    expect(namesHost(a, 'example.com')).to.equal(false);
    expect(hashHost('example.org')).to.not.equal(a);
  });
});
