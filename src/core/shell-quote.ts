// THE one place a word or an argv becomes POSIX shell text: transports (commandLine), and modules that must
// write a shell line (script) quote through here.
import { KplayError } from './errors.js';

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One word for a POSIX shell: as is when it has only safe characters, otherwise in single quotes. */
export function quote(word: string): string {
  if (SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** argv → one shell command line that runs exactly that argv (any bytes in any word, empty words kept). */
export function quoteArgv(argv: string[]): string {
  if (argv.length === 0) throw new KplayError('internal: empty command', { code: 'INTERNAL' });
  return argv.map(quote).join(' ');
}
