// package: the host's package manager (ansible_pkg_mgr, or `use`) picks apt or dnf/yum, and the task is
// planned as that module with its defaults (installed/removed mean present/absent). Other managers fail.
import { taskFailed } from '../lib/fsattrs.js';
import { alist, astr, choice, defineTask } from '../lib/schema.js';
import { planApt } from './apt.js';
import { planDnf } from './dnf.js';

export const pkg = defineTask({
  name: 'package',
  description: "Install or remove packages with the host's package manager (apt or dnf/yum, from ansible_pkg_mgr).",
  args: {
    name: alist(astr()),
    state: choice(['present', 'installed', 'absent', 'removed', 'latest']).default('present'),
    use: astr().default('auto'),
  },
  argAliases: { pkg: 'name' },
  required: ['name'],
  example: '- package: name=chrony state=present',
  async plan(args, host, facts) {
    let mgr = args.use;
    if (mgr === 'auto') mgr = String((await facts.facts()).ansible_pkg_mgr ?? 'unknown');
    const state = args.state === 'installed' ? 'present' : args.state === 'removed' ? 'absent' : args.state;
    if (mgr === 'apt') {
      return planApt(
        {
          name: args.name,
          state,
          cache_valid_time: 0,
          purge: false,
          autoremove: false,
          allow_downgrade: false,
          allow_change_held_packages: false,
          allow_unauthenticated: false,
          only_upgrade: false,
          force: false,
          upgrade: 'no',
          dpkg_options: 'force-confdef,force-confold',
          lock_timeout: 60,
        },
        host,
        facts,
        'package',
      );
    }
    if (mgr === 'dnf' || mgr === 'yum' || mgr === 'dnf5')
      return planDnf(
        { name: args.name, state, update_cache: false },
        host,
        facts,
        mgr === 'yum' ? 'yum' : 'dnf',
        'package',
      );
    throw taskFailed(`package: package manager '${mgr}' is not supported (apt, dnf, yum)`);
  },
});
