// X.509 helpers for the pki modules (pki.ts): keys made with node's webcrypto, certificates built and read by
// @peculiar/x509 (no ASN.1 of our own). Existing keys in any PEM form openssl writes (PKCS#8, SEC1, PKCS#1)
// are read by node:crypto. The library needs a Reflect polyfill and is loaded on first use only, so kplay's
// start-up does not pay for it.
import { createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import type * as X509 from '@peculiar/x509';
import { importModule } from '../../core/import-module.js';

export type KeyType = 'ec' | 'rsa';
export type Usage = 'server' | 'client';

let loaded: Promise<typeof X509> | undefined;

/** @peculiar/x509, with reflect-metadata loaded before it and node's webcrypto as its provider. */
export function x509(): Promise<typeof X509> {
  loaded ??= (async () => {
    await importModule('reflect-metadata');
    const lib = await importModule<typeof X509>('@peculiar/x509');
    lib.cryptoProvider.set(globalThis.crypto);
    return lib;
  })();
  return loaded;
}

const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const RSA = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
};

/** A private key as written (PEM), its node KeyObject, its public key (SPKI DER) and its type. */
export interface Key {
  pem: string;
  object: KeyObject;
  spki: Buffer;
  type: KeyType | 'other';
}

function keyOf(object: KeyObject, pem: string): Key {
  const t = object.asymmetricKeyType;
  const spki = createPublicKey(object).export({ type: 'spki', format: 'der' });
  return { pem, object, spki, type: t === 'ec' ? 'ec' : t === 'rsa' ? 'rsa' : 'other' };
}

