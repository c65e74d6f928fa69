// authorized_key over a fake host with a user (plan, apply, plan again: nothing left). The expected files are
// what ansible.posix.authorized_key writes for the same cases (compared on this machine, and on lab hosts in
// test/parity/ansible-parity.test.ts): keys matched by their base64 part, changed ones moved to the end, every
// key line rewritten in Ansible's form when the file is written.
import { expect } from 'chai';
import { formatKey, keyLines, parseOptions } from '../../../src/tasks/ssh/auth-keys.js';
import { authorized_key } from '../../../src/tasks/ssh/authorized-key.js';
import { SysHost } from '../system-fake.js';
import { converge, planError } from '../../support/plan-harness.js';

const ED = 'ssh-ed25519 AAAAed me@a';
const RSA = 'ssh-rsa AAAArsa bob@x';
const F = '/home/app/.ssh/authorized_keys';

function host(file?: string): SysHost {
  const h = new SysHost(file === undefined ? { '/home/app': { type: 'dir' } } : { [F]: file });
  h.users.set('app', { uid: 1001, gid: 1001, comment: '', home: '/home/app', shell: '/bin/sh', hash: '!' });
  return h;
}

interface Case {
  name: string;
  file?: string;
  args: Record<string, unknown>;
  after?: string;
}

const CASES: Case[] = [
  { name: 'a key is added to a new file', args: { key: ED }, after: `${ED}\n` },
  { name: 'a key already there', file: `# mine\n${ED}\n`, args: { key: ED } },
  {
    name: 'a new key: appended, and every key line rewritten in Ansible form (a space for no comment)',
    file: `# mine\n\nssh-rsa   AAAArsa\n`,
    args: { key: ED },
    after: `# mine\n\nssh-rsa AAAArsa \n${ED}\n`,
  },
  {
    name: 'other options: the key moves to the end with them',
    file: `${ED}\n${RSA}\n`,
    args: { key: ED, key_options: 'no-pty,from="10.0.0.1,10.0.0.2"' },
    after: `${RSA}\nno-pty,from="10.0.0.1,10.0.0.2" ${ED}\n`,
  },
  {
    name: 'another comment',
    file: `${ED}\n`,
    args: { key: ED, comment: 'new one' },
    after: 'ssh-ed25519 AAAAed new one\n',
  },
  { name: 'absent removes the key', file: `${ED}\n${RSA}\n`, args: { key: RSA, state: 'absent' }, after: `${ED}\n` },
  { name: 'absent when not there', file: `${ED}\n`, args: { key: RSA, state: 'absent' } },
  { name: 'several keys at once, in order', args: { key: `${RSA}\n# c\n${ED}\n` }, after: `${RSA}\n${ED}\n` },
  {
    name: 'exclusive drops the other lines',
    file: `# c\n${ED}\n${RSA}\n`,
    args: { key: RSA, exclusive: true },
    after: `${RSA}\n`,
  },
];

describe('authorized_key', () => {
  for (const c of CASES)
    it(c.name, async () => {
      const h = host(c.file);
      const plan = await converge(authorized_key, { user: 'app', ...c.args }, h);
      expect(plan.changes.length, 'changed').to.equal(c.after === undefined ? 0 : 1);
      expect(h.text(F)).to.equal(c.after ?? c.file);
      if (c.after !== undefined) {
        expect(h.nodeAt(F)).to.include({ mode: 0o600, uid: 1001, gid: 1001 });
        expect(h.nodeAt('/home/app/.ssh')).to.include({ mode: 0o700, uid: 1001, gid: 1001 });
      }
    });

  it('options keep their order; commas inside quotes do not split', () => {
    expect([...parseOptions('no-pty,command="a,b",from=x')]).to.deep.equal([
      ['no-pty', undefined],
      ['command', '"a,b"'],
      ['from', 'x'],
    ]);
  });

  it('a key found twice stands where it was found last', () => {
    expect(keyLines(`${ED}\n${RSA}\nssh-ed25519 AAAAed again\n`).map(formatKey)).to.deep.equal([
      `${RSA}\n`,
      'ssh-ed25519 AAAAed again\n',
    ]);
  });

  const BAD: [string, Record<string, unknown>, string][] = [
    [
      'an unknown user',
      { user: 'nobody2', key: ED },
      "Failed to lookup user nobody2: 'getpwnam(): name not found: nobody2'",
    ],
    ['not a key', { user: 'app', key: 'hello world' }, 'invalid key specified: hello world'],
  ];
  for (const [name, args, msg] of BAD)
    it(`refused: ${name}`, async () => expect(await planError(authorized_key, args, host())).to.equal(msg));
});
