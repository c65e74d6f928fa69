// lineinfile against a fake host: Ansible's placement rules, each case applied and planned again (converges).
import { expect } from 'chai';
import { lineinfile } from '../../src/tasks/files.js';
import { editPresent } from '../../src/tasks/lineinfile.js';
import { pyRegex, splitLines } from '../../src/tasks/lib/py-regex.js';
import { FakeHost } from '../support/fake-host.js';
import { converge, planError, planOn } from '../support/plan-harness.js';

const F = '/etc/test.conf';

interface Case {
  name: string;
  file: string | undefined; // undefined: the file does not exist
  args: Record<string, unknown>;
  after: string | undefined; // content after applying; undefined with msg '' means no change
  msg?: string;
  /** Not idempotent in Ansible either (e.g. backrefs whose regexp still matches other lines). */
  once?: boolean;
}

const cases: Case[] = [
  {
    name: 'regexp replaces the last matching line',
    file: 'a=1\nb=2\na=3\n',
    args: { regexp: '^a=', line: 'a=9' },
    after: 'a=1\nb=2\na=9\n',
    msg: 'line replaced',
  },
  {
    name: 'firstmatch replaces the first matching line',
    file: 'a=1\nb=2\na=3\n',
    args: { regexp: '^a=', line: 'a=9', firstmatch: true },
    after: 'a=9\nb=2\na=3\n',
    msg: 'line replaced',
  },
  {
    name: 'regexp matching nothing appends at EOF',
    file: 'x\n',
    args: { regexp: '^y=', line: 'y=1' },
    after: 'x\ny=1\n',
    msg: 'line added',
  },
  {
    name: 'regexp matching nothing but the line present exactly: ok',
    file: 'y=1\nz\n',
    args: { regexp: '^nomatch', line: 'y=1' },
    after: undefined,
  },
  {
    name: 'regexp matching a line already equal: ok',
    file: 'a=1\nb=2\n',
    args: { regexp: '^b=', line: 'b=2' },
    after: undefined,
  },
  { name: 'no regexp, line present: ok', file: 'a\nb\n', args: { line: 'a' }, after: undefined },
  {
    name: 'insertafter matching several lines: after the last',
    file: '[a]\nk=1\n[a]\nk=2\n',
    args: { insertafter: '^\\[a\\]', line: 'new' },
    after: '[a]\nk=1\n[a]\nnew\nk=2\n',
    msg: 'line added',
  },
  {
    name: 'insertafter with firstmatch: after the first',
    file: '[a]\nk=1\n[a]\nk=2\n',
    args: { insertafter: '^\\[a\\]', line: 'new', firstmatch: true },
    after: '[a]\nnew\nk=1\n[a]\nk=2\n',
    msg: 'line added',
  },
  { name: 'insertafter EOF', file: 'a\nb\n', args: { insertafter: 'EOF', line: 'c' }, after: 'a\nb\nc\n' },
  {
    name: 'insertafter matching nothing: EOF',
    file: 'a\nb\n',
    args: { insertafter: '^zzz', line: 'c' },
    after: 'a\nb\nc\n',
  },
  { name: 'insertafter the last line', file: 'a\nb\n', args: { insertafter: '^b', line: 'c' }, after: 'a\nb\nc\n' },
  {
    name: 'insertafter the last line without final newline (newline added)',
    file: 'a\nb',
    args: { insertafter: '^b', line: 'c' },
    after: 'a\nb\nc\n',
  },
  { name: 'insertbefore BOF', file: 'a\nb\n', args: { insertbefore: 'BOF', line: 'new' }, after: 'new\na\nb\n' },
  {
    name: 'insertbefore regex matching several lines: before the last',
    file: 'a\n#x\nb\n#x\n',
    args: { insertbefore: '^#x', line: 'n' },
    after: 'a\n#x\nb\nn\n#x\n',
  },
  {
    name: 'insertbefore with firstmatch: before the first',
    file: 'a\n#x\nb\n#x\n',
    args: { insertbefore: '^#x', line: 'n', firstmatch: true },
    after: 'a\nn\n#x\nb\n#x\n',
  },
  {
    name: 'insertbefore the first line',
    file: '#x\nb\n',
    args: { insertbefore: '^#x', line: 'n' },
    after: 'n\n#x\nb\n',
  },
  {
    name: 'insertbefore matching nothing: EOF',
    file: 'a\n',
    args: { insertbefore: '^zzz', line: 'n' },
    after: 'a\nn\n',
  },
  {
    name: 'regexp wins over insertafter when it matches',
    file: 'a=1\n[s]\n',
    args: { regexp: '^a=', insertafter: '^\\[s\\]', line: 'a=2' },
    after: 'a=2\n[s]\n',
  },
  {
    name: 'backrefs with no match: nothing changes',
    file: 'x\n',
    args: { regexp: '^listen (\\d+)$', line: 'listen \\1 ssl', backrefs: true },
    after: undefined,
  },
  {
    name: 'backrefs with a numbered group',
    file: 'listen 80\nfoo\n',
    args: { regexp: '^listen (\\d+)$', line: 'listen \\1 ssl', backrefs: true },
    after: 'listen 80 ssl\nfoo\n',
    msg: 'line replaced',
  },
  {
    name: 'backrefs with a Python named group',
    file: 'port=80\n',
    args: { regexp: '^port=(?P<p>\\d+)$', line: 'port=\\g<p> # set', backrefs: true },
    after: 'port=80 # set\n',
  },
  {
    name: 'backrefs on the last of several matches',
    file: 'v=1\nv=2\n',
    args: { regexp: '^v=(\\d)$', line: 'v=\\1\\1', backrefs: true },
    after: 'v=1\nv=22\n',
    once: true,
  },
  {
    name: 'search_string replaces the line containing it',
    file: 'foo=bar baz\nx\n',
    args: { search_string: 'bar ba', line: 'qux' },
    after: 'qux\nx\n',
  },
  {
    name: 'search_string is not a regexp',
    file: 'a.b\naxb\n',
    args: { search_string: 'a.b', line: 'z' },
    after: 'z\naxb\n',
  },
  {
    name: 'file without final newline gets one before the appended line',
    file: 'a\nb',
    args: { line: 'c' },
    after: 'a\nb\nc\n',
  },
  {
    name: 'the line is the last line without newline: replaced with the newline added',
    file: 'a\nc',
    args: { line: 'c' },
    after: 'a\nc\n',
    msg: 'line replaced',
  },
  { name: 'empty file', file: '', args: { line: 'x' }, after: 'x\n' },
  { name: 'empty file, insertbefore BOF', file: '', args: { line: 'x', insertbefore: 'BOF' }, after: 'x\n' },
  {
    name: 'create a missing file',
    file: undefined,
    args: { line: 'x', create: true },
    after: 'x\n',
    msg: 'line added',
  },
  {
    name: 'create with backrefs and no match: no file',
    file: undefined,
    args: { line: 'x', regexp: 'y', backrefs: true, create: true },
    after: undefined,
  },
  { name: 'Python inline flag (?i)', file: 'key=1\n', args: { regexp: '(?i)^KEY=', line: 'KEY=2' }, after: 'KEY=2\n' },
  {
    name: '$ matches at the end of the line',
    file: 'swap on\n',
    args: { regexp: 'on$', line: 'swap off' },
    after: 'swap off\n',
  },
  {
    name: 'CRLF lines are matched and the new line ends with \\n',
    file: 'a\r\nb\r\n',
    args: { regexp: '^a', line: 'x' },
    after: 'x\nb\r\n',
  },
  { name: 'UTF-8 line', file: 'name=x\n', args: { regexp: '^name=', line: 'name=café' }, after: 'name=café\n' },
  {
    name: 'absent removes every matching line',
    file: '#a\nb\n#c\n',
    args: { regexp: '^#', state: 'absent' },
    after: 'b\n',
    msg: '2 line(s) removed',
  },
  { name: 'absent by exact line', file: 'a\nb\na\nab\n', args: { line: 'a', state: 'absent' }, after: 'b\nab\n' },
  {
    name: 'absent by search_string',
    file: 'x swap y\nz\n',
    args: { search_string: 'swap', state: 'absent' },
    after: 'z\n',
    msg: '1 line(s) removed',
  },
  { name: 'absent with nothing matching: ok', file: 'a\n', args: { regexp: '^b', state: 'absent' }, after: undefined },
  {
    name: 'a line holding a newline is appended once: its lines in a row count as present',
    file: 'a\n',
    args: { line: 'two\nlines', insertafter: 'EOF' },
    after: 'a\ntwo\nlines\n',
    msg: 'line added',
  },
  {
    name: 'a line holding a newline after an insertafter line, once',
    file: '[s]\nz\n',
    args: { line: 'x=1\ny=2', insertafter: '^\\[s\\]' },
    after: '[s]\nx=1\ny=2\nz\n',
  },
  {
    name: 'a regexp line replaced by two lines, once',
    file: 'k=0\nz\n',
    args: { regexp: '^k=', line: 'k=1\nl=1' },
    after: 'k=1\nl=1\nz\n',
    msg: 'line replaced',
  },
  {
    name: 'an empty regexp matches every line: the last one is replaced',
    file: 'a\nb\n',
    args: { regexp: '', line: 'c' },
    after: 'a\nc\n',
    msg: 'line replaced',
  },
  {
    name: 'an empty search_string matches every line: the last one is replaced',
    file: 'a\nb\n',
    args: { search_string: '', line: 'c' },
    after: 'a\nc\n',
    msg: 'line replaced',
  },
];

