// pki_cert: a key and a certificate signed by the CA, issued again when it no longer matches the task.
import { posix } from 'node:path';
import { taskFailed } from '../lib/fsattrs.js';
import {
  canonicalSans,
  describeCert,
  makeCert,
  parseCert,
  signedBy,
  type CertInfo,
  type Key,
  type Usage,
} from './x509.js';
import { abool, alist, astr, choice, defineTask, apath } from '../lib/schema.js';
import {
  RENEW_BEFORE_MS,
  days,
  keyType,
  readFile,
  put,
  keyDiff,
  secretKey,
  newSecretKey,
  sameSet,
  modeFix,
} from './files.js';

// pki_cert issues a new key and certificate when: a file is missing or does not parse, the key is not the
// certificate's, the certificate is not signed by the current CA, its CN or O set differ from the task's, it
// lacks a SAN or a usage the task asks for (more are kept: a certificate another tool made, such as kubeasz's
// with every usage and 127.0.0.1, is adopted as it is), it expires within 30 days (a certificate living less
// than 90 days: within a third of its lifetime), the key type differs from key_type, or force (which makes it
// again on every run).
export const pki_cert = defineTask({
  name: 'pki_cert',
  pendingTouches: (a) => [
    `file:${posix.join(a.path!, `${a.name!}.pem`)}`,
    `file:${posix.join(a.path!, `${a.name!}-key.pem`)}`,
  ],
  description:
    "kplay's own: issue a key and certificate signed by a pki_ca CA in the same folder " +
    '(<name>.pem 0644, <name>-key.pem 0600); issued again only when it no longer matches the task.',
  args: {
    path: apath(),
    name: astr(),
    ca: astr().default('ca'),
    common_name: astr(),
    organization: alist(astr()).default([]),
    sans: alist(astr()).default([]),
    usage: alist(choice(['server', 'client'])).default(['server', 'client']),
    days: days(),
    key_type: keyType('ec'),
    force: abool().default(false),
  },
  required: ['path', 'name'],
  returns: {
    path: 'the certificate',
    key_path: 'its private key',
    subject: 'subject DN',
    sans: "SANs ('IP:x', 'DNS:y')",
    usages: 'server and/or client',
    not_after: 'expiry (ISO 8601)',
    serial: 'serial number (hex)',
    reason: 'why it was issued (when it was)',
  },
  example:
    '- pki_cert:\n    path: "{{ base_dir }}/ssl"\n    name: kubernetes\n    common_name: kubernetes\n' +
    '    sans: ["127.0.0.1", "{{ MASTER_IP }}", kubernetes.default]\n    usage: [server, client]',
  async plan(args, _host, facts) {
    const dir = args.path!;
    const name = args.name!;
    const caF = await readFile(facts, posix.join(dir, `${args.ca}.pem`));
    const ca = await parseCert(caF.content);
    if (!ca)
      throw taskFailed(
        caF.content
          ? `${caF.path} is not a certificate`
          : `CA certificate ${caF.path} not found (make it with pki_ca first)`,
      );
    const want = {
      cn: args.common_name ?? name,
      o: [...new Set(args.organization)],
      sans: await canonicalSans(args.sans),
      usages: (['server', 'client'] as Usage[]).filter((u) => args.usage.includes(u)),
    };
    const certF = await readFile(facts, posix.join(dir, `${name}.pem`));
    const keyF = await readFile(facts, posix.join(dir, `${name}-key.pem`));
    const key = secretKey(keyF.content);
    const info = await parseCert(certF.content);
    const reason = await reissue(args.force, info, key, ca, want, args.key_type);
    const result = { path: certF.path, key_path: keyF.path };
    if (!reason) {
      const changes = [...modeFix('pki_cert', certF, '0644'), ...modeFix('pki_cert', keyF, '0600')];
      return {
        changes,
        result: {
          ...result,
          subject: info!.cert.subject,
          sans: info!.sans,
          usages: info!.usages,
          not_after: info!.notAfter.toISOString(),
          serial: info!.cert.serialNumber,
        },
      };
    }
    const caKeyF = await readFile(facts, posix.join(dir, `${args.ca}-key.pem`));
    const caKey = secretKey(caKeyF.content);
    if (!caKey)
      throw taskFailed(
        `${caKeyF.path}: ${caKeyF.content ? 'not a private key' : 'not found'}; ` +
          `it is needed to issue ${certF.path} (${reason})`,
      );
    if (!caKey.spki.equals(ca.spki)) throw taskFailed(`${caKeyF.path} is not the key of ${caF.path}`);
    const newK = await newSecretKey(args.key_type);
    const pem = await makeCert({ cn: want.cn, o: want.o }, want.sans, want.usages, args.days, newK, {
      info: ca,
      key: caKey,
    });
    const made = (await parseCert(Buffer.from(pem)))!;
    const changes = [
      put('pki_cert', keyF, newK.pem, '0600', keyDiff(keyF), reason, true),
      put('pki_cert', certF, pem, '0644', { before: describeCert(info), after: describeCert(made) }, reason, true),
    ];
    return {
      changes,
      result: {
        ...result,
        subject: made.cert.subject,
        sans: made.sans,
        usages: made.usages,
        not_after: made.notAfter.toISOString(),
        serial: made.cert.serialNumber,
        reason,
      },
    };
  },
});

/** Why the certificate must be issued again, or undefined when it is what the task asks for. */
async function reissue(
  force: boolean,
  info: CertInfo | undefined,
  key: Key | undefined,
  ca: CertInfo,
  want: { cn: string; o: string[]; sans: string[]; usages: Usage[] },
  type: 'ec' | 'rsa',
): Promise<string | undefined> {
  if (force) return 'forced';
  if (!info) return 'certificate missing or unparsable';
  if (!key) return 'key missing or unparsable';
  if (!info.spki.equals(key.spki)) return 'key does not match the certificate';
  if (!(await signedBy(info, ca))) return 'not signed by the current CA';
  const why: string[] = [];
  if (info.cn.length !== 1 || info.cn[0] !== want.cn) why.push('CN differs');
  if (!sameSet(info.o, want.o)) why.push('O differs');
  const lacks = (have: string[], wanted: string[]) => wanted.filter((x) => !have.includes(x));
  const sans = lacks(info.sans, want.sans);
  if (sans.length) why.push(`SANs lack ${sans.join(', ')}`);
  const usages = lacks(info.usages, want.usages);
  if (usages.length) why.push(`usage lacks ${usages.join(', ')}`);
  // 30 days before expiry; a shorter-lived certificate a third of its lifetime before (or it never converges)
  const window = Math.min(RENEW_BEFORE_MS, (info.notAfter.getTime() - info.cert.notBefore.getTime()) / 3);
  if (info.notAfter.getTime() - Date.now() < window) why.push(`expires ${info.notAfter.toISOString()}`);
  if (key.type !== type) why.push(`key type is ${key.type}`);
  return why.length ? why.join(', ') : undefined;
}
