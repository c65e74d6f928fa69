// check_mode as a task keyword on real hosts (issue 11): a task marked as a dry run never writes, with or
// without --check, and reports what it would change; `check_mode: no` really runs under --check.
import { expect } from 'chai';
import { useLab, type LabHandle } from '../lab/helpers.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeArchive } from '../support/archive.js';
import { writeTree } from '../support/tree.js';
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
        // a bool inside text prints as Python prints it, as in Ansible
        expect((await lab.exec(h, 'cat /opt/kplay-dry/seen')).stdout.trim()).to.equal('check=True');
      },
    );
  }

  it(
    'a task whose plan fails in check mode (a link to a file a bundle would bring) leaves what it may touch ' +
      'uncertain: the stat and the assert after it are uncertain, the host does not fail; the real run agrees',
    async function () {
      this.timeout(90_000);
      await lab.exec(h, 'rm -rf /opt/kplay-bundle /usr/local/bin/kplay-demo');
      const dir = writeTree({
        'site.yml':
          '- hosts: all\n  gather_facts: no\n  tasks:\n' +
          '    - name: bundle dir\n      file: { path: /opt/kplay-bundle, state: directory }\n' +
          '    - name: bundle\n' +
          '      unarchive: { src: bundle.tgz, dest: /opt/kplay-bundle, creates: /opt/kplay-bundle/bin/tool }\n' +
          '    - name: link\n' +
          '      file: { src: /opt/kplay-bundle/bin/tool, dest: /usr/local/bin/kplay-demo, state: link }\n' +
          '    - name: look\n      stat: { path: /usr/local/bin/kplay-demo }\n      register: st\n' +
          '    - name: is a link\n      assert: { that: [st.stat.islnk] }\n',
      });
      mkdirSync(join(dir, 'files'));
      writeFileSync(join(dir, 'files/bundle.tgz'), makeArchive('tgz'));
      const play = join(dir, 'site.yml');
      const check = await kplay(['run', play, '-i', site, '--json', '--limit', h, '--check']);
      expect(check.code, check.stderr + check.stdout.slice(-2000)).to.equal(0);
      const predicted = results(check);
      expect(predicted).to.include.members([`${h}|link|uncertain`, `${h}|look|uncertain`, `${h}|is a link|uncertain`]);
      expect((await lab.exec(h, 'ls -d /opt/kplay-bundle /usr/local/bin/kplay-demo 2>&1 || true')).stdout).to.match(
        /No such file/,
      );
      const real = await kplay(['run', play, '-i', site, '--json', '--limit', h]);
      expect(real.code, real.stderr + real.stdout.slice(-2000)).to.equal(0);
      // every task the real run changed was predicted changed or uncertain; none predicted ok changed
      for (const line of results(real).filter((l) => l.endsWith('|changed'))) {
        const task = line.slice(0, -'|changed'.length);
        expect(predicted, line).to.satisfy(
          (p: string[]) => p.includes(`${task}|changed`) || p.includes(`${task}|uncertain`),
        );
      }
      expect((await lab.exec(h, 'readlink /usr/local/bin/kplay-demo')).stdout.trim()).to.equal(
        '/opt/kplay-bundle/bin/tool',
      );
      await lab.exec(h, 'rm -rf /opt/kplay-bundle /usr/local/bin/kplay-demo');
    },
  );

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
        `a path; src (or content) is required (got \\"\\") (host ${h}, task \\"copy from an empty src\\")`,
    );
    expect((await lab.exec(h, 'ls -A /opt/kplay-dry')).stdout.trim()).to.equal('');
  });
});
