// pki_keypair: a key pair (the service-account signing key), made once.
import { posix } from 'node:path';
import type { Change } from '../contract.js';
import { parsePublic, publicPem } from './x509.js';
import { abool, astr, defineTask, apath } from '../lib/schema.js';
import { keyType, readFile, folder, put, keyDiff, secretKey, newSecretKey, modeFix } from './files.js';

export const pki_keypair = defineTask({
  name: 'pki_keypair',
  description:
    "kplay's own: make a key pair (<name>.key PKCS#8 0600, <name>.pub SPKI 0644), e.g. the service-account " +
    'signing key; an existing key is kept (unless force) and only a missing or wrong .pub is written again.',
  args: { path: apath(), name: astr().default('sa'), key_type: keyType('rsa'), force: abool().default(false) },
  required: ['path'],
  returns: {
    path: 'the private key',
    public_path: 'the public key',
    key_type: 'ec or rsa',
    reason: 'why the key was made (when it was)',
  },
  example: '- pki_keypair:\n    path: "{{ base_dir }}/ssl"\n    name: sa',
  async plan(args, _host, facts) {
    const dir = args.path!;
    const mk = await folder(facts, dir, '0700', 'pki_keypair');
    const keyF = await readFile(facts, posix.join(dir, `${args.name}.key`), mk !== undefined);
    const pubF = await readFile(facts, posix.join(dir, `${args.name}.pub`), mk !== undefined);
    const old = secretKey(keyF.content);
    const changes: Change[] = mk ? [mk] : [];
    let key = old;
    let reason: string | undefined;
    if (!old || args.force) {
      reason = args.force ? 'forced' : keyF.content ? 'key unparsable' : 'missing';
      key = await newSecretKey(args.key_type);
      changes.push(put('pki_keypair', keyF, key.pem, '0600', keyDiff(keyF), reason, true));
    } else changes.push(...modeFix('pki_keypair', keyF, '0600'));
    const pub = publicPem(key!);
    const pubDer = parsePublic(pubF.content);
    if (reason || !pubDer || !pubDer.equals(key!.spki)) {
      changes.push(
        put(
          'pki_keypair',
          pubF,
          pub,
          '0644',
          { before: pubF.content?.toString('utf8') ?? '', after: pub },
          reason ?? (pubF.content ? 'does not match the key' : 'missing'),
          reason !== undefined,
        ),
      );
    } else changes.push(...modeFix('pki_keypair', pubF, '0644'));
    return {
      changes,
      result: { path: keyF.path, public_path: pubF.path, key_type: key!.type, ...(reason ? { reason } : {}) },
    };
  },
});
