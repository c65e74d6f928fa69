// slurp, fetch, script, unarchive and get_url against a fake host. The fake learns the few probes these
// modules make (member stats, `command -v`, a URL's sha256) and what their actions do (tar/unzip extraction,
// the download script), so each case is planned, applied and planned again (converges).
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { ProbeResult } from '../../src/tasks/contract.js';
import { archiveKind, archiveMembers, digestFromList, fetch, fetchDest, get_url, script, slurp, unarchive } from '../../src/tasks/transfer.js';
import { fnmatch } from '../../src/tasks/fnmatch.js';
import { makeArchive } from '../support/archive.js';
import { FakeHost, type FakeSpec } from '../support/fake-host.js';
import { converge, hostView, planError, planOn } from '../support/plan-harness.js';

/** A fake host that also knows the probes and commands of the transfer modules. */
class TransferHost extends FakeHost {
  tools = new Set(['curl']);
  /** What URLs serve, for the download script and the sha256 probe. */
  served = new Map<string, Buffer>();
  extracted = 0;

  constructor(init: Record<string, FakeSpec> = {}, controller: Record<string, string> = {}) {
    super({ '/tmp': { type: 'dir' }, ...init }, controller);
    this.onExec = (argv) => this.exec(argv, (this.ran.at(-1) as { stdin?: string }).stdin);
  }

  override async probe(argv: string[]): Promise<ProbeResult> {
    if (argv[0] === 'sh' && argv[1] === '-c' && argv[2]!.startsWith('command -v')) {
      const found = argv[2]!.split('||').map((s) => s.trim().split(' ')[2]!).find((t) => this.tools.has(t));
      return found ? { rc: 0, stdout: `/usr/bin/${found}\n`, stderr: '' } : { rc: 1, stdout: '', stderr: '' };
    }
    if (argv[0] === 'sh' && argv[2]!.startsWith('cd -- "$1"')) {
      const [dest, ...paths] = argv.slice(4);
      const lines = [];
      for (const p of paths) {
        const st = await this.stat(posix.join(dest!, p), { follow: false });
        if (!st.exists) lines.push('MISSING');
        else {
          const type = st.isdir ? 'directory' : st.islnk ? 'symbolic link' : 'regular file';
          lines.push(`${st.size}|${st.mtime}|${type}|${parseInt(st.mode!, 8).toString(8)}|${st.owner}|${st.group}|${st.uid}|${st.gid}|${st.lnk_target ?? ''}`);
        }
      }
      return { rc: 0, stdout: lines.map((l) => `${l}\n`).join(''), stderr: '' };
    }
    if (argv[0] === 'sh' && argv[2] === '"$@" | sha256sum') {
      const body = this.served.get(argv.at(-1)!);
      return body ? { rc: 0, stdout: `${createHash('sha256').update(body).digest('hex')}  -\n`, stderr: '' } : { rc: 1, stdout: '', stderr: '' };
    }
    if (argv[0] === 'curl' && argv.includes('--url')) {
      const body = this.served.get(argv.at(-1)!);
      return body ? { rc: 0, stdout: body.toString(), stderr: '' } : { rc: 22, stdout: '', stderr: 'curl: (22) 404' };
    }
    return super.probe(argv);
  }

  private exec(argv: string[], stdin?: string): void {
    if (argv[0] === 'tar' || argv[0] === 'unzip') {
      const file = argv[0] === 'tar' ? argv[argv.indexOf('-f') + 1]! : argv[argv.indexOf('-o') + 1]!;
      const dest = argv[0] === 'tar' ? argv[argv.indexOf('-C') + 1]! : argv[argv.indexOf('-d') + 1]!;
      const b = this.nodeAt(file, true)!.content;
      this.extracted++;
      for (const m of archiveMembers(b, archiveKind(b)!)) {
        const p = posix.join(dest, m.path);
        if (m.type === 'dir') this.apply([{ summary: '', actions: [{ exec: ['mkdir', '-p', p] }], touches: [] }]);
        else if (m.type === 'link') this.apply([{ summary: '', actions: [{ exec: ['ln', '-sfn', m.linkname!, p] }], touches: [] }]);
        else {
          this.apply([{ summary: '', actions: [{ put: p, content: Buffer.alloc(m.size, 'x'), mode: m.mode.toString(8) }], touches: [] }]);
          if (m.mtime !== undefined) this.files.get(p)!.mtime = m.mtime;
        }
      }
      return;
    }
    if (argv[0] === 'sh' && argv[1] === '-s' && stdin?.includes('mktemp "$dest.kplay-XXXXXX"')) {
      const [dest, algo, want, mode, own, ...dl] = argv.slice(3);
      const body = this.served.get(dl.at(-1)!);
      if (!body) throw new Error('fake: 404');
      if (want && createHash(algo!).update(body).digest('hex') !== want) throw new Error('fake: checksum mismatch');
      const [owner, group] = own ? own.split(':') : [];
      this.apply([{ summary: '', actions: [{ put: dest!, content: body, mode, owner: owner || undefined, group: group || undefined }], touches: [] }]);
    }
  }
}

