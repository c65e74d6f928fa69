// password_hash and lookup('password'): the hashes are what Debian's Python crypt.crypt() and `openssl passwd`
// give for the same password and salt; passwords are drawn from the characters asked for.
import { expect } from 'chai';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isSecret } from '../../src/core/secrets.js';
import { compileExpr, evalExpr } from '../../src/expr/expr.js';
import { shaCrypt } from '../../src/expr/sha-crypt.js';
import { writeTree } from '../support/tree.js';

const ev = (src: string): unknown => evalExpr(compileExpr(src), {});
const LONG = 'a much longer password than sixty four bytes to go over the block size ok?';

describe('password_hash (SHA-crypt, as crypt(3))', () => {
  for (const [kind, pw, salt, rounds, want] of [
    [
      'sha512',
      'secret',
      'saltsalt',
      5000,
      '$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wi' + 'OQSpT0Y77vwPZN.Pq.H91p5hVO1',
    ],
    ['sha256', 'secret', 'saltsalt', 5000, '$5$saltsalt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sA'],
    [
      'sha512',
      '',
      'abc',
      5000,
      '$6$abc$mJP3a6FyA8uCnzRtlnNypPwjnvpi5TP9qOrInzrfDmwxUQG38PkpCPdqfTb8JQfAngapMxeim4AZ' + '..hSdRRzD.',
    ],
    [
      'sha512',
      LONG,
      '0123456789abcdefXYZ',
      5000,
      '$6$0123456789abcdef$FwVfiBrfcaRmS6dS2LSZbkcVgG8OYa1myyK0oTz5Q/A1/' + 'GYuesBFqGB70pY7Zhu9ZNtCOWcn3hOZjM1XLVaSL/',
    ],
    [
      'sha512',
      'secret',
      'saltsalt',
      10000,
      '$6$rounds=10000$saltsalt$WowrPBpEDVlCoruBosYlrZycTCx3//TyDHYqEhX9DUHHt' +
        '0XTztUqzQDDUuvUGRA8aUe9p55hcAxeGcu58sm3u.',
    ],
  ] as const) {
    it(`${kind} of ${JSON.stringify(pw.slice(0, 12))} with salt ${salt}, ${rounds} rounds`, () =>
      expect(shaCrypt(kind, pw, salt, rounds)).to.equal(want));
  }

  it('as a filter: sha512 by default, a random 16-character salt, or the salt and rounds given', () => {
    expect(ev("'secret' | password_hash('sha512', 'saltsalt')")).to.equal(shaCrypt('sha512', 'secret', 'saltsalt'));
    expect(ev("'secret' | password_hash('sha256', salt='saltsalt', rounds=10000)")).to.match(
      /^\$5\$rounds=10000\$saltsalt\$/,
    );
    const h = ev("'secret' | password_hash") as string;
    expect(h).to.match(/^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    expect(shaCrypt('sha512', 'secret', h.split('$')[2]!)).to.equal(h);
  });

  it('refuses a hash kplay cannot make, and a salt crypt cannot take', () => {
    expect(() => ev("'x' | password_hash('md5')")).to.throw("kplay makes sha512 and sha256 hashes, not 'md5'");
    expect(() => ev("'x' | password_hash('sha512', 'a$b')")).to.throw('a salt is made of [./0-9A-Za-z]');
  });
});

describe("lookup('password')", () => {
  const dir = writeTree({ 'pw.txt': 'S3cret salt=abcdefgh\n', 'plain.txt': 'Plain1\n' });
  const evIn = (src: string, check = false): unknown =>
    evalExpr(compileExpr(src), { playbook_dir: dir, ansible_check_mode: check });

  it('/dev/null: a new password each time, 20 characters by default, or the length and characters asked for', () => {
    const a = ev("lookup('password', '/dev/null')") as string;
    expect(a).to.match(/^[A-Za-z0-9.,:_-]{20}$/);
    expect(ev("lookup('password', '/dev/null')")).to.not.equal(a);
    expect(ev("lookup('password', '/dev/null length=8 chars=digits')")).to.match(/^[0-9]{8}$/);
    expect(ev("lookup('password', '/dev/null', length=5, chars=['ascii_lowercase'])")).to.match(/^[a-z]{5}$/);
    expect(isSecret(a)).to.equal(true);
  });

  // [expression, Python's random.Random(seed) answer (Ansible's)]
  const seeded: [string, string][] = [
    ["lookup('password', '/dev/null seed=foo')", '6JUEsF6-,RiuGZDEWF4r'],
    ["lookup('password', '/dev/null', seed='foo')", '6JUEsF6-,RiuGZDEWF4r'],
    ["lookup('password', '/dev/null length=8 chars=digits seed=foo')", '74532397'],
  ];
  for (const [src, want] of seeded) it(`a seed draws as Python: ${src}`, () => expect(ev(src)).to.equal(want));

  it('a file that exists gives the password written in it', () =>
    expect(evIn("lookup('password', 'pw.txt')")).to.equal('S3cret'));

  it('a missing file is made (folders 0700, file 0600) with the new password; the next lookup reads it', () => {
    const a = evIn("lookup('password', 'new/sub/pw length=8')") as string;
    expect(a).to.match(/^[A-Za-z0-9.,:_-]{8}$/);
    expect(readFileSync(join(dir, 'new/sub/pw'), 'utf8')).to.equal(`${a}\n`);
    expect(statSync(join(dir, 'new/sub')).mode & 0o777).to.equal(0o700);
    expect(statSync(join(dir, 'new/sub/pw')).mode & 0o777).to.equal(0o600);
    expect(evIn("lookup('password', 'new/sub/pw length=8')")).to.equal(a);
  });

  it('encrypt: the crypt hash of the stored password with its salt; a salt is added to a file without one', () => {
    expect(evIn("lookup('password', 'pw.txt encrypt=sha512_crypt')")).to.equal(
      shaCrypt('sha512', 'S3cret', 'abcdefgh'),
    );
    const h = evIn("lookup('password', 'plain.txt encrypt=sha256_crypt')") as string;
    const salt = /^Plain1 salt=([./0-9A-Za-z]{16})\n$/.exec(readFileSync(join(dir, 'plain.txt'), 'utf8'))?.[1];
    expect(h).to.equal(shaCrypt('sha256', 'Plain1', salt!));
    expect(evIn("lookup('password', 'plain.txt encrypt=')")).to.equal('Plain1');
  });

  it('a check run writes no file', () => {
    expect(evIn("lookup('password', 'dry/pw')", true)).to.match(/^.{20}$/);
    expect(existsSync(join(dir, 'dry'))).to.equal(false);
  });

  it('an unknown option or scheme is refused', () => {
    expect(() => ev("lookup('password', '/dev/null size=3')")).to.throw(
      "'size=3': the options are length=, chars=, encrypt=, ident=, seed=",
    );
    expect(() => ev("lookup('password', '/dev/null encrypt=md5_crypt')")).to.throw(
      "kplay makes sha256_crypt and sha512_crypt, not 'md5_crypt'",
    );
  });
});
