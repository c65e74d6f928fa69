// Secrets stay secret in every sink, on real hosts: a playbook shows, derives, writes, fails with and logs
// secrets from the site's .env (characters each output escapes, a number, several lines) and a variable hidden
// only by a templated no_log; then stdout and stderr (plain, --json, the live view on a terminal), the journal,
// the report (JSON and HTML) and the lab's logs are searched for each secret in each form a sink may use.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { useLab, type LabHandle } from '../lab/helpers.js';
import { kplay, totalChanged } from './support.js';

const PLAYBOOK = resolve('test/e2e/fixtures/secrets/site.yml');
const MASK = '********';
const CENSORED = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

const QUOTE = 'Qu"ot\\e<b>&amp;ü-7f3a'; // " \ < & > non-ASCII
const SHELL = "it's-sh3ll-9c1e"; // ' needs shell quoting
const NUM = '48151623'; // used as {{ env.KP_NUM | int }}
const MULTI = ['line-one-a1b2', 'line-two-c3d4'];
const NOLOG = 'nolog-0nly-5ecret-e41d'; // a play variable, hidden only by no_log: "{{ hide_secrets }}"
const ENV = `KP_QUOTE='${QUOTE}'\nKP_SHELL=${SHELL}\nKP_NUM=${NUM}\nKP_MULTI="${MULTI.join('\\n')}"\n`;

/** Each form a sink may give a value, written out here independently of src/core/secret-forms.ts. */
function forms(s: string): Record<string, string> {
  const json = JSON.stringify(s).slice(1, -1);
  const entities = (t: string, q: string, a: string) =>
    t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, q).replace(/'/g, a);
  const out: Record<string, string> = {
    raw: s,
    json,
    'json ascii': json.replace(/[^\x00-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    'json in json': JSON.stringify(json).slice(1, -1),
    'html named': entities(s, '&quot;', '&#39;'),
    'html numeric': s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`),
    'html of json': json.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`),
    'shell word': `'${s.replace(/'/g, `'\\''`)}'`,
    'quote filter': `'${s.replace(/'/g, `'"'"'`)}'`,
    base64: Buffer.from(s).toString('base64').replace(/=+$/, ''),
  };
  // inside a larger base64 blob (slurp): the 4-character groups made only of the value's bytes, at each alignment
  for (let k = 1; k < 3; k++) {
    const bytes = Buffer.from(s);
    const blob = Buffer.concat([Buffer.alloc(k, 0x3d), bytes, Buffer.from('\n\n')]).toString('base64');
    out[`base64 at +${k}`] = blob.slice(Math.ceil(k / 3) * 4, Math.floor((k + bytes.length) / 3) * 4);
  }
  return out;
}

const VALUES: Record<string, string> = {
  QUOTE,
  SHELL,
  NUM,
  MULTI: MULTI.join('\n'),
  MULTI_1: MULTI[0]!,
  MULTI_2: MULTI[1]!,
  NOLOG,
  'QUOTE | upper': QUOTE.toUpperCase(),
};

/** Every (value, form, text) found in a sink's text. */
function leaks(sink: string, text: string): string[] {
  const found: string[] = [];
  for (const [name, value] of Object.entries(VALUES)) {
    for (const [form, shown] of Object.entries(forms(value)))
      if (shown.length >= 6 && text.includes(shown))
        found.push(`${sink}: ${name} as ${form}: ${JSON.stringify(shown)}`);
  }
  return found;
}

