// kplay's own PKI modules (not Ansible's): pki_ca, pki_cert, pki_keypair and pki_kubeconfig make the
// certificates, keys and kubeconfigs of a Kubernetes cluster. Keys and certificates are made in the plan, in
// memory (so check mode writes nothing), and written by the engine's atomic put; a second plan reads them
// back and finds nothing to do. A CA is never made again while its files are there (unless force); a
// certificate is issued again when it no longer matches what the task asks (pki_cert's header below).
// Every private key read or made is registered as a secret, and --diff never shows key material.
import { posix } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { addSecret } from '../../core/secrets.js';
import type { Change, FactReader, StatInfo } from '../contract.js';
import { octal, parseOctal, resolveMode, taskFailed } from '../lib/fsattrs.js';
import {
  canonicalSans,
  describeCert,
  makeCa,
  makeCert,
  newKey,
  parseCert,
  parseKey,
  parsePublic,
  publicPem,
  signedBy,
  type CertInfo,
  type Key,
  type Usage,
} from './x509.js';
import { abool, aint, alist, amode, astr, choice, defineTask, apath } from '../lib/schema.js';

const HIDDEN = '(private key, not shown)\n';
const RENEW_BEFORE_MS = 30 * 86_400_000;

const days = () =>
  aint()
    .refine((n) => n > 0, 'days must be a positive number of days')
    .default(36500);
const keyType = (d: 'ec' | 'rsa') => choice(['ec', 'rsa']).default(d);

interface Read {
  path: string;
  st: StatInfo;
  content: Buffer | undefined;
}

/** A file's stat and content (undefined when missing); anything but a regular file is an error. */
async function readFile(facts: FactReader, path: string, dirMissing = false): Promise<Read> {
  if (dirMissing) return { path, st: { exists: false, path }, content: undefined };
  const st = await facts.stat(path, { follow: true });
  if (st.exists && !st.isreg) throw taskFailed(`${path} exists and is not a regular file`);
  return { path, st, content: st.exists ? await facts.read(path) : undefined };
}

/** The change that makes a missing folder (with `mode`), or undefined when it is there. */
async function folder(
  facts: FactReader,
  dir: string,
  mode: string | undefined,
  module: string,
): Promise<Change | undefined> {
  const st = await facts.stat(dir, { follow: true });
  if (st.exists) {
    if (!st.isdir) throw taskFailed(`${dir} exists and is not a directory`);
    return undefined;
  }
  const actions: Change['actions'] = [{ exec: ['mkdir', '-p', '--', dir] }];
  if (mode) actions.push({ exec: ['chmod', mode, '--', dir] });
  return { summary: `${module}: create directory ${dir}`, actions, touches: [`file:${dir}`] };
}

function put(
  module: string,
  f: Read,
  content: string,
  mode: string,
  diff: { before: string; after: string },
  why?: string,
): Change {
  return {
    summary: `${module}: ${f.st.exists ? 'replace' : 'create'} ${f.path}${why ? ` (${why})` : ''}`,
    diff: { path: f.path, ...diff },
    actions: [{ put: f.path, content: Buffer.from(content), mode }],
    touches: [`file:${f.path}`],
    // force makes it again on every run, by design: the convergence check after apply ignores it
    ...(why === 'forced' ? { repeats: true } : {}),
  };
}

/** A chmod when an existing file's mode is not `mode`. */
function modeFix(module: string, f: Read, mode: string): Change[] {
  if (!f.st.exists || parseOctal(f.st.mode) === parseInt(mode, 8)) return [];
  return [
    {
      summary: `${module}: ${f.path}: mode ${f.st.mode} → ${mode}`,
      actions: [{ exec: ['chmod', mode, '--', f.path] }],
      touches: [`file:${f.path}`],
    },
  ];
}

function keyDiff(old: Read): { before: string; after: string } {
  return { before: old.st.exists ? HIDDEN : '', after: `(new) ${HIDDEN}` };
}

function secretKey(content: Buffer | undefined): Key | undefined {
  const k = parseKey(content);
  if (k) addSecret(k.pem);
  return k;
}

async function newSecretKey(type: 'ec' | 'rsa'): Promise<Key> {
  const k = await newKey(type);
  addSecret(k.pem);
  return k;
}

const sameSet = (a: string[], b: string[]) =>
  a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

export const pki_ca = defineTask({
  name: 'pki_ca',
  description:
    "kplay's own: make a self-signed CA (<path>/<name>.pem 0644, <name>-key.pem 0600); never made again while both files are there and parse, unless force.",
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
          `${keyF.path} is not the key of ${certF.path}; force: true makes a new CA (and every certificate it signed must be issued again)`,
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
      put('pki_ca', keyF, newK.pem, '0600', keyDiff(keyF), reason),
      put('pki_ca', certF, pem, '0644', { before: describeCert(info), after: describeCert(made) }, reason),
    );
    return {
      changes,
      result: { ...result, subject: made.cert.subject, not_after: made.notAfter.toISOString(), reason },
    };
  },
});

