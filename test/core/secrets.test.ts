// Secret redaction: every encoding a sink uses (JSON, HTML, shell quoting, YAML, URL, base64 at any offset),
// numbers, values derived from a secret by filters and helpers, the event bus and the journal.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Problems } from '../../src/core/errors.js';
import { EventBus, type RunEvent } from '../../src/events/bus.js';
import { loadInventory } from '../../src/inventory/inventory.js';
import { runInventory } from '../../src/cli/inventory.js';
import { snippet } from '../../src/core/source-text.js';
import { Journal, readJournal } from '../../src/events/journal.js';
import { jsonRenderer } from '../../src/ui/plain.js';
import { Report } from '../../src/ui/report.js';
import { addSecret, clearSecrets, MASK, redact, redactDeep } from '../../src/core/secrets.js';
import { renderString, renderTemplateFile } from '../../src/template/template.js';

const HOSTILE = `Pa"sS\\wd<&>ü'x`; // " \ < & > non-ASCII and '

/** The aligned base64 groups that hold only bytes of the secret, when it sits `k` bytes into a larger blob. */
function base64Core(secret: string, k: number): string {
  const bytes = Buffer.from(secret, 'utf8');
  const whole = Buffer.concat([Buffer.alloc(k, 0x61), bytes, Buffer.from('zz')]).toString('base64');
  const first = Math.ceil(k / 3);
  const last = Math.floor((k + bytes.length) / 3);
  return whole.slice(first * 4, last * 4);
}

describe('secrets: every encoding of a secret is masked', () => {
  beforeEach(() => clearSecrets());
  after(() => clearSecrets());

  const table: Array<[string, string, string]> = [
    ['raw', HOSTILE, HOSTILE],
    ['JSON string', HOSTILE, `Pa\\"sS\\\\wd<&>ü'x`],
    ['JSON, ASCII only (Python json.dumps)', HOSTILE, `Pa\\"sS\\\\wd<&>\\u00fc'x`],
    ['JSON inside JSON', HOSTILE, `Pa\\\\\\"sS\\\\\\\\wd<&>ü'x`],
    ['HTML, numeric (the report)', HOSTILE, `Pa&#34;sS\\wd&#60;&#38;&#62;ü&#39;x`],
    ['HTML, named', HOSTILE, `Pa&quot;sS\\wd&lt;&amp;&gt;ü&#39;x`],
    ['HTML, named with &#x27;', HOSTILE, `Pa&quot;sS\\wd&lt;&amp;&gt;ü&#x27;x`],
    ['HTML of JSON (a JSON message in the report)', HOSTILE, `Pa\\&#34;sS\\\\wd&#60;&#38;&#62;ü&#39;x`],
    ['shell word (transport/shell.ts)', HOSTILE, `'Pa"sS\\wd<&>ü'\\''x'`],
    ['shell word (the quote filter)', HOSTILE, `'Pa"sS\\wd<&>ü'"'"'x'`],
    ['YAML single-quoted', HOSTILE, `'Pa"sS\\wd<&>ü''x'`],
    ['URL-encoded', HOSTILE, "Pa%22sS%5Cwd%3C%26%3E%C3%BC'x"],
    ['base64', HOSTILE, Buffer.from(HOSTILE).toString('base64')],
    ['base64 without padding', HOSTILE, Buffer.from(HOSTILE).toString('base64').replace(/=+$/, '')],
    ['JSON of a multi-line secret', 'line-one-a1\nline-two-b2', 'line-one-a1\\nline-two-b2'],
    ['one line of a multi-line secret', 'line-one-a1\nline-two-b2', 'line-two-b2'],
    ['HTML of a plain secret is the secret', 's3cr3t-token', 's3cr3t-token'],
  ];
  for (const [what, secret, shown] of table) {
    it(`${what}: ${JSON.stringify(shown)}`, () => {
      addSecret(secret);
      const out = redact(`before ${shown} after`);
      expect(out).not.to.include(shown);
      expect(out).to.include(MASK);
      expect(out.startsWith('before ')).to.equal(true);
    });
  }

  it('a secret inside a base64 blob at any offset leaves no decodable trace', () => {
    addSecret(HOSTILE);
    for (let k = 0; k < 6; k++) {
      const blob = Buffer.from(`${'a'.repeat(k)}${HOSTILE}zz`).toString('base64');
      const out = redact(blob);
      expect(out, `offset ${k}`).to.include(MASK);
      expect(out, `offset ${k}`).not.to.include(base64Core(HOSTILE, k));
    }
  });

  it('a short secret (under 3 characters) is masked only when it is the whole text', () => {
    addSecret('ab');
    expect(redact('ab')).to.equal(MASK);
    expect(redact('a tab')).to.equal('a tab');
  });

  it('numbers: a secret read as a number is masked in structured values (keys too), other numbers are kept', () => {
    addSecret('48151623');
    addSecret('0735');
    addSecret('19.5');
    const v = redactDeep({
      n: 48151623,
      octal: 735,
      f: 19.5,
      rc: 0,
      count: 3,
      list: [48151623, 'x 48151623'],
      '48151623': 'key',
    });
    expect(v).to.deep.equal({
      n: MASK,
      octal: MASK,
      f: MASK,
      rc: 0,
      count: 3,
      list: [MASK, `x ${MASK}`],
      [MASK]: 'key',
    });
  });

  it('a secret given as a number is masked as a number and as text', () => {
    addSecret(271828);
    expect(redactDeep({ a: 271828, b: 'v=271828' })).to.deep.equal({ a: MASK, b: `v=${MASK}` });
  });
});