describe('slurp', () => {
  it('returns the file base64, no change', async () => {
    const plan = await planOn(slurp, { src: '/etc/ca.pem' }, new FakeHost({ '/etc/ca.pem': 'PEM\n' }));
    expect(plan).to.deep.equal({ changes: [], result: { content: Buffer.from('PEM\n').toString('base64'), encoding: 'base64', source: '/etc/ca.pem' } });
  });
  it('fails on a missing file and on a directory', async () => {
    expect(await planError(slurp, { path: '/nope' }, new FakeHost())).to.include('file not found: /nope');
    expect(await planError(slurp, { src: '/etc' }, new FakeHost({ '/etc/x': '' }))).to.include('is a directory');
  });
});

describe('fetch', () => {
  it('computes dest like Ansible, writes it on the controller, then converges', async () => {
    expect(fetchDest('/backup', '/etc/hosts', 'node1', false, '/pb')).to.equal('/backup/node1/etc/hosts');
    expect(fetchDest('out/', '/etc/hosts', 'node1', true, '/pb')).to.equal('/pb/out/hosts');
    expect(fetchDest('out/h.txt', '/etc/hosts', 'node1', true, '/pb')).to.equal('/pb/out/h.txt');
    const host = new FakeHost({ '/etc/hosts': 'h\n' });
    const plan = await converge(fetch, { src: '/etc/hosts', dest: '/backup' }, host);
    expect(plan.changes.map((c) => c.actions)).to.deep.equal([[{ controllerPut: '/backup/node1/etc/hosts', content: Buffer.from('h\n') }]]);
    expect(plan.result).to.include({ dest: '/backup/node1/etc/hosts', checksum: createHash('sha1').update('h\n').digest('hex') });
    expect(host.controller.get('/backup/node1/etc/hosts')?.toString()).to.equal('h\n');
  });
  it('a missing file fails unless fail_on_missing=no', async () => {
    expect(await planError(fetch, { src: '/nope', dest: '/b' }, new FakeHost())).to.include('does not exist');
    const plan = await planOn(fetch, { src: '/nope', dest: '/b', fail_on_missing: false }, new FakeHost());
    expect(plan.changes).to.deep.equal([]);
  });
});

describe('script', () => {
  const view = hostView({}, { vars: { playbook_dir: '/pb' } });
  it('puts the script to a temp file, runs it with its args through sh, removes it', async () => {
    const host = new TransferHost({}, { '/pb/files/prep.sh': 'echo hi' });
    const plan = await planOn(script, { _raw_params: 'prep.sh --force "a b"', chdir: '/tmp' }, host, view);
    const [put, run, rm] = plan.changes[0]!.actions as [{ put: string; mode: string; content: Buffer }, { exec: string[]; cwd: string }, { remove: string }];
    expect(put.put).to.match(/^\/tmp\/\.kplay-script-[0-9a-f]{12}-prep\.sh$/);
    expect(put).to.include({ mode: '0700' });
    expect(put.content.toString()).to.equal('echo hi');
    expect(run).to.deep.equal({ exec: ['/bin/sh', '-c', `${put.put} --force "a b"`], cwd: '/tmp' });
    expect(rm).to.deep.equal({ remove: put.put });
  });
  it('executable runs the script with it', async () => {
    const host = new TransferHost({}, { '/pb/x.py': 'print(1)' });
    const plan = await planOn(script, { cmd: 'x.py', executable: 'python3' }, host, view);
    expect((plan.changes[0]!.actions[1] as { exec: string[] }).exec[2]).to.match(/^python3 \/tmp\/\.kplay-script-/);
  });
  it('creates / removes skip it', async () => {
    const host = new TransferHost({ '/etc/done': '' }, { '/pb/files/prep.sh': '' });
    expect((await planOn(script, { _raw_params: 'prep.sh', creates: '/etc/done' }, host, view)).changes).to.deep.equal([]);
    expect((await planOn(script, { _raw_params: 'prep.sh', removes: '/etc/gone' }, host, view)).changes).to.deep.equal([]);
  });
  it('a script not on the controller fails clearly', async () => {
    expect(await planError(script, { _raw_params: 'nope.sh' }, new TransferHost(), view)).to.include("Could not find or access 'nope.sh' on the controller");
  });
});

