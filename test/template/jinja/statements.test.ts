// `namespace()`, the loop's functions and filtering, `{% filter %}` blocks, `{% extends %}` and `{% block %}`.
// Expected texts are what Debian's ansible-core 2.14 wrote for the same templates and variables (template module
// on localhost, byte for byte).
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkTemplateFile, renderTemplateFile } from '../../../src/template/template.js';
import { caught } from '../../support/caught.js';

const dir = mkdtempSync(join(tmpdir(), 'kplay-jinja-stmt-'));
let n = 0;
function file(text: string): string {
  const p = join(dir, `t${n++}.j2`);
  writeFileSync(p, text);
  return p;
}

const tree = [{ n: 'a', c: [{ n: 'a1' }, { n: 'a2', c: [{ n: 'a21' }] }] }, { n: 'b', c: [{ n: 'b1' }] }, { n: 'c' }];
const vars = { xs: [1, 2, 3, 4], ys: ['a', 'a', 'b', 'c', 'c'], d: { k: 'v' }, tree, t: true };

describe('template: Jinja namespace(), loop functions and filter blocks', () => {
  const cases: [string, string, string][] = [
    [
      'a namespace set inside a loop is read after it',
      '{% set ns = namespace(found=false, n=0) %}{% for x in xs %}{% if x > 2 %}{% set ns.found = true %}' +
        '{% set ns.n = ns.n + x %}{% endif %}{% endfor %}{{ ns.found }} {{ ns.n }}\n',
      'True 7\n',
    ],
    [
      'namespace() from a dict and keywords',
      "{% set ns = namespace(d, extra='e') %}{{ ns.k }}{{ ns.extra }}\n",
      've\n',
    ],
    [
      'a namespace gathering text',
      "{% set ns = namespace(s='') %}{% for y in ys %}{% set ns.s = ns.s ~ y %}{% endfor %}{{ ns.s }}\n",
      'aabcc\n',
    ],
    [
      'a plain set inside a loop stays in the loop',
      '{% set a = 1 %}{% for x in xs %}{% set a = x %}{{ a }}{% endfor %}{{ a }}\n',
      '12341\n',
    ],
    [
      'for ... if: loop counts the items kept',
      '{% for x in xs if x is even %}{{ loop.index }}/{{ loop.length }}:{{ x }}{{ loop.last }};{% endfor %}\n',
      '1/2:2False;2/2:4True;\n',
    ],
    [
      'for ... if ... else when nothing is kept',
      '{% for x in xs if x > 9 %}{{ x }}{% else %}none{% endfor %}\n',
      'none\n',
    ],
    ['loop.cycle()', "{% for x in xs %}{{ loop.cycle('odd', 'even') }} {% endfor %}\n", 'odd even odd even \n'],
    ['loop.changed()', '{% for y in ys %}{% if loop.changed(y) %}[{{ y }}]{% endif %}{% endfor %}\n', '[a][b][c]\n'],
    [
      'previtem, nextitem, revindex, revindex0, depth, depth0',
      "{% for x in xs %}{{ loop.previtem | default('-') }}{{ loop.nextitem | default('-') }}{{ loop.revindex }}" +
        '{{ loop.revindex0 }}{{ loop.depth }}{{ loop.depth0 }} {% endfor %}\n',
      '-24310 133210 242110 3-1010 \n',
    ],
    [
      'a nested loop is depth 1 too (depth counts recursive loops)',
      '{% for a in [1] %}{% for b in [2] %}{{ loop.depth }}{{ loop.depth0 }}{% endfor %}{{ loop.depth }}{% endfor %}\n',
      '101\n',
    ],
    ['a filter block', '{% filter upper %}ab {{ ys[0] }}{% endfilter %}\n', 'AB A\n'],
    [
      'filter blocks with arguments',
      "{% filter replace('a', 'x') %}abca{% endfilter %}|{% filter indent(2) %}\none\ntwo\n{% endfilter %}|\n",
      'xbcx|one\n  two\n|\n',
    ],
    [
      'a chain of filters over a loop',
      '{% filter trim | upper %}  {% for y in ys %}{{ y }}{% endfor %}  {% endfilter %}\n',
      'AABCC\n',
    ],
    ['nested filter blocks', "{% filter upper %}{% filter replace('A', 'b') %}a{% endfilter %}c{% endfilter %}", 'AC'],
    [
      'a recursive loop: loop(xs) renders the next level, loop.depth counts the levels',
      '{% for x in tree recursive %}{{ loop.depth }}{{ x.n }}[{% if x.c is defined %}{{ loop(x.c) }}{% endif %}]' +
        '{{ loop.index }};{% endfor %}\n',
      '1a[2a1[]1;2a2[3a21[]1;]2;]1;1b[2b1[]1;]2;1c[]3;\n',
    ],
    [
      'a recursive loop with trim_blocks',
      '<ul>\n{% for x in tree recursive %}\n<li>{{ x.n }}{% if x.c is defined %}<ul>{{ loop(x.c) }}</ul>{% endif %}' +
        '</li>\n{% endfor %}\n</ul>\n',
      '<ul>\n<li>a<ul><li>a1</li>\n<li>a2<ul><li>a21</li>\n</ul></li>\n</ul></li>\n<li>b<ul><li>b1</li>\n</ul></li>\n' +
        '<li>c</li>\n</ul>\n',
    ],
    [
      'a recursive loop filters each level',
      "{% for x in tree if x.n != 'b' recursive %}{{ x.n }}{{ loop.depth0 }}({{ loop(x.c | default([])) }})" +
        '{% endfor %}\n',
      'a0(a11()a21(a212()))c0()\n',
    ],
  ];
  for (const [what, src, want] of cases) {
    it(what, () => {
      const p = file(src);
      expect(checkTemplateFile(p)).to.deep.equal([]);
      expect(renderTemplateFile(p, { vars })).to.equal(want);
    });
  }
});

