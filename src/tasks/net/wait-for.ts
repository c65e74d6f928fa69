// wait_for  a read-only probe: one bash loop on the host (bash's /dev/tcp for ports, test -e and grep for
//           paths) that ends when the condition holds (result `elapsed`, `state`, `port`/`path`) or fails with
//           Ansible's "Timeout when waiting for ..." message. States: started/present (port open / file there,
//           with search_regex: the file or what the port sends matches), stopped (port closed), absent (file
//           gone, or port closed). drained needs active-connection counting: not supported. In check mode the
//           condition is tested once, without waiting (what an earlier, not-applied change would bring cannot
//           be seen); a condition not met yet is reported in `msg`, not as a failure. A file matched by
//           search_regex gives the match's groups (`match_groups`, `match_groupdict`), as Ansible's.
import type { Plan, Vars } from '../contract.js';
import { pyRegExp } from '../../core/py-regex.js';
import { taskFailed } from '../lib/fsattrs.js';
import { aint, alist, astr, choice, defineTask, apath } from '../lib/schema.js';

const WAIT =
  `
host=$1 port=$2 path=$3 state=$4 timeout=$5 delay=$6 pause=$7 regex=$8 ctimeout=$9
start=$(date +%s)
[ "$delay" -gt 0 ] && sleep "$delay"
conn() { timeout "$ctimeout" bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$port" 2>/dev/null; }
reads() { timeout "$ctimeout" bash -c 'exec 3<>"/dev/tcp/$0/$1"; timeout 1 cat <&3' "$host" "$port" 2>/dev/null; }
matches() { grep -Pq -- "$regex" "$@" 2>/dev/null; r=$?; ` +
  `[ $r -eq 2 ] && { grep -Eq -- "$regex" "$@"; r=$?; }; return $r; }
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
    if (args.state === 'drained') throw taskFailed('wait_for: state=drained is not supported');
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
