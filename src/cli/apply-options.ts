// The options of `kplay apply`, apart from the code that runs, so `kplay --help` loads nothing heavy.
import type { Argv } from 'yargs';

export interface ApplyArgs {
  plan: string;
  json?: boolean;
}

export function applyOptions(y: Argv): Argv<ApplyArgs> {
  return y
    .positional('plan', {
      type: 'string',
      describe: 'a plan file (kplay run ... --check --plan-out FILE)',
      demandOption: true,
    })
    .option('json', {
      type: 'boolean',
      default: false,
      describe: 'print one JSON event per line instead of text',
    }) as unknown as Argv<ApplyArgs>;
}
