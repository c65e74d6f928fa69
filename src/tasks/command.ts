// command and shell: run a program on the host. Not idempotent unless creates/removes/changed_when say so.
import { z } from 'zod';
import { abool, astr, defineModule } from './schema.js';

const common = {
  _raw_params: astr(),
  cmd: astr(),
  chdir: astr(),
  creates: astr(),
  removes: astr(),
  stdin: astr(),
  stdin_add_newline: abool().default(true),
  strip_empty_ends: abool().default(true),
};

export const command = defineModule({
  name: 'command',
  description: 'Run a program with arguments on the host, without a shell (no pipes, redirects or variables).',
  freeForm: true,
  args: { ...common, argv: z.array(astr()), expand_argument_vars: abool().default(true) },
  requiredOneOf: [['_raw_params', 'cmd', 'argv']],
  mutuallyExclusive: [['_raw_params', 'cmd', 'argv']],
  returns: { rc: 'exit code', stdout: 'standard output', stderr: 'standard error', stdout_lines: 'stdout split in lines', cmd: 'the argv run' },
  example: '- command: /usr/bin/etcdctl endpoint health\n  changed_when: false',
});

export const shell = defineModule({
  name: 'shell',
  description: 'Run a command line through /bin/sh on the host (pipes and redirects allowed).',
  freeForm: true,
  args: { ...common, executable: astr() },
  requiredOneOf: [['_raw_params', 'cmd']],
  mutuallyExclusive: [['_raw_params', 'cmd']],
  returns: command.returns!,
  example: '- shell: swapoff -a && sed -i "/ swap / s/^/#/" /etc/fstab',
});