describe('secrets: values derived from a secret are secrets', () => {
  beforeEach(() => clearSecrets());
  after(() => clearSecrets());
  const vars = { env: { PW: HOSTILE, NUM: '48151623', PAD: '  padded-s3cret  ' } };
  const table: Array<[string, unknown]> = [
    ['{{ env.PW | upper }}', HOSTILE.toUpperCase()],
    ['{{ env.PW | lower }}', HOSTILE.toLowerCase()],
    ['{{ env.PAD | trim }}', 'padded-s3cret'],
    ['{{ env.PW | string }}', HOSTILE],
    ['{{ env.PW | reverse }}', [...HOSTILE].reverse().join('')],
    ['{{ env.PW | b64encode }}', Buffer.from(HOSTILE).toString('base64')],
    ['{{ env.PW | hash("sha256") }}', undefined],
    ['{{ env.PW | regex_replace("a", "4") }}', HOSTILE.replace(/a/g, '4')],
    ['{{ env.NUM | int }}', 48151623],
    ['{{ env.NUM | float }}', 48151623],
    ['{{ (env.PW | upper) | b64encode }}', Buffer.from(HOSTILE.toUpperCase()).toString('base64')],
    ['{{ ("user:" ~ env.PW) | b64encode }}', Buffer.from(`user:${HOSTILE}`).toString('base64')],
    ['{{ [env.PW] | map("upper") | first }}', HOSTILE.toUpperCase()],
    ['{{#if true}}{{upper env.PW}}{{/if}}', HOSTILE.toUpperCase()],
    ['{{#if true}}{{b64enc env.PW}}{{/if}}', Buffer.from(HOSTILE).toString('base64')],
  ];
  for (const [src, expected] of table) {
    it(`${src} is masked wherever it is shown`, () => {
      addSecret(vars.env.PW);
      addSecret(vars.env.NUM);
      addSecret(vars.env.PAD);
      const v = renderString(src, { vars });
      if (expected !== undefined) expect(v).to.deep.equal(expected);
      expect(redactDeep({ v })).to.deep.equal({ v: MASK });
      expect(redact(`shown: ${String(v)}.`)).to.equal(`shown: ${MASK}.`);
    });
  }

  it('what merely describes a secret is not made a secret (length, type, a comparison)', () => {
    addSecret(HOSTILE);
    expect(renderString('{{ env.PW | length }}', { vars })).to.equal(14);
    expect(renderString('{{ env.PW == "x" }}', { vars })).to.equal(false);
    expect(renderString('{{ env.PW | ternary("yes-it-is", "no") }}', { vars })).to.equal('yes-it-is');
    expect(redactDeep({ a: 14, b: false, c: 'yes-it-is' })).to.deep.equal({ a: 14, b: false, c: 'yes-it-is' });
  });
});

