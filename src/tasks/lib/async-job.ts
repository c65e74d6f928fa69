// Async jobs on a host with only POSIX sh (no Python): where a job writes its result, the sh texts that start
// one detached and read its file, and how that file is read back. The file is Ansible's (`~/.ansible_async/<jid>`
// of the user the job runs as, or `ansible_async_dir`), in Ansible's shape, so Ansible's async_status reads it
// too: `{"started": 1, "finished": 0, "ansible_job_id": ...}` while the job runs, then the command's result
// (changed, rc, stdout, stderr, cmd, start, end, delta, msg), or `{"msg": "Timeout exceeded", "failed": true}`
// when the time limit killed it. The texts are constants: every value reaches them as a positional argument,
// so no word is quoted here (the engine quotes the argv, core/shell-quote.ts).
import { randomInt } from 'node:crypto';
import type { Vars } from '../contract.js';

/** Ansible's default folder for job files (its `async_dir`). */
export const ASYNC_DIR = '~/.ansible_async';

/** A new job id in Ansible's form: `j<digits>.<digits>`. */
export function newJobId(): string {
  return `j${randomInt(0, 999_999_999_999)}.${process.pid}`;
}

/** $1 (the folder, `~` expanded from $HOME as the job's user sees it) and $2 (the job id) to the file `f`. */
const JOB_FILE = `d=$1; j=$2; case $d in '~') d=$HOME ;; '~/'*) d=$HOME/\${d#??} ;; esac; f=$d/$j`;

/** Prints a file as one JSON string: backslash, quote and control characters escaped, lines joined by \n. */
export const JSON_STRING_AWK = [
  'function r(s, a, b,   n, p, k, o) { n = split(s, p, a); o = p[1]; for (k = 2; k <= n; k++) o = o b p[k]; return o }',
  'BEGIN { printf "%s", "\\""; for (i = 1; i < 32; i++) if (i != 10) c[i] = sprintf("%c", i) }',
  '{ if (NR > 1) printf "%s", "\\\\n"; s = r($0, "\\\\", "\\\\\\\\"); s = r(s, "\\"", "\\\\\\"")',
  '  for (i in c) s = r(s, c[i], sprintf("\\\\u%04x", i)); printf "%s", s }',
  'END { printf "%s", "\\"" }',
].join('\n');

/** The job itself, detached: $1 its file, $2 the time limit (s), $3 `cmd` as JSON, $4 the awk program above,
 *  $5 1 when $6 is its stdin, then the argv. A watchdog kills it at the time limit, as Ansible's does, after
 *  leaving its mark (`$f.kill`): the job's shell, woken by the kill, finds the mark already there. */
export const JOB_SH = [
  'f=$1; n=$2; c=$3; a=$4; i=$5; x=$6; shift 6; o=$f.out; e=$f.err',
  "s=$(date '+%Y-%m-%d %H:%M:%S'); t=$(date +%s)",
  `if [ "$i" = 1 ]; then printf '%s' "$x" | "$@" >"$o" 2>"$e" & else "$@" </dev/null >"$o" 2>"$e" & fi`,
  'p=$!',
  `( trap 'kill $q 2>/dev/null; exit 0' TERM; sleep "$n" & q=$!; wait $q; : >"$f.kill";` +
    ` kill -9 "$p" 2>/dev/null ) </dev/null >/dev/null 2>&1 &`,
  'w=$!; wait "$p"; r=$?; kill "$w" 2>/dev/null',
  `if [ -e "$f.kill" ]; then printf '{"msg": "Timeout exceeded", "failed": true, "child_pid": %s}\\n' "$p" >"$f.tmp"`,
  "else E=$(date '+%Y-%m-%d %H:%M:%S'); T=$(( $(date +%s) - t )); {",
  `  printf '{"changed": true, "rc": %s, "cmd": %s, "start": "%s.000000", "end": "%s.000000", ' "$r" "$c" "$s" "$E"`,
  `  printf '"delta": "%d:%02d:%02d.000000", ' $((T / 3600)) $((T / 60 % 60)) $((T % 60))`,
  `  if [ "$r" = 0 ]; then printf '"msg": "", '; else printf '"failed": true, "msg": "non-zero return code", '; fi`,
  `  printf '"stdout": '; LC_ALL=C awk "$a" "$o"; printf ', "stderr": '; LC_ALL=C awk "$a" "$e"; printf '}\\n'`,
  '} >"$f.tmp"; fi',
  'mv -f "$f.tmp" "$f"; rm -f "$o" "$e" "$f.kill"',
].join('\n');

