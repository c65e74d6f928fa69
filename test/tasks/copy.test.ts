// copy and template against a fake host: what is sent (only when it differs), attributes, dest directories,
// force, backup, non-string content; every change applied and planned again (converges).
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { copy, template } from '../../src/tasks/files.js';
import type { Action } from '../../src/tasks/contract.js';
import { FakeHost, type FakeSpec } from '../support/fake-host.js';
import { converge, hostView, planError, planOn } from '../support/plan-harness.js';

const D = '/etc/app/app.conf';
const base = () => ({ '/etc/app/keep': '' });

/** Actions without the content buffers, for comparing. */
const shape = (as: Action[]) => as.map((a) => ('put' in a ? { ...a, content: a.content.toString() } : a));

interface Case {
  name: string;
  files?: Record<string, FakeSpec>;
  args: Record<string, unknown>;
  actions: unknown[] | 'none';
  summary?: string;
  after?: { path?: string; content?: string; mode?: number; owner?: number };
}

const cases: Case[] = [
  {
    name: 'content to a new file',
    args: { content: 'hi\n' },
    summary: `copy: create ${D}`,
    actions: [{ put: D, content: 'hi\n', mode: undefined, owner: undefined, group: undefined, validate: undefined }],
    after: { content: 'hi\n', mode: 0o644 },
  },
  { name: 'same content: nothing to do', files: { [D]: 'hi\n' }, args: { content: 'hi\n' }, actions: 'none' },
  {
    name: 'different content: put',
    files: { [D]: 'old\n' },
    args: { content: 'new\n' },
    summary: `copy: update ${D}`,
    actions: [{ put: D, content: 'new\n', mode: undefined, owner: undefined, group: undefined, validate: undefined }],
    after: { content: 'new\n' },
  },
  {
    name: 'different content keeps the existing mode',
    files: { [D]: { content: 'old', mode: 0o600 } },
    args: { content: 'new' },
    actions: [{ put: D, content: 'new', mode: undefined, owner: undefined, group: undefined, validate: undefined }],
    after: { mode: 0o600 },
  },
  {
    name: 'mode only: chmod, no put',
    files: { [D]: { content: 'x', mode: 0o600 } },
    args: { content: 'x', mode: '0644' },
    summary: `copy: ${D}: mode 0600 → 0644`,
    actions: [{ exec: ['chmod', '0644', '--', D] }],
    after: { mode: 0o644 },
  },
  {
    name: 'owner only: chown, no put',
    files: { [D]: 'x' },
    args: { content: 'x', owner: 'etcd' },
    summary: `copy: ${D}: owner root → etcd`,
    actions: [{ exec: ['chown', 'etcd', '--', D] }],
    after: { owner: 1001 },
  },
  {
    name: 'owner and group by number',
    files: { [D]: 'x' },
    args: { content: 'x', owner: '1001', group: '1002' },
    actions: [{ exec: ['chown', '1001:1002', '--', D] }],
    after: { owner: 1001 },
  },
  {
    name: 'group only',
    files: { [D]: 'x' },
    args: { content: 'x', group: 'kube' },
    actions: [{ exec: ['chown', ':kube', '--', D] }],
  },
  {
    name: 'owner already right',
    files: { [D]: { content: 'x', owner: 'etcd' } },
    args: { content: 'x', owner: 'etcd', group: 'etcd' },
    actions: 'none',
  },
  {
    name: 'numeric mode 420 is 0644',
    files: { [D]: { content: 'x', mode: 0o600 } },
    args: { content: 'x', mode: 420 },
    actions: [{ exec: ['chmod', '0644', '--', D] }],
  },
  {
    name: 'numeric mode on a new file goes with the put',
    args: { content: 'x', mode: 384 },
    actions: [{ put: D, content: 'x', mode: '0600', owner: undefined, group: undefined, validate: undefined }],
    after: { mode: 0o600 },
  },
  {
    name: 'string mode without leading zero',
    files: { [D]: 'x' },
    args: { content: 'x', mode: '600' },
    actions: [{ exec: ['chmod', '0600', '--', D] }],
  },
  {
    name: 'symbolic mode against the current mode',
    files: { [D]: { content: 'x', mode: 0o644 } },
    args: { content: 'x', mode: 'u=rw,g=r,o=' },
    actions: [{ exec: ['chmod', '0640', '--', D] }],
  },
  {
    name: 'symbolic u+x',
    files: { [D]: { content: 'x', mode: 0o644 } },
    args: { content: 'x', mode: 'u+x' },
    actions: [{ exec: ['chmod', '0744', '--', D] }],
  },
  {
    name: 'symbolic mode already satisfied',
    files: { [D]: { content: 'x', mode: 0o640 } },
    args: { content: 'x', mode: 'g-w,o-rwx' },
    actions: 'none',
  },
  {
    name: 'force=no leaves an existing file alone',
    files: { [D]: { content: 'old', mode: 0o600 } },
    args: { content: 'new', force: false, mode: '0644' },
    actions: 'none',
  },
  {
    name: 'force=no creates a missing file',
    args: { content: 'new', force: false },
    actions: [{ put: D, content: 'new', mode: undefined, owner: undefined, group: undefined, validate: undefined }],
  },
  {
    name: 'mapping content is written as Python JSON',
    args: { content: { a: 1, b: [true, null, 'é'] } },
    actions: [
      {
        put: D,
        content: '{"a": 1, "b": [true, null, "\\u00e9"]}',
        mode: undefined,
        owner: undefined,
        group: undefined,
        validate: undefined,
      },
    ],
  },
  {
    name: 'boolean content as Python prints it',
    args: { content: true },
    actions: [{ put: D, content: 'True', mode: undefined, owner: undefined, group: undefined, validate: undefined }],
  },
  {
    name: 'validate goes with the put',
    args: { content: 'x', validate: 'visudo -cf %s' },
    actions: [{ put: D, content: 'x', mode: undefined, owner: undefined, group: undefined, validate: 'visudo -cf %s' }],
  },
  {
    name: 'src from the controller',
    args: { src: '/ctl/files/app.conf' },
    actions: [
      {
        put: D,
        content: 'from controller\n',
        mode: undefined,
        owner: undefined,
        group: undefined,
        validate: undefined,
      },
    ],
  },
  {
    name: 'src into an existing directory dest',
    args: { src: '/ctl/files/app.conf', dest: '/etc/app' },
    actions: [
      {
        put: D,
        content: 'from controller\n',
        mode: undefined,
        owner: undefined,
        group: undefined,
        validate: undefined,
      },
    ],
    after: { content: 'from controller\n' },
  },
  {
    name: 'dest ending in / is created',
    args: { src: '/ctl/files/app.conf', dest: '/etc/new/', directory_mode: '0700' },
    actions: [
      { exec: ['mkdir', '-p', '--', '/etc/new'] },
      { exec: ['chmod', '0700', '--', '/etc/new'] },
      {
        put: '/etc/new/app.conf',
        content: 'from controller\n',
        mode: undefined,
        owner: undefined,
        group: undefined,
        validate: undefined,
      },
    ],
    after: { path: '/etc/new/app.conf', content: 'from controller\n' },
  },
  {
    name: 'remote_src reads the host',
    files: { '/tmp/src': 'remote\n' },
    args: { src: '/tmp/src', remote_src: true },
    actions: [
      { put: D, content: 'remote\n', mode: undefined, owner: undefined, group: undefined, validate: undefined },
    ],
  },
  {
    name: 'dest is a symlink, follow=no: the link is replaced by a file',
    files: { '/etc/app/real': 'x', [D]: { type: 'link', target: 'real' } },
    args: { content: 'x' },
    actions: [{ put: D, content: 'x', mode: undefined, owner: undefined, group: undefined, validate: undefined }],
  },
  {
    name: 'dest is a symlink, follow=yes: the target is written',
    files: { '/etc/app/real': 'old', [D]: { type: 'link', target: 'real' } },
    args: { content: 'x', follow: true },
    actions: [
      { put: '/etc/app/real', content: 'x', mode: undefined, owner: undefined, group: undefined, validate: undefined },
    ],
    after: { path: '/etc/app/real', content: 'x' },
  },
];