describe('@lab secrets stay secret in every sink', () => {
  let lab: LabHandle;
  let site: string;
  let work: string;
  before(async function () {
    lab = await useLab(this, { count: 3 });
    site = mkdtempSync(join(tmpdir(), 'kplay-secrets-site-'));
    writeFileSync(join(site, 'hosts.yml'), readFileSync(lab.hostsFile, 'utf8'));
    writeFileSync(join(site, '.env'), ENV);
    work = mkdtempSync(join(tmpdir(), 'kplay-secrets-run-'));
  });

  it(
    'stdout, stderr, --json, the live view, journal, ' + 'report and lab logs never hold a secret in any form',
    async function () {
      this.timeout(300_000);
      const host = lab.hosts[0]!.name;
      await lab.exec(host, 'rm -f /tmp/kplay-secrets.conf /tmp/kplay-secrets-log.conf');
      const args = ['run', PLAYBOOK, '-i', site, '--limit', host, '--diff'];
      const plain = await kplay(args, { cwd: work });
      expect(plain.code, plain.stderr + plain.stdout.slice(-3000)).to.equal(0);
      const json = await kplay([...args, '--json'], { cwd: work });
      expect(json.code, json.stderr).to.equal(0);
      expect(totalChanged(json), 'a second run changes nothing').to.equal(0);
      const cmd = `cd ${work} && stty cols 120 rows 40; ${process.execPath} ${resolve('bin/kplay')} ${args.join(' ')}`;
      const live = spawnSync('script', ['-qc', cmd, '/dev/null'], {
        encoding: 'utf8',
        env: { ...process.env, CI: '' },
      });
      const screen = live.stdout.replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, '').replace(/\r/g, '\n');
      expect(screen, live.stdout.slice(-2000)).to.include('PLAY RECAP');

      const sinks: Record<string, string> = {
        'plain stdout': plain.stdout,
        'plain stderr': plain.stderr,
        '--json stdout': json.stdout,
        '--json stderr': json.stderr,
        'live view (raw)': live.stdout + live.stderr,
        'live view (text)': screen,
      };
      const dot = join(work, '.kplay');
      for (const f of readdirSync(dot))
        if (f.startsWith('journal')) sinks[`journal ${f}`] = readFileSync(join(dot, f), 'utf8');
      const reports = readdirSync(join(dot, 'reports'));
      expect(reports.filter((f) => f.endsWith('.json')).length).to.equal(3);
      expect(reports.filter((f) => f.endsWith('.html')).length).to.equal(3);
      for (const f of reports) sinks[`report ${f}`] = readFileSync(join(dot, 'reports', f), 'utf8');
      for (const f of readdirSync(lab.state.dir))
        if (f.endsWith('.log') && existsSync(join(lab.state.dir, f)))
          sinks[`lab log ${f}`] = readFileSync(join(lab.state.dir, f), 'utf8');
      expect(Object.keys(sinks).some((k) => k.startsWith('journal'))).to.equal(true);
      expect(Object.keys(sinks).some((k) => k.startsWith('lab log'))).to.equal(true);
      const found = Object.entries(sinks).flatMap(([sink, text]) => leaks(sink, text));
      expect(found, found.join('\n')).to.deep.equal([]);

      // the play really used the secrets
      const conf = await lab.exec(host, 'cat /tmp/kplay-secrets.conf');
      expect(conf.stdout).to.equal(`quote=${QUOTE}\nshell=${SHELL}\nnum=${NUM}\nmulti=${MULTI.join('\n')}\n`);
      expect((await lab.exec(host, 'cat /tmp/kplay-secrets-log.conf')).stdout).to.equal(`\nport=${NUM}\n`);
      // and every output shows that it hid them
      expect(plain.stdout).to.include(`"msg": "pw=${MASK}"`);
      expect(plain.stdout).to.include(`"secret_port": "${MASK}"`);
      expect(plain.stdout).to.match(
        /TASK \[hidden by a templated no_log \(a failing task\)\][^]*?fatal: .*the output has been hidden/,
      );
      expect(plain.stdout).to.match(/command timed out after 2 s: sh -c 'sleep 10' '\*{8}' '\*{8}'/);
      expect(plain.stderr).to.include(
        `[template log] template sees ${MASK} {"user":"admin","password":"${MASK}"} ${MASK}`,
      );
      const ev = json.events.filter((e) => e.type === 'host_result');
      for (const t of ['hidden by a templated no_log (debug)', 'hidden by a templated no_log (a failing task)']) {
        expect(ev.find((e) => e.task === t)!.result, t).to.deep.include({ censored: CENSORED });
      }
    },
  );
});
