// Plan files on lab hosts through the real ssh2 transport (issue 13): `kplay run --check --plan-out` writes a
// plan that holds no secret in any form; a file edited on one host between plan and apply makes `kplay apply`
// refuse that host, naming the file, and leave it untouched, while the others get exactly the planned changes;
// a run after it changes nothing.
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useLab, type LabHandle } from '../lab/helpers.js';
import { E2E_TOKEN, kplay, results, siteFor, tasksWith, totalChanged } from './support.js';

const PB = 'test/e2e/fixtures/plan-file/site.yml';
const CLEAN =
  'systemctl disable --now kplay-plan 2>/dev/null; rm -rf /opt/kplay-plan /etc/systemd/system/kplay-plan.service; ' +
  'systemctl daemon-reload; printf "welcome\\n" > /etc/kplay-plan-motd';

describe('@lab plan files: --plan-out, then apply', () => {
  let lab: LabHandle;
  let site: string;
  let names: string[];
  before(async function () {
    lab = await useLab(this);
    site = siteFor(lab);
    names = lab.hosts.slice(0, 3).map((h) => h.name);
    await Promise.all(names.map((h) => lab.exec(h, CLEAN)));
  });
  after(async () => {
    if (lab) await Promise.all(names.map((h) => lab.exec(h, `${CLEAN}; rm -f /etc/kplay-plan-motd`)));
  });

  it('apply makes what the plan holds, refuses the host that drifted, and the plan holds no secret', async function () {
    this.timeout(180_000);
    const limit = names.join(',');
    const plan = join(mkdtempSync(join(tmpdir(), 'kplay-plan-')), 'plan.json');
    const check = await kplay(['run', PB, '-i', site, '--json', '--limit', limit, '--check', '--plan-out', plan]);
    expect(check.code, check.stderr + check.stdout.slice(-2000)).to.equal(0);
    const text = readFileSync(plan, 'utf8');
    for (const form of [E2E_TOKEN, Buffer.from(E2E_TOKEN).toString('base64'), encodeURIComponent(E2E_TOKEN)])
      expect(text, 'the plan holds no secret').to.not.include(form);
    const planned = tasksWith(check, ['changed']);
    expect(planned.size).to.equal(6 * names.length);

    // between plan and apply, someone edits a file the plan read on the second host
    const [a, b, c] = names as [string, string, string];
    await lab.exec(b, 'printf "welcome back\\n" > /etc/kplay-plan-motd');
    const r = await kplay(['apply', plan, '--json']);
    expect(r.code, r.stderr).to.equal(2);
    const refused = r.events.find((e) => e.type === 'host_result' && e.host === b && e.status === 'failed')!;
    expect(refused.task).to.equal('Checking the plan');
    expect(String(refused.msg)).to.match(
      new RegExp(
        `^${b} refused: /etc/kplay-plan-motd changed since the plan \\(read by 'motd line' at site\\.yml:12:7\\)`,
      ),
    );
    expect((await lab.exec(b, 'test -e /opt/kplay-plan && echo there || echo none')).stdout.trim()).to.equal('none');
    expect((await lab.exec(b, 'cat /etc/kplay-plan-motd')).stdout).to.equal('welcome back\n');
    // the other hosts got exactly the planned changes, the token among them
    const done = [...tasksWith(r, ['changed'])];
    expect(done.sort()).to.deep.equal([...planned].filter((t) => !t.startsWith(`${b}|`)).sort());
    for (const h of [a, c]) {
      expect((await lab.exec(h, 'cat /opt/kplay-plan/token')).stdout).to.equal(`token=${E2E_TOKEN}\n`);
      expect((await lab.exec(h, 'systemctl is-active kplay-plan')).stdout.trim()).to.equal('active');
    }
    expect(r.stdout).to.not.include(E2E_TOKEN);
    const again = await kplay(['run', PB, '-i', site, '--json', '--limit', `${a},${c}`]);
    expect(totalChanged(again), JSON.stringify(results(again))).to.equal(0);
    expect(existsSync(plan)).to.equal(true);
  });

  it('a plan made from other files than there are now is refused as a whole, before connecting', async function () {
    this.timeout(60_000);
    const plan = join(mkdtempSync(join(tmpdir(), 'kplay-plan-')), 'plan.json');
    const check = await kplay(['run', PB, '-i', site, '--json', '--limit', names[0]!, '--check', '--plan-out', plan]);
    expect(check.code).to.equal(0);
    const p = JSON.parse(readFileSync(plan, 'utf8')) as { files: Record<string, string> };
    const [first] = Object.keys(p.files);
    p.files[first!] = '0'.repeat(64);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(plan, JSON.stringify(p));
    const r = await kplay(['apply', plan]);
    expect(r.code).to.equal(4);
    expect(r.stderr).to.match(/the plan was made from other files than there are now: .*site\.yml/);
  });
});
