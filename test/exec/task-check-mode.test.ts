// A task's own check_mode in a real run, and what a registered result holds after a change, through the real
// executor over a host kept in memory.
import { expect } from 'chai';
import { MemoryHost } from '../../src/transport/memory.js';
import { builtins } from '../../src/tasks/index.js';
import { astr, defineTask } from '../../src/tasks/lib/schema.js';
import { run } from '../support/play-harness.js';

const ON_A = (tasks: string) => `- hosts: a\n  gather_facts: no\n  tasks:\n${tasks}`;

describe('a check_mode task in a real run', () => {
  it('plans against the host as it is: what an earlier dry task would have done is not kept', async () => {
    const a = new MemoryHost('a');
    a.seed('/srv/.keep', '');
    const pb = ON_A(
      '    - name: dry touch\n      file: { path: /srv/x, state: touch }\n      check_mode: true\n' +
        '    - name: real absent\n      file: { path: /srv/x, state: absent }\n' +
        '    - name: dry absent\n      file: { path: /srv/x, state: absent }\n      check_mode: true\n',
    );
    const r = await run(pb, { memory: [a] });
    expect(r.lines).to.deep.equal(['dry touch|a|changed', 'real absent|a|ok', 'dry absent|a|ok']);
    expect(a.files.has('/srv/x')).to.equal(false);
  });
});

describe('the registered result of a change', () => {
  it('what the first plan could not know comes from the plan made after applying', async () => {
    // like a new group's gid: known only once the group exists
    const made = defineTask({
      name: 'made',
      description: 'test module',
      args: { path: astr() },
      returns: { id: 'the content, once made' },
      example: '- made: path=/x',
      async plan(args, _host, facts) {
        const b = await facts.read(args.path!);
        const actions = [{ put: args.path!, content: Buffer.from('id-7') }];
        return b
          ? { changes: [], result: { id: b.toString(), path: args.path } }
          : { changes: [{ summary: 'make', actions, touches: [`file:${args.path}`] }], result: { id: undefined } };
      },
    });
    const modules = builtins.copy();
    modules.add(made);
    const a = new MemoryHost('a');
    a.seed('/srv/.keep', '');
    const pb = ON_A(
      '    - made: { path: /srv/m }\n      register: r\n' +
        '    - copy: { dest: /srv/out, content: "{{ r.id }} {{ r.path }}" }\n',
    );
    expect((await run(pb, { memory: [a], modules })).code).to.equal(0);
    expect(a.files.get('/srv/out')!.content.toString()).to.equal('id-7 /srv/m');
  });
});
