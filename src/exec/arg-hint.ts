// A failure that a module argument decides names what the user can change: when the task sets that argument
// from variables (`ignoreerrors: "{{ prepare_sysctl_ignoreerrors | bool }}"`), the hint names those variables
// (a site sets them in group_vars, host_vars or -e) and where the task takes them, not only the argument.
import { KplayError } from '../core/errors.js';
import type { Task } from '../core/types.js';
import { templateVariables } from '../template/template.js';

/** Variables a site does not set: the loop's, the run's own and the hosts' facts. */
const NOT_SITE =
  /^(item|omit|inventory_hostname(_short)?|hostvars|groups|group_names|play_hosts|ansible_\w+|lookup|query|q|range)$/;

export function withArgHint(e: KplayError, t: Task): KplayError {
  if (!e.arg) return e;
  const value = t.args[e.arg];
  if (typeof value !== 'string') return e;
  const names = templateVariables(value).filter((v) => !NOT_SITE.test(v));
  if (names.length === 0) return e;
  const loc = t.argLocs(e.arg);
  const same = loc && e.loc && loc.file === e.loc.file && loc.line === e.loc.line && loc.col === e.loc.col;
  const where = loc && !same ? ` at ${loc.file}:${loc.line}:${loc.col}` : '';
  const vars = names.map((n) => `'${n}'`).join(', ');
  const own =
    `${e.arg} is '${value}'${where}: set ${vars} for this host (the site's group_vars or host_vars, or -e) ` +
    'to change it';
  return new KplayError(e.message, {
    code: e.code,
    loc: e.loc,
    host: e.host,
    task: e.task,
    hint: e.hint ? `${e.hint}; ${own}` : own,
    arg: e.arg,
    result: e.result,
  });
}
