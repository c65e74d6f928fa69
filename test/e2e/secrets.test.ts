// Secrets never reach a sink, in any encoding (issue 11): values from .env with quotes, a backslash and HTML
// characters, a secret used as a number, no_log given as a template, the Handlebars log helper. Every sink of
// a real run is read back: stdout and stderr (plain and --json), the journal, the report JSON and HTML.
import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { useLab, type LabHandle } from '../lab/helpers.js';
import { kplay, siteFor } from './support.js';

const QUOTED = `q"uo\\te<&>'s3cr3t`;
const NUM = '987654321';
const TOKEN = 'tok-5e1f-no-log';
const PLAYBOOK = resolve('test/e2e/fixtures/secrets/sinks.yml');

/** Every way a sink may write a value (written here independently of src/engine/secrets.ts). */
function forms(s: string): Record<string, string> {
  const json = JSON.stringify(s).slice(1, -1);
  return {
    raw: s,
    json,
    'json twice': JSON.stringify(json).slice(1, -1),
    'html named': s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'),
    'html numeric': s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`),
    'shell quoted': `'${s.replace(/'/g, `'\\''`)}'`,
    base64: Buffer.from(s).toString('base64').replace(/=+$/, ''),
    url: encodeURIComponent(s),
  };
}

describe('@lab secrets in every sink', function () {
  let lab: LabHandle;
  let site: string;
  let cwd: string;
  const sinks: Record<string, string> = {};
  const codes: (number | null)[] = [];
  before(async function () {
    lab = await useLab(this);
    site = siteFor(lab);
    writeFileSync(join(site, '.env'), `QUOTED='${QUOTED}'\nNUM=${NUM}\nTOKEN=${TOKEN}\n`);
    cwd = mkdtempSync(join(tmpdir(), 'kplay-secrets-'));
    const h = lab.hosts[0]!.name;
    const plain = await kplay(['run', PLAYBOOK, '-i', site, '--diff', '--limit', h], { cwd });
    const json = await kplay(['run', PLAYBOOK, '-i', site, '--json', '--diff', '--limit', h], { cwd });
    codes.push(plain.code, json.code);
    Object.assign(sinks, { 'plain stdout': plain.stdout, 'plain stderr': plain.stderr, 'json stdout': json.stdout, 'json stderr': json.stderr });
    for (const f of readdirSync(join(cwd, '.kplay'))) if (f.startsWith('journal')) sinks[`journal ${f}`] = readFileSync(join(cwd, '.kplay', f), 'utf8');
    for (const f of readdirSync(join(cwd, '.kplay/reports'))) sinks[`report ${f}`] = readFileSync(join(cwd, '.kplay/reports', f), 'utf8');
  });
  after(async () => {
    await lab?.exec(lab.hosts[0]!.name, 'rm -f /tmp/kplay-sinks-secret');
  });

  it('both runs pass; every sink was written (journal, report JSON and HTML)', () => {
    expect(codes, sinks['plain stdout']).to.deep.equal([0, 0]);
    const names = Object.keys(sinks);
    expect(names.some((n) => n.startsWith('journal'))).to.equal(true);
    expect(names.some((n) => n.startsWith('report') && n.endsWith('.json'))).to.equal(true);
    expect(names.some((n) => n.startsWith('report') && n.endsWith('.html'))).to.equal(true);
    expect(sinks['plain stdout']).to.include('********');
  });

  for (const [name, secret] of Object.entries({ QUOTED, NUM, TOKEN })) {
    it(`${name} appears in no sink, in no encoding`, () => {
      const leaks: string[] = [];
      for (const [enc, text] of Object.entries(forms(secret))) {
        for (const [sink, body] of Object.entries(sinks)) if (body.includes(text)) leaks.push(`${enc} in ${sink}`);
      }
      expect(leaks).to.deep.equal([]);
    });
  }

  it('the host got the real values', async () => {
    expect((await lab.exec(lab.hosts[0]!.name, 'cat /tmp/kplay-sinks-secret')).stdout).to.equal(`value=${QUOTED} num=${NUM}\n`);
  });

  it('a templated no_log hides the failing task and the debug', () => {
    expect(sinks['plain stdout']).to.match(/TASK \[debug hidden by a templated no_log\][^]*?"censored": ?"the output has been hidden/);
  });
});
