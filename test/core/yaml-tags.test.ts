// The tags Ansible's YAML loader knows beyond YAML 1.1: `!unsafe` on text, lists and mappings (never
// templated), `!vault` (kept encrypted: kplay has no vault password), and a duplicate key named as Ansible names it.
import { expect } from 'chai';
import { Problems } from '../../src/core/errors.js';
import { places } from '../../src/core/places.js';
import { parseYaml } from '../../src/core/source.js';
import { findVault, VaultText } from '../../src/core/vault.js';
import { compileExpr, evalExpr } from '../../src/expr/expr.js';
import { renderString } from '../../src/template/template.js';

// [YAML, the value of `a` once rendered]
const unsafe: [string, unknown][] = [
  ['a: !unsafe "b{{ x }}"\n', 'b{{ x }}'],
  ["a: !unsafe [ 'b{{x}}', c, 1 ]\n", ['b{{x}}', 'c', 1]],
  ['a: !unsafe\n  k: b{{x}}\n  n: { m: "{% y %}" }\n', { k: 'b{{x}}', n: { m: '{% y %}' } }],
  ['a: [ !unsafe "{{x}}", "{{x}}" ]\n', ['{{x}}', 'X']],
];

describe('YAML tags', () => {
  for (const [text, want] of unsafe)
    it(`!unsafe: ${JSON.stringify(text)}`, () => {
      const doc = parseYaml(text, 'u.yml') as { a: unknown };
      const render = (v: unknown): unknown =>
        typeof v === 'string'
          ? renderString(v, { vars: { x: 'X' } })
          : Array.isArray(v)
            ? v.map(render)
            : v && typeof v === 'object'
              ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, render(x)]))
              : v;
      expect(render(doc.a)).to.deep.equal(want);
    });

  it('!vault: kept encrypted; the vault_encrypted test tells it; printing it fails as without a vault secret', () => {
    const doc = parseYaml('a: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  3532\nb: plain\n', 'v.yml') as Record<
      string,
      unknown
    >;
    const a = doc.a;
    expect(a).to.be.instanceOf(VaultText);
    expect(findVault({ x: [doc] })).to.equal(a);
    const ev = (src: string) => evalExpr(compileExpr(src), doc);
    expect([ev('a is vault_encrypted'), ev('b is vault_encrypted')]).to.deep.equal([true, false]);
    expect(renderString('{{ a }}', { vars: doc })).to.equal(a); // a module argument holding it fails (task-args.ts)
    expect(() => renderString('x={{ a }}', { vars: doc })).to.throw('Attempting to decrypt but no vault secrets found');
  });

  it('a duplicate key is refused, named as Ansible names it, where it is written again', () => {
    const p = new Problems();
    parseYaml('vars:\n  foo: bar\n  "foo": baz\n', 'd.yml', { problems: p });
    expect(p.list.map((e) => [e.message, e.loc?.line, e.loc?.col])).to.deep.equal([
      ['YAML syntax error: found a duplicate dict key (foo)', 3, 3],
    ]);
  });
});

describe('YAML places', () => {
  it('a mapping with an anchor is placed at its anchor, as Ansible places a task written `- &name`', () => {
    const doc = parseYaml('- &clean\n  name: x\n  debug: msg=x\n- *clean\n', 't.yml') as object[];
    expect(places.get(doc[0]!)?.self).to.deep.include({ line: 1, col: 3 });
  });
});
