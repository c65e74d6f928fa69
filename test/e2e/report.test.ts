// The run report of a real run on lab hosts, opened in headless Chromium: task names on the timeline and in
// the task table, the failure's message with its source line, diffs, and the filters a user works (choosing a
// host, typing a search, a status in the address). A screenshot is left in .kplay/test-artifacts/.
import { expect } from 'chai';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { useLab, type LabHandle } from '../lab/helpers.js';
import { Browser } from '../support/chromium.js';
import { reportPage, saveScreenshot, texts } from '../support/report-page.js';
import { kplay, siteFor } from './support.js';

const PLAYBOOK = resolve('test/e2e/fixtures/report/site.yml');

interface Row {
  host?: string;
  task?: string;
  status?: string;
}

describe('@lab the run report in a browser', () => {
  let lab: LabHandle;
  let page = '';
  let browser: Browser;
  let first = '';

  before(async function () {
    lab = await useLab(this, { count: 3 });
    first = lab.hosts[0]!.name;
    const cwd = mkdtempSync(join(tmpdir(), 'kplay-report-run-'));
    const r = await kplay(['run', PLAYBOOK, '-i', siteFor(lab), '--diff'], { cwd });
    expect(r.code, r.stdout + r.stderr).to.equal(2);
    page = reportPage(r.stdout, cwd);
    browser = await Browser.open();
    await browser.goto(`file://${page}`);
  });
  after(async () => browser?.close());

  const rows = (section: string) =>
    browser.eval<Row[]>(
      `[...document.querySelectorAll('#${section} [data-host], #${section} [data-task]')]` +
        '.map((e) => ({ host: e.dataset.host, task: e.dataset.task, status: e.dataset.status }))',
    );
  const text = (selector: string) => texts(browser, selector);

  it('shows the summary, the timeline and the task table with every task by name', async () => {
    expect(await browser.eval('document.documentElement.dataset.ready')).to.equal('yes');
    expect(await text('#exit-code')).to.equal('2');
    expect(await text('#summary dd')).to.include(PLAYBOOK);
    const names = ['write the motd', 'wait a second', 'check the marker file', 'say done'];
    expect((await rows('timeline')).map((r) => r.task)).to.deep.equal(names);
    expect((await rows('tasks')).map((r) => r.task)).to.deep.equal(names);
    expect(await text('#timeline .tl-tick span')).to.match(/^0 ms\n/);
    expect(await text('#tasks')).to.include('fixtures/report/site.yml:17');
  });

  it("lists the failure first: host, message, the task's source line", async () => {
    const order = await browser.eval<string[]>(`[...document.querySelectorAll('#views > section')].map((s) => s.id)`);
    expect(order[0]).to.equal('failures');
    expect(await text('#failures h3')).to.include(`${first} · check the marker file`);
    expect(await text('#failures .msg')).to.match(/non-zero return code 1 .*No such file or directory/);
    expect(await text('#failures .snippet .hit')).to.match(/^17\s+- name: check the marker file/);
    expect(await text('#changes .diff')).to.include('+kplay report test on');
  });

  it('filters by host (chosen in its list), by typed text and by a status in the address', async () => {
    const other = lab.hosts[1]!.name;
    await browser.eval(
      `(() => { const s = document.getElementById('f-host'); s.value = ${JSON.stringify(other)};` +
        ` s.dispatchEvent(new Event('change')); })()`,
    );
    const mine = await rows('results');
    expect(mine.length).to.equal(4);
    expect(new Set(mine.map((r) => r.host))).to.deep.equal(new Set([other]));
    expect(await browser.eval('location.hash')).to.equal(`#host=${other}`);
    expect(await browser.eval(`document.getElementById('failures')`)).to.equal(null);

    await browser.eval(
      `document.getElementById('f-host').value = ''; document.getElementById('f-host')` +
        `.dispatchEvent(new Event('change')); document.getElementById('f-q').focus()`,
    );
    await browser.type('wait a sec');
    expect((await rows('tasks')).map((r) => r.task)).to.deep.equal(['wait a second']);
    // each host ran each task, but the failed host's last (the lab may hold more hosts than the 3 asked)
    const n = lab.hosts.length;
    expect((await rows('results')).length).to.equal(n);
    expect(await text('#f-count')).to.equal(`${n} of ${4 * n - 1} results`);

    await browser.goto(`file://${page}#status=failed`);
    expect(await rows('results')).to.deep.equal([{ host: first, status: 'failed' }]);
    expect(await browser.eval(`document.getElementById('f-status').value`)).to.equal('failed');
  });

  it('is saved as a screenshot (a test artifact)', async () => {
    await browser.goto(`file://${page}#`);
    const file = await saveScreenshot(browser, 'report-lab-3-hosts.png');
    expect(readFileSync(file).subarray(1, 4).toString()).to.equal('PNG');
  });
});
