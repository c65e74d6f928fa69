// What the benchmarks read from a run's output: the PLAY RECAP lines (kplay prints Ansible's layout) and the
// command-line options.

export interface Recap {
  /** recap lines: one per host */
  hosts: number;
  /** hosts with failed or unreachable tasks */
  bad: number;
  changed: number;
  /** task results over all hosts (ok + skipped): the task-host pairs */
  results: number;
}

export function readRecap(text: string): Recap {
  const lines = [
    ...text.matchAll(/^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)/gm),
  ];
  return {
    hosts: lines.length,
    bad: lines.filter((m) => m[4] !== '0' || m[5] !== '0').length,
    changed: lines.reduce((s, m) => s + Number(m[3]), 0),
    results: lines.reduce((s, m) => s + Number(m[2]) + Number(m[6]), 0),
  };
}

/** `--name value` from the command line, or the fallback. */
export function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
