// vars_prompt: read and checked at load (each bad entry at its place), answered before connecting (-e wins; on a
// terminal asked, hidden when private, twice when confirm; unattended the default, or a problem naming the
// variable and its place), and the play sees the answer.
import { expect } from 'chai';
import { join } from 'node:path';
import { Problems } from '../../src/core/errors.js';
import { type Asker, answerPrompts, MISMATCH } from '../../src/check/prompts.js';
import { prepareRun } from '../../src/check/prepare.js';
import { isSecret } from '../../src/core/secrets.js';
import { readPlaybook } from '../../src/playbook/playbook.js';
import { run } from '../support/play-harness.js';
import { problems } from '../support/problems.js';
import { writeTree } from '../support/tree.js';

const PB = (prompts: string) =>
  `- hosts: a\n  gather_facts: no\n  vars_prompt:\n${prompts}  tasks:\n    - debug: msg="{{ who }}"\n`;
const WHO = '    - name: who\n      prompt: Who are you\n      private: no\n';
const PW = '    - name: pw\n      prompt: Password\n      default: s3cret\n';

function loaded(prompts: string) {
  const dir = writeTree({ 'site.yml': PB(prompts) });
  const p = new Problems();
  const pb = readPlaybook(join(dir, 'site.yml'), p);
  p.throwIfAny();
  return pb;
}

/** A terminal that answers from a list, and records what it was asked. */
function terminal(answers: string[]) {
  const asked: { text: string; hidden: boolean }[] = [];
  const said: string[] = [];
  const a: Asker = {
    ask: async (text, hidden) => (asked.push({ text, hidden }), answers.shift() ?? ''),
    say: (t) => said.push(t),
  };
  return { a, asked, said };
}

describe('vars_prompt', () => {
  it('bad entries are refused at load, each at its place', () => {
    const got = problems({
      'site.yml':
        '- hosts: all\n  vars_prompt:\n    - name: ok\n    - name: pw\n      encrypt: sha512_crypt\n' +
        '    - prompt: no name\n    - name: x\n      hide: yes\n    - just a string\n  tasks: []\n',
    });
    expect(got.map((p) => [p.line, p.col, p.msg])).to.deep.equal([
      [5, 7, "vars_prompt: 'encrypt' is not supported (kplay does not hash answers); hash it in a task"],
      [6, 7, "vars_prompt: 'name' must be a variable name, got null"],
      [8, 7, "vars_prompt: unknown key 'hide' (it takes name, prompt, default, private, confirm, unsafe)"],
      [9, 7, 'vars_prompt: each entry is a mapping with a name and a prompt'],
    ]);
  });

  it('unattended: the default is taken, -e wins, and a prompt without either is a problem at its place', async () => {
    const pb = loaded(WHO + PW);
    const p = new Problems();
    await answerPrompts(pb, {}, 'unattended', p);
    expect(p.list.map((e) => [e.loc?.line, e.loc?.col, e.message])).to.deep.equal([
      [
        4,
        7,
        "vars_prompt: no value for 'who' and stdin is not a terminal to ask on: give it with -e who=... " +
          '(or give the prompt a default)',
      ],
    ]);
    expect(pb.plays[0]!.vars.pw).to.equal('s3cret');
    expect(isSecret('s3cret'), 'a private answer is a secret').to.equal(true);
    const pb2 = loaded(WHO + PW);
    const p2 = new Problems();
    await answerPrompts(pb2, { who: 'me', pw: 'given' }, 'unattended', p2);
    expect(p2.size).to.equal(0);
    expect(pb2.plays[0]!.vars).to.not.have.property('pw'); // -e holds it, above play vars
  });

  it('on a terminal: asked in order, hidden when private, the default on an empty answer', async () => {
    const pb = loaded(WHO + PW);
    const t = terminal(['alice', '']);
    await answerPrompts(pb, {}, t.a, new Problems());
    expect(t.asked).to.deep.equal([
      { text: 'Who are you: ', hidden: false },
      { text: 'Password [s3cret]: ', hidden: true },
    ]);
    expect(pb.plays[0]!.vars).to.include({ who: 'alice', pw: 's3cret' });
  });

  it('confirm asks twice, and again until both answers match; -e is not asked', async () => {
    const pb = loaded(`${WHO}    - name: pw\n      confirm: yes\n`);
    const t = terminal(['a', 'b', 'c', 'c']);
    await answerPrompts(pb, { who: 'me' }, t.a, new Problems());
    expect(t.asked.map((q) => q.text)).to.deep.equal(['pw: ', 'confirm pw: ', 'pw: ', 'confirm pw: ']);
    expect(t.said).to.deep.equal([MISMATCH]);
    expect(pb.plays[0]!.vars.pw).to.equal('c');
  });

  it('nothing is asked while other problems stand', async () => {
    const pb = loaded(WHO);
    const p = new Problems();
    p.add('something else', { code: 'PLAYBOOK' });
    const t = terminal(['x']);
    await answerPrompts(pb, {}, t.a, p);
    expect(t.asked).to.deep.equal([]);
  });

  it('the run sees the answer; --syntax-check does not need one; a missing one stops before any host', async () => {
    const r = await run(PB(WHO), { inv: 'all:\n  hosts:\n    a: {}\n', extra: { who: 'from-e' } });
    expect(r.results[0]!.show).to.deep.equal({ msg: 'from-e' });
    const dir = writeTree({ 'site.yml': PB(WHO), 'inv/hosts.yml': 'all:\n  hosts:\n    a: {}\n' });
    const input = { playbook: join(dir, 'site.yml'), inventory: [join(dir, 'inv')] };
    await prepareRun({ ...input, lenient: true });
    const err = await prepareRun(input).catch((e: Error) => e.message);
    expect(err).to.match(/site\.yml:4:7: vars_prompt: no value for 'who'/);
  });
});
