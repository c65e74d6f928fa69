// pki_trust: the certificates a CA's users trust, <name>-trust.pem: the CA (<name>.pem) first, then the CA a
// rollover brings in (<name>-next.pem) or the one it retires (<name>-previous.pem), while they are there
// (pki_ca_rollover). Outside a rollover it holds the same bytes as <name>.pem. The roles push it where a host
// trusts the CA (etcd's and the apiserver's CA files, the kubeconfigs), so during a rollover every component
// accepts certificates of either CA. The current CA comes first: kube-controller-manager signs with the first
// certificate of its CA file and ca-key.pem.
import { posix } from 'node:path';
import type { CertInfo } from './x509.js';
import { describeCert, parseCert } from './x509.js';
import { taskFailed } from '../lib/fsattrs.js';
import { astr, defineTask, apath } from '../lib/schema.js';
import { readFile, folder, put, modeFix } from './files.js';

/** The suffixes of a CA's files that a trust bundle holds, in its order. */
export const TRUSTED = ['', '-next', '-previous'] as const;

export const pki_trust = defineTask({
  name: 'pki_trust',
  pendingTouches: (a) => [`file:${posix.join(String(a.path), `${a.name ?? 'ca'}-trust.pem`)}`],
  description:
    "kplay's own: write <path>/<name>-trust.pem (0644), the CA certificate followed by the next or previous " +
    'CA of a rollover (pki_ca_rollover) while their files are there; written only when it differs.',
  args: {
    path: apath(),
    name: astr().default('ca'),
  },
  required: ['path'],
  returns: { path: 'the trust bundle', subjects: 'the subjects of the CAs it holds, in its order' },
  example: '- pki_trust:\n    path: "{{ base_dir }}/ssl"\n    name: ca',
  async plan(args, _host, facts) {
    const dir = args.path!;
    const mk = await folder(facts, dir, '0700', 'pki_trust');
    const parts: { text: string; info: CertInfo }[] = [];
    for (const suffix of TRUSTED) {
      const f = await readFile(facts, posix.join(dir, `${args.name}${suffix}.pem`), mk !== undefined);
      if (!f.content) {
        if (suffix === '') throw taskFailed(`CA certificate ${f.path} not found (make it with pki_ca first)`);
        continue;
      }
      const info = await parseCert(f.content);
      if (!info?.ca) throw taskFailed(`${f.path} is not a CA certificate`);
      const text = f.content.toString('utf8');
      parts.push({ text: text.endsWith('\n') ? text : `${text}\n`, info });
    }
    const dest = await readFile(facts, posix.join(dir, `${args.name}-trust.pem`), mk !== undefined);
    const want = parts.map((p) => p.text).join('');
    const result = { path: dest.path, subjects: parts.map((p) => p.info.cert.subject) };
    if (dest.content?.toString('utf8') === want) return { changes: modeFix('pki_trust', dest, '0644'), result };
    const before = dest.content ? await describeBundle(dest.content) : '';
    const after = parts.map((p) => describeCert(p.info)).join('');
    const changes = mk ? [mk] : [];
    changes.push(put('pki_trust', dest, want, '0644', { before, after }));
    return { changes, result };
  },
});

/** Each certificate of a bundle in a few lines (--diff). */
async function describeBundle(content: Buffer): Promise<string> {
  const text = content.toString('utf8');
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  const out: string[] = [];
  for (const b of blocks) out.push(describeCert(await parseCert(Buffer.from(b))) || '(unreadable certificate)\n');
  return out.join('');
}
