// get_url: the host downloads `url` with curl (or wget) to a temp file beside dest, checks the checksum, sets
// mode/owner and renames it into place. dest existing: with `checksum` the download is skipped when
// it matches; without, force=no (the default) leaves it alone; force=yes compares the sha256 of what
// the URL serves now (a read-only probe on the host) with dest's. A dest directory gets the URL's
// basename (Ansible may use Content-Disposition and always downloads then).
import { posix } from 'node:path';
import { z } from 'zod';
import type { Action, FactReader, Plan, Vars } from '../contract.js';
import {
  backupAction,
  backupName,
  fileAttrArgs,
  fixAttrs,
  NEW_FILE_MODE,
  octal,
  parseOctal,
  resolveMode,
  taskFailed,
} from '../lib/fsattrs.js';
import { abool, aint, astr, defineTask, apath } from '../lib/schema.js';

const ALGOS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const;

/** A checksum file's digest for `name` (lines `<hex>  <name>` / `<hex> *<name>`; a lone digest counts). */
export function digestFromList(text: string, name: string): string | undefined {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  for (const l of lines) {
    const m = /^([0-9a-fA-F]+)\s+\*?(?:\.\/)?(.+)$/.exec(l);
    if (m && (m[2] === name || posix.basename(m[2]!) === name)) return m[1]!.toLowerCase();
  }
  if (lines.length === 1 && /^[0-9a-fA-F]+$/.test(lines[0]!)) return lines[0]!.toLowerCase();
  return undefined;
}

interface Fetcher {
  tool: 'curl' | 'wget';
  /** argv that writes the URL's body to stdout. */
  toStdout: string[];
  /** argv that writes it to the file given as the next argument + the url. */
  toFile: (file: string) => string[];
}

interface HttpOpts {
  headers?: Record<string, unknown> | undefined;
  validate_certs: boolean;
  timeout: number;
  url_username?: string | undefined;
  url_password?: string | undefined;
  ca_path?: string | undefined;
  client_cert?: string | undefined;
  client_key?: string | undefined;
  use_proxy?: boolean;
  http_agent?: string | undefined;
}

/** Which downloader the host has: curl (preferred) or wget; a clear failure when neither. */
async function fetcher(facts: FactReader, url: string, o: HttpOpts): Promise<Fetcher> {
  const r = await facts.probe(['sh', '-c', 'command -v curl || command -v wget']);
  const path = r.stdout.trim().split('\n')[0] ?? '';
  const headers = Object.entries(o.headers ?? {}).map(([k, v]) => `${k}: ${String(v)}`);
  if (r.rc === 0 && /curl$/.test(path)) {
    const base = [
      'curl',
      '-fsSL',
      '--connect-timeout',
      String(o.timeout),
      ...(o.validate_certs ? [] : ['-k']),
      ...(o.ca_path ? ['--cacert', o.ca_path] : []),
      ...(o.client_cert ? ['--cert', o.client_cert] : []),
      ...(o.client_key ? ['--key', o.client_key] : []),
      ...(o.use_proxy === false ? ['--noproxy', '*'] : []),
      ...(o.http_agent ? ['-A', o.http_agent] : []),
      ...headers.flatMap((h) => ['-H', h]),
      ...(o.url_username !== undefined ? ['-u', `${o.url_username}:${o.url_password ?? ''}`] : []),
    ];
    return { tool: 'curl', toStdout: [...base, '--url', url], toFile: (f) => [...base, '-o', f, '--url', url] };
  }
  if (r.rc === 0 && /wget$/.test(path)) {
    const base = [
      'wget',
      '-q',
      `--timeout=${o.timeout}`,
      ...(o.validate_certs ? [] : ['--no-check-certificate']),
      ...(o.ca_path ? [`--ca-certificate=${o.ca_path}`] : []),
      ...(o.client_cert ? [`--certificate=${o.client_cert}`] : []),
      ...(o.client_key ? [`--private-key=${o.client_key}`] : []),
      ...(o.use_proxy === false ? ['--no-proxy'] : []),
      ...(o.http_agent ? [`--user-agent=${o.http_agent}`] : []),
      ...headers.map((h) => `--header=${h}`),
      ...(o.url_username !== undefined ? [`--user=${o.url_username}`, `--password=${o.url_password ?? ''}`] : []),
    ];
    return { tool: 'wget', toStdout: [...base, '-O', '-', url], toFile: (f) => [...base, '-O', f, url] };
  }
  throw taskFailed('get_url: the host has neither curl nor wget; install one first (e.g. `apt: name=curl`)');
}

const DOWNLOAD = [
  'set -e',
  'dest=$1 algo=$2 want=$3 mode=$4 own=$5; shift 5',
  'tmp=$(mktemp "$dest.kplay-XXXXXX")',
  'trap \'rm -f "$tmp"\' EXIT',
  // the downloader's argv follows, with the literal word @TMP@ standing for the temp file
  'for a; do shift; if [ "$a" = @TMP@ ]; then set -- "$@" "$tmp"; else set -- "$@" "$a"; fi; done',
  '"$@" </dev/null',
  'if [ -n "$want" ]; then got=$(${algo}sum "$tmp" | cut -d" " -f1); ' +
    'if [ "$got" != "$want" ]; then ' +
    'echo "The checksum for $dest did not match $want; it was $got." >&2; exit 1; fi; fi',
  'chmod "$mode" "$tmp"',
  'if [ -n "$own" ]; then chown "$own" "$tmp"; fi',
  'mv -f "$tmp" "$dest"',
  'trap - EXIT',
].join('\n');

