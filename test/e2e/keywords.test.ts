// The executor's keywords on real lab hosts: serial, free, environment, set_fact, handlers and
// flush_handlers, block/rescue/always, loops with when, until/retries, failed_when, ignore_errors,
// delegate_to localhost with run_once, tags, check_mode: no, connection: local, add_host reached over ssh by a
// later play. A second run changes nothing.
import { expect } from 'chai';
import { hostname } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useLab, type LabHandle } from '../lab/helpers.js';
import { writeTree } from '../support/tree.js';
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

  it('connection: local runs on the controller; a host from add_host is reached by a later play', async function () {
    this.timeout(60_000);
    const [h0, , h2] = lab.hosts;
    const dir = writeTree({
      'pb.yml': `- hosts: ${h0!.name}
  gather_facts: false
  tasks:
    - name: on the controller
      shell: echo "{{ inventory_hostname }} $(hostname)" >> {{ playbook_dir }}/ctrl.txt
      connection: local
      changed_when: false
    - name: on the host
      command: hostname
      register: hn
      changed_when: false
    - add_host: { name: late-one, ansible_host: ${h2!.ip}, groups: [late], seen: "{{ hn.stdout }}" }
- hosts: late
  gather_facts: false
  tasks:
    - file: { path: /opt/kplay-kw, state: directory }
    - copy: { dest: /opt/kplay-kw/added, content: "{{ inventory_hostname }} via {{ seen }}\\n" }
`,
    });
    await lab.exec(h2!.name, 'rm -f /opt/kplay-kw/added');
    const r = await kplay(['run', 'pb.yml', '-i', site, '--json'], { cwd: dir });
    expect(r.code, r.stderr + r.stdout.slice(-2000)).to.equal(0);
    expect(readFileSync(join(dir, 'ctrl.txt'), 'utf8')).to.equal(`${h0!.name} ${hostname()}\n`);
    const added = (await lab.exec(h2!.name, 'cat /opt/kplay-kw/added')).stdout;
    expect(added).to.equal(`late-one via ${(await lab.exec(h0!.name, 'hostname')).stdout.trim()}\n`);
    // a second run changes nothing on the hosts; add_host changes the run's inventory each time, as in Ansible
    const again = await kplay(['run', 'pb.yml', '-i', site, '--json'], { cwd: dir });
    expect(results(again).filter((x) => x.endsWith('|changed'))).to.deep.equal([`${h0!.name}|add_host|changed`]);
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
