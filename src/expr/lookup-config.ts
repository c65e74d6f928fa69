// lookup('config', 'NAME', on_missing=..., plugin_type=..., plugin_name=...): Ansible's configuration settings.
// kplay has no ansible.cfg: it answers the few plugin settings that come from a host's variables (the ssh
// connection's remote_user and port, the sh shell's remote_tmp), as Ansible does; any other setting is one it
// cannot find (`on_missing`: error, warn or skip).
import { FilterError, type KwArgs } from './filters-base.js';
import { pyType } from './py-format.js';
import { scopeGet, toText } from '../core/value-utils.js';

export const CONFIG_OPTIONS = ['on_missing', 'plugin_type', 'plugin_name'];

/** The variables each plugin setting is read from, first found wins, and its default. */
const PLUGIN_SETTINGS: Record<string, Record<string, { vars: string[]; dflt?: unknown }>> = {
  'connection:ssh': {
    remote_user: { vars: ['ansible_ssh_user', 'ansible_user'] },
    port: { vars: ['ansible_ssh_port', 'ansible_port'] },
    host: { vars: ['ansible_ssh_host', 'ansible_host'] },
  },
  'shell:sh': { remote_tmp: { vars: ['ansible_remote_tmp'], dflt: '~/.ansible/tmp' } },
};

/** A port or other number given as text is read as Ansible's typed setting: an integer. */
const typed = (name: string, v: unknown): unknown =>
  name === 'port' && typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;

export function configLookup(terms: unknown[], o: KwArgs, scope: object): unknown[] {
  const missing = o.on_missing === undefined ? 'error' : toText(o.on_missing);
  if (!['error', 'warn', 'skip'].includes(missing))
    throw new FilterError(`Invalid value "${missing}" for option "on_missing", valid values are: error, warn, skip`);
  const ptype = o.plugin_type === undefined ? undefined : toText(o.plugin_type);
  const pname = o.plugin_name === undefined ? undefined : toText(o.plugin_name);
  if ((ptype === undefined) !== (pname === undefined))
    throw new FilterError('Both plugin_type and plugin_name are required, cannot use one without the other');
  const out: unknown[] = [];
  for (const term of terms) {
    if (typeof term !== 'string')
      throw new FilterError(
        `Invalid setting identifier, "${toText(term)}" is not a string, its a <class '${pyType(term)}'>`,
      );
    const setting = ptype === undefined ? undefined : PLUGIN_SETTINGS[`${ptype}:${pname}`]?.[term];
    if (setting) {
      const name = setting.vars.find((v) => scopeGet(scope, v) !== undefined);
      out.push(typed(term, name === undefined ? setting.dflt : scopeGet(scope, name)));
      continue;
    }
    if (missing === 'error') throw new FilterError(`Unable to find setting ${term}`);
  }
  return out;
}
