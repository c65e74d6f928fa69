// Jinja templates as Ansible renders them. The expected texts are what Debian's ansible-core 2.14 printed for
// the same template and variables (template module, run by hand on this machine); test/parity/jinja-cases.ts
// compares the two on lab hosts.
import { expect } from 'chai';
import { caught as err } from '../../support/caught.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseYaml } from '../../../src/core/source.js';
import { valueLoc } from '../../../src/core/places.js';
import {
  checkTemplateFile,
  checkTemplateSyntax,
  renderDeep,
  renderString,
  renderTemplateFile,
  templateVariables,
} from '../../../src/template/template.js';

const vars: Record<string, unknown> = {
  xs: ['a', 'b'],
  empty: [],
  d: { k: 'v', n: 1 },
  t: true,
  n: null,
  s: "it's",
  num: 3,
  host: '10.0.0.1',
  k8s_nodename: '',
};

const dir = mkdtempSync(join(tmpdir(), 'kplay-jinja-'));
let n = 0;
function file(text: string, ext = '.j2'): string {
  const p = join(dir, `t${n++}${ext}`);
  writeFileSync(p, text);
  return p;
}

describe('template: Jinja files render as Ansible renders them', () => {
  const cases: [string, string, string][] = [
    ['a comment drops the newline after it (trim_blocks)', '{# c #}\nA\n', 'A\n'],
    [
      'a block tag drops the newline after it, not the indent before it',
      'a\n  {% if t %}\n  b\n  {% endif %}\nc\n',
      'a\n    b\n  c\n',
    ],
    [
      'values print as Python prints them; None prints nothing',
      '{{ xs }} {{ d }} {{ t }} {{ n }}|{{ [s] }}\n',
      "['a', 'b'] {'k': 'v', 'n': 1} True |[\"it's\"]\n",
    ],
    ['a for loop with loop.index', '{% for x in xs %}\n{{ loop.index }}={{ x }}\n{% endfor %}\n', '1=a\n2=b\n'],
    ['an empty list is false', '{% if empty %}yes{% else %}no{% endif %}\n', 'no\n'],
    ['for ... else on an empty list', '{% for x in empty %}x{% else %}none{% endfor %}\n', 'none\n'],
    [
      'kubeasz K8S_NODENAME',
      "{%- if k8s_nodename != '' -%} {{ k8s_nodename }} {%- else -%} k8s-{{ host|replace('.', '-') }} {%- endif -%}",
      'k8s-10-0-0-1',
    ],
    ['no newline at the end stays so', 'no newline at end', 'no newline at end'],
    ['two newlines at the end stay two', 'two\n\n', 'two\n\n'],
    [
      'set inside a loop does not leak out',
      '{% set z = 3 %}{% for i in [1] %}{% set z = 4 %}{% endfor %}{{ z }}\n',
      '3\n',
    ],
    ['whitespace control', '  {%- if t %}\nX\n  {%- endif %}\nY\n', 'XY\n'],
    [
      'arithmetic and concatenation',
      '{{ 10 // 3 }} {{ 10 % 3 }} {{ 2 ** 10 }} {{ "ab" ~ 1 }} {{ -num }}\n',
      '3 1 1024 ab1 -3\n',
    ],
    ['index, attribute and negative index', '{{ xs[0] }} {{ xs.1 }} {{ xs[-1] }}\n', 'a b b\n'],
    ['undefined is only read through default', "{{ missing | default('dflt') }}\n", 'dflt\n'],
    ['iterating a dict gives its keys', '{% for k in d %}{{ k }}={{ d[k] }};{% endfor %}', 'k=v;n=1;'],
    ['unpacking pairs', '{% for a, b in [[1, 2], [3, 4]] %}{{ a + b }} {% endfor %}', '3 7 '],
    ['set with a block', '{% set greeting %}hi {{ xs[0] }}{% endset %}[{{ greeting }}]', '[hi a]'],
    ['comparison chains', '{{ 1 < num < 5 }} {{ 1 < num < 2 }}', 'True False'],
  ];
  for (const [what, src, want] of cases) {
    it(what, () => {
      expect(renderTemplateFile(file(src), { vars })).to.equal(want);
    });
  }
  it('a .hbs template is still Handlebars', () => {
    expect(renderTemplateFile(file('{{#each xs}}{{this}}{{/each}}', '.hbs'), { vars })).to.equal('ab');
  });
});

