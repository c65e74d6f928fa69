// The executor's keywords on real lab hosts: serial, free, environment, set_fact, handlers and
// flush_handlers, block/rescue/always, loops with when, until/retries, failed_when, ignore_errors,
// delegate_to localhost with run_once, tags, check_mode: no. A second run changes nothing.
import { expect } from 'chai';
import { useLab, type LabHandle } from '../lab/helpers.js';
import { kplay, results, siteFor, totalChanged } from './support.js';

const PLAYBOOK = 'test/e2e/fixtures/keywords/site.yml';

describe('@lab executor keywords on real hosts', () => {
  let lab: LabHandle;
  let site: string;
  before(async function () {
    lab = await useLab(this, { count: 3 });
    site = siteFor(lab);
    await Promise.all(lab.hosts.map((h) => lab.exec(h.name, 'rm -rf /opt/kplay-kw')));
  });

  it('runs every keyword, then a second run changes nothing', async function () {
    this.timeout(120_000);
    // not preceded by --check (checkedRun): a `check_mode: false` task runs for real there, and on fresh hosts it
    // finds no base folder (the earlier task only predicted it), as in Ansible
    const r = await kplay(['run', PLAYBOOK, '-i', site, '--json']);
    expect(r.code, r.stderr + r.stdout.slice(-3000)).to.equal(0);
    const res = results(r);
    // serial [1, 50%]: the first batch is one host, which finishes the play's first task before the others start it
    const firstTask = res.filter((x) => x.includes('|base directory|'));
    expect(firstTask[0]!.split('|')[0]).to.equal(lab.hosts[0]!.name);
    for (const h of lab.hosts) {
      const ls = (await lab.exec(h.name, 'cd /opt/kplay-kw && ls && cat hello')).stdout;
      expect(ls.split('\n')).to.include.members([
        'always',
        'rescued',
        'handled',
        'item-1',
        'item-3',
        'tagged',
        `free-${h.name}`,
      ]);
      expect(ls).not.to.match(/never|item-2/);
      expect(ls).to.include(`hello from ${h.name}`);
    }
    expect(r.recap[lab.hosts[0]!.name]).to.include({ failed: 0, rescued: 1, ignored: 1 });
    const again = await kplay(['run', PLAYBOOK, '-i', site, '--json']);
    expect(again.code, again.stderr).to.equal(0);
    expect(totalChanged(again), JSON.stringify(results(again).filter((x) => x.endsWith('|changed')))).to.equal(0);
  });

  it(
    '--tags runs only tagged tasks; --check runs check_mode: ' + 'no tasks for real and writes nothing else',
    async function () {
      this.timeout(60_000);
      const h = lab.hosts[0]!.name;
      await lab.exec(h, 'rm -f /opt/kplay-kw/tagged');
      const tagged = await kplay(['run', PLAYBOOK, '-i', site, '--json', '--tags', 'extra', '--limit', h]);
      expect(results(tagged).filter((x) => !x.includes('Gathering Facts'))).to.deep.equal([
        `${h}|tags select tasks|changed`,
      ]);
      await lab.exec(h, 'rm -f /opt/kplay-kw/handled /opt/kplay-kw/hello');
      const check = await kplay(['run', PLAYBOOK, '-i', site, '--json', '--check', '--limit', h]);
      expect(check.code, check.stderr).to.equal(0);
      expect(results(check)).to.include(`${h}|check_mode no runs even in --check|ok`);
      // its content depends on a register that only a real run fills: honest check mode says so
      expect(results(check)).to.include(`${h}|per-host file using facts and set_fact|uncertain`);
      expect((await lab.exec(h, 'ls /opt/kplay-kw')).stdout).not.to.match(/hello|handled/);
    },
  );
});
