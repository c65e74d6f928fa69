// assemble against a fake host: which fragments are joined and how (order, regexp, hidden names, links, newlines,
// delimiters and their escapes), from the host or the controller; every change applied and planned again.
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { escapeDecode, joinFragments } from '../../src/tasks/assemble.js';
import { assemble } from '../../src/tasks/files.js';
import { FakeHost, type FakeSpec } from '../support/fake-host.js';
import { converge, hostView, planError, planOn } from '../support/plan-harness.js';

const S = '/etc/app/conf.d';
const D = '/etc/app/app.conf';

describe('assemble: joining', () => {
  const f = (content: string) => ({ name: 'x', content: Buffer.from(content) });
  for (const [name, parts, delimiter, want] of [
    ['fragments that end with a newline', ['a\n', 'b\n'], undefined, 'a\nb\n'],
    ['a newline after a fragment without one, when another follows', ['a', 'b'], undefined, 'a\nb'],
    ['a delimiter between fragments, a newline after it', ['a\n', 'b\n', 'c\n'], '##', 'a\n##\nb\n##\nc\n'],
    ['a delimiter ending with a newline still gets one', ['a\n', 'b\n'], '##\\n', 'a\n##\n\nb\n'],
    ['a missing newline comes before the delimiter', ['a', 'b'], '--', 'a\n--\nb'],
    ['an empty delimiter is none', ['a\n', 'b\n'], '', 'a\nb\n'],
    ['one fragment: no delimiter', ['a'], '--', 'a'],
    ['no fragments: an empty file', [], '--', ''],
  ] as [string, string[], string | undefined, string][]) {
    it(name, () => {
      expect(joinFragments(parts.map(f), delimiter).toString()).to.equal(want);
    });
  }

  for (const [escaped, want] of [
    ['\\n', '\n'],
    ["\\t|\\\\|\\'", "\t|\\|'"],
    ['\\x41\\101\\0', 'AA\0'],
    ['\\d stays', '\\d stays'],
    ['line\\\nend', 'lineend'],
  ] as [string, string][]) {
    it(`escapes: ${JSON.stringify(escaped)}`, () => expect(escapeDecode(escaped)).to.equal(want));
  }

  it('a delimiter is decoded again for each fragment, as Ansible does', () => {
    // `\\\\n` is `\\n` after one decoding and a newline after two
    const out = joinFragments(['a\n', 'b\n', 'c\n'].map(f), '\\\\\\\\n').toString();
    expect(out).to.equal('a\n\\\\n\nb\n\\n\nc\n');
  });

  it('a bad \\x escape fails the task', () => {
    expect(() => escapeDecode('\\xZZ')).to.throw('invalid \\x escape');
  });
});

interface Case {
  name: string;
  files: Record<string, FakeSpec>;
  args?: Record<string, unknown>;
  want: string;
}

const cases: Case[] = [
  {
    name: 'every regular file, by name',
    files: { [`${S}/b`]: 'b\n', [`${S}/a`]: 'a\n', [`${S}/c`]: 'c\n' },
    want: 'a\nb\nc\n',
  },
  {
    name: 'by code point: upper case, then lower case, then non-ASCII',
    files: { [`${S}/ßΩ`]: 'ß\n', [`${S}/a`]: 'a\n', [`${S}/B`]: 'B\n' },
    want: 'B\na\nß\n',
  },
  {
    name: 'sub-folders and what they hold are left out',
    files: { [`${S}/a`]: 'a\n', [`${S}/sub/x`]: 'x\n' },
    want: 'a\n',
  },
  {
    name: 'a link to a file is a fragment, a broken link is not',
    files: {
      [`${S}/a`]: 'a\n',
      [`${S}/l`]: { type: 'link', target: '/etc/other' },
      [`${S}/z`]: { type: 'link', target: '/nowhere' },
      '/etc/other': 'o\n',
    },
    want: 'a\no\n',
  },
  {
    name: 'regexp: searched in the name',
    files: { [`${S}/frag1`]: '1\n', [`${S}/frag2`]: '2\n', [`${S}/other`]: 'x\n' },
    args: { regexp: 'g[12]$' },
    want: '1\n2\n',
  },
  {
    name: 'hidden names are kept by default',
    files: { [`${S}/.h`]: 'h\n', [`${S}/a`]: 'a\n' },
    want: 'h\na\n',
  },
  {
    name: 'ignore_hidden leaves them out',
    files: { [`${S}/.h`]: 'h\n', [`${S}/a`]: 'a\n' },
    args: { ignore_hidden: true },
    want: 'a\n',
  },
  {
    name: 'a delimiter',
    files: { [`${S}/a`]: 'a', [`${S}/b`]: 'b\n' },
    args: { delimiter: '#--' },
    want: 'a\n#--\nb\n',
  },
];

