// `kplay lab ...`: placeholder until the lab lands (issue 3).
import type { Argv } from 'yargs';

export function labCommand(y: Argv): Argv {
  return y.command('lab', 'Throwaway Linux hosts on this machine, for tests and trying playbooks', (a) => a.demandCommand(1), () => {});
}
