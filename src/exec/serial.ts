// A play's `serial:` as Ansible reads it: numbers, percentages of the play's hosts ("30%": rounded down, at
// least one host; 0 is every host), a list whose last size repeats; a templated value ("{{ upgrade_batch }}")
// rendered with the play's, `all`'s and extra vars when the play starts (no host yet).
import { KplayError } from '../core/errors.js';
import { valueLoc } from '../core/places.js';
import type { Play } from '../core/types.js';
import { renderString } from '../template/template.js';
import { taskVars, type RunVars } from '../vars/context.js';

type Serial = (number | string)[];

const SIZE = /^\s*\d+(\.\d+)?%?\s*$/;

/** The play's serial with its templates rendered. */
export function playSerial(rv: RunVars, play: Play): Serial | undefined {
  if (!play.serial?.some((s) => typeof s === 'string' && s.includes('{{'))) return play.serial;
  const vars = taskVars(rv, play, undefined, '', []);
  const loc = valueLoc(play.keywords, 'serial') ?? play.loc;
  return play.serial.flatMap((s) => {
    if (typeof s !== 'string' || !s.includes('{{')) return [s];
    const v = renderString(s, { vars, host: '' }, { loc });
    const all = (Array.isArray(v) ? v : [v]) as unknown[];
    for (const x of all)
      if (!(typeof x === 'number' || (typeof x === 'string' && SIZE.test(x))))
        throw new KplayError(
          `serial: ${JSON.stringify(s)} renders to ${JSON.stringify(x)}: not a number or a percentage`,
          {
            code: 'PLAYBOOK',
            loc,
          },
        );
    return all as Serial;
  });
}

/** The play's hosts in batches. */
export function batches(hosts: string[], serial: Serial | undefined): string[][] {
  if (!serial || serial.length === 0) return [hosts];
  const size = (s: number | string) => {
    if (typeof s === 'string' && s.trim().endsWith('%'))
      return Math.max(1, Math.floor((hosts.length * Number(s.trim().slice(0, -1))) / 100));
    return Number(s) || hosts.length;
  };
  const out: string[][] = [];
  let i = 0;
  let k = 0;
  while (i < hosts.length) {
    const n = size(serial[Math.min(k++, serial.length - 1)]!);
    out.push(hosts.slice(i, i + n));
    i += n;
  }
  return out;
}
