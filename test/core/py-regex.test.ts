// One reading of Python's `re` syntax for modules and filters alike.
import { expect } from 'chai';
import { pyRegExp } from '../../src/core/py-regex.js';
import { compileExpr, evalExpr } from '../../src/expr/expr.js';
import { pyRegex } from '../../src/tasks/lib/py-regex.js';

describe("Python's re syntax", () => {
  const cases: [string, string, string | null][] = [
    ['(?i)etcd', 'ETCD-1', 'ETCD'],
    ['\\Aport', 'port=1', 'port'],
    ['\\Aport', 'x\nport=1', null],
    ['[]a]+', 'x]a]', ']a]'],
    ['(?P<k>\\w+)=(?P=k)', 'a=a', 'a=a'],
    ['v\\d+\\Z', 'v12', 'v12'],
    ['v\\d+\\Z', 'v12\n', null],
    ['OK$', 'KO\nOK\n', 'OK'],
    ['KO$', 'KO\nOK\n', null],
    ['(?m)KO$', 'KO\nOK\n', 'KO'],
    ['[$]x', 'a$x', '$x'],
  ];
  for (const [re, text, want] of cases) {
    it(`${re} on ${JSON.stringify(text)}: ${JSON.stringify(want)}, in a module and in regex_search`, () => {
      expect(pyRegExp(re).exec(text)?.[0] ?? null).to.equal(want);
      expect(pyRegex(re).exec(text)?.[0] ?? null).to.equal(want);
      const expr = compileExpr('t | regex_search(r)');
      expect(evalExpr(expr, { t: text, r: re })).to.equal(want);
    });
  }

  it('refuses verbose mode and what JavaScript cannot compile, each user in its own words', () => {
    expect(() => pyRegex('(?x) a b')).to.throw(/verbose mode \(\?x\) is not supported/);
    expect(() => pyRegex('(')).to.throw(/bad regexp "\("/);
    expect(() => evalExpr(compileExpr('t | regex_search("(")'), { t: 'x' })).to.throw(/bad regular expression/);
  });
});
