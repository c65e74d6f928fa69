// pki_ca_rollover and pki_trust on the fake host: a CA replaced in three steps (begin, promote, finish), what
// the trust bundle holds after each, that each step converges and is safe to run again, that a rollover cut
// short resumes, that pki_cert issues anew what the old CA signed once the new one is promoted, and the errors.
// The rollover of a running cluster is in test/e2e/day2-certs.ts.
import { expect } from 'chai';
import { X509Certificate } from 'node:crypto';
import { pki_ca } from '../../../src/tasks/pki/ca.js';
import { pki_cert } from '../../../src/tasks/pki/cert.js';
import { pki_ca_rollover } from '../../../src/tasks/pki/rollover.js';
import { pki_trust } from '../../../src/tasks/pki/trust.js';
import { FakeHost } from '../../support/fake-host.js';
import { converge, planError, planOn } from '../../support/plan-harness.js';

const SSL = '/pki';
const text = (h: FakeHost, name: string) => h.files.get(`${SSL}/${name}`)?.content.toString();
const has = (h: FakeHost, name: string) => h.files.has(`${SSL}/${name}`);
const step = (s: string) => ({ path: SSL, step: s, common_name: 'kubernetes-ca' });
/** The fingerprints of a bundle's certificates, in its order. */
const fps = (pem: string) =>
  (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []).map(
    (b) => new X509Certificate(b).fingerprint256,
  );
const fp = (pem: string) => fps(pem)[0]!;

async function site(): Promise<FakeHost> {
  const h = new FakeHost({ [SSL]: { type: 'dir', mode: 0o700 } });
  await converge(pki_ca, { path: SSL }, h);
  await converge(pki_cert, { path: SSL, name: 'etcd', sans: ['10.0.0.1'] }, h);
  await converge(pki_trust, { path: SSL }, h);
  return h;
}