// pki_cert issues a new key and certificate when: a file is missing or does not parse, the key is not the
// certificate's, the certificate is not signed by the current CA, its CN, O set, SAN set or usages differ
// from the task's, it expires within 30 days (a certificate living less than 90 days: within a third of its
// lifetime), the key type differs from key_type, or force (which makes it again on every run).
export const pki_cert = defineTask({
  name: 'pki_cert',
  pendingTouches: (a) => [
    `file:${posix.join(a.path!, `${a.name!}.pem`)}`,
    `file:${posix.join(a.path!, `${a.name!}-key.pem`)}`,
  ],
  description:
    "kplay's own: issue a key and certificate signed by a pki_ca CA in the same folder (<name>.pem 0644, <name>-key.pem 0600); issued again only when it no longer matches the task.",
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
    '- pki_cert:\n    path: "{{ base_dir }}/ssl"\n    name: kubernetes\n    common_name: kubernetes\n    sans: ["127.0.0.1", "{{ MASTER_IP }}", kubernetes.default]\n    usage: [server, client]',
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
        `${caKeyF.path}: ${caKeyF.content ? 'not a private key' : 'not found'}; it is needed to issue ${certF.path} (${reason})`,
      );
    if (!caKey.spki.equals(ca.spki)) throw taskFailed(`${caKeyF.path} is not the key of ${caF.path}`);
    const newK = await newSecretKey(args.key_type);
    const pem = await makeCert({ cn: want.cn, o: want.o }, want.sans, want.usages, args.days, newK, {
      info: ca,
      key: caKey,
    });
    const made = (await parseCert(Buffer.from(pem)))!;
    const changes = [
      put('pki_cert', keyF, newK.pem, '0600', keyDiff(keyF), reason),
      put('pki_cert', certF, pem, '0644', { before: describeCert(info), after: describeCert(made) }, reason),
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
  if (!sameSet(info.sans, want.sans)) why.push('SANs differ');
  if (!sameSet(info.usages, want.usages)) why.push('usages differ');
  // 30 days before expiry; a shorter-lived certificate a third of its lifetime before (or it never converges)
  const window = Math.min(RENEW_BEFORE_MS, (info.notAfter.getTime() - info.cert.notBefore.getTime()) / 3);
  if (info.notAfter.getTime() - Date.now() < window) why.push(`expires ${info.notAfter.toISOString()}`);
  if (key.type !== type) why.push(`key type is ${key.type}`);
  return why.length ? why.join(', ') : undefined;
}

export const pki_keypair = defineTask({
  name: 'pki_keypair',
  description:
    "kplay's own: make a key pair (<name>.key PKCS#8 0600, <name>.pub SPKI 0644), e.g. the service-account signing key; an existing key is kept (unless force) and only a missing or wrong .pub is written again.",
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
      changes.push(put('pki_keypair', keyF, key.pem, '0600', keyDiff(keyF), reason));
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
        ),
      );
    } else changes.push(...modeFix('pki_keypair', pubF, '0644'));
    return {
      changes,
      result: { path: keyF.path, public_path: pubF.path, key_type: key!.type, ...(reason ? { reason } : {}) },
    };
  },
});

export const pki_kubeconfig = defineTask({
  name: 'pki_kubeconfig',
  pendingTouches: (a) => [`file:${a.dest}`],
  description:
    "kplay's own: write a kubeconfig with the CA, client certificate and key embedded (base64); the same inputs give the same file, written only when it differs.",
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
    '- pki_kubeconfig:\n    dest: /root/.kube/config\n    server: "https://{{ KUBE_APISERVER }}:6443"\n    ca: "{{ base_dir }}/ssl/ca.pem"\n    cert: "{{ base_dir }}/ssl/admin.pem"\n    key: "{{ base_dir }}/ssl/admin-key.pem"',
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
    const doc = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: args.cluster,
          cluster: { 'certificate-authority-data': caF.content!.toString('base64'), server: args.server! },
        },
      ],
      users: [
        {
          name: args.user,
          user: { 'client-certificate-data': certF.content!.toString('base64'), 'client-key-data': keyData },
        },
      ],
      contexts: [{ name: args.context, context: { cluster: args.cluster, user: args.user } }],
      'current-context': args.context,
    };
    const content = toYaml(doc, { lineWidth: 0 });
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

export const modules = [pki_ca, pki_cert, pki_keypair, pki_kubeconfig];
