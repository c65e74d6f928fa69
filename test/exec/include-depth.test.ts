// Templated includes that include each other end: more than MAX_INCLUDE_DEPTH levels fail the host at the
// include, with its position, instead of exhausting the stack.
import { expect } from 'chai';
import { MAX_INCLUDE_DEPTH } from '../../src/exec/strategy.js';
import { play, run } from '../support/play-harness.js';

describe('templated includes that never stop', () => {
  it(`fail the host past ${MAX_INCLUDE_DEPTH} levels, naming the include; other hosts are not affected`, async () => {
    const r = await run(
      play(
        '    - include_tasks: "{{ \'a.yml\' }}"\n      when: inventory_hostname == "a"\n' +
          '    - name: after\n      debug: msg=after\n',
      ),
      {
        files: {
          'a.yml': '- include_tasks: "{{ \'b.yml\' }}"\n',
          'b.yml': '- include_tasks: "{{ \'a.yml\' }}"\n',
        },
      },
    );
    const failed = r.results.filter((x) => x.status === 'failed');
    expect(failed.map((x) => x.host)).to.deep.equal(['a']);
    expect(failed[0]!.msg).to.match(/b\.yml:1:3: includes nested more than 100 deep/);
    expect(r.lines.filter((l) => l.startsWith('after|'))).to.deep.equal(['after|b|ok', 'after|c|ok']);
  });
});
