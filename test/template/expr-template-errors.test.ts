// Bad input in conditions and templates: each error says what is wrong and points to the exact line and column.
import { expect } from 'chai';
import { caught } from '../support/caught.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Loc } from '../../src/core/errors.js';
import { compileExpr, evalExpr } from '../../src/expr/expr.js';
import {
  checkTemplateFile,
  checkTemplateSyntax,
  renderString,
  renderTemplateFile,
} from '../../src/template/template.js';

// A `when:` written at line 12, its plain scalar starting at column 11: `    when: <expr>`
const W: Loc = { file: 'roles/etcd/tasks/main.yml', line: 12, col: 11 };
const scope = { n: 1, groups: { etcd: ['a'] }, obj: { a: 1 }, s: 'x' };
const dir = mkdtempSync(join(tmpdir(), 'kplay-err-'));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

interface Case {
  what: string;
  run: () => unknown;
  code: string;
  message: string;
  line: number;
  col: number;
}

const cases: Case[] = [
  {
    what: 'unbalanced parentheses (never closed)',
    run: () => compileExpr('(n > 1 and n < 3', W),
    code: 'EXPR',
    message: "bad expression '(n > 1 and n < 3': unbalanced parentheses: this '(' is never closed",
    line: 12,
    col: 11,
  },
  {
    what: 'unbalanced parentheses (extra close)',
    run: () => compileExpr('n > 1)', W),
    code: 'EXPR',
    message: "bad expression 'n > 1)': unbalanced parentheses: unexpected ')'",
    line: 12,
    col: 16,
  },
  {
    what: 'unknown filter, did you mean',
    run: () => compileExpr("x | defualt('a')", W),
    code: 'EXPR',
    message: "bad expression 'x | defualt('a')': unknown filter 'defualt' (did you mean 'default'?)",
    line: 12,
    col: 15,
  },
  {
    what: 'unknown test after is',
    run: () => compileExpr('r is chnaged', W),
    code: 'EXPR',
    message: "bad expression 'r is chnaged': unknown test 'chnaged' (did you mean 'changed'?)",
    line: 12,
    col: 16,
  },
  {
    what: 'unknown test after is not',
    run: () => compileExpr('x is not definde', W),
    code: 'EXPR',
    message: "bad expression 'x is not definde': unknown test 'definde' (did you mean 'defined'?)",
    line: 12,
    col: 20,
  },
  {
    what: '== missing its right operand',
    run: () => compileExpr('LB_ROLE == and x', W),
    code: 'EXPR',
    message: "bad expression 'LB_ROLE == and x': expected a value, found 'and'",
    line: 12,
    col: 22,
  },
  {
    what: '== missing at the end',
    run: () => compileExpr('x ==', W),
    code: 'EXPR',
    message: "bad expression 'x ==': missing operand after '=='",
    line: 12,
    col: 15,
  },
  {
    what: 'two values without an operator',
    run: () => compileExpr("x 'master'", W),
    code: 'EXPR',
    message: "bad expression 'x 'master'': expected an operator (and, or, ==, in, ...) between two values",
    line: 12,
    col: 13,
  },
  {
    what: 'unclosed string literal',
    run: () => compileExpr("x == 'abc", W),
    code: 'EXPR',
    message: "bad expression 'x == 'abc': unclosed string literal",
    line: 12,
    col: 20,
  },
  {
    what: 'an unknown function',
    run: () => compileExpr('lookups("env", "HOME")', W),
    code: 'EXPR',
    message:
      'bad expression \'lookups("env", "HOME")\': unknown function ' +
      "'lookups' (functions are used as filters: x | filter(...))",
    line: 12,
    col: 11,
  },
  {
    what: 'an unknown method, at its name',
    run: () => compileExpr('s.uper()', W),
    code: 'EXPR',
    message: "bad expression 's.uper()': unknown method 'uper' (did you mean 'upper'?)",
    line: 12,
    col: 13,
  },
  {
    what: 'position inside {{ }} in a when',
    run: () => compileExpr('{{ n > }}', W),
    code: 'EXPR',
    message: "bad expression '{{ n > }}': missing operand after '>'",
    line: 12,
    col: 18,
  },
  {
    what: 'undefined variable at run time',
    run: () => evalExpr(compileExpr('n == 1 and LB_ROLE == 1', W), scope),
    code: 'EXPR',
    message: "'LB_ROLE' is undefined in 'n == 1 and LB_ROLE == 1'",
    line: 12,
    col: 22,
  },
  {
    what: 'missing attribute at run time',
    run: () => evalExpr(compileExpr('groups.kube_master | length', W), scope),
    code: 'EXPR',
    message: "'groups' has no attribute 'kube_master' in 'groups.kube_master | length'",
    line: 12,
    col: 11,
  },
  {
    what: 'type error in a comparison',
    run: () => evalExpr(compileExpr('n < s', W), scope),
    code: 'EXPR',
    message: "cannot compare number and string with '<' in 'n < s'",
    line: 12,
    col: 11,
  },
  {
    what: 'filter on the wrong type',
    run: () => evalExpr(compileExpr('n + 1 | upper', W), scope),
    code: 'EXPR',
    message: "filter 'upper': needs a string, got number in 'n + 1 | upper'",
    line: 12,
    col: 19,
  },
  {
    what: 'unclosed {{ in a YAML value',
    run: () => renderString('--name={{ name', { vars: {} }, { loc: W }),
    code: 'TEMPLATE',
    message: "unclosed '{{' in roles/etcd/tasks/main.yml",
    line: 12,
    col: 18,
  },
  {
    what: 'unknown helper in a YAML value',
    run: () => renderString('{{ jion groups.etcd "," }}', { vars: scope }, { loc: W }),
    code: 'TEMPLATE',
    message: "unknown helper 'jion' (did you mean 'join'?) in roles/etcd/tasks/main.yml",
    line: 12,
    col: 14,
  },
  {
    what: 'unknown filter in a YAML value expression',
    run: () => renderString("x={{ groups['etcd'] | lenght }}", { vars: scope }, { loc: W }),
    code: 'TEMPLATE',
    message:
      "bad expression 'groups['etcd'] | lenght': unknown filter " +
      "'lenght' (did you mean 'length'?) in roles/etcd/tasks/main.yml",
    line: 12,
    col: 33,
  },
  {
    what: 'undefined variable in a YAML value on its second line',
    run: () => renderString('first\n  {{ nope }}', { vars: scope }, { loc: W }),
    code: 'TEMPLATE',
    message: "'nope' is undefined in roles/etcd/tasks/main.yml",
    line: 13,
    col: 6,
  },
  {
    what: 'unclosed block in a YAML value',
    run: () => renderString('{{#if n}}yes', { vars: scope }, { loc: W }),
    code: 'TEMPLATE',
    message: '{{#if}} is never closed (no {{/if}}) in roles/etcd/tasks/main.yml',
    line: 12,
    col: 11,
  },
  {
    what: 'mismatched block close',
    run: () => renderString('{{#if n}}yes{{/each}}', { vars: scope }, { loc: W }),
    code: 'TEMPLATE',
    message: "template syntax error: if doesn't match each in roles/etcd/tasks/main.yml",
    line: 12,
    col: 14,
  },
  {
    what: 'undefined variable in a template file at line 3 col 10',
    run: () =>
      renderTemplateFile(file('u.hbs', '# config\nname: x\nserver: {{server_url}}\n'), { vars: scope, host: 'node1' }),
    code: 'TEMPLATE',
    message: `'server_url' is undefined in template ${join(dir, 'u.hbs')}`,
    line: 3,
    col: 11,
  },
  {
    what: 'undefined variable in a template file (col 10)',
    run: () => renderTemplateFile(file('u2.hbs', '# config\nname: x\nserver: {{x}}\n'), { vars: scope, host: 'node1' }),
    code: 'TEMPLATE',
    message: `'x' is undefined in template ${join(dir, 'u2.hbs')}`,
    line: 3,
    col: 11,
  },
  {
    what: 'unknown helper in a .hbs file, did you mean',
    run: () =>
      renderTemplateFile(file('h.hbs', 'a\n{{#each groups.etcd}}\n  - {{uppr this}}\n{{/each}}\n'), { vars: scope }),
    code: 'TEMPLATE',
    message: `unknown helper 'uppr' (did you mean 'upper'?) in template ${join(dir, 'h.hbs')}`,
    line: 3,
    col: 7,
  },
  {
    what: 'Ansible expression in a .hbs file',
    run: () => renderTemplateFile(file('x.hbs', 'line\n  v: {{ x | default(1) }}\n'), { vars: scope }),
    code: 'TEMPLATE',
    message: `template syntax error: unexpected close block params in template ${join(dir, 'x.hbs')}`,
    line: 2,
    col: 11,
  },
  {
    what: 'helper failure in a template file',
    run: () => renderTemplateFile(file('c.hbs', 'ip: {{cidr_host "10.0.0.0/33" 1}}'), { vars: scope }),
    code: 'TEMPLATE',
    message: `'cidr_host': bad prefix length in '10.0.0.0/33' in template ${join(dir, 'c.hbs')}`,
    line: 1,
    col: 7,
  },
  {
    what: 'partials are not supported',
    run: () => renderTemplateFile(file('p.hbs', '\n\n{{> header}}'), { vars: scope }),
    code: 'TEMPLATE',
    message: `partials ({{> name}}) are not supported in template ${join(dir, 'p.hbs')}`,
    line: 3,
    col: 1,
  },
];

