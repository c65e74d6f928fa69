// blockinfile and replace against a fake host: Ansible's rules, each case applied and planned again (converges).
import { expect } from 'chai';
import { blockinfile, editBlock, blockLines } from '../../src/tasks/edits/blockinfile.js';
import { editReplace, replace } from '../../src/tasks/edits/replace.js';
import { splitLines } from '../../src/tasks/lib/py-regex.js';
import { FakeHost } from '../support/fake-host.js';
import { converge, hostView, planError, planOn } from '../support/plan-harness.js';

const F = '/etc/test.conf';
const B = '# BEGIN ANSIBLE MANAGED BLOCK\n';
const E = '# END ANSIBLE MANAGED BLOCK\n';

interface Case {
  name: string;
  file: string | undefined; // undefined: the file does not exist
  args: Record<string, unknown>;
  after: string | undefined; // undefined: no change
  msg?: string;
}

const blockCases: Case[] = [
  {
    name: 'appends a block at EOF by default',
    file: 'a\nb\n',
    args: { block: 'x=1\ny=2' },
    after: `a\nb\n${B}x=1\ny=2\n${E}`,
    msg: 'Block inserted',
  },
  { name: 'a block already there: ok', file: `a\n${B}x=1\n${E}b\n`, args: { block: 'x=1' }, after: undefined },
  {
    name: 'a block ending in a newline is the same block',
    file: `a\n${B}x=1\n${E}`,
    args: { block: 'x=1\n' },
    after: undefined,
  },
  {
    name: 'an existing block is replaced in place',
    file: `a\n${B}old\nold2\n${E}b\n`,
    args: { block: 'new' },
    after: `a\n${B}new\n${E}b\n`,
    msg: 'Block inserted',
  },
  {
    name: 'insertafter a regexp: after its last match',
    file: '[a]\nk\n[a]\nz\n',
    args: { block: 'x', insertafter: '^\\[a\\]' },
    after: `[a]\nk\n[a]\n${B}x\n${E}z\n`,
  },
  {
    name: 'insertafter with (?m) spans lines: after the line where its first match ends',
    file: 'L =\n  (A\nk\nL =\n  (A\n',
    args: { block: 'x', insertafter: '(?m)L =\\n.*\\(A' },
    after: `L =\n  (A\n${B}x\n${E}k\nL =\n  (A\n`,
  },
  {
    name: 'insertbefore with (?m) spans lines: before the line where its first match starts',
    file: 'a\nL =\n  (A\nL =\n',
    args: { block: 'x', insertbefore: '(?m)L =\\n.*\\(A' },
    after: `a\n${B}x\n${E}L =\n  (A\nL =\n`,
  },
  {
    name: 'a regexp spanning lines without (?m) is matched line by line: EOF',
    file: 'L =\n  (A\n',
    args: { block: 'x', insertafter: 'L =\\n.*\\(A' },
    after: `L =\n  (A\n${B}x\n${E}`,
  },
  {
    name: 'insertafter matching nothing: EOF',
    file: 'a\n',
    args: { block: 'x', insertafter: '^nope' },
    after: `a\n${B}x\n${E}`,
  },
  {
    name: 'insertbefore a regexp: before its last match',
    file: 'a\n#x\nb\n#x\n',
    args: { block: 'n', insertbefore: '^#x' },
    after: `a\n#x\nb\n${B}n\n${E}#x\n`,
  },
  { name: 'insertbefore BOF', file: 'a\n', args: { block: 'n', insertbefore: 'BOF' }, after: `${B}n\n${E}a\n` },
  {
    name: 'insertafter EOF explicitly',
    file: 'a\n',
    args: { block: 'n', insertafter: 'EOF' },
    after: `a\n${B}n\n${E}`,
  },
  {
    name: 'insertafter is ignored when the block exists (replaced where it is)',
    file: `${B}old\n${E}a\n`,
    args: { block: 'new', insertafter: '^a' },
    after: `${B}new\n${E}a\n`,
  },
  {
    name: 'a file without final newline gets one before the block',
    file: 'a\nb',
    args: { block: 'x' },
    after: `a\nb\n${B}x\n${E}`,
  },
  {
    name: 'state=absent removes the block and its markers',
    file: `a\n${B}x\n${E}b\n`,
    args: { state: 'absent' },
    after: 'a\nb\n',
    msg: 'Block removed',
  },
  { name: 'state=absent without the block: ok', file: 'a\n', args: { state: 'absent' }, after: undefined },
  {
    name: 'an empty block with state=present removes it',
    file: `a\n${B}x\n${E}b\n`,
    args: { block: '' },
    after: 'a\nb\n',
    msg: 'Block removed',
  },
  { name: 'an empty block, no block there: ok', file: 'a\n', args: { block: '' }, after: undefined },
  {
    name: 'only the begin marker present: a new block is added',
    file: `a\n${B}x\n`,
    args: { block: 'y' },
    after: `a\n${B}x\n${B}y\n${E}`,
  },
  {
    name: 'custom marker and marker_begin/end',
    file: 'a\n',
    args: { block: 'x', marker: '// {mark} kubeasz', marker_begin: 'START', marker_end: 'STOP' },
    after: 'a\n// START kubeasz\nx\n// STOP kubeasz\n',
  },
  {
    name: 'two blocks with different markers live side by side',
    file: `a\n# BEGIN one\n1\n# END one\n# BEGIN two\n2\n# END two\n`,
    args: { block: '22', marker: '# {mark} two' },
    after: `a\n# BEGIN one\n1\n# END one\n# BEGIN two\n22\n# END two\n`,
  },
  {
    name: 'end marker before begin marker: the span between is replaced',
    file: `a\n${E}x\n${B}b\n`,
    args: { block: 'y' },
    after: `a\n${B}y\n${E}b\n`,
  },
  {
    name: 'a final end marker without newline is recognised',
    file: `a\n${B}x\n# END ANSIBLE MANAGED BLOCK`,
    args: { block: 'x' },
    after: `a\n${B}x\n${E}`,
  },
  {
    name: 'prepend_newline adds a blank line before',
    file: 'a\n',
    args: { block: 'x', prepend_newline: true },
    after: `a\n\n${B}x\n${E}`,
  },
  {
    name: 'prepend_newline not at the beginning of the file',
    file: '',
    args: { block: 'x', prepend_newline: true },
    after: `${B}x\n${E}`,
  },
  {
    name: 'append_newline adds a blank line after',
    file: 'a\n',
    args: { block: 'x', insertbefore: 'BOF', append_newline: true },
    after: `${B}x\n${E}\na\n`,
  },
  {
    name: 'append_newline not when a blank line follows',
    file: '\na\n',
    args: { block: 'x', insertbefore: 'BOF', append_newline: true },
    after: `${B}x\n${E}\na\n`,
  },
  { name: 'a multi-line block with blank lines', file: '', args: { block: 'a\n\nb\n' }, after: `${B}a\n\nb\n${E}` },
  {
    name: 'create a missing file',
    file: undefined,
    args: { block: 'x', create: true },
    after: `${B}x\n${E}`,
    msg: 'File created',
  },
  { name: 'UTF-8 block', file: 'a\n', args: { block: 'name=café' }, after: `a\n${B}name=café\n${E}` },
  { name: 'the content alias', file: '', args: { content: 'x' }, after: `${B}x\n${E}` },
];

