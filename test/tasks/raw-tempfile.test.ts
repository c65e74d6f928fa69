// raw (its argv, its refusals) and tempfile (a fresh name each plan, under TMPDIR or `path`; what it runs makes
// the path with mode 0600/0700 and refuses an existing one: run here through the local transport).
import { expect } from 'chai';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { raw } from '../../src/tasks/raw.js';
import { tempfile } from '../../src/tasks/tempfile.js';
import { LocalTransport } from '../../src/transport/local.js';
import { FakeHost } from '../support/fake-host.js';
import { planError, planOn } from '../support/plan-harness.js';

describe('raw', () => {
  it('runs the line through /bin/sh, or the executable given; not re-planned (a command)', async () => {
    const p = await planOn(raw, { _raw_params: 'echo $HOME | tr a-z A-Z' }, new FakeHost());
    expect(p.changes[0]!.actions).to.deep.equal([{ exec: ['/bin/sh', '-c', 'echo $HOME | tr a-z A-Z'] }]);
    const b = await planOn(raw, { _raw_params: 'echo hi', executable: '/bin/bash' }, new FakeHost());
    expect(b.changes[0]!.actions).to.deep.equal([{ exec: ['/bin/bash', '-c', 'echo hi'] }]);
    expect(raw.converges).to.equal(false);
  });
  it('an empty line fails; an unknown argument is refused', async () => {
    expect(await planError(raw, { _raw_params: ' ' }, new FakeHost())).to.equal('no command given');
    expect(await planError(raw, { _raw_params: 'x', chdir: '/' }, new FakeHost())).to.match(/chdir/);
  });
});

describe('tempfile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kplay-tempfile-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const local = new LocalTransport('localhost');
  const apply = async (argv: string[]) => local.exec(argv);

  it("a new name each plan: prefix, 8 characters, suffix, under the host's TMPDIR", async () => {
    const h = new FakeHost();
    h.env.TMPDIR = dir;
    const a = await planOn(tempfile, { suffix: '.conf' }, h);
    const b = await planOn(tempfile, { suffix: '.conf' }, h);
    expect(a.result!.path).to.match(new RegExp(`^${dir}/ansible\\.[a-z0-9_]{8}\\.conf$`));
    expect(a.result!.path).to.not.equal(b.result!.path);
    expect(a.changes[0]!.madeAnew).to.equal(true);
    const c = await planOn(tempfile, { path: '/var/tmp', prefix: 'k-' }, new FakeHost());
    expect(c.result!.path).to.match(/^\/var\/tmp\/k-[a-z0-9_]{8}$/);
  });

  for (const [state, mode, isDir] of [
    ['file', 0o600, false],
    ['directory', 0o700, true],
  ] as const)
    it(`state=${state}: made with mode ${mode.toString(8)}, and an existing path is never reused`, async () => {
      const p = await planOn(tempfile, { state, path: dir }, new FakeHost());
      const argv = (p.changes[0]!.actions[0] as { exec: string[] }).exec;
      expect((await apply(argv)).rc).to.equal(0);
      const st = statSync(String(p.result!.path));
      expect([st.isDirectory(), st.mode & 0o777]).to.deep.equal([isDir, mode]);
      if (!isDir) writeFileSync(String(p.result!.path), 'kept');
      expect((await apply(argv)).rc, 'the same name again fails').to.not.equal(0);
    });
});