describe('copy', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const host = new FakeHost({ ...base(), ...c.files }, { '/ctl/files/app.conf': 'from controller\n' });
      const args = { dest: D, ...c.args };
      const plan = await planOn(copy, args, host);
      if (c.actions === 'none') {
        expect(plan.changes).to.deep.equal([]);
        return;
      }
      expect(plan.changes).to.have.length(1);
      expect(shape(plan.changes[0]!.actions)).to.deep.equal(c.actions);
      if (c.summary) expect(plan.changes[0]!.summary).to.equal(c.summary);
      await converge(copy, args, host);
      const p = c.after?.path ?? D;
      if (c.after?.content !== undefined) expect(host.text(p)).to.equal(c.after.content);
      if (c.after?.mode !== undefined) expect(host.nodeAt(p)!.mode).to.equal(c.after.mode);
      if (c.after?.owner !== undefined) expect(host.nodeAt(p)!.uid).to.equal(c.after.owner);
    });
  }

  it("returns Ansible's fields: dest, checksum, size, mode, owner, group, state; path, uid, gid if same", async () => {
    const host = new FakeHost({ [D]: { content: 'hi\n', owner: 'etcd', mode: 0o600 } });
    const plan = await planOn(copy, { dest: D, content: 'hi\n', mode: '0600' }, host);
    expect(plan.changes).to.deep.equal([]);
    expect(plan.result).to.deep.equal({
      dest: D,
      path: D,
      checksum: createHash('sha1').update('hi\n').digest('hex'),
      size: 3,
      mode: '0600',
      owner: 'etcd',
      group: 'etcd',
      uid: 1001,
      gid: 1001,
      state: 'file',
    });
  });

  it('returns md5sum when it sends the content (as Ansible), and the mode it sets', async () => {
    const plan = await planOn(copy, { dest: D, content: 'new\n', mode: '0640' }, new FakeHost({ [D]: 'a\n' }));
    expect(plan.result).to.include({ md5sum: createHash('md5').update('new\n').digest('hex'), mode: '0640' });
    expect(plan.result).to.include({ state: 'file', size: 4 });
  });

  it('diff shows the old and new content', async () => {
    const plan = await planOn(copy, { dest: D, content: 'b\n' }, new FakeHost({ [D]: 'a\n' }));
    expect(plan.changes[0]!.diff).to.deep.equal({ path: D, before: 'a\n', after: 'b\n' });
    expect(plan.changes[0]!.touches).to.deep.equal([`file:${D}`]);
  });

  const big = 'x'.repeat(104_449);
  const skips: { name: string; old: FakeSpec; content: string; skipped: string }[] = [
    { name: 'a binary file', old: 'a\n', content: 'ELF\0bin', skipped: 'source file appears to be binary' },
    {
      name: 'over a binary file',
      old: { content: 'a\0b' },
      content: 'b\n',
      skipped: 'destination file appears to be binary',
    },
    { name: 'a file over max_diff_size', old: 'a\n', content: big, skipped: 'source file size is greater than 104448' },
    { name: 'over a large file', old: big, content: 'b\n', skipped: 'destination file size is greater than 104448' },
  ];
  for (const c of skips)
    it(`diff of ${c.name}: skipped, as Ansible says (no content in it)`, async () => {
      const plan = await planOn(copy, { dest: D, content: c.content }, new FakeHost({ [D]: c.old }));
      expect(plan.changes[0]!.diff).to.deep.equal({
        path: D,
        before: '',
        after: '',
        skipped: `diff skipped: ${c.skipped}`,
      });
    });

  it('backup copies the old file before replacing it', async () => {
    const host = new FakeHost({ [D]: 'old' });
    const plan = await converge(copy, { dest: D, content: 'new', backup: true }, host);
    const b = plan.result!.backup_file as string;
    expect(plan.changes[0]!.actions[0]).to.deep.equal({ exec: ['cp', '-p', '--', D, b] });
    expect(host.text(b)).to.equal('old');
    expect(host.text(D)).to.equal('new');
  });

  it('no backup when the file is new or unchanged', async () => {
    const plan = await planOn(copy, { dest: D, content: 'new', backup: true }, new FakeHost(base()));
    expect(plan.result!.backup_file).to.equal(undefined);
  });

  for (const [name, files, args, msg] of [
    ['content into a directory', {}, { dest: '/etc/app', content: 'x' }, 'can not use content with a dir as dest'],
    [
      'content with dest ending in /',
      {},
      { dest: '/etc/app/', content: 'x' },
      'can not use content with a dir as dest',
    ],
    ['a missing parent directory', {}, { dest: '/nope/x', content: 'x' }, 'Destination directory /nope does not exist'],
    ['a directory src', {}, { dest: D, src: '/ctl/dir' }, 'not supported yet'],
    ['a missing controller src', {}, { dest: D, src: '/ctl/missing' }, "Could not find or access '/ctl/missing'"],
    ['a missing remote src', {}, { dest: D, src: '/tmp/none', remote_src: true }, 'Source /tmp/none not found'],
    ['validate without %s', {}, { dest: D, content: 'x', validate: 'visudo -cf' }, 'validate must contain %s'],
  ] as const) {
    it(`fails: ${name}`, async () => {
      const host = new FakeHost({ ...base(), ...files });
      host.controllerDirs.add('/ctl/dir');
      expect(await planError(copy, args, host)).to.include(msg);
    });
  }
});

