// Quoting argv into shell lines, proven by round trips through a real local /bin/sh.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { becomeWrap, commandLine } from '../../src/transport/shell.js';
import { quote, quoteArgv } from '../../src/core/shell-quote.js';

/** Runs a line with sh -c and returns stdout. */
function sh(line: string, input?: string): string {
  const r = spawnSync('/bin/sh', ['-c', line], { encoding: 'utf8', input });
  if (r.status !== 0) throw new Error(`sh failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** The words the shell sees when it runs printf %s\0 with the quoted words. */
function roundTrip(words: string[]): string[] {
  const out = sh(quoteArgv(['printf', '%s\\0', ...words]));
  return out.split('\0').slice(0, -1);
}

const HOSTILE = [
  '',
  ' ',
  'plain',
  "it's",
  "''",
  '"double"',
  '$HOME',
  '${HOME}',
  '$(id)',
  '`id`',
  'a\nb',
  '\n',
  'tab\there',
  'back\\slash',
  '\\',
  '*',
  '?',
  '[a]',
  '~',
  '~root',
  '#comment',
  'a;b',
  'a|b',
  'a&b',
  '<in',
  '>out',
  '-n',
  '--',
  '!',
  'x=y',
  'ünïcødé ✓ 日本',
  "'; rm -rf / #",
  '%s%d',
  '{a,b}',
];

describe('transport/shell quoting', () => {
  it('quotes safe words as they are and everything else in single quotes', () => {
    expect(quote('abc-1.2/x:y=z,@%+')).to.equal('abc-1.2/x:y=z,@%+');
    expect(quote('')).to.equal("''");
    expect(quote("it's")).to.equal(`'it'\\''s'`);
    expect(quote('a b')).to.equal("'a b'");
  });

  it('round-trips hostile words through a real sh, each word intact', () => {
    expect(roundTrip(HOSTILE)).to.deep.equal(HOSTILE);
  });

  it('round-trips every single hostile word on its own and all of them joined', () => {
    for (const w of HOSTILE) expect(roundTrip([w])).to.deep.equal([w]);
    const joined = HOSTILE.join('');
    expect(roundTrip([joined])).to.deep.equal([joined]);
  });

  it('refuses an empty argv', () => {
    expect(() => quoteArgv([])).to.throw(/empty command/);
  });

  it('runs a shell script under sh -c in shell mode', () => {
    expect(sh(commandLine(['echo one; echo "two $((1+1))" | tr a-z A-Z'], { shell: true }))).to.equal('one\nTWO 2\n');
  });

  it('prefixes cwd and env (hostile values) and keeps argv intact', () => {
    const env = { KP_A: "va'l $x `y`", KP_B: 'line1\nline2', KP_EMPTY: '' };
    const out = sh(
      commandLine(['sh', '-c', 'pwd; printf "%s|" "$KP_A" "$KP_B" "$KP_EMPTY" "$1"', 'sh', 'arg $1'], {
        cwd: '/tmp',
        env,
      }),
    );
    expect(out).to.equal("/tmp\nva'l $x `y`|line1\nline2||arg $1|");
  });

  it('runs in the physical folder of a cwd reached through a link ($PWD names no link), as Ansible', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kplay-cwd-'));
    mkdirSync(join(dir, 'real/site'), { recursive: true });
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    try {
      const out = sh(commandLine(['echo "$PWD"'], { shell: true, cwd: join(dir, 'link/site') }));
      expect(out).to.equal(`${realpathSync(dir)}/real/site\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails the line when the cwd does not exist', () => {
    const r = spawnSync('/bin/sh', ['-c', commandLine(['echo', 'ran'], { cwd: '/nonexistent dir' })], {
      encoding: 'utf8',
    });
    expect(r.status).to.not.equal(0);
    expect(r.stdout).to.equal('');
  });

  it('refuses bad environment variable names', () => {
    expect(() => commandLine(['true'], { env: { 'A;B': '1' } })).to.throw(/bad environment variable name/);
  });

  it('wraps a line for sudo -n, or sudo -S with our prompt; the password is never on the line', () => {
    const line = quoteArgv(['echo', "it's"]);
    const n = becomeWrap(line, { user: 'root', marker: 'MRK', prompt: 'PR: ' });
    expect(n).to.equal(`sudo -n -u root -- sh -c 'echo MRK; echo '\\''it'\\''\\'\\'''\\''s'\\'''`);
    const s = becomeWrap(line, { user: 'app', password: 's3cret-pw', marker: 'MRK', prompt: 'PR: ' });
    expect(s.startsWith("sudo -S -p 'PR: ' -u app -- sh -c ")).to.equal(true);
    expect(s).to.not.include('s3cret-pw');
    // The inner command survives the two levels of quoting: run it with `sudo` replaced by a pass-through.
    const inner = n.replace(/^sudo -n -u root -- /, '');
    expect(sh(inner)).to.equal("MRK\nit's\n");
  });

  it('round-trips hostile words through become wrapping too', () => {
    const line = quoteArgv(['printf', '%s\\0', ...HOSTILE]);
    const wrapped = becomeWrap(line, { user: 'root', marker: 'M', prompt: 'P' }).replace(/^sudo -n -u root -- /, '');
    const out = sh(wrapped);
    expect(out.startsWith('M\n')).to.equal(true);
    expect(out.slice(2).split('\0').slice(0, -1)).to.deep.equal(HOSTILE);
  });
});
