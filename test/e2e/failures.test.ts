// What goes wrong on real hosts: a failing command, an unreachable host, a wrong host key, a timeout,
// Ctrl-C then --resume; and secrets that never reach output, report or journal.
import { expect } from 'chai';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useLab, type LabHandle } from '../lab/helpers.js';
import { E2E_TOKEN, kplay, results, siteFor } from './support.js';

const F = 'test/e2e/fixtures/failures';

describe('@lab kplay run failures on real hosts', () => {
  let lab: LabHandle;
  let site: string;
  before(async function () {
    lab = await useLab(this, { count: 3 });
    site = siteFor(lab);
  });

  it('a failing command fails its host (exit 2) with the command, rc and stderr; later tasks do not run', async () => {
    const r = await kplay(['run', `${F}/failing-command.yml`, '-i', site, '--limit', lab.hosts[0]!.name]);
    expect(r.code).to.equal(2);
    expect(r.stdout).to.match(/fatal: \[\S+\]: FAILED! => .*non-zero return code 2.*No such file or directory/);
    const h = await lab.exec(
      lab.hosts[0]!.name,
      'test -e /tmp/kplay-fail-before && echo before; test -e ' +
        '/tmp/kplay-fail-after && echo after; ls -a /tmp | grep -c kplay- || true',
    );
    expect(h.stdout).to.include('before');
    expect(h.stdout).not.to.include('after');
  });

  it('an unreachable host: exit 4, the others go on', async function () {
    this.timeout(60_000);
    const bad = siteFor(lab, (y) =>
      y.replace(
        /(\n {6}hosts:\n)/,
        `$1        ghost:\n          ansible_host: ${lab.hosts[0]!.ip.replace(/\.\d+$/, '.249')}\n`,
      ),
    );
    const r = await kplay(['run', `${F}/failing-command.yml`, '-i', bad, '--json'], {});
    expect(r.code).to.equal(4);
    expect(r.recap.ghost).to.include({ unreachable: 1 });
    expect(
      results(r).filter((x) => x.endsWith('|before|ok') || x.endsWith('|before|changed')).length,
    ).to.be.greaterThan(0);
  });

  it('a wrong host key is refused (exit 4), naming the host and both fingerprints', async () => {
    const bad = siteFor(lab);
    const kh = readFileSync(join(lab.inventory, 'known_hosts'), 'utf8').split('\n').filter(Boolean);
    // give the first host the second host's key
    const first = kh[0]!.split(' ');
    const second = kh[1]!.split(' ');
    writeFileSync(
      join(bad, 'known_hosts'),
      [[first[0], second[1], second[2]].join(' '), ...kh.slice(1)].join('\n') + '\n',
    );
    writeFileSync(
      join(bad, 'hosts.yml'),
      readFileSync(join(bad, 'hosts.yml'), 'utf8').replace(
        /UserKnownHostsFile=\S+/g,
        `UserKnownHostsFile=${join(bad, 'known_hosts')}`,
      ),
    );
    const r = await kplay(['run', `${F}/failing-command.yml`, '-i', bad, '--limit', lab.hosts[0]!.name]);
    expect(r.code).to.equal(4);
    expect(r.stdout + r.stderr).to.match(/SHA256:[A-Za-z0-9+/]{43}/);
    expect((r.stdout + r.stderr).match(/SHA256:[A-Za-z0-9+/]{43}/g)!.length).to.be.greaterThan(1);
  });

  it('a command past its timeout fails the host (exit 2)', async function () {
    this.timeout(60_000);
    const t0 = Date.now();
    const r = await kplay(['run', `${F}/timeout.yml`, '-i', site, '--limit', lab.hosts[0]!.name]);
    expect(r.code).to.equal(2);
    expect(Date.now() - t0).to.be.lessThan(20_000);
    expect(r.stdout).to.match(/timed out|TIMEOUT|timeout/i);
  });

  it('Ctrl-C stops starting tasks (exit 99); --resume continues from where each host stopped', async function () {
    this.timeout(90_000);
    await Promise.all(lab.hosts.map((h) => lab.exec(h.name, 'rm -f /tmp/kplay-resume-*')));
    let sent = false;
    const r1 = await kplay(['run', `${F}/slow.yml`, '-i', site, '--json'], {
      onLine: (line, kill) => {
        if (!sent && line.includes('"task":"step two takes a while"') && line.includes('task_start')) {
          sent = true;
          kill('SIGINT');
        }
      },
    });
    expect(r1.code).to.equal(99);
    expect(results(r1).some((x) => x.includes('step three'))).to.equal(false);
    const r2 = await kplay(['run', `${F}/slow.yml`, '-i', site, '--json', '--resume']);
    expect(r2.code, r2.stderr).to.equal(0);
    const done = r2.events
      .filter((e) => e.type === 'host_result' && e.msg === 'done in the run being resumed')
      .map((e) => e.task);
    expect(done).to.include('step one');
    for (const h of lab.hosts)
      expect((await lab.exec(h.name, 'cat /tmp/kplay-resume-three')).stdout).to.equal('three\n');
  });

  it('secrets from .env never appear in output, events, report or journal', async () => {
    const r = await kplay(['run', `${F}/secrets.yml`, '-i', site, '--diff', '--limit', lab.hosts[0]!.name]);
    expect(r.code, r.stderr).to.equal(0);
    const j = await kplay(['run', `${F}/secrets.yml`, '-i', site, '--json', '--diff', '--limit', lab.hosts[0]!.name]);
    expect(r.stdout + r.stderr + j.stdout + j.stderr).not.to.include(E2E_TOKEN);
    expect(r.stdout).to.include('********');
    for (const f of readdirSync('.kplay'))
      if (f.startsWith('journal')) expect(readFileSync(join('.kplay', f), 'utf8')).not.to.include(E2E_TOKEN);
    for (const f of readdirSync('.kplay/reports'))
      expect(readFileSync(join('.kplay/reports', f), 'utf8')).not.to.include(E2E_TOKEN);
    expect((await lab.exec(lab.hosts[0]!.name, 'cat /tmp/kplay-secret')).stdout).to.equal(`token=${E2E_TOKEN}\n`);
  });
});