describe('blockinfile', () => {
  for (const c of blockCases) {
    it(c.name, async () => {
      const host = new FakeHost(c.file === undefined ? { '/etc/keep': '' } : { [F]: c.file });
      const args = { path: F, ...c.args };
      const plan = await planOn(blockinfile, args, host);
      if (c.after === undefined) {
        expect(plan.changes).to.deep.equal([]);
        expect(plan.result?.msg).to.equal('');
        return;
      }
      expect(plan.changes).to.have.length(1);
      if (c.msg !== undefined) expect(plan.result?.msg).to.equal(c.msg);
      expect(plan.changes[0]!.touches).to.deep.equal([`file:${F}`]);
      expect(plan.changes[0]!.diff).to.deep.equal({ path: F, before: c.file ?? '', after: c.after });
      await converge(blockinfile, args, host);
      expect(host.text(F)).to.equal(c.after);
    });
  }

  it('a missing file without create fails, also with state=absent (as in Ansible)', async () => {
    expect(await planError(blockinfile, { path: F, block: 'x' }, new FakeHost())).to.include(
      `Path ${F} does not exist !`,
    );
    expect(await planError(blockinfile, { path: F, state: 'absent' }, new FakeHost())).to.include('does not exist');
  });

  it('a directory fails', async () => {
    expect(await planError(blockinfile, { path: F, block: 'x' }, new FakeHost({ [F]: { type: 'dir' } }))).to.include(
      'is a directory',
    );
  });

  it('create makes the parent directories, with mode', async () => {
    const host = new FakeHost();
    const plan = await converge(blockinfile, { path: '/etc/new/d/f', block: 'x', create: true, mode: '0600' }, host);
    expect(plan.changes[0]!.actions[0]).to.deep.equal({ exec: ['mkdir', '-p', '--', '/etc/new/d'] });
    expect(host.nodeAt('/etc/new/d/f')!.mode).to.equal(0o600);
  });

  it('backup, validate and owner ride on the write', async () => {
    const host = new FakeHost({ [F]: 'a\n' });
    const plan = await converge(
      blockinfile,
      { path: F, block: 'x', backup: true, validate: 'check %s', owner: 'etcd' },
      host,
    );
    const backup = plan.result?.backup_file as string;
    expect(plan.changes[0]!.actions[0]).to.deep.equal({ exec: ['cp', '-p', '--', F, backup] });
    expect(plan.changes[0]!.actions[1]).to.include({ put: F, validate: 'check %s', owner: 'etcd' });
    expect(host.text(backup)).to.equal('a\n');
  });

  it('only attributes differ: chmod, no write', async () => {
    const host = new FakeHost({ [F]: `${B}x\n${E}` });
    const plan = await converge(blockinfile, { path: F, block: 'x', mode: '0640' }, host);
    expect(plan.changes[0]!.actions).to.deep.equal([{ exec: ['chmod', '0640', '--', F] }]);
  });

  it('writes through a symlink', async () => {
    const host = new FakeHost({ '/etc/real': 'a\n', [F]: { type: 'link', target: 'real' } });
    await converge(blockinfile, { path: F, block: 'x' }, host);
    expect(host.nodeAt(F)!.type).to.equal('link');
    expect(host.text('/etc/real')).to.equal(`a\n${B}x\n${E}`);
  });

  it('editBlock leaves its input alone; blockLines adds the final newline', () => {
    const lines = splitLines('a\n');
    editBlock(lines, {
      marker0: 'B',
      marker1: 'E',
      blockLines: blockLines('x'),
      prependNewline: false,
      appendNewline: false,
    });
    expect(lines).to.deep.equal(['a\n']);
    expect(blockLines('x\ny')).to.deep.equal(['x\n', 'y\n']);
  });
});