describe('lineinfile', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const host = new FakeHost(c.file === undefined ? { '/etc/keep': '' } : { [F]: c.file });
      const args = { path: F, ...c.args };
      const plan = await planOn(lineinfile, args, host);
      if (c.after === undefined) {
        expect(plan.changes).to.deep.equal([]);
        return;
      }
      expect(plan.changes).to.have.length(1);
      if (c.msg !== undefined) expect(plan.result?.msg).to.equal(c.msg);
      expect(plan.changes[0]!.touches).to.deep.equal([`file:${F}`]);
      expect(plan.changes[0]!.diff).to.deep.equal({ path: F, before: c.file ?? '', after: c.after });
      if (c.once) host.apply(plan.changes);
      else await converge(lineinfile, args, host);
      expect(host.text(F)).to.equal(c.after);
    });
  }

  it('absent on a missing file: ok, file not present', async () => {
    const plan = await planOn(lineinfile, { path: F, line: 'x', state: 'absent' }, new FakeHost());
    expect(plan).to.deep.equal({ changes: [], result: { msg: 'file not present', found: 0 } });
  });

  it('creates missing parent directories with create=yes', async () => {
    const host = new FakeHost();
    const plan = await converge(lineinfile, { path: '/etc/new/dir/f', line: 'x', create: true, mode: '0600' }, host);
    expect(plan.changes[0]!.actions[0]).to.deep.equal({ exec: ['mkdir', '-p', '--', '/etc/new/dir'] });
    expect(host.text('/etc/new/dir/f')).to.equal('x\n');
    expect(host.nodeAt('/etc/new/dir/f')!.mode).to.equal(0o600);
  });

  it('only the mode differs: chmod, no put', async () => {
    const host = new FakeHost({ [F]: { content: 'a\n', mode: 0o644 } });
    const plan = await converge(lineinfile, { path: F, line: 'a', mode: '0600', owner: 'etcd' }, host);
    expect(plan.changes[0]!.actions).to.deep.equal([
      { exec: ['chmod', '0600', '--', F] },
      { exec: ['chown', 'etcd', '--', F] },
    ]);
  });

  it('backup copies the old file first and returns its name', async () => {
    const host = new FakeHost({ [F]: 'a\n' });
    const plan = await converge(lineinfile, { path: F, line: 'b', backup: true }, host);
    const backup = plan.result?.backup as string;
    expect(backup).to.match(/^\/etc\/test\.conf\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/);
    expect(plan.changes[0]!.actions[0]).to.deep.equal({ exec: ['cp', '-p', '--', F, backup] });
    expect(host.text(backup)).to.equal('a\n');
  });

  it('validate is passed on the put', async () => {
    const host = new FakeHost({ [F]: 'a\n' });
    const plan = await planOn(lineinfile, { path: F, line: 'b', validate: 'check %s' }, host);
    expect(plan.changes[0]!.actions.at(-1)).to.include({ put: F, validate: 'check %s' });
  });

  it('writes through a symlink to its target', async () => {
    const host = new FakeHost({ '/etc/real.conf': 'a\n', [F]: { type: 'link', target: 'real.conf' } });
    await converge(lineinfile, { path: F, line: 'b' }, host);
    expect(host.nodeAt(F)!.type).to.equal('link');
    expect(host.text('/etc/real.conf')).to.equal('a\nb\n');
  });

  it("a relative path is the remote user's working folder's (its home over ssh)", async () => {
    const host = new FakeHost({ '/home/ops/keep': '' });
    host.env.PWD = '/home/ops';
    const args = { path: 'file.txt', line: 'x', create: true };
    const plan = await planOn(lineinfile, args, host);
    expect(plan.changes[0]!.touches).to.deep.equal(['file:/home/ops/file.txt']);
    expect(plan.changes[0]!.actions.at(-1)).to.include({ put: '/home/ops/file.txt' });
    await converge(lineinfile, args, host);
    expect(host.text('/home/ops/file.txt')).to.equal('x\n');
    expect(await planError(lineinfile, { path: 'gone.txt', line: 'x' }, host)).to.equal(
      'Destination gone.txt does not exist !',
    );
  });

  for (const [arg, warning] of [
    [
      'regexp',
      'The regular expression is an empty string, which will match every line in the file. This may have ' +
        'unintended consequences, such as replacing the last line in the file rather than appending. ' +
        "If this is desired, use '^' to match every line in the file and avoid this warning.",
    ],
    [
      'search_string',
      'The search string is an empty string, which will match every line in the file. This may have ' +
        'unintended consequences, such as replacing the last line in the file rather than appending.',
    ],
  ] as const) {
    it(`an empty ${arg} warns as Ansible does; a non-empty one does not`, async () => {
      const host = new FakeHost({ [F]: 'a\n' });
      const plan = await planOn(lineinfile, { path: F, [arg]: '', line: 'b' }, host);
      expect(plan.result?.warnings).to.deep.equal([warning]);
      const gone = await planOn(lineinfile, { path: '/etc/gone', [arg]: '', state: 'absent' }, host);
      expect(gone.result).to.deep.equal({ msg: 'file not present', found: 0, warnings: [warning] });
      const quiet = await planOn(lineinfile, { path: F, [arg]: 'a', line: 'b' }, host);
      expect(quiet.result).to.not.have.property('warnings');
    });
  }

  for (const [name, args, file, msg] of [
    ['missing file without create', { line: 'x' }, undefined, 'Destination /etc/test.conf does not exist !'],
    ['backrefs without regexp', { line: 'x', backrefs: true }, 'a\n', 'regexp is required with backrefs=true'],
    [
      'absent with nothing to match',
      { state: 'absent' },
      'a\n',
      'one of line, search_string, or regexp is required with state=absent',
    ],
    ['validate without %s', { line: 'x', validate: 'check' }, 'a\n', 'validate must contain %s'],
    ['a directory', { line: 'x' }, 'dir', 'Path /etc/test.conf is a directory !'],
    ['a bad regexp', { line: 'x', regexp: '(' }, 'a\n', 'not a valid regular expression'],
  ] as const) {
    it(`fails: ${name}`, async () => {
      const host = new FakeHost(file === undefined ? {} : file === 'dir' ? { [F]: { type: 'dir' } } : { [F]: file });
      expect(await planError(lineinfile, { path: F, ...args }, host)).to.include(msg);
    });
  }

  it('translates Python regexps', () => {
    expect(pyRegex('(?P<a>x)(?P=a)').test('xx')).to.equal(true);
    expect(pyRegex('\\Aab\\Z').test('ab')).to.equal(true);
    expect(pyRegex('[]a]').test(']')).to.equal(true);
    expect(pyRegex('(?s)a.b').test('a\nb')).to.equal(true);
  });

  it('editPresent leaves its input alone', () => {
    const lines = splitLines('a\nb\n');
    editPresent(lines, { line: 'c', firstmatch: false, backrefs: false });
    expect(lines).to.deep.equal(['a\n', 'b\n']);
  });
});
