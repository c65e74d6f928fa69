// Scripts kplay itself runs often (the host reader's stat, a module's probe) are defined once as shell
// functions in a host's long-lived shell (src/transport/shell-session.ts), which calls them in itself: a call
// forks only for the programs the script runs, not for a subshell or an `sh -c`. Modules register theirs here;
// transports ask whether an argv is a call of one.
import { createHash } from 'node:crypto';
import { quoteArgv } from './shell-quote.js';

/** The fields of a file's stat kplay reads (`stat -c`), one line: type, mode, uid, gid, owner, group, size,
 *  mtime, links. exec/host-stat.ts parses them; a transport's write prints them for the file it wrote. */
export const STAT_FIELDS = '%F|%a|%u|%g|%U|%G|%s|%Y|%h';

const functions = new Map<string, { name: string; subshell: boolean }>();

/** Registers `script` (run as `sh -c script $0 args...`): a long-lived shell may define it as a function. Only
 *  scripts of kplay's own, known to parse, are registered: a syntax error would end the shell that reads it.
 *  `subshell`: the function's body runs in a subshell (one fork, no exec), for a script that exports, cds or
 *  defines functions of its own. */
export function shellFunction(script: string, o: { subshell?: boolean } = {}): string {
  const name = `kplay_${createHash('sha256').update(script).digest('hex').slice(0, 16)}`;
  functions.set(script, { name, subshell: o.subshell === true });
  return script;
}

export interface FunctionCall {
  name: string;
  definition: string;
  line: string;
}

/** The options that change how argv runs (a cwd, an environment, a shell, a host-side timeout). */
type LineOptions = { shell?: unknown; cwd?: unknown; env?: unknown; remoteTimeoutSec?: unknown };

/** argv as a call of a registered function (its name, its definition and the call's line), when it is one and
 *  runs with none of those options. */
export function functionCall(argv: string[], o: LineOptions = {}): FunctionCall | undefined {
  if (argv[0] !== 'sh' || argv[1] !== '-c' || o.shell || o.cwd || o.env || o.remoteTimeoutSec) return undefined;
  const f = functions.get(argv[2] ?? '');
  if (!f) return undefined;
  const [open, close] = f.subshell ? ['(', ')'] : ['{', '}'];
  const definition = `${f.name}() ${open}\n${asFunctionBody(argv[2]!)}\n${close}`;
  return { name: f.name, definition, line: quoteArgv([f.name, ...argv.slice(4)]) };
}

/** The script as a function's body: its `exit N` become `return N`. A long-lived shell calls the function in
 *  itself, not in a subshell (a fork less per call), so the script must neither exit nor `cd`; a registered
 *  script only sets variables of its own (they stay set in that shell, and no command line reads them). */
function asFunctionBody(script: string): string {
  return script.replace(/\bexit( \d+)?(?=\s|;|$)/g, 'return$1');
}
