// command and shell: run a program on the host. Not idempotent (`converges: false`) unless creates/removes
// (or changed_when, in the engine) say so. The plan is one change, "run: <cmd>", holding the exec action;
// rc/stdout/stderr come from the engine. `creates` skips when the path exists, `removes` when it does not
// (relative to chdir, glob patterns allowed). `command` splits a free-form line like a POSIX shell would
// (quotes, backslashes) but runs no shell: no pipes, redirects or globbing. As in Ansible, `$VAR`/`${VAR}`
// and a leading `~` in its arguments are expanded from the host's environment (ansible_env) unless
// expand_argument_vars=false; unknown variables are left as they are. `shell` runs the argv
// [`/bin/sh` (or `executable`), `-c`, line].
import { posix } from 'node:path';
import { z } from 'zod';
import type { Action, FactReader, Plan } from './contract.js';
import { taskFailed } from './lib/fsattrs.js';
import { abool, astr, defineTask, apath } from './lib/schema.js';
import { splitCommand } from './lib/split-command.js';

/** Python's os.path.expanduser(os.path.expandvars(s)) against an environment. */
export function expandVars(s: string, env: Record<string, string>): string {
  let out = s.replace(/\$(\w+|\{[^}]*\})/g, (all, name: string) => {
    const n = name.startsWith('{') ? name.slice(1, -1) : name;
    return Object.hasOwn(env, n) ? env[n]! : all;
  });
  if ((out === '~' || out.startsWith('~/')) && env.HOME !== undefined)
    out = env.HOME.replace(/\/+$/, '') + out.slice(1) || '/';
  return out;
}

const needsExpansion = (s: string) => s.includes('$') || s.startsWith('~');

async function hostEnv(facts: FactReader): Promise<Record<string, string>> {
  const env = (await facts.facts()).ansible_env;
  return env && typeof env === 'object' ? (env as Record<string, string>) : {};
}

