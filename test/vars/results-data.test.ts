// A registered result is data: text in it that looks like a template (a command's output, an error message
// quoting the task's source) is read as it is by later tasks, never rendered again (Ansible marks it unsafe).
// A variable from a vars file still renders when read.
import { expect } from 'chai';
import { play, run } from '../support/play-harness.js';

describe('registered results are never templated again', () => {
  it("a result holding '{{ nope }}' is read as written, also through hostvars", async () => {
    const r = await run(
      play(
        "    - debug: msg=\"{{ ['{', '{ nope }', '}'] | join }}\"\n      register: r\n" +
          '    - debug: msg="got {{ r.msg }}"\n' +
          '    - debug: msg="via hostvars {{ hostvars[inventory_hostname].r.msg }}"\n',
      ),
    );
    expect(r.results.filter((x) => x.status === 'failed')).to.deep.equal([]);
    const msgs = r.results.filter((x) => x.host === 'a').map((x) => String(x.result?.msg));
    expect(msgs).to.deep.equal(['{{ nope }}', 'got {{ nope }}', 'via hostvars {{ nope }}']);
  });
  it('a variable read from a vars file still renders when used', async () => {
    const r = await run(play('    - include_vars: v.yml\n    - debug: msg="{{ greeting }}"\n'), {
      files: { 'v.yml': 'name: kplay\ngreeting: "hello {{ name }}"\n' },
    });
    expect(r.results.filter((x) => x.host === 'a').map((x) => x.result?.msg)).to.deep.equal([undefined, 'hello kplay']);
  });
});
