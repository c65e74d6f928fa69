// uri       curl on the host (the host must have curl). GET and HEAD are read-only probes: never a change;
//           result `status`, `url`, `content_type`, headers (lower-cased, `-` → `_`), `content`
//           (return_content=yes), `json` (a JSON response), `redirected`, `elapsed`. A status not in
//           status_code fails the task. Other methods are changes (like command: not idempotent unless
//           changed_when / creates / removes say so; skipped in check mode); their result carries the body
//           in `stdout` (the engine hands a run's output only as rc/stdout/stderr). A GET with `dest` saves the
//           body there when it differs from the file's (uri-dest.ts).
import { z } from 'zod';
import type { FactReader, Plan, Vars } from '../contract.js';
import { contentBytes, pyJson } from '../lib/py-values.js';
import { argFailed, taskFailed } from '../lib/fsattrs.js';
import { abool, aint, alist, astr, choice, defineTask, apath } from '../lib/schema.js';
import { planDownload } from './uri-dest.js';

const SEP = '\n--kplay-uri-3f9c2a--';

export interface CurlOut {
  body: string;
  info: Record<string, unknown>;
  headers: Record<string, string[]>;
}

/** Split curl's stdout (body, then the -w write-out we asked for). */
export function parseCurlOut(stdout: string): CurlOut | undefined {
  const a = stdout.lastIndexOf(SEP);
  const b = a < 0 ? -1 : stdout.lastIndexOf(SEP, a - 1);
  if (a < 0 || b < 0) return undefined;
  try {
    const info = JSON.parse(stdout.slice(b + SEP.length, a)) as Record<string, unknown>;
    const headers = JSON.parse(stdout.slice(a + SEP.length)) as Record<string, string[]>;
    return { body: stdout.slice(0, b), info, headers };
  } catch {
    return undefined;
  }
}

/** The body as a string and the content type it implies (Ansible: json → application/json, form → urlencoded). */
export function requestBody(
  body: unknown,
  format: 'raw' | 'json' | 'form-urlencoded',
): { data: string; type?: string } | undefined {
  if (body === undefined || body === null) return undefined;
  if (format === 'json') return { data: typeof body === 'string' ? body : pyJson(body), type: 'application/json' };
  if (format === 'form-urlencoded') {
    if (typeof body === 'string') return { data: body, type: 'application/x-www-form-urlencoded' };
    const entries = Array.isArray(body) ? (body as [string, unknown][]) : Object.entries(body as Vars);
    return {
      data: new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString(),
      type: 'application/x-www-form-urlencoded',
    };
  }
  return { data: contentBytes(body).toString() };
}

