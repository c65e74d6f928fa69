// wait_for  a read-only probe: one bash loop on the host (bash's /dev/tcp for ports, test -e and grep for
//           paths) that ends when the condition holds (result `elapsed`, `state`, `port`/`path`) or fails with
//           Ansible's "Timeout when waiting for ..." message. States: started/present (port open / file there,
//           with search_regex: the file or what the port sends matches), stopped (port closed), absent (file
//           gone, or port closed), drained (no active connection to the port: /proc/net/tcp and tcp6 read as
//           Ansible reads them on Linux; `host` an IP address or localhost). In check mode the
//           condition is tested once, without waiting (what an earlier, not-applied change would bring cannot
//           be seen); a condition not met yet is reported in `msg`, not as a failure. A file matched by
//           search_regex gives the match's groups (`match_groups`, `match_groupdict`), as Ansible's.
import { isIPv4, isIPv6 } from 'node:net';
import type { Plan, Vars } from '../contract.js';
import { pyRegExp } from '../../core/py-regex.js';
import { taskFailed } from '../lib/fsattrs.js';
import { aint, alist, astr, choice, defineTask, apath } from '../lib/schema.js';

const WAIT =
  `
host=$1 port=$2 path=$3 state=$4 timeout=$5 delay=$6 pause=$7 regex=$8 ctimeout=$9 ips=\${10} states=\${11} ex=\${12}
start=$(date +%s)
[ "$delay" -gt 0 ] && sleep "$delay"
conn() { timeout "$ctimeout" bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$port" 2>/dev/null; }
reads() { timeout "$ctimeout" bash -c 'exec 3<>"/dev/tcp/$0/$1"; timeout 1 cat <&3' "$host" "$port" 2>/dev/null; }
matches() { grep -Pq -- "$regex" "$@" 2>/dev/null; r=$?; ` +
  `[ $r -eq 2 ] && { grep -Eq -- "$regex" "$@"; r=$?; }; return $r; }
active() { awk -v p="$port" -v ips=" $ips " -v st=" $states " -v ex=" $ex " '
  FNR > 1 { f = FILENAME ~ /6$/ ? 6 : 4; split($2, l, ":"); split($3, r, ":")
    if (l[2] != sprintf("%04X", p) || !index(st, " " $4 " ") || index(ex, " " f ":" r[1] " ")) next
    if (index(ips, " " f ":" l[1] " ") || index(ips, " " f ":" (f == 4 ? "00000000" : ALL6) " ") ||
        (f == 6 && substr(l[1], 1, 24) == "0000000000000000FFFF0000" && index(ips, " 6:" MAPPED " "))) n++ }
  END { exit n ? 0 : 1 }' ALL6=00000000000000000000000000000000 MAPPED=0000000000000000FFFF000000000000 \
  /proc/net/tcp /proc/net/tcp6 2>/dev/null; }
done_() { echo "OK $(( $(date +%s) - start ))"; [ -n "$path" ] && [ -n "$regex" ] && base64 -w0 "$path"; exit 0; }
while :; do
  case $state in
    started|present)
      if [ -n "$path" ]; then
        if [ -e "$path" ]; then
          if [ -z "$regex" ]; then done_; fi
          if [ -r "$path" ] && matches "$path"; then done_; fi
        fi
      elif [ -n "$regex" ]; then data=$(reads); printf '%s' "$data" | matches && done_
      else conn && done_; fi;;
    stopped) conn || done_;;
    absent)
      if [ -n "$path" ]; then [ -e "$path" ] || done_
      else conn || done_; fi;;
    drained) active || done_;;
  esac
  [ $(( $(date +%s) - start )) -ge "$timeout" ] && { echo "TIMEOUT $(( $(date +%s) - start ))"; exit 1; }
  sleep "$pause"
done
`;

/** The groups of search_regex's first match in the file (Python's `re`, multi-line), as Ansible returns them. */
function matchOf(regex: string, b64: string): Vars {
  let m: RegExpExecArray | null = null;
  try {
    m = pyRegExp(regex, 'm').exec(Buffer.from(b64, 'base64').toString('utf8'));
  } catch {
    return {};
  }
  if (!m) return {};
  return { match_groups: m.slice(1).map((g) => g ?? null), match_groupdict: { ...(m.groups ?? {}) } };
}

/** Connection states as /proc/net/tcp numbers them. */
const TCP_STATES: Record<string, string> = {
  ESTABLISHED: '01',
  SYN_SENT: '02',
  SYN_RECV: '03',
  FIN_WAIT1: '04',
  FIN_WAIT2: '05',
  TIME_WAIT: '06',
};
const ACTIVE = ['ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2', 'SYN_RECV', 'SYN_SENT', 'TIME_WAIT'];

/** An address as /proc/net/tcp{,6} writes it ('4:0100007F'): each 4-byte word's bytes in host (little-endian)
 *  order; an IPv4 address also as its IPv4-mapped IPv6 form, as Ansible matches it. `localhost` is 127.0.0.1
 *  and ::1; another name is refused (the host resolves names, kplay does not ask it). */
