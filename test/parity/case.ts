// One case of the module parity suite (ansible-parity.test.ts): a task run by kplay and by Ansible on twin hosts,
// and the state compared after two rounds.

export type Status = 'changed' | 'ok' | 'failed' | 'missing';

export interface Outcome {
  first: Status;
  second: Status;
  /** The state printed by the case's `state` script after both rounds. */
  state: string;
  msg: string;
}

export interface Case {
  name: string;
  /** Module as Ansible names it (FQCN); kplay accepts the same names. */
  module: string;
  args: Record<string, unknown>;
  /** bash run on both hosts before the first round. */
  setup?: string;
  /** bash printing the state compared. */
  state: string;
  /** Both tools are expected to fail the task (an error case). */
  fails?: boolean;
  /** Task keywords beside the module (register, async, until ...). */
  keywords?: Record<string, unknown>;
  /** A documented difference (docs/ansible-differences.md): asserts it instead of equality. */
  differs?: (k: Outcome, a: Outcome) => void;
  /** Ansible runs it without Mitogen (test/parity/ansible.ts): Mitogen does it otherwise than Ansible's own
   *  executor (a relative path: Mitogen's module runs in another folder than the login one). */
  plain?: true;
}

export const D = '/opt/parity';

/** Type, mode, owner:group and the content (cat -A: line ends shown as $, a missing final newline visible) or
 * link target. */
export function fileState(...paths: string[]): string {
  return paths
    .map(
      (p) =>
        `p=${p}; if [ -e "$p" ] || [ -L "$p" ]; then stat -c '%F %a %U:%G %n' "$p"; if [ -L "$p" ]; then ` +
        `readlink "$p"; elif [ -f "$p" ]; then cat -A "$p"; echo '<EOF>'; fi; else echo "absent $p"; fi`,
    )
    .join('; ');
}
