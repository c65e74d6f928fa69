// pki_ca: a CA key and self-signed certificate, never made again while its files are there (unless force).
import { posix } from 'node:path';
import type { Change } from '../contract.js';
import { taskFailed } from '../lib/fsattrs.js';
import { describeCert, makeCa, parseCert } from './x509.js';
import { abool, astr, defineTask, apath } from '../lib/schema.js';
import { days, keyType, readFile, folder, put, keyDiff, secretKey, newSecretKey, modeFix } from './files.js';

export const pki_ca = defineTask({
  name: 'pki_ca',
  description:
    "kplay's own: make a self-signed CA (<path>/<name>.pem 0644, <name>-key.pem 0600); " +
    'never made again while both files are there and parse, unless force.',
  args: {
    path: apath(),
    name: astr().default('ca'),
    common_name: astr().default('kubernetes-ca'),
    organization: astr(),
    days: days(),
    key_type: keyType('ec'),
    force: abool().default(false),
  },
  required: ['path'],
  returns: {
    path: 'the CA certificate',
    key_path: 'its private key',
    subject: 'subject DN',
    not_after: 'expiry (ISO 8601)',
    reason: 'why it was made (when it was)',
  },
  example: '- pki_ca:\n    path: "{{ base_dir }}/ssl"\n    common_name: kubernetes-ca',
  async plan(args, _host, facts) {
    const dir = args.path!;
    const mk = await folder(facts, dir, '0700', 'pki_ca');
    const certF = await readFile(facts, posix.join(dir, `${args.name}.pem`), mk !== undefined);
    const keyF = await readFile(facts, posix.join(dir, `${args.name}-key.pem`), mk !== undefined);
    const key = secretKey(keyF.content);
    const info = await parseCert(certF.content);
    const result = { path: certF.path, key_path: keyF.path };
    if (info && key && !args.force) {
      if (!info.spki.equals(key.spki))
        throw taskFailed(
          `${keyF.path} is not the key of ${certF.path}; ` +
            `force: true makes a new CA (and every certificate it signed must be issued again)`,
        );
      const changes = [...modeFix('pki_ca', certF, '0644'), ...modeFix('pki_ca', keyF, '0600')];
      return { changes, result: { ...result, subject: info.cert.subject, not_after: info.notAfter.toISOString() } };
    }
    const reason = args.force
      ? 'forced'
      : !certF.content
        ? 'missing'
        : !info
          ? 'certificate unparsable'
          : !keyF.content
            ? 'key missing'
            : 'key unparsable';
    const newK = await newSecretKey(args.key_type);
    const pem = await makeCa(
      { cn: args.common_name, o: args.organization ? [args.organization] : [] },
      args.days,
      newK,
    );
    const made = (await parseCert(Buffer.from(pem)))!;
    const changes: Change[] = mk ? [mk] : [];
    changes.push(
      put('pki_ca', keyF, newK.pem, '0600', keyDiff(keyF), reason, true),
      put('pki_ca', certF, pem, '0644', { before: describeCert(info), after: describeCert(made) }, reason, true),
    );
    return {
      changes,
      result: { ...result, subject: made.cert.subject, not_after: made.notAfter.toISOString(), reason },
    };
  },
});
