// No silent no-op (issue 11) on real hosts: a templated play pattern runs where -e points it; a --tags or
// --start-at-task that selects nothing is said, before any host is touched.
import { expect } from 'chai';
import { useLab, type LabHandle } from '../lab/helpers.js';
import { kplay, results, siteFor, totalChanged } from './support.js';

const PB = 'test/e2e/fixtures/selection/addnode.yml';

describe('@lab what a run selects', () => {
  let lab: LabHandle;
  let site: string;
  const clean = () => Promise.all(lab.hosts.map((h) => lab.exec(h.name, 'rm -f /tmp/kplay-added')));
  before(async function () {
    lab = await useLab(this);
    site = siteFor(lab);
    await clean();
  });
  after(async () => {
    if (lab) await clean();
  });

  it(
    'hosts: "{{ NODE_TO_ADD }}" with -e NODE_TO_ADD=a:b runs on a and b only; ' + 'again changes nothing',
    async function () {
      this.timeout(60_000);
      const [a, b, c] = lab.hosts.map((h) => h.name);
      const r = await kplay(['run', PB, '-i', site, '--json', '-e', `NODE_TO_ADD=${a}:${b}`]);
      expect(r.code, r.stderr).to.equal(0);
      expect(results(r).sort()).to.deep.equal([`${a}|mark the new node|changed`, `${b}|mark the new node|changed`]);
      for (const h of [a, b]) expect((await lab.exec(h!, 'cat /tmp/kplay-added')).stdout).to.equal('added\n');
      expect((await lab.exec(c!, 'ls /tmp/kplay-added', { check: false })).code).to.not.equal(0);
      const again = await kplay(['run', PB, '-i', site, '--json', '-e', `NODE_TO_ADD=${a}:${b}`]);
      expect(totalChanged(again)).to.equal(0);
    },
  );

  it('without the -e, the run stops before any host with the undefined variable at its place', async () => {
    const r = await kplay(['run', PB, '-i', site]);
    expect(r.code).to.equal(4);
    expect(r.stderr).to.match(/addnode\.yml:2:14: 'NODE_TO_ADD' is undefined/);
  });

  it(
    '--tags that no task has warns; ' + '--start-at-task that names no task is an error (exit 5), nothing runs',
    async () => {
      await clean();
      const c = lab.hosts[2]!.name;
      const tags = await kplay(['run', PB, '-i', site, '-e', `NODE_TO_ADD=${c}`, '--tags', 'nope']);
      expect(tags.code).to.equal(0);
      expect(tags.stderr).to.include(`[WARNING]: tag 'nope' (--tags) matches nothing in ${PB} (tags there: mark)`);
      expect(tags.stderr).to.include('[WARNING]: --tags nope selects no task: nothing will run');
      const start = await kplay(['run', PB, '-i', site, '-e', `NODE_TO_ADD=${c}`, '--start-at-task', 'nope']);
      expect(start.code).to.equal(5);
      expect(start.stderr).to.include("--start-at-task 'nope' matches no task");
      expect((await lab.exec(c, 'ls /tmp/kplay-added', { check: false })).code).to.not.equal(0);
    },
  );
});
