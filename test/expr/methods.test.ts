// Python methods on strings, lists and dicts, and Python's syntax Ansible users write: slices, dict literals,
// tuples, str.format and %-formatting. Each `want` is what Debian's ansible-core 2.14.18 gave for the same
// expression (`ansible-playbook` with a `debug: msg="{{ expr }}"` task, localhost, the same variables); Ansible's
// debug output prints numbers as text, here they keep their type.
import { expect } from 'chai';
import { KplayError } from '../../src/core/errors.js';
import { compileExpr, evalExpr } from '../../src/expr/expr.js';

const scope = { a: 'x', b: 3, lst: [3, 1, 2], d: { k: 1, j: 'two' }, s: 'a,b,c', none_var: null };
const ev = (src: string): unknown => evalExpr(compileExpr(src), scope);

describe('expr methods: Python semantics, as Ansible computes them', () => {
  const table: Array<[string, unknown]> = [
    ["'  a  b c '.split()", ['a', 'b', 'c']],
    ["' a b  c '.split(None, 1)", ['a', 'b  c ']],
    ["'a,b,c'.split(',', 1)", ['a', 'b,c']],
    ["s.split(',')", ['a', 'b', 'c']],
    ["'a,b,c'.rsplit(',', 1)", ['a,b', 'c']],
    ["' a b c '.rsplit(None, 1)", [' a b', 'c']],
    ["'xxhixx'.strip('x')", 'hi'],
    ["'  hi '.lstrip()", 'hi '],
    ["'  hi '.rstrip()", '  hi'],
    ["'abc'.startswith(('x', 'a'))", true],
    ["'abc'.startswith('b')", false],
    ["'abc'.endswith('bc')", true],
    ["'aaa'.replace('a', 'b', 2)", 'bba'],
    ['"they\'re bill\'s 1st".title()', "They'Re Bill'S 1St"],
    ["'hELLO wORLD'.capitalize()", 'Hello world'],
    ["'MiXed'.lower() ~ 'MiXed'.upper()", 'mixedMIXED'],
    ["'abc'.find('c')", 2],
    ["'abc'.find('z')", -1],
    ["'banana'.count('an')", 2],
    ["','.join(['a', 'b'])", 'a,b'],
    ["'{}-{}'.format(a, b)", 'x-3'],
    ["'{1}-{0}'.format(a, b)", '3-x'],
    ["'{name}!'.format(name=a)", 'x!'],
    // Ansible prints these texts, then reads them back as Python literals: True, [3, 1, 2], {'k': 1, ...}
    ["'{}'.format(True)", 'True'],
    ["'{}'.format(lst)", '[3, 1, 2]'],
    ["'{}'.format(d)", "{'k': 1, 'j': 'two'}"],
    ["'{}'.format(none)", 'None'],
    ["'{:>5}|{:<4}|{:^5}'.format(1, 'a', 'b')", '    1|a   |  b  '],
    ["'{:05d} {:.2f} {:x}'.format(42, 3.14159, 255)", '00042 3.14 ff'],
    ["'123'.isdigit()", true],
    ["'abc'.isalpha()", true],
    ['lst.index(1)', 1],
    ['lst.count(3)', 1],
    ["d.get('k')", 1],
    ["d.get('zz')", null],
    ["d.get('zz', 5)", 5],
    [
      'd.items()',
      [
        ['k', 1],
        ['j', 'two'],
      ],
    ],
    ['d.keys()', ['k', 'j']],
    ['d.values()', [1, 'two']],
    ['d.items() | list | length', 2],
    // slices
    ['lst[1:]', [1, 2]],
    ['lst[::-1]', [2, 1, 3]],
    ["'hello'[:3]", 'hel'],
    ["'hello'[-3:]", 'llo'],
    ["'hello'[::2]", 'hlo'],
    ['lst[5:]', []],
    ['lst.0', 3],
    // dict literals: a bare name as a key is the variable
    ["{'a': 1, 'b': lst}", { a: 1, b: [3, 1, 2] }],
    ['{a: 1}', { x: 1 }],
    ['{}', {}],
    // %-formatting, a tuple as a list
    ["'%s-%d' % (a, b)", 'x-3'],
    ["'%s' % lst", '[3, 1, 2]'],
    ["'%05.1f|%x|%r' % (3.14159, 255, a)", "003.1|ff|'x'"],
    ["'%(k)s is %(j)s' % d", '1 is two'],
    ["'%s' % none", 'None'],
    ["'%d%%' % 50", '50%'],
  ];
  for (const [src, want] of table) it(`${src} → ${JSON.stringify(want)}`, () => expect(ev(src)).to.deep.equal(want));
});