describe('template: Jinja template inheritance', () => {
  writeFileSync(
    join(dir, 'base.j2'),
    '<html>\n{% block head %}<title>{% block title %}Base{% endblock %}</title>{% endblock %}\n' +
      '{% block body %}base body{% endblock %}\n</html>\n',
  );
  writeFileSync(
    join(dir, 'mid.j2'),
    "{% extends 'base.j2' %}\n{% block title %}Mid-{{ super() }}{% endblock %}\n" +
      '{% block body %}mid[{{ super() }}]{% endblock %}\n',
  );
  writeFileSync(join(dir, 'loopbase.j2'), '{% for x in xs %}{% block item %}<{{ x }}>{% endblock %}{% endfor %}\n');
  const cases: [string, string, string][] = [
    [
      "a child's block replaces the parent's; its text outside blocks is not printed",
      "{% extends 'base.j2' %}\n{% block title %}Child {{ ys[0] }}{% endblock %}\nignored text\n",
      '<html>\n<title>Child a</title>base body</html>\n',
    ],
    [
      'super() renders the block replaced',
      "{% extends 'base.j2' %}\n{% block body %}[{{ super() }}] and more{% endblock %}\n",
      '<html>\n<title>Base</title>[base body] and more</html>\n',
    ],
    [
      'three levels, super() through each',
      "{% extends 'mid.j2' %}\n{% block title %}Top-{{ super() }}{% endblock %}\n",
      '<html>\n<title>Top-Mid-Base</title>mid[base body]</html>\n',
    ],
    [
      "the child's top-level sets, before and after extends, are seen by its blocks",
      "{% set who = 'W' %}{% extends 'base.j2' %}{% set late = 'L' %}" +
        '{% block body %}{{ who }}{{ late }}{% endblock %}\n',
      '<html>\n<title>Base</title>WL</html>\n',
    ],
    [
      "a block in a parent's loop sees the top-level names",
      "{% extends 'loopbase.j2' %}{% block item %}({{ xs[0] }}){% endblock %}\n",
      '(1)(1)(1)(1)\n',
    ],
    ['a template of blocks alone renders them', '{% block a %}A{% endblock %}|{% block b %}B{% endblock %}\n', 'A|B\n'],
  ];
  for (const [what, src, want] of cases) {
    it(what, () => {
      const p = file(src);
      expect(checkTemplateFile(p)).to.deep.equal([]);
      expect(renderTemplateFile(p, { vars })).to.equal(want);
    });
  }
});

describe('template: Jinja statement errors name their line and column', () => {
  const cases: [string, string, string, number, number][] = [
    ['an unknown filter in a filter block', 'a\n{% filter nosuch %}x{% endfilter %}', "unknown filter 'nosuch'", 2, 11],
    ['an unknown filter later in a chain', '{% filter trim | jion %}x{% endfilter %}', "unknown filter 'jion'", 1, 18],
    ['setting an attribute of a dict', '{% set d.k = 1 %}', 'can set an attribute only of a namespace()', 1, 8],
    ['two targets with a namespace', '{% set ns.a, b = [1, 2] %}', 'only one name or one namespace attribute', 1, 8],
    [
      'loop.cycle() without values',
      '{% for x in xs %}{{ loop.cycle() }}{% endfor %}',
      'needs at least one value',
      1,
      4,
    ],
    [
      'loop() in a loop not marked recursive',
      '{% for x in xs %}{{ loop([1]) }}{% endfor %}',
      'marked recursive',
      1,
      25,
    ],
    ['super() outside a block', 'ab {{ super() }}', 'only for a block that replaces another', 1, 12],
    ['extends inside a statement', '{% if t %}{% extends "b.j2" %}{% endif %}', 'at the top of a template', 1, 14],
    ['super() in a block that replaces none', '{% block b %}{{ super() }}{% endblock %}', 'has no parent block', 1, 22],
    [
      "a child's block fails at its own line",
      "{% extends 'loopbase.j2' %}\n{% block item %}({{ x }}){% endblock %}",
      "'x' is undefined",
      2,
      21,
    ],
  ];
  for (const [what, src, message, line, col] of cases) {
    it(what, () => {
      const p = file(src);
      const e = checkTemplateFile(p)[0] ?? caught(() => renderTemplateFile(p, { vars }));
      expect(e.message).to.contain(message);
      expect([e.loc?.line, e.loc?.col]).to.deep.equal([line, col]);
    });
  }
});
