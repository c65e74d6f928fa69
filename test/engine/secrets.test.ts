import { expect } from 'chai';
import { addSecret, clearSecrets, MASK, redact, redactDeep } from '../../src/engine/secrets.js';
import { renderString } from '../../src/engine/template.js';

const S = `pa"ss\\w<&>'rd`;

describe('secrets: redaction', () => {
  beforeEach(() => {
    clearSecrets();
    addSecret(S);
  });
  after(() => clearSecrets());

  const cases: [string, string][] = [
    ['as it is', `x ${S} y`],
    ['JSON-escaped', `x ${JSON.stringify(S)} y`],
    ['JSON inside JSON', JSON.stringify({ msg: JSON.stringify({ v: S }) })],
    ['HTML, numeric entities', `<td>${S.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)}</td>`],
    ['HTML, named entities', `<td>${S.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')}</td>`],
    ['shell-quoted', `sh -c 'echo '\\''x'\\'' '${S.replace(/'/g, `'\\''`)}`],
    ['URL-encoded', `https://h/?t=${encodeURIComponent(S)}`],
    ['base64', `Authorization: Basic ${Buffer.from(S).toString('base64')}`],
  ];
  for (const [what, text] of cases) {
    it(`masks a secret ${what}`, () => {
      const out = redact(text);
      expect(out).to.include(MASK);
      expect(out).not.to.include('ss\\');
    });
  }

  it('masks a number that is a secret in structured data, and keeps other numbers', () => {
    addSecret('987654');
    expect(redactDeep({ a: 987654, b: [987654, 12], c: 'n=987654' })).to.deep.equal({ a: MASK, b: [MASK, 12], c: `n=${MASK}` });
  });

  it('a value computed from a secret becomes a secret (filters, numbers, helpers)', () => {
    addSecret('424242');
    const vars = { env: { T: S, N: '424242' }, other: 'plain' };
    const b64 = renderString('{{ env.T | b64encode }}', { vars, host: 'h' }) as string;
    expect(redact(`auth ${b64}`)).to.equal(`auth ${MASK}`);
    const upper = renderString('{{ env.T | upper }}', { vars, host: 'h' }) as string;
    expect(redact(upper)).to.equal(MASK);
    expect(renderString('{{ env.N | int }}', { vars, host: 'h' })).to.equal(424242);
    expect(redactDeep({ n: 424242 + 1 - 1 })).to.deep.equal({ n: MASK });
    const plain = renderString('{{ other | upper }}', { vars, host: 'h' }) as string;
    expect(redact(plain)).to.equal('PLAIN');
  });
});