describe('expr methods: more of Python (checked with Python 3.11)', () => {
  const table: Array<[string, unknown]> = [
    ["'ab'.center(5, '*')", '**ab*'],
    ["'abc'.center(6, '*')", '*abc**'],
    ["'ab'.replace('', '-', 1)", '-ab'],
    ["'-42'.zfill(5)", '-0042'],
    ["'a=b=c'.partition('=')", ['a', '=', 'b=c']],
    ["'l1\\nl2\\n'.splitlines()", ['l1', 'l2']],
    ["'abcabc'.rfind('b')", 4],
    ["'abc'.find('c', 0, 2)", -1],
    ['(1, 2)', [1, 2]],
    ["'x'.join(('a', 'b'))", 'axb'],
    ['lst[-2:]', [1, 2]],
    ['lst[:-1]', [3, 1]],
    ['lst[10:-10:-1]', [2, 1, 3]],
    ["'héllo'[1:3]", 'él'],
    ["{'k': lst}.k[0]", 3],
    ['{1: "a"}', { 1: 'a' }],
    ["'{0[1]} {d[k]}'.format(lst, d=d)", '1 1'],
    ["'{:,}'.format(1234567)", '1,234,567'],
    ["'%-4s|%4s|%+d' % ('a', 'b', 5)", 'a   |   b|+5'],
  ];
  for (const [src, want] of table) it(`${src} → ${JSON.stringify(want)}`, () => expect(ev(src)).to.deep.equal(want));
});

describe('expr methods: errors name the problem at its line and column', () => {
  const W = { file: 'p.yml', line: 7, col: 11 };
  function expectError(run: () => unknown, message: string, col: number): void {
    let err: unknown;
    try {
      run();
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(KplayError);
    const k = err as KplayError;
    expect([k.code, k.message, k.loc?.line, k.loc?.col]).to.deep.equal(['EXPR', message, 7, col]);
  }
  const compile: Array<[string, string, number]> = [
    ["s.splt(',')", "unknown method 'splt' (did you mean 'split'?)", 13],
    [
      'lst.append(4)',
      "method 'append' changes its value; kplay expressions have no side effects (make a new value with a filter)",
      15,
    ],
    [
      "d.update({'a': 1})",
      "method 'update' changes its value; kplay expressions have no side effects (make a new value with a filter)",
      13,
    ],
    [
      's.toString()',
      "unknown method 'toString' (kplay has Python's methods of strings, lists and dicts: split, get, items ...)",
      13,
    ],
    [
      "lst['index'](1)",
      "only a method can be called here (s.split(','), d.get('k')); other values are used with filters: x | f(...)",
      11,
    ],
    ["s.__proto__.split(',')", "'__proto__' is not a name kplay reads (it is object machinery in JavaScript)", 13],
    ["{'a': 1", "unbalanced braces: this '{' is never closed", 11],
    ["{'a' 1}", "expected ':' after a dict key", 16],
    ['lst[1:', "unbalanced brackets: this '[' is never closed", 14],
    ["{'a': 1 'b': 2}", "expected ',' or '}' in a dict, found '''", 19],
  ];
  for (const [src, message, col] of compile) {
    it(`${src}: ${message}`, () => expectError(() => compileExpr(src, W), `bad expression '${src}': ${message}`, col));
  }
  const runtime: Array<[string, string, number]> = [
    ["'abc'.index('z')", 'substring not found', 17],
    ["','.join([1, 2])", 'sequence item 0: expected str instance, int found', 15],
    ["lst.split(',')", "'list object' has no method 'split'", 15],
    ["d.startswith('a')", "'dict object' has no method 'startswith'", 13],
    ['lst[::0]', 'slice step cannot be zero', 17],
    ["lst['a':]", 'slice indices must be integers or none, got str', 15],
    ['d[1:]', "'d' is dict, it cannot be sliced", 11],
    ["'{}{}'.format(a)", 'format needs argument 1, it was given 1', 18],
    ["'%s %s' % a", 'not enough arguments for format string', 11],
    ['{lst: 1}', 'a dict key cannot be a list (unhashable type)', 12],
  ];
  for (const [src, message, col] of runtime) {
    it(`${src}: ${message}`, () =>
      expectError(() => evalExpr(compileExpr(src, W), scope), `${message} in '${src}'`, col));
  }
});