describe('copy decrypt', () => {
  const VAULT = '$ANSIBLE_VAULT;1.1;AES256\n6162636465\n';
  it('refuses a vault-encrypted src, saying kplay has no vault', async () => {
    const host = new FakeHost(base(), { '/ctl/files/secret.yml': VAULT });
    expect(await planError(copy, { dest: D, src: '/ctl/files/secret.yml' }, host)).to.include(
      'is encrypted with Ansible Vault, and kplay has no vault: decrypt it first',
    );
  });

  it('decrypt: false copies the encrypted bytes, then converges', async () => {
    const host = new FakeHost(base(), { '/ctl/files/secret.yml': VAULT });
    await converge(copy, { dest: D, src: '/ctl/files/secret.yml', decrypt: false }, host);
    expect(host.text(D)).to.equal(VAULT);
  });
});

describe('template', () => {
  it('puts the rendered template, then converges', async () => {
    const host = new FakeHost(base());
    const view = hostView({ '/ctl/templates/app.conf.hbs': 'port=80\n' });
    const plan = await converge(
      template,
      { src: '/ctl/templates/app.conf.hbs', dest: D, mode: '0640', owner: 'etcd' },
      host,
      view,
    );
    expect(shape(plan.changes[0]!.actions)).to.deep.equal([
      { put: D, content: 'port=80\n', mode: '0640', owner: 'etcd', group: undefined, validate: undefined },
    ]);
    expect(host.text(D)).to.equal('port=80\n');
  });

  it('into a directory dest: the basename of src', async () => {
    const host = new FakeHost(base());
    const view = hostView({ '/ctl/templates/x.conf': 'y' });
    const plan = await converge(template, { src: '/ctl/templates/x.conf', dest: '/etc/app' }, host, view);
    expect(plan.result!.dest).to.equal('/etc/app/x.conf');
  });

  it('unchanged rendering: nothing to do', async () => {
    const host = new FakeHost({ [D]: 'same' });
    const plan = await planOn(template, { src: 't', dest: D }, host, hostView({ t: 'same' }));
    expect(plan.changes).to.deep.equal([]);
  });

  it('output_encoding: the text is written in that encoding, then converges', async () => {
    const host = new FakeHost(base());
    const view = hostView({ t: 'caf\u00e9 \u20ac\n' });
    await converge(template, { src: 't', dest: D, output_encoding: 'windows-1252' }, host, view);
    expect([...host.nodeAt(D)!.content]).to.deep.equal([0x63, 0x61, 0x66, 0xe9, 0x20, 0x80, 0x0a]);
    const utf8 = await converge(template, { src: 't', dest: `${D}.u`, output_encoding: '' }, host, view);
    expect(utf8.changes.length).to.equal(1);
    expect(host.text(`${D}.u`)).to.equal('caf\u00e9 \u20ac\n');
  });

  it('output_encoding that cannot hold a character, or that kplay does not know, fails the task', async () => {
    const host = new FakeHost(base());
    const view = hostView({ t: '\u20ac' });
    expect(await planError(template, { src: 't', dest: D, output_encoding: 'latin-1' }, host, view)).to.equal(
      "'latin-1' cannot encode character '\\u20ac'",
    );
    expect(await planError(template, { src: 't', dest: D, output_encoding: 'ebcdic' }, host, view)).to.match(
      /^unknown output_encoding 'ebcdic'/,
    );
  });

  it('the Jinja settings reach the renderer; newline_sequence is checked', async () => {
    const host = new FakeHost(base());
    let seen: unknown;
    const view = hostView({}, { renderTemplate: (_p, o) => ((seen = o), 'x') });
    await planOn(template, { src: 't', dest: D, trim_blocks: 'no', newline_sequence: '\\r\\n' }, host, view);
    expect(seen).to.include({ trimBlocks: false, newline: '\r\n' });
    expect(await planError(template, { src: 't', dest: D, newline_sequence: 'x' }, host, view)).to.contain(
      "must be '\\n', '\\r' or '\\r\\n'",
    );
  });
});