const httpArgs = {
  headers: z.record(z.string(), z.unknown()),
  validate_certs: abool().default(true),
  url_username: astr(),
  url_password: astr(),
  force_basic_auth: abool().default(false),
  use_proxy: abool().default(true),
  http_agent: astr(),
  client_cert: apath(),
  client_key: apath(),
  ca_path: apath(),
};

export const get_url = defineTask({
  name: 'get_url',
  description:
    'Download a file from HTTP(S)/FTP to the host (with curl or wget there), ' +
    'verified by checksum, sent into place atomically.',
  args: {
    url: astr(),
    dest: apath(),
    checksum: astr().default(''),
    force: abool().default(false),
    backup: abool().default(false),
    timeout: aint().default(10),
    tmp_dest: apath(),
    ...httpArgs,
    ...fileAttrArgs,
  },
  argAliases: { thirsty: 'force', username: 'url_username', password: 'url_password' },
  required: ['url', 'dest'],
  returns: {
    dest: 'the file',
    url: 'the URL',
    checksum_dest: 'sha1 of dest',
    checksum_src: 'sha1 of what was downloaded',
    msg: 'what happened',
    backup_file: 'backup path',
  },
  example:
    '- get_url:\n    url: https://dl.k8s.io/v1.30.0/bin/linux/amd64/kubectl\n    dest: /usr/local/bin/kubectl\n' +
    '    mode: "0755"\n    checksum: sha256:7c3807c0f5c1b30110a2ff1e55da1d112a6d0096201f1beb81b269f582b5d1c5',
  async plan(args, _host, facts): Promise<Plan> {
    const url = args.url!;
    let algo: (typeof ALGOS)[number] | undefined;
    let want = '';
    if (args.checksum) {
      const i = args.checksum.indexOf(':');
      const a = args.checksum.slice(0, i).toLowerCase();
      const v = args.checksum.slice(i + 1).trim();
      if (i < 0 || !(ALGOS as readonly string[]).includes(a))
        throw taskFailed(
          `The checksum parameter has to be in format <algorithm>:<checksum>, ` +
            `with algorithm one of ${ALGOS.join(', ')}`,
        );
      algo = a as (typeof ALGOS)[number];
      if (/^[a-z]+:\/\//i.test(v)) {
        const f = await fetcher(facts, v, args);
        const r = await facts.probe(f.toStdout);
        if (r.rc !== 0) throw taskFailed(`get_url: cannot download the checksum file ${v}: ${r.stderr.trim()}`);
        const name = posix.basename(new URL(url).pathname);
        const d = digestFromList(r.stdout, name);
        if (!d) throw taskFailed(`Unable to find a checksum for file '${name}' in '${v}'`);
        want = d;
      } else {
        want = v.toLowerCase();
        if (!/^[0-9a-f]+$/.test(want)) throw taskFailed(`The checksum format is invalid: ${v}`);
      }
    }
    let dest = args.dest!;
    const dst = await facts.stat(dest, { follow: true });
    if (dst.isdir) {
      const name = posix.basename(new URL(url).pathname);
      if (!name) throw taskFailed(`get_url: dest ${dest} is a directory and no file name is in the URL`);
      dest = posix.join(dest, name);
    }
    const st = await facts.stat(dest, { follow: true, checksum: 'sha1' });
    if (st.isdir) throw taskFailed(`get_url: ${dest} is a directory`);
    const result: Vars = { url, dest };
    const touches = [`file:${dest}`];
    const keep = (msg: string): Plan => {
      result.msg = msg;
      if (st.checksum !== undefined) result.checksum_dest = st.checksum;
      const fix = fixAttrs(dest, st, args);
      return {
        changes: fix.actions.length
          ? [{ summary: `get_url: ${dest}: ${fix.parts.join(', ')}`, actions: fix.actions, touches }]
          : [],
        result,
      };
    };
    let reason = 'missing';
    if (st.exists) {
      if (algo) {
        const have =
          algo === 'sha1' ? st.checksum : (await facts.probe([`${algo}sum`, '--', dest])).stdout.split(/\s/)[0];
        if (have === want) return keep('file already exists');
        reason = `${algo} differs`;
      } else if (!args.force) return keep('file already exists');
      else {
        const f = await fetcher(facts, url, args);
        const r = await facts.probe(['sh', '-c', '"$@" | sha256sum', 'sh', ...f.toStdout]);
        const mine = await facts.stat(dest, { follow: true, checksum: 'sha256' });
        if (r.rc === 0 && r.stdout.split(/\s/)[0] === mine.checksum) return keep('file already exists');
        reason = 'content differs';
      }
    }
    const parent = posix.dirname(dest);
    const p = await facts.stat(parent, { follow: true });
    if (!p.exists || !p.isdir) throw taskFailed(`Destination dir ${parent} not writable`);
    const f = await fetcher(facts, url, args);
    const mode =
      resolveMode(args.mode, st.exists ? (parseOctal(st.mode) ?? NEW_FILE_MODE) : NEW_FILE_MODE, false) ??
      (st.exists ? parseOctal(st.mode)! : NEW_FILE_MODE);
    const own =
      args.owner !== undefined
        ? args.group !== undefined
          ? `${args.owner}:${args.group}`
          : args.owner
        : args.group !== undefined
          ? `:${args.group}`
          : '';
    const actions: Action[] = [];
    if (args.backup && st.exists) {
      result.backup_file = backupName(dest);
      actions.push(backupAction(dest, result.backup_file as string));
    }
    // the script on stdin keeps the command line (shown in errors) short
    actions.push({
      exec: ['sh', '-s', '--', dest, algo ?? '', want, octal(mode), own, ...f.toFile('@TMP@')],
      stdin: DOWNLOAD,
    });
    return { changes: [{ summary: `get_url: ${url} → ${dest} (${reason})`, actions, touches }], result };
  },
});
