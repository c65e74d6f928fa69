// Names a site may set that no playbook reads, because the engine does: Ansible's connection variables
// (kplay's ssh transport reads them, src/transport/connection-spec.ts; a few it accepts and has no use for,
// as it needs no Python on the hosts) and the magic variables Ansible fills in. Listed one by one, not by
// prefix, so that a misspelt `ansible_ssh_private_keyfile` is an unknown setting with a suggestion.

const CONNECTION = [
  'ansible_host',
  'ansible_port',
  'ansible_user',
  'ansible_connection',
  'ansible_password',
  'ansible_private_key_file',
  'ansible_ssh_host',
  'ansible_ssh_port',
  'ansible_ssh_user',
  'ansible_ssh_pass',
  'ansible_ssh_password',
  'ansible_ssh_private_key_file',
  'ansible_ssh_common_args',
  'ansible_ssh_extra_args',
  'ansible_ssh_args',
  'ansible_ssh_executable',
  'ansible_ssh_pipelining',
  'ansible_ssh_timeout',
  'ansible_ssh_retries',
  'ansible_ssh_host_key_checking',
  'ansible_host_key_checking',
  'ansible_timeout',
  'ansible_pipelining',
  'ansible_become',
  'ansible_become_method',
  'ansible_become_user',
  'ansible_become_password',
  'ansible_become_pass',
  'ansible_become_exe',
  'ansible_become_flags',
  'ansible_sudo_pass',
  'ansible_python_interpreter',
  'ansible_shell_type',
  'ansible_shell_executable',
  'ansible_remote_tmp',
  'ansible_async_dir',
  'ansible_group_priority',
  // kplay's own: the host lock's file (src/transport/host-lock.ts)
  'kplay_host_lock',
];

const MAGIC = [
  'inventory_hostname',
  'inventory_hostname_short',
  'inventory_dir',
  'inventory_file',
  'group_names',
  'groups',
  'hostvars',
  'playbook_dir',
  'play_hosts',
  'role_path',
  'role_name',
  'omit',
  'environment',
  'ansible_check_mode',
  'ansible_diff_mode',
  'ansible_forks',
  'ansible_verbosity',
  'ansible_version',
  'ansible_facts',
  'ansible_play_hosts',
  'ansible_play_hosts_all',
  'ansible_play_batch',
  'ansible_play_name',
  'ansible_run_tags',
  'ansible_skip_tags',
];

// Kubespray's host addresses, read by kplay's host_address filter (src/expr/filters-data.ts), not by a template.
const FILTERS = ['ip', 'access_ip'];

/** Every name the engine itself reads from a site's variables, or fills in. */
export const ENGINE_NAMES: ReadonlySet<string> = new Set([...CONNECTION, ...MAGIC, ...FILTERS]);