const replaceCases: (Case & { once?: boolean })[] = [
  {
    name: 'replaces every match',
    file: 'a=1\nb=1\na=1\n',
    args: { regexp: 'a=1', replace: 'a=2' },
    after: 'a=2\nb=1\na=2\n',
    msg: '2 replacements made',
  },
  { name: 'no match: ok', file: 'a\n', args: { regexp: 'zzz', replace: 'y' }, after: undefined },
  { name: 'a match replaced by itself: ok', file: 'a=1\n', args: { regexp: 'a=1', replace: 'a=1' }, after: undefined },
  {
    name: '^ and $ are per line (re.MULTILINE)',
    file: 'x\nswap on\ny\n',
    args: { regexp: '^swap on$', replace: '#swap on' },
    after: 'x\n#swap on\ny\n',
  },
  {
    name: 'numbered groups \\1',
    file: 'listen 80\n',
    args: { regexp: '^listen (\\d+)$', replace: 'listen \\1 ssl' },
    after: 'listen 80 ssl\n',
    once: true,
  },
  {
    name: 'named groups (?P<n>) and \\g<n>',
    file: 'port=80\n',
    args: { regexp: '^port=(?P<p>\\d+)$', replace: 'port=\\g<p>0' },
    after: 'port=800\n',
    once: true,
  },
  {
    name: '\\g<0> is the whole match',
    file: 'abc\n',
    args: { regexp: 'b', replace: '[\\g<0>]' },
    after: 'a[b]c\n',
    once: true,
  },
  {
    name: 'an empty replace (the default) deletes',
    file: 'a # note\nb\n',
    args: { regexp: ' # .*$' },
    after: 'a\nb\n',
  },
  {
    name: 'comment out the swap lines of fstab',
    file: 'UUID=1 / ext4 defaults 0 1\n/swap none swap sw 0 0\n',
    args: { regexp: '^([^#].*\\sswap\\s.*)$', replace: '# \\1' },
    after: 'UUID=1 / ext4 defaults 0 1\n# /swap none swap sw 0 0\n',
  },
  {
    name: 'after: only past the first match of after',
    file: 'k=1\n[s]\nk=1\n',
    args: { regexp: 'k=1', replace: 'k=2', after: '\\[s\\]' },
    after: 'k=1\n[s]\nk=2\n',
  },
  {
    name: 'before: only before the last match of before',
    file: 'k=1\n[s]\nk=1\n',
    args: { regexp: 'k=1', replace: 'k=2', before: '\\[s\\]' },
    after: 'k=2\n[s]\nk=1\n',
  },
  {
    name: 'after and before: the window between (non-greedy)',
    file: 'k\n<a>\nk\n</a>\nk\n<a>\nk\n</a>\n',
    args: { regexp: '^k$', replace: 'K', after: '<a>', before: '</a>' },
    after: 'k\n<a>\nK\n</a>\nk\n<a>\nk\n</a>\n',
  },
  {
    name: 'after/before not matching: ok, with a message',
    file: 'k\n',
    args: { regexp: 'k', replace: 'K', after: 'nope' },
    after: undefined,
  },
  {
    name: 'the file without a final newline stays so',
    file: 'a=1',
    args: { regexp: '1$', replace: '2' },
    after: 'a=2',
  },
  {
    name: 'Python escapes in the template: \\n',
    file: 'a;b\n',
    args: { regexp: ';', replace: '\\n' },
    after: 'a\nb\n',
  },
  {
    name: 'inline flag (?i)',
    file: 'KEY=1\n',
    args: { regexp: '(?i)^key=1', replace: 'key=2' },
    after: 'key=2\n',
    once: true,
  },
  {
    name: '\\A anchors at the start of the file only',
    file: 'a\na\n',
    args: { regexp: '\\Aa', replace: 'b' },
    after: 'b\na\n',
    once: true,
  },
  { name: 'UTF-8 text', file: 'name=café\n', args: { regexp: 'é', replace: 'e' }, after: 'name=cafe\n' },
  {
    name: 'a multi-line pattern',
    file: '[x]\na=1\n[y]\n',
    args: { regexp: '\\[x\\]\\na=1', replace: '[x]\na=2' },
    after: '[x]\na=2\n[y]\n',
  },
];