describe('secrets: the sinks', () => {
  beforeEach(() => clearSecrets());
  after(() => clearSecrets());

  it('the event bus masks numbers that are secrets but keeps durations and counts', () => {
    addSecret('48151623');
    addSecret('1234');
    const bus = new EventBus();
    const seen: RunEvent[] = [];
    bus.on((e) => seen.push(e));
    bus.emit({
      type: 'host_result',
      host: 'a',
      task: 't',
      taskId: 'x',
      status: 'ok',
      result: { n: 48151623 },
      ms: 1234,
    });
    bus.emit({
      type: 'run_end',
      recap: {
        a: {
          ok: 1234,
          changed: 0,
          unreachable: 0,
          failed: 0,
          skipped: 0,
          rescued: 0,
          ignored: 0,
          uncertain: 0,
          ms: 1234,
        },
      },
      exitCode: 0,
      ms: 1234,
    });
    expect(seen[0]).to.deep.include({ result: { n: MASK }, ms: 1234 });
    expect(seen[1]).to.deep.include({ ms: 1234 });
    expect((seen[1] as { recap: Record<string, { ok: number }> }).recap.a!.ok).to.equal(1234);
  });

  it('the Handlebars log helper writes to stderr, redacted, and never to stdout (--json stays clean)', () => {
    addSecret(HOSTILE);
    const dir = mkdtempSync(join(tmpdir(), 'kplay-tpl-'));
    writeFileSync(join(dir, 't.hbs'), 'a{{log "value:" pw}}b\n');
    const seen = { out: '', err: '' };
    const [o, e, cl] = [process.stdout.write, process.stderr.write, console.log];
    process.stdout.write = ((t: string) => ((seen.out += t), true)) as typeof process.stdout.write;
    process.stderr.write = ((t: string) => ((seen.err += t), true)) as typeof process.stderr.write;
    console.log = (...a: unknown[]) => void (seen.out += a.join(' '));
    try {
      expect(renderTemplateFile(join(dir, 't.hbs'), { vars: { pw: HOSTILE } })).to.equal('ab\n');
      expect(renderString('{{#if true}}{{log pw}}{{/if}}x', { vars: { pw: { nested: HOSTILE } } })).to.equal('x');
    } finally {
      [process.stdout.write, process.stderr.write, console.log] = [o, e, cl];
    }
    expect(seen.out).to.equal('');
    expect(seen.err).to.include(`value: ${MASK}`);
    expect(seen.err).not.to.include('Pa"sS');
    expect(seen.err).not.to.include('Pa\\"sS');
  });

  it("an error pointing into a site's .env shows the key, never the value", () => {
    const dir = mkdtempSync(join(tmpdir(), 'kplay-env-'));
    writeFileSync(join(dir, 'hosts.yml'), 'all:\n  hosts:\n    a: {}\n');
    writeFileSync(join(dir, '.env'), 'GOOD=fine-value\nexport TOKEN = "unclosed-s3cret\nno assignment here\n');
    loadInventory([dir], new Problems());
    const file = join(dir, '.env');
    expect(snippet({ file, line: 2, col: 16 })).to.equal(`  export TOKEN =${MASK}\n                 ^`);
    expect(snippet({ file, line: 3, col: 1 })).to.equal(`  ${MASK}\n  ^`);
    expect(snippet({ file, line: 1, col: 6 })).to.equal(`  GOOD=${MASK}\n       ^`);
  });

  it('--json lines, the report and the journal stay valid JSON when a number shows a secret', () => {
    addSecret('1234');
    const lines: string[] = [];
    const bus = new EventBus();
    bus.on(jsonRenderer((t) => lines.push(redact(t)))); // redact: as the CLI's output does
    const dir = mkdtempSync(join(tmpdir(), 'kplay-report-'));
    const report = new Report(join(dir, 'reports'));
    bus.on(report.listener());
    bus.on(new Journal(join(dir, 'journal.jsonl')).listener());
    bus.emit({ type: 'run_start', playbook: 'p.yml', check: false, hosts: 1 });
    bus.emit({
      type: 'host_result',
      host: 'a',
      task: 't',
      taskId: 'x',
      status: 'ok',
      key: '1:t#1',
      register: 'r',
      result: { n: 51234, port: 1234 },
      ms: 1234,
    });
    bus.emit({
      type: 'run_end',
      recap: {
        a: { ok: 1, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0, uncertain: 0, ms: 1234 },
      },
      exitCode: 0,
      ms: 1234,
    });
    const texts = [
      ...lines,
      readFileSync(report.written!.json, 'utf8'),
      ...readFileSync(join(dir, 'journal.jsonl'), 'utf8').trim().split('\n'),
    ];
    for (const t of texts) {
      expect(t).not.to.include('1234');
      expect(() => JSON.parse(t), t).not.to.throw();
    }
    expect((JSON.parse(lines[1]!) as { result: unknown }).result).to.deep.equal({ n: '5********', port: MASK });
    expect(readJournal(join(dir, 'journal.jsonl')).get('a')!.done.size).to.equal(0);
  });

  it('kplay inventory --host stays valid JSON when a number shows a secret', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kplay-inv-'));
    writeFileSync(
      join(dir, 'hosts.yml'),
      'all:\n  hosts:\n    a:\n      ansible_port: 16443\n      api_port: 6443\n      pin: "{{ env.PIN }}"\n',
    );
    writeFileSync(join(dir, '.env'), 'PIN=6443\n');
    const r = runInventory({ inventory: [dir], host: 'a' });
    const shown = redact(r.stdout); // as the CLI's output does
    expect(shown).not.to.include('6443');
    expect(JSON.parse(shown)).to.deep.include({ ansible_port: '1********', api_port: MASK });
  });

  it('the journal never holds a secret, and a task whose result had to be masked runs again on --resume', () => {
    addSecret(HOSTILE);
    addSecret('48151623');
    const path = join(mkdtempSync(join(tmpdir(), 'kplay-journal-')), 'journal.jsonl');
    const j = new Journal(path).listener();
    const ev = (key: string, register: string, result: Record<string, unknown>) => ({
      type: 'host_result' as const,
      host: 'a',
      task: key,
      taskId: key,
      status: 'ok' as const,
      key,
      register,
      result,
      ms: 1,
    });
    j(redactDeep(ev('1:t#1', 'plain', { stdout: 'hello' })) as RunEvent);
    j(redactDeep(ev('1:t#2', 'num', { n: 48151623 })) as RunEvent);
    j(redactDeep(ev('1:t#3', 'text', { stdout: `json ${JSON.stringify({ p: HOSTILE })}` })) as RunEvent);
    j(ev('1:t#4', 'raw', { n: 48151623, s: HOSTILE })); // even an event that skipped the bus
    const text = readFileSync(path, 'utf8');
    for (const leak of [HOSTILE, '48151623', JSON.stringify(HOSTILE).slice(1, -1)]) expect(text).not.to.include(leak);
    const rp = readJournal(path).get('a')!;
    expect([...rp.done]).to.deep.equal(['1:t#1']);
    expect(rp.facts).to.deep.equal({ plain: { stdout: 'hello' } });
  });
});