describe('template: Jinja errors name the file, line and column', () => {
  const cases: [string, string, string, number, number][] = [
    ['an undefined variable', 'one\nval={{ missing }}\n', "'missing' is undefined", 2, 8],
    ['an undefined variable in an if', '{% if missing %}x{% endif %}', "'missing' is undefined", 1, 7],
    ['an attribute of an undefined variable', 'x\n  {{ nope.attr }}', "'nope' is undefined", 2, 6],
    ['a missing key', "{{ d['zz'] }}", "'d' has no attribute 'zz'", 1, 5],
    ['a syntax error', 'line1\n{{ oops( }}\n', 'unexpected token: }}', 2, 10],
    ['an unclosed block', '{% if t %}\nx\n', 'expected elif, else, or endif, got end of file', 2, 2],
    ['an unknown filter', 'a\n{{ xs | jion(",") }}', "unknown filter 'jion' (did you mean 'join'?)", 2, 9],
    ['object machinery', '{{ s.constructor }}', "'constructor' is not a name kplay reads", 1, 6],
    ['a parent template not found', 'x {% extends "base.j2" %}', 'template not found: base.j2', 1, 6],
    ['an include not found', '{% include "other.j2" %}', 'template not found: other.j2', 1, 4],
    ['looping over a number', '{% for x in num %}{% endfor %}', "'int' object is not iterable", 1, 4],
    ['unpacking the wrong count', '{% for a, b in xs %}{% endfor %}', 'cannot unpack 1 values into 2 names', 1, 4],
  ];
  for (const [what, src, message, line, col] of cases) {
    it(what, () => {
      const p = file(src);
      const problems = checkTemplateFile(p);
      const e = problems[0] ?? err(() => renderTemplateFile(p, { vars, host: 'node1' }));
      expect(e.message).to.contain(message);
      expect(e.message).to.contain(`in template ${p}`);
      expect([e.loc?.file, e.loc?.line, e.loc?.col]).to.deep.equal([p, line, col]);
      expect(e.code).to.equal('TEMPLATE');
    });
  }
  it('reports every problem of a template at once', () => {
    const p = file('{{ a | nofilter }}\n{{ s.constructor }}\n{{ b is notatest }}\n');
    expect(checkTemplateFile(p).map((e) => e.loc?.line)).to.deep.equal([1, 2, 3]);
  });
  it('a render error names the host', () => {
    expect(err(() => renderTemplateFile(file('{{ missing }}'), { vars, host: 'node1' })).host).to.equal('node1');
  });
});

describe('template: Jinja in YAML values', () => {
  it("renders kubeasz's K8S_NODENAME as Ansible does", () => {
    const v =
      "{%- if k8s_nodename != '' -%} {{ k8s_nodename|replace('_', '-')|lower }} {%- else -%} " +
      "k8s-{{ host|replace('.', '-') }} {%- endif -%}";
    expect(renderString(v, { vars })).to.equal('k8s-10-0-0-1');
    expect(renderString(v, { vars: { ...vars, k8s_nodename: 'My_Node' } })).to.equal('my-node');
  });
  it('a comment alone makes a value Jinja; `${#x}` in a shell line does not', () => {
    expect(renderString('a{# note #}b', { vars })).to.equal('ab');
    expect(renderString('echo ${#arr[@]}', { vars })).to.equal('echo ${#arr[@]}');
  });
  it('errors point into the YAML file', () => {
    const text = 'args:\n  x: "{% if nope %}y{% endif %}"\n';
    const doc = parseYaml(text, 'v.yml');
    const e = err(() => renderDeep(doc, { vars }, valueLoc));
    expect(e.message).to.contain("'nope' is undefined");
    expect(e.loc).to.deep.equal({ file: 'v.yml', line: 2, col: 13 });
  });
  it('syntax is checked before the run, at its position', () => {
    const text = 'args:\n  x: "{% if t %}y"\n';
    const doc = parseYaml(text, 'w.yml') as { args: Record<string, unknown> };
    const errs = checkTemplateSyntax(doc.args.x as string, { loc: valueLoc(doc.args, 'x'), name: 'w.yml' });
    expect(errs.map((e) => [e.message, e.loc?.line])).to.deep.equal([
      ['expected elif, else, or endif, got end of file in w.yml', 2],
    ]);
  });
  it('lists the variables a template reads, not the ones it binds', () => {
    const v = '{% for h in groups.etcd %}{% set p = h ~ port %}{{ p }}{{ loop.index }}{% endfor %}{{ other }}';
    expect(templateVariables(v).sort()).to.deep.equal(['groups', 'other', 'port']);
  });
});

describe('template: Ansible content that is not templated', () => {
  it('!unsafe text is kept as written wherever it is rendered', () => {
    const doc = parseYaml('a: !unsafe "{{ x }} and {% y %}"\nb: !unsafe plain\n', 'u.yml') as Record<string, string>;
    expect(renderString(doc.a!, { vars })).to.equal('{{ x }} and {% y %}');
    expect(doc.b).to.equal('plain');
  });
});

describe('template: a dict literal in {{ }}', () => {
  const table: Array<[string, unknown]> = [
    ["{{ {'a': 1} }}", { a: 1 }],
    ["{{ {'a': {'b': 1}} }}", { a: { b: 1 } }],
    ["x{{ {'a': 1}['a'] }}y", 'x1y'],
  ];
  for (const [src, want] of table)
    it(`${src} → ${JSON.stringify(want)}`, () => expect(renderString(src, { vars })).to.deep.equal(want));
});