describe('copy: a controller folder', () => {
  const ctl = { '/ctl/dir/a.txt': 'a\n', '/ctl/dir/sub/b.txt': 'b\n' };
  const cases: [string, Record<string, unknown>, { link?: string; path: string; dir: boolean }[], string[]][] = [
    [
      'files and folders, the folder itself into dest',
      { src: '/ctl/dir', dest: '/srv' },
      [
        { path: 'a.txt', dir: false },
        { path: 'sub', dir: true },
        { path: 'sub/b.txt', dir: false },
      ],
      ['copy: create directory /srv/dir', 'copy: create /srv/dir/a.txt', 'copy: create directory /srv/dir/sub'],
    ],
    [
      'a link kept as a link (local_follow false, a broken link, a circle)',
      { src: '/ctl/dir/', dest: '/srv', local_follow: false },
      [
        { path: 'a.txt', dir: false },
        { path: 'l', dir: false, link: '../elsewhere' },
      ],
      ['copy: create /srv/a.txt', 'copy: link /srv/l → ../elsewhere'],
    ],
  ];
  for (const [what, args, tree, summaries] of cases) {
    it(`${what}; then converges`, async () => {
      const host = new FakeHost({ '/srv/keep': '' }, ctl);
      let asked: unknown;
      host.controllerTree = async (_p, opts) => {
        asked = opts;
        return tree;
      };
      const plan = await converge(copy, args, host);
      expect(plan.changes.map((c) => c.summary).slice(0, summaries.length)).to.deep.equal(summaries);
      expect(asked).to.deep.equal({ follow: args.local_follow ?? true });
      for (const e of tree.filter((x) => x.link)) expect(host.nodeAt(`/srv/${e.path}`)).to.include({ type: 'link' });
    });
  }
});

