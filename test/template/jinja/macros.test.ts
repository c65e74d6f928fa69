// Jinja macros, `{% call %}` blocks, `{% import %}` and `{% from ... import %}` in template files, and a template's
// `#jinja2:` settings line. Expected texts follow Jinja2 3.1 as ansible-core 2.14 runs it (trim_blocks on).
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkTemplateFile, renderTemplateFile } from '../../../src/template/template.js';
import { caught } from '../../support/caught.js';

const T = join(mkdtempSync(join(tmpdir(), 'kplay-jinja-macro-')), 'templates');
mkdirSync(T, { recursive: true });
let n = 0;
function file(text: string, name = `t${n++}.j2`): string {
  const p = join(T, name);
  writeFileSync(p, text);
  return p;
}

file(
  '{% set wibble = "W" %}{% set _hidden = 1 %}{% macro hi(x) %}hi {{ x }} {{ who | default("nobody") }}{% endmacro %}',
  'lib.j2',
);
file(
  '{% from "lib.j2" import hi with context %}{% macro twice(x) %}{{ hi(x) }}/{{ hi(x) }}{% endmacro %}',
  'nested.j2',
);
file('{% macro fmt(v) -%}\n{{ v }}={{ lookup("vars", "who", default="none") }}\n{%- endmacro %}', 'globals.j2');

const vars = { who: 'me', xs: [1, 2] };

const cases: Array<[string, string, string]> = [
  [
    'a default used and overridden',
    "{% macro m(a, b='x') %}[{{ a }}-{{ b }}]{% endmacro %}{{ m(1) }}{{ m(1, 2) }}",
    '[1-x][1-2]',
  ],
  ['arguments by name', '{% macro m(a, b=2) %}{{ a }}{{ b }}{% endmacro %}{{ m(b=3, a=4) }}', '43'],
  ['a default naming an earlier parameter', '{% macro m(a, b=a * 2) %}{{ b }}{% endmacro %}{{ m(4) }}', '8'],
  [
    'varargs and kwargs',
    '{% macro m(a) %}{{ a }} {{ varargs }} {{ kwargs }}{% endmacro %}{{ m(1, 2, k=3) }}',
    "1 [2] {'k': 3}",
  ],
  ["the template's variables and filters", '{% macro m() %}{{ who | upper }}{% endmacro %}{{ m() }}', 'ME'],
  [
    "a macro's set stays inside it",
    '{% set a = 1 %}{% macro m() %}{% set a = 2 %}{{ a }}{% endmacro %}{{ m() }}{{ a }}',
    '21',
  ],
  ['a macro output filtered', '{% macro m() %}a\nb{% endmacro %}{{ m() | indent(2) }}', 'a\n  b'],
  ['caller()', '{% macro m(a) %}<{{ caller() }}>{% endmacro %}{% call m(1) %}in {{ who }}{% endcall %}', '<in me>'],
  [
    'caller(x)',
    '{% macro m() %}{% for x in xs %}{{ caller(x) }}{% endfor %}{% endmacro %}{% call(i) m() %}[{{ i }}]{% endcall %}',
    '[1][2]',
  ],
  ['import without context', '{% import "lib.j2" as lib %}{{ lib.wibble }} {{ lib.hi(1) }}', 'W hi 1 nobody'],
  ['import with context', '{% import "lib.j2" as lib with context %}{{ lib.hi(1) }}', 'hi 1 me'],
  ['from import, renamed', '{% from "lib.j2" import hi as h, wibble %}{{ h(2) }} {{ wibble }}', 'hi 2 nobody W'],
  ['a nested import', '{% from "nested.j2" import twice with context %}{{ twice(3) }}', 'hi 3 me/hi 3 me'],
  ['a macro of an import uses lookups', '{% from "globals.j2" import fmt %}{{ fmt("a") }}', 'a=none'],
  ['#jinja2: settings line', '#jinja2: trim_blocks: False\n{% if true %}\nx{% endif %}', '\nx'],
  ['#jinja2: line statements', '#jinja2: line_statement_prefix: ":"\n: if true\nfoo\n: endif\n', 'foo\n'],
];

describe('template: Jinja macros and imports', () => {
  for (const [what, src, out] of cases) {
    it(what, () => {
      const p = file(src);
      expect(checkTemplateFile(p)).to.deep.equal([]);
      expect(renderTemplateFile(p, { vars })).to.equal(out);
    });
  }
});

const problems: Array<[string, string, string, number, number]> = [
  [
    'too many arguments',
    '{% macro m(a) %}{% endmacro %}\n{{ m(1, 2) }}',
    "macro 'm' takes at most 1 argument (a), got 2",
    2,
    9,
  ],
  [
    'an unknown keyword',
    '{% macro m(a) %}{% endmacro %}{{ m(z=1) }}',
    "macro 'm' takes no keyword argument 'z'",
    1,
    36,
  ],
  [
    'a call block for a macro without caller()',
    '{% macro m() %}{% endmacro %}{% call m() %}x{% endcall %}',
    "macro 'm' takes no keyword argument 'caller'",
    1,
    33,
  ],
  ['an unknown function', '{{ nomacro(1) }}', "unknown function 'nomacro'", 1, 11],
];

describe('template: bad macro calls are problems before any host is touched', () => {
  for (const [what, src, message, line, col] of problems) {
    it(what, () => {
      const p = file(src);
      const [e] = checkTemplateFile(p);
      expect(e?.message).to.contain(message);
      expect([e?.loc?.line, e?.loc?.col]).to.deep.equal([line, col]);
    });
  }
  it('a name not in the imported template fails the render at its place', () => {
    const p = file('{% from "lib.j2" import nope %}');
    const e = caught(() => renderTemplateFile(p, { vars }));
    expect(e.message).to.contain("the template 'lib.j2' has no macro or variable 'nope'");
    expect(e.loc).to.deep.equal({ file: p, line: 1, col: 25 });
  });
  it('an error in an imported macro points into its file', () => {
    const lib = file('{% macro bad() %}\n{{ missing }}{% endmacro %}', 'badlib.j2');
    const p = file('{% import "badlib.j2" as b %}{{ b.bad() }}');
    const e = caught(() => renderTemplateFile(p, { vars }));
    expect(e.message).to.equal(`'missing' is undefined in template ${lib}`);
    expect(e.loc).to.deep.equal({ file: lib, line: 2, col: 4 });
  });
  it('a macro calling itself is stopped', () => {
    const p = file('{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}');
    expect(caught(() => renderTemplateFile(p, { vars })).message).to.contain(
      'macros call each other more than 200 deep',
    );
  });
  it('a #jinja2: line kplay cannot read fails the render, not the check (a rescue may expect it)', () => {
    const p = file('#jinja2: lstrip_blocks=True\nx');
    expect(checkTemplateFile(p)).to.deep.equal([]);
    expect(caught(() => renderTemplateFile(p, { vars })).message).to.contain('failed to parse jinja2 override');
  });
});