describe('unarchive', () => {
  const view = hostView({}, { vars: { playbook_dir: '/pb' } });
  for (const kind of ['tgz', 'zip'] as const) {
    it(`${kind} from the controller: put, extract, remove; converges; the member list`, async () => {
      const host = new TransferHost({ '/opt/app': { type: 'dir' } });
      host.tools.add('unzip');
      host.controller.set('/pb/files/a.' + kind, makeArchive(kind));
      const plan = await converge(unarchive, { src: `a.${kind}`, dest: '/opt/app', list_files: true }, host, view);
      expect(plan.result).to.include({ dest: '/opt/app', handler: kind === 'zip' ? 'ZipArchive' : 'TgzArchive' });
      expect(plan.result?.files).to.include.members(['bin/', 'bin/tool', 'etc/conf', 'link']);
      const acts = plan.changes[0]!.actions;
      expect(acts[0]).to.have.property('put').that.match(/^\/tmp\/\.kplay-unarchive-/);
      expect((acts[1] as { exec: string[] }).exec[0]).to.equal(kind === 'zip' ? 'unzip' : 'tar');
      expect(acts[2]).to.deep.equal({ remove: (acts[0] as { put: string }).put });
      expect(plan.changes[0]!.touches).to.deep.equal(['file:/opt/app/']);
      expect(host.text('/opt/app/etc/conf')).to.have.length(4);
      expect(host.nodeAt('/opt/app/link')!.target).to.equal('bin/tool');
      expect(host.extracted).to.equal(1);
    });
  }

  it('a changed member (size or mtime) makes it extract again', async () => {
    const host = new TransferHost({ '/opt/app': { type: 'dir' } });
    host.controller.set('/pb/a.tgz', makeArchive('tgz'));
    await converge(unarchive, { src: 'a.tgz', dest: '/opt/app' }, host, view);
    host.files.get('/opt/app/etc/conf')!.mtime += 5;
    const plan = await planOn(unarchive, { src: 'a.tgz', dest: '/opt/app' }, host, view);
    expect(plan.changes[0]!.summary).to.include('etc/conf: mtime differs');
    host.files.delete('/opt/app/bin/tool');
    expect((await planOn(unarchive, { src: 'a.tgz', dest: '/opt/app' }, host, view)).changes[0]!.summary).to.match(/2 of 5 members differ; (bin\/tool: missing|etc\/conf: mtime differs)/);
  });

  it('remote_src extracts the host file in place (nothing put); exclude is passed on and not compared', async () => {
    const host = new TransferHost({ '/opt/app': { type: 'dir' }, '/tmp/a.tgz': { content: makeArchive('tgz') } });
    const plan = await converge(unarchive, { src: '/tmp/a.tgz', dest: '/opt/app', remote_src: true, exclude: ['etc/*'] }, host);
    expect(plan.changes[0]!.actions).to.deep.equal([{ exec: ['tar', '--extract', '-C', '/opt/app', '-z', '--exclude=etc/*', '-f', '/tmp/a.tgz'] }]);
  });

  it('owner and mode apply to each member, and are compared', async () => {
    const host = new TransferHost({ '/opt/app': { type: 'dir' } });
    host.controller.set('/pb/a.tgz', makeArchive('tgz'));
    const plan = await converge(unarchive, { src: 'a.tgz', dest: '/opt/app', owner: 'kube', mode: 'u+rwX,g-w,o-w' }, host, view);
    const execs = plan.changes[0]!.actions.filter((a) => 'exec' in a).map((a) => (a as { exec: string[] }).exec.slice(0, 3));
    expect(execs).to.deep.include(['chown', '-h', 'kube']);
    expect(execs).to.deep.include(['chmod', 'u+rwX,g-w,o-w', '--']);
    expect(host.nodeAt('/opt/app/etc/conf')!.uid).to.equal(1002);
  });

  it('creates skips; dest must be an existing directory; a zip needs unzip; junk is refused', async () => {
    const host = new TransferHost({ '/opt/app/bin/tool': '' });
    host.controller.set('/pb/a.tgz', makeArchive('tgz'));
    host.controller.set('/pb/a.zip', makeArchive('zip'));
    host.controller.set('/pb/junk', Buffer.from('not an archive'));
    expect((await planOn(unarchive, { src: 'a.tgz', dest: '/opt/app', creates: '/opt/app/bin/tool' }, host, view)).changes).to.deep.equal([]);
    expect(await planError(unarchive, { src: 'a.tgz', dest: '/opt/nope' }, host, view)).to.include("dest '/opt/nope' must be an existing dir");
    expect(await planError(unarchive, { src: 'a.zip', dest: '/opt/app' }, host, view)).to.include('unzip is not installed');
    expect(await planError(unarchive, { src: 'junk', dest: '/opt/app' }, host, view)).to.include('Failed to find handler');
  });

  it('fnmatch', () => {
    expect(fnmatch('*.txt').test('a/b.txt')).to.equal(true);
    expect(fnmatch('a?[!x]').test('abc')).to.equal(true);
    expect(fnmatch('a?[!x]').test('abx')).to.equal(false);
  });
});

