// find over a real folder on this machine, read through the engine's HostReader and the local transport (GNU
// find, as on a host): each case's matches and counts are what Ansible's find gives for the same tree and
// arguments (measured with ansible-core 2.14 on localhost).
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostReader } from '../../src/exec/host-reader.js';
import { checkArgs } from '../../src/playbook/module-args.js';
import { find, parseFind } from '../../src/tasks/find.js';
import type { Vars } from '../../src/tasks/contract.js';
import { LocalTransport } from '../../src/transport/local.js';
import { hostView } from '../support/plan-harness.js';

const root = mkdtempSync(join(tmpdir(), 'kplay-find-'));
const D = join(root, 'fd');
before(() => {
  mkdirSync(join(D, 'a/b'), { recursive: true });
  mkdirSync(join(D, '.h'));
  writeFileSync(join(D, 'x.conf'), 'hi\n');
  writeFileSync(join(D, 'a/y.conf'), 'yo\nport=1\n');
  writeFileSync(join(D, 'a/b/z.txt'), 'z\n');
  writeFileSync(join(D, '.hidden.conf'), '');
  writeFileSync(join(D, 'big.log'), 'x'.repeat(5000));
  symlinkSync('x.conf', join(D, 'l.conf'));
  const old = Date.now() / 1000 - 3 * 86400;
  utimesSync(join(D, 'big.log'), old, old);
});
after(() => rmSync(root, { recursive: true, force: true }));

async function findIn(raw: Vars) {
  const checked = checkArgs(find, raw, { locOf: () => undefined, taskLoc: undefined }, true);
  if (checked.errors.length) throw new Error(checked.errors.map((e) => e.message).join('; '));
  const reader = new HostReader(
    new LocalTransport('localhost'),
    async () => ({}),
    () => false,
  );
  const plan = await find.plan(checked.args as never, hostView(), reader);
  expect(plan.changes).to.deep.equal([]);
  const r = plan.result as { files: Vars[]; matched: number; examined: number; msg: string; skipped_paths: Vars };
  return { ...r, names: r.files.map((f) => String(f.path).slice(D.length + 1)) };
}

interface Case {
  name: string;
  args: Vars;
  names: string[];
  examined: number;
}

const CASES: Case[] = [
  {
    name: 'the defaults: regular files of the folder, not hidden',
    args: {},
    names: ['big.log', 'x.conf'],
    examined: 6,
  },
  {
    name: 'patterns, recurse: every level (a link is not a file)',
    args: { patterns: '*.conf', recurse: true },
    names: ['x.conf', 'a/y.conf'],
    examined: 9,
  },
  {
    name: 'file_type any, hidden: every entry, folders after files',
    args: { file_type: 'any', hidden: true },
    names: ['.hidden.conf', 'big.log', 'l.conf', 'x.conf', '.h', 'a'],
    examined: 6,
  },
  {
    name: 'depth 1: the folder own entries; the next level is examined, not matched',
    args: { file_type: 'directory', recurse: true, depth: 1 },
    names: ['a'],
    examined: 8,
  },
  { name: 'links', args: { file_type: 'link' }, names: ['l.conf'], examined: 6 },
  {
    name: 'contains: a regexp at the start of a line',
    args: { recurse: true, contains: 'port' },
    names: ['a/y.conf'],
    examined: 9,
  },
  { name: 'contains matches at the start only', args: { recurse: true, contains: 'ort' }, names: [], examined: 9 },
  {
    name: 'read_whole_file: the regexp is searched in the whole text',
    args: { recurse: true, contains: 'ort=1', read_whole_file: true },
    names: ['a/y.conf'],
    examined: 9,
  },
  {
    name: 'use_regex: matched at the start of the name; excludes',
    args: { patterns: ['.*\\.(conf|txt)$'], excludes: 'y', use_regex: true, recurse: true },
    names: ['x.conf', 'a/b/z.txt'],
    examined: 9,
  },
  { name: 'size: at least 4k', args: { size: '4k' }, names: ['big.log'], examined: 6 },
  { name: 'size: at most 10 bytes', args: { size: '-10' }, names: ['x.conf'], examined: 6 },
  {
    name: 'size with file_type any: regular files are sized, other entries all kept',
    args: { size: '-10', file_type: 'any', hidden: true },
    names: ['.hidden.conf', 'l.conf', 'x.conf', '.h', 'a'],
    examined: 6,
  },
  { name: 'age: older than 2 days', args: { age: '2d' }, names: ['big.log'], examined: 6 },
  { name: 'age: newer than 1 hour', args: { age: '-1h' }, names: ['x.conf'], examined: 6 },
];

describe('find', () => {
  for (const c of CASES)
    it(c.name, async () => {
      const r = await findIn({ paths: D, ...c.args });
      expect(r.names).to.deep.equal(c.names);
      expect({ matched: r.matched, examined: r.examined, msg: r.msg }).to.deep.equal({
        matched: c.names.length,
        examined: c.examined,
        msg: 'All paths examined',
      });
    });

  it("a match has stat's fields, as Ansible's find gives them", async () => {
    const r = await findIn({ paths: D, patterns: 'x.conf', get_checksum: true });
    expect(r.files[0]).to.include({
      path: join(D, 'x.conf'),
      mode: '0644',
      isreg: true,
      isdir: false,
      islnk: false,
      size: 3,
      nlink: 1,
      rusr: true,
      wusr: true,
      xusr: false,
      isuid: false,
      checksum: '55ca6286e3e4f4fba5d0448333fa99fc5a404a73',
    });
    for (const k of ['uid', 'gid', 'inode', 'dev', 'atime', 'mtime', 'ctime']) expect(r.files[0]![k]).to.be.a('number');
  });

  it('a path that is not a folder is skipped and said so', async () => {
    const r = await findIn({ paths: [D, `${D}/x.conf`, '/nope-kplay'], patterns: 'x.conf' });
    expect(r.names).to.deep.equal(['x.conf']);
    expect(r.msg).to.equal('Not all paths examined, check warnings for details');
    expect(r.skipped_paths).to.deep.equal({
      [`${D}/x.conf`]: `'${D}/x.conf' is not a directory`,
      '/nope-kplay': "'/nope-kplay' is not a directory",
    });
  });

  it('a bad age or size fails the task', async () => {
    const err = await findIn({ paths: D, age: '3y' }).catch((e: Error) => e.message);
    expect(err).to.equal('failed to process age "3y"');
  });

  it('a name with a tab or a newline is kept whole', () => {
    const rec = (p: string) => `f\t644\t0\t0\troot\troot\t1\t2\t3\t1\t1.5\t2.5\t3.5\t1\t${p}\0`;
    const e = parseFind(rec('/d/a\tb') + rec('/d/c\nd'));
    expect(e.map((x) => x.path)).to.deep.equal(['/d/a\tb', '/d/c\nd']);
    expect(e[0]!.stat).to.include({ atime: 1.5, mtime: 2.5, ctime: 3.5, inode: 2, dev: 3 });
  });
});