/** The result fields for a response, as Ansible's uri returns them. */
export function uriResult(out: CurlOut, url: string, returnContent: boolean): Vars {
  const status = Number(out.info.http_code ?? out.info.response_code ?? 0);
  const r: Vars = {
    url: String(out.info.url_effective ?? url),
    status: status === 0 ? -1 : status,
    redirected: Number(out.info.num_redirects ?? 0) > 0,
  };
  r.elapsed = Math.round(Number(out.info.time_total ?? 0));
  for (const [k, v] of Object.entries(out.headers)) r[k.toLowerCase().replace(/-/g, '_')] = v.join(', ');
  const ct = typeof r.content_type === 'string' ? r.content_type : '';
  r.cookies = {};
  r.cookies_string = '';
  r.msg =
    status === 0
      ? `Request failed: ${String(out.info.errormsg ?? 'connection failed')}`
      : `OK (${Buffer.byteLength(out.body)} bytes)`;
  if (returnContent) r.content = out.body;
  if (/json/i.test(ct) || (returnContent && /^\s*[[{]/.test(out.body) && ct === '')) {
    try {
      r.json = JSON.parse(out.body);
    } catch {
      /* not JSON after all */
    }
  }
  return r;
}

async function hasCurl(facts: FactReader): Promise<void> {
  const r = await facts.probe(['sh', '-c', 'command -v curl']);
  if (r.rc !== 0) throw taskFailed('uri: curl is needed on the host (e.g. `apt: name=curl`)');
}

// After a non-GET request: the body to stdout, a failure when the status is not accepted.
const SEND = `
codes=$1; shift
out=$("$@" -w '\n--kplay-status--%{http_code}'); rc=$?
code=\${out##*--kplay-status--}; body=\${out%--kplay-status--*}
printf '%s' "\${body%?}"
for c in $codes; do [ "$c" = "$code" ] && exit 0; done
[ "$code" = 000 ] && code=-1
echo "Status code was $code and not [$(echo $codes | sed 's/ /, /g')]: curl exit $rc" >&2
exit 1
`;

export const uri = defineTask({
  name: 'uri',
  description:
    'Make an HTTP request from the host (curl there): ' +
    'GET/HEAD read without changing anything; other methods are changes.',
  converges: false,
  args: {
    url: astr(),
    method: astr().default('GET'),
    body: z.unknown(),
    body_format: choice(['raw', 'json', 'form-urlencoded']).default('raw'),
    headers: z.record(z.string(), z.unknown()).default({}),
    status_code: alist(aint()).default([200]),
    return_content: abool().default(false),
    validate_certs: abool().default(true),
    ca_path: apath(),
    client_cert: apath(),
    client_key: apath(),
    timeout: aint().default(30),
    url_username: astr(),
    url_password: astr(),
    force_basic_auth: abool().default(false),
    follow_redirects: astr().default('safe'),
    creates: apath(),
    removes: apath(),
    unix_socket: apath(),
    use_proxy: abool().default(true),
    http_agent: astr().default('ansible-httpget'),
    dest: apath(),
  },
  argAliases: { user: 'url_username', password: 'url_password' },
  required: ['url'],
  returns: {
    status: 'HTTP status (-1: no response)',
    content: 'the body (return_content=yes)',
    json: 'the body decoded (a JSON response)',
    url: 'the final URL',
    msg: 'OK (N bytes) or the error',
  },
  example:
    '- uri:\n    url: https://{{ inventory_hostname }}:6443/healthz\n    validate_certs: no\n' +
    '    return_content: yes\n  register: h\n  until: h.status == 200\n  retries: 10',
  async plan(args, _host, facts): Promise<Plan> {
    const url = args.url!;
    const method = args.method.toUpperCase();
    if (args.creates !== undefined && (await facts.stat(args.creates, { follow: false })).exists) {
      return { changes: [], result: { msg: `skipped, since ${args.creates} exists`, url, status: -1 } };
    }
    if (args.removes !== undefined && !(await facts.stat(args.removes, { follow: false })).exists) {
      return { changes: [], result: { msg: `skipped, since ${args.removes} does not exist`, url, status: -1 } };
    }
    await hasCurl(facts);
    const body = requestBody(args.body, args.body_format);
    const headers: Record<string, string> = {};
    if (body?.type && !Object.keys(args.headers).some((k) => k.toLowerCase() === 'content-type'))
      headers['Content-Type'] = body.type;
    for (const [k, v] of Object.entries(args.headers)) headers[k] = String(v);
    const follow =
      ['all', 'yes', 'true'].includes(args.follow_redirects) ||
      (['safe', 'urllib2'].includes(args.follow_redirects) && (method === 'GET' || method === 'HEAD'));
    const read = method === 'GET' || method === 'HEAD';
    const argv = [
      'curl',
      '-sS',
      ...(method === 'HEAD' ? ['-I'] : ['-X', method]),
      '--max-time',
      String(args.timeout),
      ...(follow ? ['-L'] : []),
      ...(args.validate_certs ? [] : ['-k']),
      ...(args.ca_path ? ['--cacert', args.ca_path] : []),
      ...(args.client_cert ? ['--cert', args.client_cert] : []),
      ...(args.client_key ? ['--key', args.client_key] : []),
      ...(args.unix_socket ? ['--unix-socket', args.unix_socket] : []),
      ...(args.use_proxy ? [] : ['--noproxy', '*']),
      '-A',
      args.http_agent,
      ...(args.url_username !== undefined
        ? ['-u', `${args.url_username}:${args.url_password ?? ''}`, ...(args.force_basic_auth ? ['--basic'] : [])]
        : []),
      ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]),
    ];
    if (read && args.dest !== undefined)
      return planDownload(facts, args.dest, [...argv, '--url', url], args.status_code, url);
    if (read) {
      const out = await facts.probe(
        [
          'sh',
          '-c',
          'exec "$@"',
          'uri',
          ...argv,
          ...(body ? ['--data-raw', body.data] : []),
          '-o',
          '-',
          '-w',
          `${SEP}%{json}${SEP}%{header_json}`,
          '--url',
          url,
        ],
        { fresh: true },
      );
      const parsed = parseCurlOut(out.stdout);
      if (!parsed) throw taskFailed(`uri: curl failed (rc=${out.rc}): ${out.stderr.trim()}`);
      const result = uriResult(parsed, url, args.return_content);
      if (!args.status_code.includes(result.status as number)) {
        const why = result.status === -1 ? result.msg : `HTTP Error ${String(result.status)}`;
        // the result goes with the failure, as Ansible's: `until: r.status == 200` reads it
        throw argFailed(
          'status_code',
          `Status code was ${String(result.status)} and not [${args.status_code.join(', ')}]: ${String(why)}`,
          result,
        );
      }
      return { changes: [], result };
    }
    const send = [
      'sh',
      '-c',
      SEND,
      'sh',
      args.status_code.join(' '),
      ...argv,
      ...(body ? ['--data-binary', '@-'] : []),
      '-o',
      '-',
      '--url',
      url,
    ];
    const touches = [args.creates, args.removes].filter((p): p is string => p !== undefined).map((p) => `file:${p}`);
    return {
      changes: [{ summary: `uri: ${method} ${url}`, actions: [{ exec: send, stdin: body?.data }], touches }],
      result: { url },
    };
  },
});
