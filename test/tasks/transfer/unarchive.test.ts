// unarchive against a fake host (TransferHost) that extracts tar/zip archives: planned, applied, planned again.
import { expect } from 'chai';
import { fnmatch } from '../../../src/core/fnmatch.js';
import { makeArchive } from '../../support/archive.js';
import { converge, hostView, planError, planOn } from '../../support/plan-harness.js';
import { unarchive } from '../../../src/tasks/transfer/unarchive.js';
import { TransferHost } from './transfer-host.js';

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
      expect(acts[0])
        .to.have.property('put')
        .that.match(/^\/tmp\/\.kplay-unarchive-/);
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
    expect((await planOn(unarchive, { src: 'a.tgz', dest: '/opt/app' }, host, view)).changes[0]!.summary).to.match(
      /2 of 5 members differ; (bin\/tool: missing|etc\/conf: mtime differs)/,
    );
  });

  it('remote_src extracts the host file in place (nothing put); exclude is passed on and not compared', async () => {
    const host = new TransferHost({ '/opt/app': { type: 'dir' }, '/tmp/a.tgz': { content: makeArchive('tgz') } });
    const plan = await converge(
      unarchive,
      { src: '/tmp/a.tgz', dest: '/opt/app', remote_src: true, exclude: ['etc/*'] },
      host,
    );
    expect(plan.changes[0]!.actions).to.deep.equal([
      { exec: ['tar', '--extract', '-C', '/opt/app', '-z', '--exclude=etc/*', '-f', '/tmp/a.tgz'] },
    ]);
  });

  it('include: only the members named are extracted and compared (listed too); exclusive with exclude', async () => {
    const host = new TransferHost({ '/opt/app': { type: 'dir' }, '/tmp/a.tgz': { content: makeArchive('tgz') } });
    const args = { src: '/tmp/a.tgz', dest: '/opt/app', remote_src: true, include: ['etc/conf'], list_files: true };
    const plan = await converge(unarchive, args, host);
    expect(plan.changes[0]!.actions).to.deep.equal([
      { exec: ['tar', '--extract', '-C', '/opt/app', '-z', '-f', '/tmp/a.tgz', 'etc/conf'] },
    ]);
    expect(plan.changes[0]!.summary).to.include('1 of 1 members differ');
    expect(plan.result?.files).to.deep.equal(['etc/conf']);
    const both = planOn(unarchive, { ...args, exclude: ['x'] }, host);
    await both.then(
      () => expect.fail('expected a failure'),
      (e: Error) => expect(e.message).to.include('parameters are mutually exclusive: include|exclude'),
    );
  });

  it('owner and mode apply to each member, and are compared', async () => {
    const host = new TransferHost({ '/opt/app': { type: 'dir' } });
    host.controller.set('/pb/a.tgz', makeArchive('tgz'));
    const plan = await converge(
      unarchive,
      { src: 'a.tgz', dest: '/opt/app', owner: 'kube', mode: 'u+rwX,g-w,o-w' },
      host,
      view,
    );
    const execs = plan.changes[0]!.actions.filter((a) => 'exec' in a).map((a) =>
      (a as { exec: string[] }).exec.slice(0, 3),
    );
    expect(execs).to.deep.include(['chown', '-h', 'kube']);
    expect(execs).to.deep.include(['chmod', 'u+rwX,g-w,o-w', '--']);
    expect(host.nodeAt('/opt/app/etc/conf')!.uid).to.equal(1002);
  });

  it('creates skips; dest must be an existing directory; a zip needs unzip; junk is refused', async () => {
    const host = new TransferHost({ '/opt/app/bin/tool': '' });
    host.controller.set('/pb/a.tgz', makeArchive('tgz'));
    host.controller.set('/pb/a.zip', makeArchive('zip'));
    host.controller.set('/pb/junk', Buffer.from('not an archive'));
    expect(
      (await planOn(unarchive, { src: 'a.tgz', dest: '/opt/app', creates: '/opt/app/bin/tool' }, host, view)).changes,
    ).to.deep.equal([]);
    expect(await planError(unarchive, { src: 'a.tgz', dest: '/opt/nope' }, host, view)).to.include(
      "dest '/opt/nope' must be an existing dir",
    );
    expect(await planError(unarchive, { src: 'a.zip', dest: '/opt/app' }, host, view)).to.include(
      'unzip is not installed',
    );
    expect(await planError(unarchive, { src: 'junk', dest: '/opt/app' }, host, view)).to.include(
      'Failed to find handler',
    );
  });

  it('fnmatch', () => {
    expect(fnmatch('*.txt').test('a/b.txt')).to.equal(true);
    expect(fnmatch('a?[!x]').test('abc')).to.equal(true);
    expect(fnmatch('a?[!x]').test('abx')).to.equal(false);
  });
});
