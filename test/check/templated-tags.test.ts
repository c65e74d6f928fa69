// Templated tags, rendered before the run with the variables Ansible renders them with (play vars, the task's,
// extra vars; no host's), so --tags and --skip-tags select on the rendered names, and an undefined variable
// stops the run before any host, at its place (the variable's column; ansible-playbook 2.14 also stops
// before the first task).
import { expect } from 'chai';
import { play, run } from '../support/play-harness.js';

const TASKS =
  '    - name: listed\n      debug: msg=x\n      tags: "{{ tg }}"\n' +
  '    - name: one\n      debug: msg=x\n      tags: ["{{ one }}", fixed]\n' +
  '    - name: from -e\n      debug: msg=x\n      tags: "{{ tag2 | default(\'never\') }}"\n' +
  '    - name: own vars\n      debug: msg=x\n      vars: { mine: solo }\n      tags: "{{ mine }}"\n' +
  '    - name: included\n      include_tasks: inc.yml\n      tags: always\n';
const PB = play(TASKS, '  vars: { tg: [mytag, other], one: single }\n');
const files = { 'inc.yml': '- name: inside\n  debug: msg=x\n  tags: "{{ one }}-inc"\n' };
const names = (lines: string[]) => [...new Set(lines.map((l) => l.split('|')[0]))];

describe('templated tags', () => {
  const cases: { name: string; tags?: string[]; extra?: Record<string, unknown>; want: string[] }[] = [
    { name: 'no --tags: a rendered never stays out', want: ['listed', 'one', 'own vars', 'inside'] },
    { name: 'a name from a list', tags: ['other'], want: ['listed'] },
    { name: 'one of several', tags: ['single'], want: ['one'] },
    { name: 'from the extra vars', tags: ['mytag'], extra: { tag2: 'mytag' }, want: ['listed', 'from -e'] },
    { name: "from the task's own vars", tags: ['solo'], want: ['own vars'] },
    { name: 'in an included file', tags: ['single-inc'], want: ['inside'] },
  ];
  for (const c of cases)
    it(c.name, async () => {
      const r = await run(PB, { tags: c.tags, extra: c.extra, files });
      expect(r.code).to.equal(0);
      expect(names(r.lines)).to.deep.equal(c.want);
    });

  it('an undefined variable stops the run before any host, at its place', async () => {
    const err = await run(play('    - debug: msg=x\n    - debug: msg=y\n      tags: "{{ nope }}"\n')).catch(
      (e: Error) => e,
    );
    expect(err).to.be.instanceOf(Error);
    expect((err as Error).message).to.match(/site\.yml:6:17/);
    expect((err as Error).message).to.match(/'nope' is undefined/);
  });
});