const GLOB = /[*?[]/;

/** Does a path (or any path a glob matches) exist on the host? */
async function exists(facts: FactReader, path: string): Promise<boolean> {
  if (!GLOB.test(path)) return (await facts.stat(path, { follow: false })).exists;
  const dir = posix.dirname(path);
  // The pattern is passed to the shell unquoted on purpose (it must expand), the rest quoted.
  const script =
    `for p in ${path.replace(/([^A-Za-z0-9_\-./*?[\]!])/g, '\\$1')}; ` +
    `do [ -e "$p" ] || [ -L "$p" ] && exit 0; done; exit 1`;
  await facts.stat(GLOB.test(dir) ? '/' : dir, { follow: true }); // recorded as read, for check mode
  return (await facts.probe(['sh', '-c', script])).rc === 0;
}

/** What a command that cannot start reports (no command, or both a command line and argv), as Ansible's does. */
const notRun = (msg: string) => ({
  msg,
  rc: 256,
  cmd: null,
  stdout: '',
  stderr: '',
  stdout_lines: [],
  stderr_lines: [],
  start: null,
  end: null,
  delta: null,
});
const NO_COMMAND = 'no command given';
const NOT_BOTH = 'only command or argv can be given, not both';

interface Common {
  chdir?: string | undefined;
  creates?: string | undefined;
  removes?: string | undefined;
  stdin?: string | undefined;
  stdin_add_newline: boolean;
  strip_empty_ends: boolean;
}

async function planRun(
  a: Common,
  argv: string[],
  shown: string,
  cmd: unknown,
  facts: FactReader,
  expand: boolean,
): Promise<Plan> {
  const env =
    expand && [a.chdir, a.creates, a.removes].some((p) => p !== undefined && needsExpansion(p))
      ? await hostEnv(facts)
      : undefined;
  const path = (p: string) => (env ? expandVars(p, env) : p);
  const chdir = a.chdir === undefined ? undefined : path(a.chdir);
  const abs = (p: string) => (chdir === undefined ? p : posix.resolve(chdir, p));
  const skipped = (msg: string): Plan => ({
    changes: [],
    result: { msg, rc: 0, stdout: '', stderr: '', stdout_lines: [], stderr_lines: [], cmd },
  });
  if (chdir !== undefined) {
    const dir = await facts.stat(chdir, { follow: true });
    if (!dir.isdir) {
      const why = dir.exists ? 'not a directory' : 'no such directory';
      const msg = `Unable to change directory before execution: ${why}: ${chdir}`;
      throw taskFailed(msg, { ...notRun(msg), cmd, rc: null });
    }
  }
  const touches: string[] = [];
  if (a.creates !== undefined) {
    const p = abs(path(a.creates));
    if (await exists(facts, p)) return skipped(`Did not run command since '${p}' exists`);
    touches.push(`file:${p}`);
  }
  if (a.removes !== undefined) {
    const p = abs(path(a.removes));
    if (!(await exists(facts, p))) return skipped(`Did not run command since '${p}' does not exist`);
    touches.push(`file:${p}`);
  }
  const stdin = a.stdin === undefined ? undefined : a.stdin_add_newline ? `${a.stdin}\n` : a.stdin;
  const action: Action = { exec: argv, stdin, cwd: chdir, ...(a.strip_empty_ends ? {} : { keepEnds: true }) };
  // check mode: Ansible skips a command, but reports it changed when creates/removes would let it run
  const msg = 'Command would have run if not in check mode';
  const checkResult = touches.length ? { changed: true, msg } : { skipped: true, changed: false, msg };
  return { changes: [{ summary: `run: ${shown}`, actions: [action], touches }], result: { cmd, msg: '' }, checkResult };
}

// the options a command line may carry (`creates=/x echo hi`), as in Ansible; other words with a `=` are the command's
const LINE_KEYS = ['chdir', 'creates', 'removes', 'executable', 'stdin', 'stdin_add_newline', 'strip_empty_ends'];

const common = {
  _raw_params: astr(),
  cmd: astr(),
  chdir: apath(),
  creates: apath(),
  removes: apath(),
  stdin: astr(),
  stdin_add_newline: abool().default(true),
  strip_empty_ends: abool().default(true),
};

export const command = defineTask({
  name: 'command',
  description: 'Run a program with arguments on the host, without a shell (no pipes, redirects or globbing).',
  freeForm: true,
  freeFormKeys: LINE_KEYS,
  converges: false,
  // `executable` is accepted and not used, with a warning, as Ansible 2.14 does: command runs no shell
  args: { ...common, argv: z.array(astr()), expand_argument_vars: abool().default(true), executable: apath() },
  requiredOneOf: [['_raw_params', 'cmd', 'argv']],
  mutuallyExclusive: [
    ['_raw_params', 'cmd'],
    ['_raw_params', 'argv'],
    ['cmd', 'argv'],
  ],
  groupFailures: {
    requiredOneOf: { '_raw_params,cmd,argv': notRun(NO_COMMAND) },
    mutuallyExclusive: { '_raw_params,argv': notRun(NOT_BOTH), 'cmd,argv': notRun(NOT_BOTH) },
  },
  returns: {
    rc: 'exit code',
    stdout: 'standard output',
    stderr: 'standard error',
    stdout_lines: 'stdout split in lines',
    cmd: 'the argv run',
  },
  example: '- command: /usr/bin/etcdctl endpoint health\n  changed_when: false',
  async plan(args, _host, facts) {
    let argv = args.argv ?? splitCommand(args._raw_params ?? args.cmd ?? '');
    if (argv.length === 0 || argv[0] === '') throw taskFailed(NO_COMMAND, notRun(NO_COMMAND));
    if (args.expand_argument_vars && argv.some(needsExpansion)) {
      const env = await hostEnv(facts);
      argv = argv.map((w) => expandVars(w, env));
    }
    const plan = await planRun(args, argv, argv.join(' '), argv, facts, args.expand_argument_vars);
    if (args.executable === undefined) return plan;
    const warning =
      `executable is no longer supported by command, which runs no shell: ` +
      `'${args.executable}' is not used (use shell)`;
    return { ...plan, result: { ...plan.result, warnings: [warning] } };
  },
});

export const shell = defineTask({
  name: 'shell',
  description: 'Run a command line through /bin/sh on the host (pipes and redirects allowed).',
  freeForm: 'script',
  freeFormKeys: LINE_KEYS,
  converges: false,
  args: { ...common, executable: apath() },
  requiredOneOf: [['_raw_params', 'cmd']],
  mutuallyExclusive: [['_raw_params', 'cmd']],
  groupFailures: { requiredOneOf: { '_raw_params,cmd': notRun(NO_COMMAND) } },
  returns: command.returns!,
  example: '- shell: swapoff -a && sed -i "/ swap / s/^/#/" /etc/fstab',
  async plan(args, _host, facts) {
    const line = args._raw_params ?? args.cmd ?? '';
    if (line.trim() === '') throw taskFailed(NO_COMMAND, notRun(NO_COMMAND));
    // The shell is in the argv itself, so no `shell: true`: the transport would wrap the joined argv in
    // another `sh -c` (that flag means "argv is one script"), losing the quoting of `line`.
    return planRun(args, [args.executable ?? '/bin/sh', '-c', line], line, line, facts, true);
  },
});