describe('get_url', () => {
  const URL1 = 'http://10.0.0.1:8000/files/tool';
  const BODY = Buffer.from('binary-content\n');
  const SUM = createHash('sha256').update(BODY).digest('hex');
  const served = (h: TransferHost) => (h.served.set(URL1, BODY), h);

  it('downloads with curl, checks the checksum, sets the mode; converges', async () => {
    const host = served(new TransferHost({ '/usr/local/bin': { type: 'dir' } }));
    const plan = await converge(get_url, { url: URL1, dest: '/usr/local/bin/tool', checksum: `sha256:${SUM}`, mode: '0755' }, host);
    const exec = (plan.changes[0]!.actions[0] as { exec: string[] }).exec;
    expect(exec.slice(0, 8)).to.deep.equal(['sh', '-s', '--', '/usr/local/bin/tool', 'sha256', SUM, '0755', '']);
    expect(exec.slice(8, 10)).to.deep.equal(['curl', '-fsSL']);
    expect(exec.slice(-4)).to.deep.equal(['-o', '@TMP@', '--url', URL1]);
    expect(host.text('/usr/local/bin/tool')).to.equal(BODY.toString());
    expect(host.nodeAt('/usr/local/bin/tool')!.mode).to.equal(0o755);
  });

  it('dest there with the right checksum: no download; with another one: download', async () => {
    const host = served(new TransferHost({ '/d/tool': { content: BODY } }));
    expect((await planOn(get_url, { url: URL1, dest: '/d/tool', checksum: `sha256:${SUM}` }, host)).changes).to.deep.equal([]);
    const other = served(new TransferHost({ '/d/tool': 'old' }));
    const plan = await converge(get_url, { url: URL1, dest: '/d/tool', checksum: `sha256:${SUM}` }, other);
    expect(plan.changes[0]!.summary).to.include('sha256 differs');
  });

  it('force=no (default) leaves an existing dest; force=yes compares what the URL serves', async () => {
    const host = served(new TransferHost({ '/d/tool': 'old' }));
    expect((await planOn(get_url, { url: URL1, dest: '/d/tool' }, host)).changes).to.deep.equal([]);
    const plan = await converge(get_url, { url: URL1, dest: '/d/tool', force: true }, host);
    expect(plan.changes[0]!.summary).to.include('content differs');
    expect(host.text('/d/tool')).to.equal(BODY.toString());
  });

  it('a dest directory gets the URL basename; wget when there is no curl; neither: a clear failure', async () => {
    const host = served(new TransferHost({ '/d': { type: 'dir' } }));
    host.tools = new Set(['wget']);
    const plan = await converge(get_url, { url: URL1, dest: '/d', headers: { 'X-A': 'b' } }, host);
    expect(plan.result?.dest).to.equal('/d/tool');
    expect((plan.changes[0]!.actions[0] as { exec: string[] }).exec).to.include.members(['wget', '--header=X-A: b']);
    host.tools = new Set();
    expect(await planError(get_url, { url: URL1, dest: '/d/other' }, host)).to.include('neither curl nor wget');
  });

  it('a checksum from a checksum file URL', async () => {
    const host = served(new TransferHost({ '/d': { type: 'dir' } }));
    host.served.set('http://10.0.0.1:8000/SHA256SUMS', Buffer.from(`${'0'.repeat(64)}  other\n${SUM}  tool\n`));
    const plan = await converge(get_url, { url: URL1, dest: '/d/tool', checksum: 'sha256:http://10.0.0.1:8000/SHA256SUMS' }, host);
    expect((plan.changes[0]!.actions[0] as { exec: string[] }).exec[5]).to.equal(SUM);
    expect(digestFromList(`${SUM} *./tool\n`, 'tool')).to.equal(SUM);
  });

  it('a bad checksum argument fails', async () => {
    expect(await planError(get_url, { url: URL1, dest: '/d', checksum: 'crc:1' }, new TransferHost({ '/d': { type: 'dir' } }))).to.include('<algorithm>:<checksum>');
  });
});