/** A new key: EC P-256 or RSA 2048, as PKCS#8 PEM. */
export async function newKey(type: KeyType): Promise<Key> {
  const pair = (await globalThis.crypto.subtle.generateKey(type === 'ec' ? EC : RSA, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const der = Buffer.from(await globalThis.crypto.subtle.exportKey('pkcs8', pair.privateKey));
  const object = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  return keyOf(object, object.export({ type: 'pkcs8', format: 'pem' }) as string);
}

/** A private key read from a file, or undefined when it is not one. */
export function parseKey(pem: Buffer | undefined): Key | undefined {
  if (pem === undefined || !pem.includes('PRIVATE KEY-----')) return undefined;
  try {
    return keyOf(createPrivateKey(pem), pem.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The public key of a private key, as SPKI PEM. */
export function publicPem(key: Key): string {
  return createPublicKey(key.object).export({ type: 'spki', format: 'pem' }) as string;
}

/** The SPKI DER of a public key PEM, or undefined when it is not one. */
export function parsePublic(pem: Buffer | undefined): Buffer | undefined {
  if (pem === undefined) return undefined;
  try {
    return createPublicKey(pem).export({ type: 'spki', format: 'der' });
  } catch {
    return undefined;
  }
}

async function cryptoKeys(key: Key): Promise<CryptoKeyPair> {
  const alg =
    key.type === 'ec'
      ? { name: 'ECDSA', namedCurve: ecCurve(key) }
      : key.type === 'rsa'
        ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
        : undefined;
  if (!alg) throw new Error(`unsupported key type ${key.object.asymmetricKeyType}`);
  const subtle = globalThis.crypto.subtle;
  const privateKey = await subtle.importKey('pkcs8', key.object.export({ type: 'pkcs8', format: 'der' }), alg, true, [
    'sign',
  ]);
  const publicKey = await subtle.importKey('spki', new Uint8Array(key.spki), alg, true, ['verify']);
  return { privateKey, publicKey };
}

function ecCurve(key: Key): string {
  const c = key.object.asymmetricKeyDetails?.namedCurve;
  const names: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };
  const named = c === undefined ? undefined : names[c];
  if (!named) throw new Error(`unsupported EC curve ${c}`);
  return named;
}

function signing(key: Key): Algorithm | EcdsaParams {
  return key.type === 'ec'
    ? ({ name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams)
    : ({ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as Algorithm);
}

/** What the modules compare and report about a certificate. */
export interface CertInfo {
  cert: X509.X509Certificate;
  pem: string;
  cn: string[];
  o: string[];
  sans: string[]; // 'IP:10.0.0.1', 'DNS:x' in the certificate's order
  usages: Usage[];
  ca: boolean;
  notAfter: Date;
  spki: Buffer;
  ski: string | undefined;
}

/** A certificate read from a file (the first one in it), or undefined when it does not parse. */
export async function parseCert(pem: Buffer | undefined): Promise<CertInfo | undefined> {
  if (pem === undefined || !pem.includes('-----BEGIN CERTIFICATE-----')) return undefined;
  const lib = await x509();
  try {
    const text = pem.toString('utf8');
    const cert = new lib.X509Certificate(text.slice(text.indexOf('-----BEGIN CERTIFICATE-----')));
    const san = cert.getExtension(lib.SubjectAlternativeNameExtension);
    const eku = cert.getExtension(lib.ExtendedKeyUsageExtension);
    const bc = cert.getExtension(lib.BasicConstraintsExtension);
    const usages: Usage[] = [];
    for (const u of eku?.usages ?? []) {
      if (u === lib.ExtendedKeyUsage.serverAuth) usages.push('server');
      if (u === lib.ExtendedKeyUsage.clientAuth) usages.push('client');
    }
    return {
      cert,
      pem: text,
      cn: cert.subjectName.getField('CN'),
      o: cert.subjectName.getField('O'),
      sans: (san?.names.toJSON() ?? []).map(
        (n) => `${n.type === 'ip' ? 'IP' : n.type === 'dns' ? 'DNS' : n.type}:${n.value}`,
      ),
      usages,
      ca: bc?.ca === true,
      notAfter: cert.notAfter,
      spki: Buffer.from(cert.publicKey.rawData),
      ski: cert.getExtension(lib.SubjectKeyIdentifierExtension)?.keyId,
    };
  } catch {
    return undefined;
  }
}

/** SANs as the certificate will hold them: IPs and DNS names told apart, IPs in canonical form, duplicates dropped. */
export async function canonicalSans(sans: string[]): Promise<string[]> {
  const lib = await x509();
  const names = sans
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => ({ type: isIP(s) ? 'ip' : 'dns', value: s }) as X509.JsonGeneralName);
  if (names.length === 0) return [];
  const ext = new lib.SubjectAlternativeNameExtension(names);
  const parsed = new lib.SubjectAlternativeNameExtension(ext.rawData).names.toJSON();
  return [...new Set(parsed.map((n) => `${n.type === 'ip' ? 'IP' : 'DNS'}:${n.value}`))];
}

/** Is `cert` issued by `ca` (issuer name and signature)? */
export async function signedBy(cert: CertInfo, ca: CertInfo): Promise<boolean> {
  if (!Buffer.from(cert.cert.issuerName.toArrayBuffer()).equals(Buffer.from(ca.cert.subjectName.toArrayBuffer())))
    return false;
  try {
    return await cert.cert.verify({ publicKey: ca.cert.publicKey, signatureOnly: true });
  } catch {
    return false;
  }
}

export interface Subject {
  cn: string;
  o: string[];
}

function name(s: Subject): X509.JsonName {
  return [...s.o.map((o) => ({ O: [o] })), { CN: [s.cn] }];
}

function serial(): string {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x7f) | 0x10; // positive, and the full 16 bytes long
  return b.toString('hex');
}

function validity(days: number): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  // backdated a little, for hosts whose clock is behind the controller's
  return { notBefore: new Date(now - 5 * 60_000), notAfter: new Date(now + days * 86_400_000) };
}

function certPem(cert: X509.X509Certificate): string {
  return `${cert.toString('pem').replace(/\r\n/g, '\n').trimEnd()}\n`;
}

/** A self-signed CA: basicConstraints CA (critical), keyUsage keyCertSign+cRLSign (critical), a subject key id. */
export async function makeCa(subject: Subject, days: number, key: Key): Promise<string> {
  const lib = await x509();
  const keys = await cryptoKeys(key);
  const cert = await lib.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: name(subject),
    keys,
    signingAlgorithm: signing(key),
    ...validity(days),
    extensions: [
      new lib.BasicConstraintsExtension(true, undefined, true),
      new lib.KeyUsagesExtension(lib.KeyUsageFlags.keyCertSign | lib.KeyUsageFlags.cRLSign, true),
      await lib.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return certPem(cert);
}

/** A leaf certificate for `key`, signed by the CA: not a CA, TLS key usages, the asked EKUs and SANs, key ids. */
export async function makeCert(
  subject: Subject,
  sans: string[],
  usages: Usage[],
  days: number,
  key: Key,
  ca: { info: CertInfo; key: Key },
): Promise<string> {
  const lib = await x509();
  const keys = await cryptoKeys(key);
  const caKeys = await cryptoKeys(ca.key);
  const eku = usages.map((u) => (u === 'server' ? lib.ExtendedKeyUsage.serverAuth : lib.ExtendedKeyUsage.clientAuth));
  const extensions: X509.Extension[] = [
    new lib.BasicConstraintsExtension(false, undefined, true),
    new lib.KeyUsagesExtension(lib.KeyUsageFlags.digitalSignature | lib.KeyUsageFlags.keyEncipherment, true),
    new lib.ExtendedKeyUsageExtension(eku),
    await lib.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ca.info.ski
      ? new lib.AuthorityKeyIdentifierExtension(ca.info.ski)
      : await lib.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
  ];
  if (sans.length) {
    extensions.push(
      new lib.SubjectAlternativeNameExtension(
        sans.map(
          (s): X509.JsonGeneralName => ({
            type: s.startsWith('IP:') ? 'ip' : 'dns',
            value: s.slice(s.indexOf(':') + 1),
          }),
        ),
      ),
    );
  }
  const cert = await lib.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: name(subject),
    issuer: ca.info.cert.subjectName,
    publicKey: keys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: signing(ca.key),
    extensions,
    ...validity(days),
  });
  return certPem(cert);
}

/** A certificate in a few lines, for --diff (never its key). */
export function describeCert(c: CertInfo | undefined): string {
  if (!c) return '';
  const lines = [`subject: ${c.cert.subject}`, `issuer: ${c.cert.issuer}`, `not_after: ${c.notAfter.toISOString()}`];
  if (!c.ca) lines.push(`sans: ${c.sans.join(', ') || '(none)'}`, `usages: ${c.usages.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