describe('assemble: from the host', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const host = new FakeHost(c.files);
      const plan = await converge(assemble, { src: S, dest: D, ...c.args }, host);
      expect(host.text(D)).to.equal(c.want);
      expect(plan.result).to.include({
        dest: D,
        src: S,
        msg: 'OK',
        size: Buffer.byteLength(c.want),
        checksum: createHash('sha1').update(c.want).digest('hex'),
        md5sum: createHash('md5').update(c.want).digest('hex'),
      });
    });
  }

  it('check mode plans the same change; a second run has nothing to do and still reports the sums', async () => {
    const host = new FakeHost({ [`${S}/a`]: 'a\n', [D]: 'old\n' });
    const checked = await planOn(assemble, { src: S, dest: D }, host, hostView({}, { check: true }));
    const first = await converge(assemble, { src: S, dest: D }, host);
    expect(checked.changes.map((c) => c.summary)).to.deep.equal([`assemble: update ${D}`]);
    expect(first.changes[0]!.diff).to.deep.equal({ path: D, before: 'old\n', after: 'a\n' });
    const again = await planOn(assemble, { src: S, dest: D }, host);
    expect(again.changes).to.deep.equal([]);
    expect(again.result).to.include({ md5sum: createHash('md5').update('a\n').digest('hex'), state: 'file' });
  });

  it('mode, owner and backup are copy’s', async () => {
    const host = new FakeHost({ [`${S}/a`]: 'a\n', [D]: 'old\n' });
    const plan = await converge(assemble, { src: S, dest: D, mode: '0600', owner: 'etcd', backup: true }, host);
    expect(plan.result!.backup_file).to.match(/^\/etc\/app\/app\.conf\.\d{4}-\d\d-\d\d@[\d:]+~$/);
    expect(host.nodeAt(D)).to.include({ mode: 0o600, uid: 1001 });
  });

  for (const [name, files, args, msg] of [
    ['a missing src', {}, {}, `Source (${S}) does not exist`],
    ['a src that is a file', { [S]: 'x' }, {}, `Source (${S}) is not a directory`],
    ['validate without %s', { [`${S}/a`]: 'a' }, { validate: 'visudo -cf' }, 'validate must contain %s'],
    ['dest is a folder', { [`${S}/a`]: 'a', '/etc/app/d/x': '' }, { dest: '/etc/app/d' }, 'with a dir as dest'],
  ] as [string, Record<string, FakeSpec>, Record<string, unknown>, string][]) {
    it(`fails: ${name}`, async () => {
      expect(await planError(assemble, { src: S, dest: D, ...args }, new FakeHost(files))).to.include(msg);
    });
  }
});

describe('assemble: from the controller (remote_src: false)', () => {
  const ctl = { '/ctl/frags/b': 'b\n', '/ctl/frags/a': 'a', '/ctl/frags/sub/x': 'x\n' };

  it("joins the folder's own files, then converges", async () => {
    const host = new FakeHost({ '/etc/app/keep': '' }, ctl);
    await converge(assemble, { src: '/ctl/frags', dest: D, remote_src: false }, host);
    expect(host.text(D)).to.equal('a\nb\n');
  });

  it('names its src as a controller file only with remote_src false', () => {
    expect(assemble.controllerSource!({ src: 'x', remote_src: 'no' })).to.deep.equal({ arg: 'src', kind: 'files' });
    expect(assemble.controllerSource!({ src: 'x' })).to.equal(undefined);
    expect(assemble.controllerSource!({ src: 'x', remote_src: '{{ r }}' })).to.equal(undefined);
  });

  it('a controller src that is not a folder fails', async () => {
    const host = new FakeHost({}, ctl);
    expect(await planError(assemble, { src: '/ctl/none', dest: D, remote_src: false }, host)).to.include(
      'Source (/ctl/none) is not a directory',
    );
  });

  const VAULT = '$ANSIBLE_VAULT;1.1;AES256\n6162636465\n';
  it('refuses a vault-encrypted fragment; decrypt: false joins its bytes', async () => {
    const host = new FakeHost({ '/etc/app/keep': '' }, { '/ctl/v/a': VAULT });
    const args = { src: '/ctl/v', dest: D, remote_src: false };
    expect(await planError(assemble, args, host)).to.include('kplay has no vault');
    await converge(assemble, { ...args, decrypt: false }, host);
    expect(host.text(D)).to.equal(VAULT);
  });
});
