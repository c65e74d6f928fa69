// copy with a controller folder as src, on real hosts: `src: dir/` copies what it holds, `src: dir` the folder itself.
import { expect } from 'chai';
import { join } from 'node:path';
import { useLab, type LabHandle } from '../lab/helpers.js';
import { writeTree } from '../support/tree.js';
import { checkedRun, kplay, results, siteFor, totalChanged } from './support.js';

describe('@lab copy of a folder tree', () => {
  let lab: LabHandle;
  let site: string;
  let dir: string;
  before(async function () {
    lab = await useLab(this, { count: 3 });
    site = siteFor(lab);
    dir = writeTree({
      'site.yml': `- hosts: all
  gather_facts: no
  tasks:
    - name: contents of a folder
      copy: { src: conf.d/, dest: /opt/kplay-tree/, mode: "0640", directory_mode: "0750" }
    - name: the folder itself
      copy: { src: conf.d, dest: /opt/kplay-tree2/ }
`,
      'files/conf.d/a.conf': 'a=1\n',
      'files/conf.d/b.conf': 'b=2\n',
      'files/conf.d/sub/c.conf': 'c=3\n',
    });
    await Promise.all(lab.hosts.map((h) => lab.exec(h.name, 'rm -rf /opt/kplay-tree /opt/kplay-tree2')));
  });

  it('copies the tree, then changes nothing, and sees a drift in --check', async function () {
    this.timeout(60_000);
    const pb = join(dir, 'site.yml');
    const r = await checkedRun(['run', pb, '-i', site, '--json']);
    expect(r.code, r.stderr + r.stdout.slice(-2000)).to.equal(0);
    const h = lab.hosts[0]!.name;
    const ls = (
      await lab.exec(h, 'cd /opt && find kplay-tree kplay-tree2 -printf "%p %m\\n" | sort && cat kplay-tree/sub/c.conf')
    ).stdout;
    expect(ls).to.include(
      'kplay-tree 750\nkplay-tree/a.conf 640\nkplay-tree/b.conf 640\nkplay-tree/sub 750\nkplay-tree/sub/c.conf 640\n',
    );
    expect(ls).to.include('kplay-tree2/conf.d/a.conf 644\n');
    expect(ls).to.include('c=3');
    const again = await kplay(['run', pb, '-i', site, '--json']);
    expect(totalChanged(again)).to.equal(0);
    await lab.exec(h, 'echo changed > /opt/kplay-tree/sub/c.conf');
    const check = await kplay(['run', pb, '-i', site, '--json', '--check', '--limit', h]);
    expect(results(check)).to.include(`${h}|contents of a folder|changed`);
    expect((await lab.exec(h, 'cat /opt/kplay-tree/sub/c.conf')).stdout).to.equal('changed\n');
  });
});
