// check_mode as a task keyword on real hosts (issue 11): a task marked as a dry run never writes, with or
// without --check, and reports what it would change; `check_mode: no` really runs under --check.
import { expect } from 'chai';
import { useLab, type LabHandle } from '../lab/helpers.js';
import { kplay, results, siteFor, totalChanged } from './support.js';

const DRY = 'test/e2e/fixtures/check-mode/dry.yml';
const EMPTY = 'test/e2e/fixtures/check-mode/empty-path.yml';

describe('@lab check_mode keyword on real hosts', () => {
  let lab: LabHandle;
  let site: string;
  let h: string;
  before(async function () {
    lab = await useLab(this);
    site = siteFor(lab);
    h = lab.hosts[0]!.name;
    await lab.exec(h, 'rm -rf /opt/kplay-dry && mkdir /opt/kplay-dry');
  });
  after(async () => {
    await lab?.exec(h, 'rm -rf /opt/kplay-dry');
  });

  for (const check of [false, true]) {
    it(
      'tasks marked check_mode: yes write nothing and report ' +
        `changed${check ? ' (under --check)' : ' (without --check)'}; check_mode: no writes`,
      async function () {
        this.timeout(60_000);
        await lab.exec(h, 'rm -rf /opt/kplay-dry && mkdir /opt/kplay-dry');
        const r = await kplay(['run', DRY, '-i', site, '--json', '--limit', h, ...(check ? ['--check'] : [])]);
        expect(r.code, r.stderr + r.stdout.slice(-2000)).to.equal(0);
        const got = results(r);
        for (const task of [
          'command marked as a dry run',
          'shell marked as a dry run',
          'file marked as a dry run',
          'copy marked as a dry run (templated keyword)',
          'file inside the block',
        ]) {
          expect(got).to.include(`${h}|${task}|changed`);
        }
        expect(got).to.include(`${h}|the dry tasks' results|changed`);
        expect((await lab.exec(h, 'ls -A /opt/kplay-dry')).stdout.trim().split('\n')).to.deep.equal(['seen']);
        expect((await lab.exec(h, 'cat /opt/kplay-dry/seen')).stdout.trim()).to.equal('check=true');
      },
    );
  }

  it('a second run changes only what the dry tasks would (nothing real)', async function () {
    this.timeout(60_000);
    const r = await kplay(['run', DRY, '-i', site, '--json', '--limit', h]);
    expect(r.code, r.stderr).to.equal(0);
    // the dry tasks still say what they would do; the one real task has converged
    expect(results(r)).to.include(`${h}|the dry tasks' results|ok`);
    expect(totalChanged(r)).to.equal(5);
    expect((await lab.exec(h, 'ls -A /opt/kplay-dry')).stdout.trim()).to.equal('seen');
  });

  it('a path argument that renders empty fails the task, naming the argument, and sends nothing', async function () {
    this.timeout(60_000);
    await lab.exec(h, 'rm -rf /opt/kplay-dry && mkdir /opt/kplay-dry');
    const r = await kplay(['run', EMPTY, '-i', site, '--limit', h]);
    expect(r.code).to.equal(2);
    expect(r.stdout, r.stdout).to.include(
      `empty-path.yml:8:20: copy: argument 'src': must not be empty: it names ` +
        `a path (got \\"\\") (host ${h}, task \\"copy from an empty src\\")`,
    );
    expect((await lab.exec(h, 'ls -A /opt/kplay-dry')).stdout.trim()).to.equal('');
  });
});
