// Modules that run on the controller and shape the run: debug, set_fact, assert, fail, meta.
import { z } from 'zod';
import { abool, aint, alist, astr, choice, defineModule, apath } from './lib/schema.js';

export const debug = defineModule({
  name: 'debug',
  description: 'Print a message or the value of a variable.',
  controllerOnly: true,
  args: { msg: z.unknown(), var: astr(), verbosity: aint().default(0) },
  mutuallyExclusive: [['msg', 'var']],
  example: '- debug: msg="etcd members: {{ join groups.etcd \',\' }}"',
});

export const set_fact = defineModule({
  name: 'set_fact',
  description: 'Set host variables for the rest of the run (above play and task vars, below -e).',
  controllerOnly: true,
  anyArgs: true,
  args: { cacheable: abool().default(false) },
  example: '- set_fact: etcd_initial_cluster="{{ ... }}"',
});

export const assert = defineModule({
  name: 'assert',
  description: 'Fail the host unless every condition holds.',
  controllerOnly: true,
  args: {
    that: alist(z.union([astr(), z.boolean()])),
    fail_msg: z.unknown(),
    success_msg: z.unknown(),
    quiet: abool().default(false),
  },
  argAliases: { msg: 'fail_msg' },
  required: ['that'],
  example: "- assert:\n    that: groups['etcd'] | length is odd",
});

export const fail = defineModule({
  name: 'fail',
  description: 'Fail the host with a message.',
  controllerOnly: true,
  args: { msg: z.unknown() },
  example: '- fail: msg="unsupported OS"\n  when: ansible_os_family != "Debian"',
});

export const META_ACTIONS = [
  'flush_handlers',
  'refresh_inventory',
  'noop',
  'clear_facts',
  'clear_host_errors',
  'end_play',
  'end_host',
  'end_batch',
  'reset_connection',
] as const;

export const meta = defineModule({
  name: 'meta',
  description: 'Act on the run itself: flush_handlers, end_play, end_host, end_batch, clear_host_errors, ...',
  controllerOnly: true,
  freeForm: true,
  args: { _raw_params: choice(META_ACTIONS) },
  required: ['_raw_params'],
  example: '- meta: flush_handlers',
});

export const pause = defineModule({
  name: 'pause',
  description: 'Wait a number of seconds or minutes (kplay runs unattended: a prompt without a time is refused).',
  controllerOnly: true,
  args: { seconds: aint(), minutes: aint(), prompt: astr(), echo: abool().default(true) },
  mutuallyExclusive: [['seconds', 'minutes']],
  requiredOneOf: [['seconds', 'minutes']],
  example: '- pause: seconds=10',
});

export const include_vars = defineModule({
  name: 'include_vars',
  description:
    'Read variables from a YAML/JSON file (or every file of a folder) on the controller, for the rest of the run.',
  controllerOnly: true,
  freeForm: true,
  args: {
    _raw_params: astr(),
    file: apath(),
    dir: apath(),
    name: astr(),
    files_matching: astr(),
    ignore_files: alist(astr()),
  },
  requiredOneOf: [['_raw_params', 'file', 'dir']],
  mutuallyExclusive: [['_raw_params', 'file', 'dir']],
  returns: { ansible_included_var_files: 'the files read' },
  example: '- include_vars: vars/{{ ansible_os_family }}.yml',
});
