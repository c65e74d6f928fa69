// serial's batches (src/exec/serial.ts); Ansible's own answers are in test/parity/keywords.test.ts.
import { expect } from 'chai';
import { batches } from '../../src/exec/serial.js';

const H = ['a', 'b', 'c', 'd', 'e'];

describe('serial batches', () => {
  const cases: [string, (number | string)[] | undefined, string[][]][] = [
    ['no serial: one batch', undefined, [H]],
    ['2: twos, the rest last', [2], [['a', 'b'], ['c', 'd'], ['e']]],
    ['0: every host', [0], [H]],
    ['"40%" of 5: two', ['40%'], [['a', 'b'], ['c', 'd'], ['e']]],
    ['"10%" of 5: rounded down to none, so one', ['10%'], H.map((h) => [h])],
    ['[1, "50%"]: one, then the last size repeats', [1, '50%'], [['a'], ['b', 'c'], ['d', 'e']]],
  ];
  for (const [name, serial, want] of cases)
    it(name, () => {
      expect(batches(H, serial)).to.deep.equal(want);
    });
});
