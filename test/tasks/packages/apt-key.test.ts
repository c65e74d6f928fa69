// apt_key against a fake host: fingerprints, armor/dearmor, keyring files written and removed.
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { converge, planError, planOn } from '../../support/plan-harness.js';
import { apt_key, armor, dearmor, fingerprints } from '../../../src/tasks/packages/apt-key.js';
import { FakeApt, summaries } from './fake-apt.js';

// A synthetic v4 public-key packet: the fingerprint (SHA-1 over 0x99, length, body) does not depend on the key
// material.
function keyPacket(body: Buffer): Buffer {
  // old format, tag 6, 2-byte length
  return Buffer.concat([Buffer.from([0x99, body.length >> 8, body.length & 255]), body]);
}
const KEY_BODY = Buffer.concat([
  Buffer.from([4, 0x65, 0x00, 0x00, 0x00, 22]),
  Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz'),
]);
const KEY = keyPacket(KEY_BODY);
const FPR = createHash('sha1')
  .update(Buffer.from([0x99, KEY_BODY.length >> 8, KEY_BODY.length & 255]))
  .update(KEY_BODY)
  .digest('hex')
  .toUpperCase();

describe('apt_key', () => {
  it('fingerprints of v4 keys; armor/dearmor round trip', () => {
    expect(fingerprints(KEY)).to.deep.equal([{ fpr: FPR, primary: true }]);
    const asc = armor(KEY);
    expect(asc.toString()).to.match(
      /^-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n[\s\S]*\n=[A-Za-z0-9+/]{4}\n-----END PGP PUBLIC KEY BLOCK-----\n$/,
    );
    expect(dearmor(asc).equals(KEY)).to.equal(true);
    expect(
      dearmor(
        Buffer.from(
          '-----BEGIN PGP PUBLIC KEY BLOCK-----\nComment: x\n\n' +
            `${KEY.toString('base64')}\n-----END PGP PUBLIC KEY BLOCK-----\n`,
        ),
      ).equals(KEY),
    ).to.equal(true);
  });

  it('armored data into a .gpg keyring is written dearmored (no gpg needed); converges', async () => {
    const host = new FakeApt({}, {}, { '/etc/apt/keyrings/.keep': '' });
    const plan = await converge(apt_key, { data: armor(KEY).toString(), keyring: '/etc/apt/keyrings/k.gpg' }, host);
    expect(summaries(plan)).to.deep.equal([`apt_key: write /etc/apt/keyrings/k.gpg (${FPR.slice(-16)})`]);
    expect(host.nodeAt('/etc/apt/keyrings/k.gpg')!.content.equals(KEY)).to.equal(true);
    expect(plan.result).to.deep.include({ fp: FPR, short_id: FPR.slice(-8) });
  });

  it('without keyring: /etc/apt/trusted.gpg.d/<keyid>.gpg, trusted by every source as with apt-key', async () => {
    const host = new FakeApt({}, {}, { '/etc/apt/trusted.gpg.d/.keep': '' });
    const plan = await converge(apt_key, { data: armor(KEY).toString(), id: FPR.slice(-8) }, host);
    expect(summaries(plan)).to.deep.equal([
      `apt_key: write /etc/apt/trusted.gpg.d/${FPR.slice(-16)}.gpg (${FPR.slice(-16)})`,
    ]);
  });

  it('a key that does not match id fails; url downloads once (present when the keyring exists)', async () => {
    expect(await planError(apt_key, { data: armor(KEY).toString(), id: 'DEADBEEF' }, new FakeApt())).to.match(
      /does not match id/,
    );
    const host = new FakeApt({}, {}, { '/etc/apt/keyrings/.keep': '' });
    const plan = await planOn(
      apt_key,
      { url: 'https://download.docker.com/linux/debian/gpg', keyring: '/etc/apt/keyrings/docker.gpg' },
      host,
    );
    expect(summaries(plan)).to.deep.equal([
      'apt_key: download https://download.docker.com/linux/debian/gpg to /etc/apt/keyrings/docker.gpg',
    ]);
    const there = new FakeApt({}, {}, { '/etc/apt/keyrings/docker.gpg': KEY.toString('latin1') });
    expect(
      summaries(
        await planOn(
          apt_key,
          { url: 'https://download.docker.com/linux/debian/gpg', keyring: '/etc/apt/keyrings/docker.gpg' },
          there,
        ),
      ),
    ).to.deep.equal([]);
  });

  it('absent removes the keyring file holding the id', async () => {
    const host = new FakeApt(
      {},
      {},
      { '/etc/apt/keyrings/k.gpg': KEY.toString('latin1'), '/etc/apt/trusted.gpg.d/other.gpg': 'x' },
    );
    host.nodeAt('/etc/apt/keyrings/k.gpg')!.content = KEY;
    const plan = await converge(apt_key, { id: FPR.slice(-16), state: 'absent' }, host);
    expect(summaries(plan)).to.deep.equal([`apt_key: remove /etc/apt/keyrings/k.gpg (key ${FPR.slice(-16)})`]);
  });
});