describe('pki_ca_rollover and pki_trust on the fake host', () => {
  it('outside a rollover the trust bundle is the CA, byte for byte', async () => {
    const h = await site();
    expect(text(h, 'ca-trust.pem')).to.equal(text(h, 'ca.pem'));
    expect(h.files.get(`${SSL}/ca-trust.pem`)!.mode).to.equal(0o644);
  });

  it('begin, promote, finish: trusted old then both then new; each step converges and is safe again', async () => {
    const h = await site();
    const old = fp(text(h, 'ca.pem')!);
    const oldKey = text(h, 'ca-key.pem');
    const etcd = text(h, 'etcd.pem');

    const begin = await converge(pki_ca_rollover, step('begin'), h);
    expect(begin.result).to.deep.equal({ state: 'begun' });
    expect(begin.changes.every((c) => c.madeAnew)).to.equal(true);
    expect(JSON.stringify(begin.changes.map((c) => c.diff))).to.not.include('PRIVATE KEY');
    const fresh = fp(text(h, 'ca-next.pem')!);
    expect(fresh).to.not.equal(old);
    await converge(pki_trust, { path: SSL }, h);
    expect(fps(text(h, 'ca-trust.pem')!), 'the CA first, then the next').to.deep.equal([old, fresh]);
    // certificates stay as they are until the promotion
    expect((await planOn(pki_cert, { path: SSL, name: 'etcd', sans: ['10.0.0.1'] }, h)).changes).to.deep.equal([]);

    const promote = await converge(pki_ca_rollover, step('promote'), h);
    expect(promote.changes.map((c) => c.summary)).to.deep.equal([
      `pki_ca_rollover: create ${SSL}/ca-previous.pem (retired)`,
      `pki_ca_rollover: replace ${SSL}/ca-key.pem (the next CA)`,
      `pki_ca_rollover: replace ${SSL}/ca.pem`,
      `pki_ca_rollover: remove ${SSL}/ca-next.pem (promoted)`,
      `pki_ca_rollover: remove ${SSL}/ca-next-key.pem (promoted)`,
    ]);
    expect(fp(text(h, 'ca.pem')!)).to.equal(fresh);
    expect(fp(text(h, 'ca-previous.pem')!)).to.equal(old);
    expect(text(h, 'ca-key.pem')).to.not.equal(oldKey);
    expect(has(h, 'ca-next.pem') || has(h, 'ca-next-key.pem')).to.equal(false);
    await converge(pki_trust, { path: SSL }, h);
    expect(fps(text(h, 'ca-trust.pem')!), 'the new CA first (it signs), the old still trusted').to.deep.equal([
      fresh,
      old,
    ]);
    // begin again while promoted makes no third CA
    expect((await planOn(pki_ca_rollover, step('begin'), h)).changes).to.deep.equal([]);
    const reissue = await converge(pki_cert, { path: SSL, name: 'etcd', sans: ['10.0.0.1'] }, h);
    expect(reissue.result!.reason).to.equal('not signed by the current CA');
    expect(text(h, 'etcd.pem')).to.not.equal(etcd);

    const finish = await converge(pki_ca_rollover, step('finish'), h);
    expect(finish.changes.map((c) => c.summary)).to.deep.equal([
      `pki_ca_rollover: remove ${SSL}/ca-previous.pem (the old CA is trusted no more)`,
    ]);
    await converge(pki_trust, { path: SSL }, h);
    expect(text(h, 'ca-trust.pem')).to.equal(text(h, 'ca.pem'));
    for (const s of ['promote', 'finish'])
      expect((await planOn(pki_ca_rollover, step(s), h)).changes, s).to.deep.equal([]);
  });

  it('a promotion cut short (the key replaced, not the certificate) is completed by the next step run', async () => {
    const h = await site();
    const old = fp(text(h, 'ca.pem')!);
    await converge(pki_ca_rollover, step('begin'), h);
    const fresh = fp(text(h, 'ca-next.pem')!);
    const promote = await planOn(pki_ca_rollover, step('promote'), h);
    h.apply(promote.changes.slice(0, 2)); // previous written, the key replaced; then the run stopped
    // run again, 96.update-certs.yml begins first: it makes no new CA, it completes the promotion, so the pki
    // role's pki_ca then finds ca.pem and ca-key.pem a pair
    const resumed = await converge(pki_ca_rollover, step('begin'), h);
    expect(resumed.changes.map((c) => c.summary)).to.deep.equal([
      `pki_ca_rollover: replace ${SSL}/ca.pem`,
      `pki_ca_rollover: remove ${SSL}/ca-next.pem (promoted)`,
      `pki_ca_rollover: remove ${SSL}/ca-next-key.pem (promoted)`,
    ]);
    expect(fp(text(h, 'ca.pem')!)).to.equal(fresh);
    expect(fp(text(h, 'ca-previous.pem')!)).to.equal(old);
    expect((await planOn(pki_ca, { path: SSL }, h)).changes, 'the CA and its key are a pair').to.deep.equal([]);
    expect((await planOn(pki_ca_rollover, step('promote'), h)).changes).to.deep.equal([]);
  });

  const errors: [string, (h: FakeHost) => void, Record<string, string>, string][] = [
    [
      'no CA',
      (h) => h.files.delete(`${SSL}/ca.pem`),
      step('begin'),
      `CA certificate ${SSL}/ca.pem not found or unreadable (make it with pki_ca first)`,
    ],
    [
      'a next CA without its key',
      (h) => h.files.set(`${SSL}/ca-next.pem`, { ...h.files.get(`${SSL}/ca.pem`)! }),
      step('promote'),
      `${SSL}/ca-next.pem and ${SSL}/ca-next-key.pem are not a CA and its key: remove both and begin again ` +
        '(the CAs in use are not affected)',
    ],
  ];
  for (const [what, spoil, args, msg] of errors)
    it(`refuses ${what}`, async () => {
      const h = await site();
      spoil(h);
      expect(await planError(pki_ca_rollover, args, h)).to.equal(msg);
    });

  it('pki_trust refuses a missing CA and a next CA that is not a CA', async () => {
    const h = await site();
    h.files.set(`${SSL}/ca-next.pem`, { ...h.files.get(`${SSL}/etcd.pem`)! });
    expect(await planError(pki_trust, { path: SSL }, h)).to.equal(`${SSL}/ca-next.pem is not a CA certificate`);
    h.files.delete(`${SSL}/ca.pem`);
    expect(await planError(pki_trust, { path: SSL }, h)).to.equal(
      `CA certificate ${SSL}/ca.pem not found (make it with pki_ca first)`,
    );
  });
});