describe('copy mode: preserve', () => {
  it("a controller file's mode, then converges", async () => {
    const host = new FakeHost(base(), { '/ctl/f': 'x' });
    host.controllerModes.set('/ctl/f', 0o547);
    const plan = await converge(copy, { src: '/ctl/f', dest: D, mode: 'preserve' }, host);
    expect(plan.result!.mode).to.equal('0547');
    expect(host.nodeAt(D)).to.include({ mode: 0o547 });
  });
  it("a remote src's mode", async () => {
    const host = new FakeHost({ ...base(), '/etc/app/src': { content: 'x', mode: 0o640 } });
    await converge(copy, { src: '/etc/app/src', dest: D, mode: 'preserve', remote_src: true }, host);
    expect(host.nodeAt(D)).to.include({ mode: 0o640 });
  });
});

describe('copy: a relative dest', () => {
  for (const [what, dest, want] of [
    ['a file, from the folder commands start in', 'out/app.conf', '/root/out/app.conf'],
    ['a folder (trailing slash): the file named after src in it', 'out/', '/root/out/f'],
  ] as const) {
    it(`${what}; then converges`, async () => {
      const host = new FakeHost({ '/root/out/keep': '' }, { '/ctl/f': 'x' });
      const plan = await converge(copy, { src: '/ctl/f', dest }, host);
      expect(plan.result!.dest).to.equal(want);
      expect(host.text(want)).to.equal('x');
    });
  }
});
