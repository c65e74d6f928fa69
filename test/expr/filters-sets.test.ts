// unique (Jinja's, with Ansible's fallback), rekey_on_member, csvfile, and Python's escapes in string literals:
// each want is what ansible-playbook 2.14 gave (filter_mathstuff, lookup_csvfile, with_sequence targets).
import { expect } from 'chai';
import { compileExpr, evalExpr } from '../../src/expr/expr.js';
import { withLookupContext } from '../../src/expr/lookups.js';
import { writeTree } from '../support/tree.js';

const dir = writeTree({
  'files/people.csv': '# Last,First\nSmith,Jane,1\n"German von Lastname",Demo,2\n"""The Rock"" Johnson",Dwayne,3\n',
  'files/tabs.csv': 'fruit\tbananas\t30\r\nshoes\tsneakers\t26\r\n',
  'files/x1a.csv': 'again\x1abecause\n',
});
const scope = withLookupContext({ playbook_dir: dir }, {});
const ev = (src: string): unknown => evalExpr(compileExpr(src), scope);
const fails = (src: string): string => {
  try {
    ev(src);
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
};

describe('expr: unique, rekey_on_member, csvfile, string escapes', () => {
  const table: [string, unknown][] = [
    ['[1,2,3,4,4,3,2,1]|unique', [1, 2, 3, 4]],
    ['["a", "b", "A", "B"]|unique', ['a', 'b']],
    ['["a", "b", "A", "B"]|unique(case_sensitive=True)', ['a', 'b', 'A', 'B']],
    ['[{"f": 1, "m": 2}, {"f": 1, "m": 3}]|unique(attribute="f")', [{ f: 1, m: 2 }]],
    ['[{"f": 1}, {"f": 1}, {"h": 1}]|unique', [{ f: 1 }, { h: 1 }]],
    ['{"foo": 1, "moo": 2}|unique', ['foo', 'moo']],
    ['"foo"|unique|join', 'fo'],
    ['[{"p": "a", "s": 1}, {"p": "b", "s": 2}]|rekey_on_member("p")', { a: { p: 'a', s: 1 }, b: { p: 'b', s: 2 } }],
    ['{"x": {"p": "a"}}|rekey_on_member("p")', { a: { p: 'a' } }],
    ['[{"p": "a", "s": 1}, {"p": "a", "s": 2}]|rekey_on_member("p", duplicates="overwrite")', { a: { p: 'a', s: 2 } }],
    ["lookup('csvfile', 'Smith', file='people.csv', delimiter=',', col=1)", 'Jane'],
    ["lookup('csvfile', 'German von Lastname file=people.csv delimiter=, col=1')", 'Demo'],
    ["lookup('csvfile', '\"The Rock\" Johnson file=people.csv delimiter=, col=2')", '3'],
    ["lookup('csvfile', 'shoes', 'fruit', file='tabs.csv', delimiter='TAB', col=1)", 'sneakers,bananas'],
    ["lookup('csvfile', 'fruit file=tabs.csv delimiter=\"\\t\" col=2', wantlist=True)", ['30']],
    ["lookup('csvfile', 'again file=x1a.csv delimiter=\\x1a col=1')", 'because'],
    ["lookup('csvfile', 'nope file=people.csv delimiter=,')", []],
    ["lookup('csvfile', 'nope file=people.csv delimiter=, default=what?')", 'what?'],
    ["'a\\db'", 'a\\db'],
    ["'\\x41\\u0042\\103\\t'", 'ABC\t'],
    ["'a\\\\b'", 'a\\b'],
  ];
  for (const [src, want] of table) it(src, () => expect(ev(src)).to.deep.equal(want));

  const bad: [string, string][] = [
    ['True|unique', "'bool' object is not iterable"],
    [
      '[{"f": 1}]|unique(case_sensitive=False)',
      "Jinja2's unique filter failed and we cannot fall back to Ansible's version as it does not support the " +
        "parameters supplied. unhashable type: 'dict'",
    ],
    ['[]|rekey_on_member("a", duplicates="boo")', 'duplicates parameter to rekey_on_member has unknown value: boo'],
    ['"x"|rekey_on_member("a")', 'Type is not a valid list, set, or dict'],
    ['[True]|rekey_on_member("a")', 'List item is not a valid dict'],
    ['[{"b": 1}]|rekey_on_member("a")', 'Key a was not found'],
    ['[{"a": 1}, {"a": 1}]|rekey_on_member("a")', 'Key 1 is not unique, cannot correctly turn into dict'],
    ['"monkeys"|human_readable', "human_readable() failed on bad input: '>=' not supported between instances of"],
    ["lookup('csvfile', 'file=people.csv, col=1')", 'Search key is required but was not found'],
    ["lookup('csvfile', 'a file=people.csv thisarg=x')", 'thisarg is not a valid option'],
    ["lookup('csvfile', 'a', file='nosuch.csv')", "No such file or directory: 'nosuch.csv'"],
    ["lookup('vars', 42)", 'Invalid setting identifier, "42" is not a string, its a <class \'int\'>'],
  ];
  for (const [src, want] of bad) it(`${src} fails`, () => expect(fails(src)).to.include(want));
});

describe('expr: groupby, url filters, path tests, float', () => {
  const table: [string, unknown][] = [
    [
      '[{"n": "a", "e": true}, {"n": "o", "e": false}, {"n": "s", "e": true}] | groupby("e")',
      [
        [false, [{ n: 'o', e: false }]],
        [
          true,
          [
            { n: 'a', e: true },
            { n: 's', e: true },
          ],
        ],
      ],
    ],
    ['["b", "A", "a"] | map("lower") | groupby(0) | map("first") | list', ['a', 'b']],
    ["'key=\"@{}é&%£ foo' | urlencode", 'key%3D%22%40%7B%7D%C3%A9%26%25%C2%A3%20foo'],
    ["'a/b c' | urlencode", 'a/b%20c'],
    ["{'foo': 'bar', 'baz': 'b z'} | urlencode", 'foo=bar&baz=b+z'],
    ['() | urlencode', ''],
    ["'a%20b+c%C3%A9' | urldecode", 'a b cé'],
    ["'http://mary:Secret@www.Acme.com:9000/dir/i.html?q=t#frag' | urlsplit('hostname')", 'www.acme.com'],
    ["'http://mary:Secret@www.acme.com:9000/dir/i.html?q=t#frag' | urlsplit('port')", 9000],
    [
      "'http://mary:Secret@www.acme.com:9000/dir/i.html?q=t#frag' | urlsplit",
      {
        fragment: 'frag',
        hostname: 'www.acme.com',
        netloc: 'mary:Secret@www.acme.com:9000',
        password: 'Secret',
        path: '/dir/i.html',
        port: 9000,
        query: 'q=t',
        scheme: 'http',
        username: 'mary',
      },
    ],
    ["'.' is is_dir", true],
    ["'/' is is_abs", true],
    ["'/' is same_file('/')", true],
    ["'/' is mount", true],
    ["'/does_not_exist' is mount", false],
    ["'/does_not_exist' is link_exists", false],
    ['[1] is issubset([1, 2])', true],
    ['[1, 2] is issuperset([3])', false],
    ["'nan' | float is nan", true],
    ["'bad' is nan", false],
    ["'-inf' | float < 0", true],
    ["'1e3' | float", 1000],
  ];
  for (const [src, want] of table) it(src, () => expect(ev(src)).to.deep.equal(want));
  it("urlsplit('bad') fails", () =>
    expect(fails("'http://x' | urlsplit('bad')")).to.include('unknown URL component: bad'));
});

describe('expr: first_found as Ansible reads its terms', () => {
  it("a term's skip gives nothing when no file is found", () =>
    expect(ev("q('first_found', {'files': ['no/such'], 'skip': True})")).to.deep.equal([]));
  it('paths may be separated by colons, files by semicolons', () =>
    expect(ev("q('first_found', {'files': 'no/such;hosts', 'paths': 'no/path:/etc'})")).to.deep.equal(['/etc/hosts']));
  it('errors=ignore gives an empty text through a template', () =>
    expect(ev("lookup('first_found', {'files': 'nope'}, errors='ignore')")).to.equal(null));
});

describe('expr: regex_search groups and flags, to_json options, path_join, fileglob', () => {
  const table: [string, unknown][] = [
    ["'hello' | regex_search('HELLO', ignorecase=true)", 'hello'],
    ["'hello' | regex_search('HELLO', ignorecase=false)", null],
    ["'hello\\nworld' | regex_search('^world', multiline=true)", 'world'],
    ["'goodbye' | regex_search('(?P<first>good)(?P<second>bye)', '\\\\g<second>', '\\\\g<first>')", ['bye', 'good']],
    ["'goodbye' | regex_search('(good)(bye)', '\\\\2', '\\\\1')", ['bye', 'good']],
    ["{'b': 1, 'a': [1, 2]} | to_json(sort_keys=true)", '{"a": [1, 2], "b": 1}'],
    ["{'b': 1, 'a': 2} | to_nice_json(indent=2)", '{\n  "a": 2,\n  "b": 1\n}'],
    ["('/etc', 'subdir', 'test') | path_join", '/etc/subdir/test'],
    ["('/etc', 'subdir', '/test') | path_join", '/test'],
    ["('etc', 'subdir', 'test') | path_join", 'etc/subdir/test'],
    [`'${dir}/files/*.csv' | fileglob | map('basename') | list`, ['people.csv', 'tabs.csv', 'x1a.csv']],
  ];
  for (const [src, want] of table) it(src, () => expect(ev(src)).to.deep.equal(want));
  it('regex_search with an argument that names no group fails', () =>
    expect(fails("'hello' | regex_search('hello', 'unknown')")).to.include('Unknown argument'));
  it('path_join of a bool fails', () =>
    expect(fails('True | path_join')).to.include("|path_join expects string or sequence, got <class 'bool'> instead."));
});

describe('expr: the config lookup', () => {
  const sc = withLookupContext({ ansible_ssh_user: 'lola', ansible_port: '2022', ansible_remote_tmp: 'yolo' }, {});
  const cfg = (src: string): unknown => evalExpr(compileExpr(src), sc);
  it('plugin settings come from the host variables', () => {
    expect(cfg('q("config", "remote_user", "port", plugin_type="connection", plugin_name="ssh")')).to.deep.equal([
      'lola',
      2022,
    ]);
    expect(cfg('q("config", "remote_tmp", plugin_type="shell", plugin_name="sh")')).to.deep.equal(['yolo']);
  });
  it('a setting it cannot find: an error, or nothing with on_missing skip or warn', () => {
    expect(cfg('lookup("config", "NOPE", on_missing="skip")')).to.deep.equal([]);
    expect(cfg('q("config", "NOPE", on_missing="warn")')).to.deep.equal([]);
    expect(fails('lookup("config", "NOPE")')).to.include('Unable to find setting NOPE');
    expect(fails('lookup("config", "NOPE", on_missing="boo")')).to.include('valid values are: error, warn, skip');
    expect(fails('lookup("config", 1337)')).to.include('Invalid setting identifier, "1337" is not a string');
  });
});