describe('expression and template errors point to the line and column', () => {
  for (const c of cases) {
    it(c.what, () => {
      const e = caught(c.run);
      expect(e.code, 'code').to.equal(c.code);
      expect(e.message).to.equal(c.message);
      expect([e.loc?.line, e.loc?.col], 'line, col').to.deep.equal([c.line, c.col]);
    });
  }
  it('the host is named when rendering for a host', () => {
    const e = caught(() => renderString('{{ nope }}', { vars: {}, host: 'node7' }, { loc: W }));
    expect(e.host).to.equal('node7');
    expect(e.format()).to.contain('(host node7)');
  });
  it('checkTemplateSyntax finds problems with no data', () => {
    const errs = checkTemplateSyntax('a {{ defualt x 1 }} b {{ y | lenght }}', { loc: W, name: 'vars.yml' });
    expect(errs.map((e) => [e.message, e.loc?.col])).to.deep.equal([
      ["unknown helper 'defualt' (did you mean 'default'?) in vars.yml", 16],
      ["bad expression 'y | lenght': unknown filter 'lenght' (did you mean 'length'?) in vars.yml", 40],
    ]);
    const f = checkTemplateSyntax('{{#each xs}}\n{{joinn this}}\n{{/each}}', { name: 't.hbs' }, 'file');
    expect(f.map((e) => [e.message, e.loc])).to.deep.equal([
      ["unknown helper 'joinn' (did you mean 'join'?) in t.hbs", { file: 't.hbs', line: 2, col: 3 }],
    ]);
    expect(checkTemplateFile(join(dir, 'missing.hbs'))[0]!.code).to.equal('NOT_FOUND');
  });
});
