// known_hosts lookup (plain, lists, [host]:port, wildcards, negation, hashed), fingerprints and policies.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  blobType,
  checkHostKey,
  findKeys,
  fingerprint,
  hostFieldMatches,
  preferredAlgorithms,
} from '../../src/transport/known-hosts.js';

function blob(type: string, body: Buffer = randomBytes(32)): Buffer {
  const t = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length);
  const blen = Buffer.alloc(4);
  blen.writeUInt32BE(body.length);
  return Buffer.concat([len, t, blen, body]);
}

function hashed(token: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(token).digest('base64')}`;
}

describe('transport/known-hosts', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kplay-kh-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('computes SHA256 fingerprints exactly like ssh-keygen -l', () => {
    const key = join(dir, 'k');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    const pub = readFileSync(`${key}.pub`, 'utf8').split(' ');
    const want = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${key}.pub`], { encoding: 'utf8' }).split(
      ' ',
    )[1];
    expect(fingerprint(Buffer.from(pub[1]!, 'base64'))).to.equal(want);
    expect(blobType(Buffer.from(pub[1]!, 'base64'))).to.equal('ssh-ed25519');
    expect(blobType(blob('ssh-rsa'))).to.equal('ssh-rsa');
  });

  it('matches plain names, comma lists, [host]:port, wildcards and negations', () => {
    expect(hostFieldMatches('10.0.0.1,node1', '10.0.0.1', 22)).to.equal(true);
    expect(hostFieldMatches('10.0.0.1,node1', 'node1', 22)).to.equal(true);
    expect(hostFieldMatches('10.0.0.1', '10.0.0.1', 2222)).to.equal(false);
    expect(hostFieldMatches('[10.0.0.1]:2222', '10.0.0.1', 2222)).to.equal(true);
    expect(hostFieldMatches('[10.0.0.1]:2222', '10.0.0.1', 22)).to.equal(false);
    expect(hostFieldMatches('*.lab', 'a.lab', 22)).to.equal(true);
    expect(hostFieldMatches('10.0.0.?', '10.0.0.7', 22)).to.equal(true);
    expect(hostFieldMatches('*.lab,!bad.lab', 'bad.lab', 22)).to.equal(false);
    expect(hostFieldMatches('NODE1', 'node1', 22)).to.equal(true);
  });

  it('matches hashed entries for host and [host]:port', () => {
    expect(hostFieldMatches(hashed('10.1.2.3'), '10.1.2.3', 22)).to.equal(true);
    expect(hostFieldMatches(hashed('10.1.2.3'), '10.1.2.4', 22)).to.equal(false);
    expect(hostFieldMatches(hashed('[10.1.2.3]:2200'), '10.1.2.3', 2200)).to.equal(true);
    expect(hostFieldMatches(hashed('[10.1.2.3]:2200'), '10.1.2.3', 22)).to.equal(false);
  });

  it('finds keys, skipping comments, @cert-authority, and flagging @revoked', () => {
    const k1 = blob('ssh-ed25519').toString('base64');
    const k2 = blob('ssh-rsa').toString('base64');
    const text =
      `# comment\n\n10.0.0.1 ssh-ed25519 ${k1} root@a\n@cert-authority *.lab ssh-ed25519 ${k1}\n` +
      `@revoked 10.0.0.1 ssh-rsa ${k2}\nother ssh-rsa ${k2}\n`;
    const keys = findKeys(text, '10.0.0.1', 22);
    expect(keys.map((k) => [k.type, k.revoked, k.line])).to.deep.equal([
      ['ssh-ed25519', false, 3],
      ['ssh-rsa', true, 5],
    ]);
  });

  it('decides per policy: known ok, changed and unknown refused, accept-new appends, no accepts', () => {
    const file = join(dir, 'kh1');
    const good = blob('ssh-ed25519');
    const other = blob('ssh-ed25519');
    writeFileSync(file, `${hashed('10.0.0.1')} ssh-ed25519 ${good.toString('base64')}`); // no final newline
    expect(checkHostKey(file, '10.0.0.1', 22, good, 'yes')).to.deep.equal({ ok: true });
    const changed = checkHostKey(file, '10.0.0.1', 22, other, 'accept-new');
    expect(changed).to.deep.equal({
      ok: false,
      reason: 'changed',
      presented: fingerprint(other),
      known: [fingerprint(good)],
    });
    const unknown = checkHostKey(file, '10.0.0.2', 22, other, 'yes');
    expect(unknown).to.include({ ok: false, reason: 'unknown' });
    expect(checkHostKey(file, '10.0.0.2', 2222, other, 'accept-new')).to.deep.equal({ ok: true, added: true });
    expect(readFileSync(file, 'utf8').split('\n')[1]).to.equal(
      `[10.0.0.2]:2222 ssh-ed25519 ${other.toString('base64')}`,
    );
    expect(checkHostKey(file, '10.0.0.2', 2222, other, 'yes')).to.deep.equal({ ok: true });
    expect(checkHostKey(file, '10.9.9.9', 22, other, 'no')).to.deep.equal({ ok: true });
    expect(checkHostKey(join(dir, 'missing', 'kh'), '10.0.0.3', 22, other, 'accept-new')).to.deep.equal({
      ok: true,
      added: true,
    });
  });

  it('prefers the host key algorithms the file already has for the host', () => {
    const file = join(dir, 'kh2');
    writeFileSync(
      file,
      `h1 ssh-rsa ${blob('ssh-rsa').toString('base64')}\n` +
        `h1 ecdsa-sha2-nistp256 ${blob('ecdsa-sha2-nistp256').toString('base64')}\n`,
    );
    expect(preferredAlgorithms(file, 'h1', 22)).to.deep.equal([
      'rsa-sha2-512',
      'rsa-sha2-256',
      'ssh-rsa',
      'ecdsa-sha2-nistp256',
    ]);
    expect(preferredAlgorithms(file, 'h2', 22)).to.deep.equal([]);
  });
});