export function procAddresses(host: string): string[] {
  if (host === 'localhost') return [...procAddresses('127.0.0.1'), ...procAddresses('::1')];
  const hex = (bytes: number[]) =>
    bytes
      .map((_, i) => bytes[(i & ~3) + 3 - (i & 3)]!.toString(16).padStart(2, '0'))
      .join('')
      .toUpperCase();
  if (isIPv4(host)) {
    const b = host.split('.').map(Number);
    return [`4:${hex(b)}`, `6:${hex([...Array(10).fill(0), 255, 255, ...b])}`];
  }
  if (isIPv6(host)) {
    const [head, tail = ''] = host.split('::');
    const words = (s: string) => (s ? s.split(':') : []);
    const h = words(head!);
    const t = words(host.includes('::') ? tail : '');
    const all = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t].map((w) => Number.parseInt(w, 16));
    return [`6:${hex(all.flatMap((w) => [w >> 8, w & 255]))}`];
  }
  throw taskFailed(`wait_for: state=drained needs host to be an IP address or localhost, got ${host}`);
}

/** The drained probe's arguments: the host's addresses, the states counted, the remote addresses left out. */
function drainArgs(a: {
  host: string;
  active_connection_states?: string[] | undefined;
  exclude_hosts?: string[] | undefined;
}) {
  const states = (a.active_connection_states ?? ACTIVE).map((s) => {
    const id = TCP_STATES[s];
    if (id === undefined) throw taskFailed(`unknown active_connection_state (${s}) defined`);
    return id;
  });
  return [procAddresses(a.host).join(' '), states.join(' '), (a.exclude_hosts ?? []).flatMap(procAddresses).join(' ')];
}

export const wait_for = defineTask({
  name: 'wait_for',
  description: 'Wait (on the host) until a port is open or closed, or a file is there (with a regexp) or gone.',
  args: {
    host: astr().default('127.0.0.1'),
    port: aint(),
    path: apath(),
    state: choice(['started', 'stopped', 'present', 'absent', 'drained']).default('started'),
    timeout: aint().default(300),
    delay: aint().default(0),
    sleep: aint().default(1),
    connect_timeout: aint().default(5),
    search_regex: astr(),
    msg: astr(),
    active_connection_states: alist(astr()),
    exclude_hosts: alist(astr()),
  },
  mutuallyExclusive: [['port', 'path']],
  returns: {
    elapsed: 'seconds waited',
    state: 'the state waited for',
    port: 'the port',
    path: 'the path',
    search_regex: 'the regexp',
    match_groups: "search_regex's groups in the file (a list)",
    match_groupdict: "search_regex's named groups in the file",
  },
  example: '- wait_for: host={{ inventory_hostname }} port=6443 timeout=60',
  async plan(args, host, facts): Promise<Plan> {
    if (args.state === 'drained' && args.path !== undefined)
      throw taskFailed('state=drained should only be used for checking a port in the wait_for module');
    if (args.exclude_hosts !== undefined && args.state !== 'drained')
      throw taskFailed('exclude_hosts should only be with state=drained');
    const drain = args.state === 'drained' ? drainArgs(args) : ['', '', ''];
    if (args.port === undefined && args.path === undefined && args.state !== 'started' && args.state !== 'stopped') {
      throw taskFailed(`wait_for: state=${args.state} needs a path or a port`);
    }
    const result: Vars = { state: args.state, match_groups: [], match_groupdict: {} };
    if (args.port !== undefined) result.port = args.port;
    if (args.path !== undefined) result.path = args.path;
    if (args.search_regex !== undefined) result.search_regex = args.search_regex;
    if (args.port === undefined && args.path === undefined) {
      // Ansible's plain `wait_for: timeout=N` is a sleep
      if (!host.check) await facts.wait(args.timeout + args.delay);
      return { changes: [], result: { ...result, elapsed: host.check ? 0 : args.timeout + args.delay } };
    }
    const timeout = host.check ? 0 : args.timeout;
    const delay = host.check ? 0 : args.delay;
    const r = await facts.probe(
      [
        'bash',
        '-c',
        WAIT,
        'wait_for',
        args.host,
        String(args.port ?? ''),
        args.path ?? '',
        args.state,
        String(timeout),
        String(delay),
        String(Math.max(args.sleep, 1)),
        args.search_regex ?? '',
        String(args.connect_timeout),
        ...drain,
      ],
      { fresh: true },
    );
    const m = /^(OK|TIMEOUT) (\d+)/m.exec(r.stdout);
    if (!m) throw taskFailed(`wait_for: the probe failed (rc=${r.rc}): ${r.stderr.trim() || r.stdout.trim()}`);
    result.elapsed = Number(m[2]);
    if (m[1] === 'OK') {
      if (args.path !== undefined && args.search_regex !== undefined)
        Object.assign(result, matchOf(args.search_regex, r.stdout.slice(m.index + m[0].length).trim()));
      return { changes: [], result };
    }
    const what = args.path !== undefined ? args.path : `${args.host}:${args.port}`;
    const msg =
      args.msg ??
      (args.search_regex !== undefined && args.state !== 'stopped' && args.state !== 'absent'
        ? `Timeout when waiting for search string ${args.search_regex} in ${what}`
        : args.state === 'drained'
          ? `Timeout when waiting for ${what} to drain`
          : args.state === 'stopped' || args.state === 'absent'
            ? `Timeout when waiting for ${what} to ${args.path !== undefined ? 'be absent' : 'stop'}.`
            : args.path !== undefined
              ? `Timeout when waiting for file ${what}`
              : `Timeout when waiting for ${what}`);
    if (host.check)
      return {
        changes: [],
        result: {
          ...result,
          msg:
            `check mode: not so now (${msg.replace(/^Timeout when waiting for /, 'waiting for ')}); ` +
            `a real run waits up to ${args.timeout}s`,
        },
      };
    // as Ansible's: the failed result still says how long it waited
    return { changes: [], result: { elapsed: result.elapsed }, failed: msg };
  },
});
