// pki_kubeconfig: a kubeconfig with a client certificate embedded, written again when it changes.
import { posix } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { addSecret } from '../../core/secrets.js';
import type { Change } from '../contract.js';
import { octal, parseOctal, resolveMode, taskFailed } from '../lib/fsattrs.js';
import { parseCert } from './x509.js';
import { amode, astr, defineTask, apath } from '../lib/schema.js';
import { HIDDEN, readFile, folder, put, secretKey, modeFix } from './files.js';

export const pki_kubeconfig = defineTask({
  name: 'pki_kubeconfig',
  pendingTouches: (a) => [`file:${a.dest}`],
  description:
    "kplay's own: write a kubeconfig with the CA, client certificate and key embedded (base64), in the form " +
    '`kubectl config` writes; the same inputs give the same file, written only when it differs.',
  args: {
    dest: apath(),
    cluster: astr().default('kubernetes'),
    server: astr().refine((s) => /^https?:\/\/\S+$/.test(s), 'server must be an http(s) URL'),
    ca: apath(),
    cert: apath(),
    key: apath(),
    user: astr().default('admin'),
    context: astr().default('default'),
    mode: amode().default('0600'),
  },
  required: ['dest', 'server', 'ca', 'cert', 'key'],
  returns: { dest: 'the kubeconfig', server: 'the API server URL', context: 'the current context' },
  example:
    '- pki_kubeconfig:\n    dest: /root/.kube/config\n    server: "https://{{ KUBE_APISERVER }}:6443"\n' +
    '    ca: "{{ base_dir }}/ssl/ca.pem"\n    cert: "{{ base_dir }}/ssl/admin.pem"\n' +
    '    key: "{{ base_dir }}/ssl/admin-key.pem"',
  async plan(args, _host, facts) {
    const dest = args.dest!;
    const caF = await readFile(facts, args.ca!);
    const certF = await readFile(facts, args.cert!);
    const keyF = await readFile(facts, args.key!);
    const key = secretKey(keyF.content);
    for (const [f, ok, what] of [
      [caF, await parseCert(caF.content), 'certificate'],
      [certF, await parseCert(certF.content), 'certificate'],
      [keyF, key, 'private key'],
    ] as const) {
      if (!ok) throw taskFailed(f.content ? `${f.path} is not a ${what}` : `${f.path} not found`);
    }
    const keyData = keyF.content!.toString('base64');
    addSecret(keyData);
    // kubectl's own form (`kubectl config set-cluster ... --embed-certs`: keys sorted, lists not indented), so a
    // kubeconfig kubectl wrote with the same cluster, user and credentials (kubeasz's) is kept as it is
    const doc = {
      apiVersion: 'v1',
      clusters: [
        {
          cluster: { 'certificate-authority-data': caF.content!.toString('base64'), server: args.server! },
          name: args.cluster,
        },
      ],
      contexts: [{ context: { cluster: args.cluster, user: args.user }, name: args.context }],
      'current-context': args.context,
      kind: 'Config',
      preferences: {},
      users: [
        {
          name: args.user,
          user: { 'client-certificate-data': certF.content!.toString('base64'), 'client-key-data': keyData },
        },
      ],
    };
    const content = toYaml(doc, { lineWidth: 0, indentSeq: false });
    const changes: Change[] = [];
    const parent = posix.dirname(dest);
    const mk = await folder(facts, parent, undefined, 'pki_kubeconfig');
    if (mk) changes.push(mk);
    const destF = await readFile(facts, dest, mk !== undefined);
    const cur = parseOctal(destF.st.mode) ?? 0o600;
    const mode = octal(resolveMode(args.mode, cur, false) ?? cur);
    if (destF.content?.toString('utf8') !== content) {
      changes.push(
        put('pki_kubeconfig', destF, content, mode, {
          before: hideKeys(destF.content?.toString('utf8') ?? ''),
          after: hideKeys(content),
        }),
      );
    } else changes.push(...modeFix('pki_kubeconfig', destF, mode));
    return { changes, result: { dest, server: args.server, context: args.context, mode } };
  },
});

/** A kubeconfig with its client keys replaced, for --diff. */
function hideKeys(text: string): string {
  return text.replace(/^(\s*client-key-data:).*$/gm, `$1 ${HIDDEN.trim()}`);
}