describe('replace', () => {
  for (const c of replaceCases) {
    it(c.name, async () => {
      const host = new FakeHost({ [F]: c.file! });
      const args = { path: F, ...c.args };
      const plan = await planOn(replace, args, host);
      if (c.after === undefined) {
        expect(plan.changes).to.deep.equal([]);
        return;
      }
      expect(plan.changes).to.have.length(1);
      if (c.msg !== undefined) expect(plan.result?.msg).to.equal(c.msg);
      expect(plan.changes[0]!.diff).to.deep.equal({ path: F, before: c.file, after: c.after });
      if (c.once) host.apply(plan.changes);
      else await converge(replace, args, host);
      expect(host.text(F)).to.equal(c.after);
    });
  }

  it('after/before not matching says so', async () => {
    const plan = await planOn(replace, { path: F, regexp: 'k', after: 'nope' }, new FakeHost({ [F]: 'k\n' }));
    expect(plan.result?.msg).to.equal(
      'Pattern for before/after params did not match the given file: nope(?P<subsection>.*)',
    );
  });

  it('fails on a missing file, a directory, a bad regexp, bad UTF-8', async () => {
    expect(await planError(replace, { path: F, regexp: 'x' }, new FakeHost())).to.include(`Path ${F} does not exist !`);
    expect(await planError(replace, { path: F, regexp: 'x' }, new FakeHost({ [F]: { type: 'dir' } }))).to.include(
      'is a directory',
    );
    expect(await planError(replace, { path: F, regexp: '(' }, new FakeHost({ [F]: 'a' }))).to.include(
      'not a valid regular expression',
    );
    expect(
      await planError(replace, { path: F, regexp: 'x' }, new FakeHost({ [F]: { content: Buffer.from([0xff, 0xfe]) } })),
    ).to.include('not valid UTF-8');
  });

  it('backup and validate ride on the write; symlinks are followed', async () => {
    const host = new FakeHost({ '/etc/real': 'a=1\n', [F]: { type: 'link', target: 'real' } });
    const plan = await converge(replace, { path: F, regexp: '1', replace: '2', backup: true, validate: 'v %s' }, host);
    expect(plan.changes[0]!.actions[1]).to.include({ put: '/etc/real', validate: 'v %s' });
    expect(host.text(plan.result?.backup_file as string)).to.equal('a=1\n');
    expect(host.nodeAt(F)!.type).to.equal('link');
    expect(host.text('/etc/real')).to.equal('a=2\n');
  });

  it('a regexp matching its own replacement: one pass per run, changed again on the next run, as Ansible', async () => {
    const host = new FakeHost({ [F]: 'a\nb\n' });
    const args = { path: F, regexp: '^(.+)$', replace: '"\\1"' };
    // converge: the engine's re-plan (with this change's mark) plans no second pass over the text just written
    await converge(replace, args, host);
    expect(host.text(F)).to.equal('"a"\n"b"\n');
    const next = await planOn(replace, args, host);
    expect(next.result?.msg).to.equal('2 replacements made');
    expect(next.changes[0]!.diff?.after).to.equal('""a""\n""b""\n');
  });

  it('a write that did not stick is planned again after apply (the run does not converge)', async () => {
    const host = new FakeHost({ [F]: 'a\n' });
    const first = await planOn(replace, { path: F, regexp: 'a', replace: 'b' }, host);
    const applied = new Map([[first.changes[0]!.mark!.key, first.changes[0]!.mark!.value!]]);
    const again = await planOn(replace, { path: F, regexp: 'a', replace: 'b' }, host, hostView({}, { applied }));
    expect(again.changes.map((c) => c.summary)).to.deep.equal([`replace: ${F}: 1 replacements made`]);
  });

  it('editReplace counts replacements', () => {
    expect(editReplace('aaa', { regexp: 'a', replace: 'b' })).to.deep.equal({ text: 'bbb', count: 3 });
  });
});
