// `kplay completion`: yargs' bash script, and the answers it asks `kplay --get-yargs-completions WORDS` for,
// from real processes (the bundle), and through bash itself: the script sourced, its function called.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bashCompletes } from '../support/completion.js';

const KPLAY = resolve('bin/kplay');
function kplay(...args: string[]) {
  const r = spawnSync(process.execPath, [KPLAY, ...args], {
    encoding: 'utf8',
    env: { ...process.env, SHELL: '/bin/bash' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('kplay completion', () => {
  it('prints a bash script that completes kplay by asking kplay', () => {
    const r = kplay('completion');
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.include('complete -o bashdefault -o default -F _kplay_yargs_completions kplay');
    expect(r.out).to.include('kplay --get-yargs-completions');
    expect(r.out).to.include('kplay completion >> ~/.bashrc');
  });

  const cases: { words: string[]; has: string[]; not: string[] }[] = [
    { words: ['kplay', ''], has: ['run', 'apply', 'doc', 'cluster', 'lab', 'completion'], not: ['--check'] },
    { words: ['kplay', 'run', '--'], has: ['--check', '--diff', '--syntax-check', '--limit'], not: ['run'] },
    { words: ['kplay', 'cluster', ''], has: ['add-node', 'backup', 'upgrade'], not: ['--syntax-check'] },
  ];
  for (const c of cases)
    it(`answers ${c.words.join(' ')}|`, () => {
      const r = kplay('--get-yargs-completions', ...c.words);
      expect(r.code, r.err).to.equal(0);
      const words = r.out.trim().split('\n');
      expect(words).to.include.members(c.has);
      for (const w of c.not) expect(words).not.to.include(w);
    });

  it('completes in bash: the sourced script calls kplay for each word', () => {
    const bin = mkdtempSync(join(tmpdir(), 'kplay-completion-'));
    symlinkSync(KPLAY, join(bin, 'kplay'));
    const run = bashCompletes(bin, ['kplay', 'ru']);
    expect(run.code, run.err).to.equal(0);
    expect(run.words).to.deep.equal(['run']);
    const option = bashCompletes(bin, ['kplay', 'run', '--syntax-']);
    expect(option.words).to.deep.equal(['--syntax-check']);
  });
});
