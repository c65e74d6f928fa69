// get_url against a fake host (TransferHost) that runs the download script: planned, applied, planned again.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { converge, planError, planOn } from '../../support/plan-harness.js';
import { digestFromList, get_url } from '../../../src/tasks/transfer/get-url.js';
import { TransferHost } from './transfer-host.js';

describe('get_url', () => {
  const URL1 = 'http://10.0.0.1:8000/files/tool';
  const BODY = Buffer.from('binary-content\n');
  const SUM = createHash('sha256').update(BODY).digest('hex');
  const served = (h: TransferHost) => (h.served.set(URL1, BODY), h);

  it('downloads with curl, checks the checksum, sets the mode; converges', async () => {
    const host = served(new TransferHost({ '/usr/local/bin': { type: 'dir' } }));
    const plan = await converge(
      get_url,
      { url: URL1, dest: '/usr/local/bin/tool', checksum: `sha256:${SUM}`, mode: '0755' },
      host,
    );
    const exec = (plan.changes[0]!.actions[0] as { exec: string[] }).exec;
    expect(exec.slice(0, 8)).to.deep.equal(['sh', '-s', '--', '/usr/local/bin/tool', 'sha256', SUM, '0755', '']);
    expect(exec.slice(8, 10)).to.deep.equal(['curl', '-fsSL']);
    expect(exec.slice(-4)).to.deep.equal(['-o', '@TMP@', '--url', URL1]);
    expect(host.text('/usr/local/bin/tool')).to.equal(BODY.toString());
    expect(host.nodeAt('/usr/local/bin/tool')!.mode).to.equal(0o755);
  });

  it('dest there with the right checksum: no download; with another one: download', async () => {
    const host = served(new TransferHost({ '/d/tool': { content: BODY } }));
    expect(
      (await planOn(get_url, { url: URL1, dest: '/d/tool', checksum: `sha256:${SUM}` }, host)).changes,
    ).to.deep.equal([]);
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
    const plan = await converge(
      get_url,
      { url: URL1, dest: '/d/tool', checksum: 'sha256:http://10.0.0.1:8000/SHA256SUMS' },
      host,
    );
    expect((plan.changes[0]!.actions[0] as { exec: string[] }).exec[5]).to.equal(SUM);
    expect(digestFromList(`${SUM} *./tool\n`, 'tool')).to.equal(SUM);
  });

  it('a bad checksum argument fails', async () => {
    expect(
      await planError(
        get_url,
        { url: URL1, dest: '/d', checksum: 'crc:1' },
        new TransferHost({ '/d': { type: 'dir' } }),
      ),
    ).to.include('<algorithm>:<checksum>');
  });
});