/** Starts a job and returns at once, printing its file: $1 the folder, $2 the job id, then JOB_SH's arguments
 *  after its file. The job has stdin from /dev/null (or its own), no terminal, its own session when `setsid` is
 *  there (else nohup): it outlives the connection and the run, as Ansible's does. */
export const START_SH = [
  JOB_FILE,
  `(umask 077; mkdir -p "$d") && printf '{"started": 1, "finished": 0, "ansible_job_id": "%s"}\\n' "$j" >"$f" ||` +
    ' exit 1',
  'shift 2; if command -v setsid >/dev/null 2>&1; then h=setsid; else h=nohup; fi',
  `$h sh -c "$JOB_SH" sh "$f" "$@" </dev/null >/dev/null 2>&1 &`,
  `printf '%s\\n' "$f"`,
].join('\n');

/** The argv that starts `argv` as job `jid`, in `dir`, killed after `limit` seconds. */
export function startArgv(o: {
  dir: string;
  jid: string;
  limit: number;
  cmd: unknown;
  argv: string[];
  stdin?: string | undefined;
}): string[] {
  const input = o.stdin === undefined ? ['0', ''] : ['1', o.stdin];
  return [
    'sh',
    '-c',
    `JOB_SH=$1; shift\n${START_SH}`,
    'sh',
    JOB_SH,
    o.dir,
    o.jid,
    String(o.limit),
    JSON.stringify(o.cmd ?? null),
    JSON_STRING_AWK,
    ...input,
    ...o.argv,
  ];
}

/** Reads job `$2` in folder `$1`: its file's path on the first line, then its content; rc 3 when there is none. */
export const READ_SH = `${JOB_FILE}\nprintf '%s\\n' "$f"; [ -e "$f" ] || exit 3; cat -- "$f"`;

export function readArgv(dir: string, jid: string): string[] {
  return ['sh', '-c', READ_SH, 'sh', dir, jid];
}

/** What async_status answers for what READ_SH printed (rc, output), as Ansible's async_status does: the job's
 *  result with `finished`/`ansible_job_id`, or that it runs; `failed` is the message when the task fails. */
export function jobStatus(jid: string, rc: number, out: string): { result: Vars; failed?: string; file: string } {
  const nl = out.indexOf('\n');
  const file = nl < 0 ? out : out.slice(0, nl);
  const text = nl < 0 ? '' : out.slice(nl + 1);
  if (rc === 3) return { file, failed: 'could not find job', result: { ansible_job_id: jid, started: 1, finished: 1 } };
  if (rc !== 0) return { file, failed: `could not read job file ${file}`, result: { ansible_job_id: jid } };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    if (text.trim() === '')
      return { file, result: { results_file: file, ansible_job_id: jid, started: 1, finished: 0 } };
    const msg = `Could not parse job output: ${text}`;
    return { file, failed: msg, result: { ansible_job_id: jid, results_file: file, started: 1, finished: 1 } };
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    const msg = `Could not parse job output: ${text}`;
    return { file, failed: msg, result: { ansible_job_id: jid, results_file: file, started: 1, finished: 1 } };
  }
  const result: Vars = { ...(data as Vars) };
  if (!('started' in result)) Object.assign(result, { finished: 1, ansible_job_id: jid });
  else if (!('finished' in result)) result.finished = 0;
  for (const k of ['stdout', 'stderr'] as const) {
    if (typeof result[k] === 'string' && !(`${k}_lines` in result))
      result[`${k}_lines`] = (result[k] as string).split(/\r\n|\r|\n/).filter((l, i, a) => i < a.length - 1 || l);
  }
  const failed = result.failed === true || result.failed === 1;
  return failed ? { file, failed: String(result.msg ?? 'failed'), result } : { file, result };
}
