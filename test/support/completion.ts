// Shell completion as bash does it: `kplay completion` sourced, its function called for a command line.
import { spawnSync } from 'node:child_process';

/** bash's completions of `words` (the last one is the word being completed), with the `kplay` found in `bin`. */
export function bashCompletes(bin: string, words: string[]): { code: number | null; words: string[]; err: string } {
  const script =
    'source <(kplay completion) && COMP_WORDS=("$@") && COMP_CWORD=$(($# - 1)) && ' +
    '_kplay_yargs_completions && printf "%s\\n" "${COMPREPLY[@]}"';
  const r = spawnSync('bash', ['-c', script, 'bash', ...words], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, SHELL: '/bin/bash' },
  });
  return { code: r.status, words: r.stdout.trim().split('\n'), err: r.stderr };
}
