// command and shell register what Ansible's register, through the real executor over a host kept in memory: a
// command that cannot start (no command, a line and argv, a missing chdir), check mode's report, the line as
// given (its final newline, line continuations, `key=value` words that are the command's). Each task registers
// `r`, written to /out/<name>.json by a copy and read back here.
import { expect } from 'chai';
import { MemoryHost } from '../../src/transport/memory.js';
import { execFields } from '../../src/exec/module-exec.js';
import { run } from '../support/play-harness.js';

const ON_A = (tasks: string) => `- hosts: a\n  gather_facts: no\n  tasks:\n${tasks}`;

/** `task` (YAML lines after `- `, indented by 6) registering r, then r written to /out/<name>.json. */
const registered = (name: string, task: string) =>
  `    - ${task}\n      register: r\n      ignore_errors: true\n` +
  `    - copy: { dest: /out/${name}.json, content: "{{ r | to_json }}" }\n`;

function host(): MemoryHost {
  const a = new MemoryHost('a');
  a.seed('/out/.keep', '');
  a.seed('/srv/seed.txt', 'seed\n');
  return a;
}

const read = (a: MemoryHost, name: string) =>
  JSON.parse(a.files.get(`/out/${name}.json`)!.content.toString()) as Record<string, unknown>;

describe('command and shell: registered results as Ansible registers them', () => {
  const notStarted = { failed: true, changed: false, stdout: '', stderr: '', start: null, end: null, delta: null };
  for (const [name, task, want] of [
    ['no command', 'command:\n      args: { chdir: / }', { ...notStarted, msg: 'no command given', rc: 256 }],
    ['empty command', 'command: " "', { ...notStarted, msg: 'no command given', rc: 256 }],
    ['empty shell', 'shell:\n      args: { chdir: / }', { ...notStarted, msg: 'no command given', rc: 256 }],
    [
      'line and argv',
      'command: echo hi\n      args: { argv: [echo, hi] }',
      { ...notStarted, msg: 'only command or argv can be given, not both', rc: 256 },
    ],
    [
      'cmd and argv',
      'command: { cmd: echo hi, argv: [echo, hi] }',
      { ...notStarted, msg: 'only command or argv can be given, not both', rc: 256 },
    ],
    [
      'missing chdir',
      'command: "true"\n      args: { chdir: /nope }',
      { ...notStarted, msg: 'Unable to change directory before execution: no such directory: /nope', rc: null },
    ],
    [
      'chdir a file',
      'shell: "true"\n      args: { chdir: /srv/seed.txt }',
      {
        ...notStarted,
        msg: 'Unable to change directory before execution: not a directory: /srv/seed.txt',
        rc: null,
        cmd: 'true',
      },
    ],
  ] as const) {
    it(`${name}: fails with ${want.msg}`, async () => {
      const a = host();
      const r = await run(ON_A(registered('r', task)), { memory: [a] });
      expect(r.lines[0]).to.equal(`${task.split(':')[0]}|a|ignored`);
      expect(read(a, 'r')).to.deep.include(want);
    });
  }

  it('check mode: skipped, or changed when creates/removes let it run (no `skipped`), as Ansible', async () => {
    const a = host();
    const pb = ON_A(
      registered('plain', 'command: "true"\n      check_mode: true') +
        registered('creates', 'command: "true"\n      args: { creates: /srv/none }\n      check_mode: true') +
        registered('removes', 'shell: "true"\n      args: { removes: /srv/seed.txt }\n      check_mode: true'),
    );
    const r = await run(pb, { memory: [a] });
    expect(r.code).to.equal(0);
    const msg = 'Command would have run if not in check mode';
    expect(read(a, 'plain')).to.deep.include({ skipped: true, changed: false, msg });
    for (const n of ['creates', 'removes']) {
      expect(read(a, n)).to.deep.include({ changed: true, msg });
      expect(read(a, n)).to.not.have.property('skipped');
    }
    // still reported as the real run would report it
    expect(r.lines.filter((l) => l.startsWith('command') || l.startsWith('shell'))).to.deep.equal([
      'command|a|changed',
      'command|a|changed',
      'shell|a|changed',
    ]);
    expect(a.writes.filter((w) => w[0] !== 'put')).to.deep.equal([]);
  });

  it('a check_mode task in a real run reads the host as it is, not as an earlier one planned', async () => {
    const a = host();
    const pb = ON_A(
      '    - file: { path: /srv/seed.txt, state: absent }\n      check_mode: true\n' +
        registered('stat', 'stat: { path: /srv/seed.txt }\n      check_mode: true'),
    );
    await run(pb, { memory: [a] });
    expect(read(a, 'stat').stat).to.deep.include({ exists: true });
  });

  it('shell: `cmd` is the line as given (its final newline kept, line continuations joined, options out)', async () => {
    const a = host();
    const script =
      'shell: |\n        echo one \\\n        two\n        chdir=/srv creates=/srv/none\n        echo x=1 cmd=2\n';
    const pb = ON_A(registered('sh', script) + registered('argsword', 'command: echo cmd=1 argv=2 chdir=/srv'));
    await run(pb, { memory: [a] });
    expect(read(a, 'sh').cmd).to.equal('echo one two\necho x=1 cmd=2\n');
    expect(read(a, 'argsword').cmd).to.deep.equal(['echo', 'cmd=1', 'argv=2']);
  });

  for (const [out, keep, stdout, lines] of [
    ['hello \n \r\n', false, 'hello \n ', ['hello ', ' ']],
    ['hello \n \r\n', true, 'hello \n \r\n', ['hello ', ' ']],
    ['a\n\n', false, 'a', ['a']],
    ['', false, '', []],
  ] as const) {
    it(`output ${JSON.stringify(out)}${keep ? ' (strip_empty_ends: no)' : ''} is ${JSON.stringify(stdout)}`, () => {
      const r = execFields({ rc: 0, stdout: out, stderr: out, cmd: ['x'], durationMs: 1 }, keep);
      expect(r).to.deep.include({ stdout, stderr: stdout, stdout_lines: lines, stderr_lines: lines });
    });
  }
});
