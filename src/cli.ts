// The kplay command line. A skeleton; commands are registered from their own files.
import yargs from 'yargs';
import { labCommand } from './lab/command.js';

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const y = yargs(argv).scriptName('kplay').strict().help().version(false).demandCommand(1);
  labCommand(y);
  await y.parseAsync();
  return code;
}
