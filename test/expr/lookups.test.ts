// Lookups on the controller: env, file (found under the role, then the playbook, as Ansible looks), vars and
// template, query/q and wantlist, errors='ignore'. `want` values are what Debian's ansible-core 2.14.18 gave
// for the same calls on the same files (a playbook in a folder with files/f.txt, side.txt and templates/).
import { expect } from 'chai';
import { join } from 'node:path';
import { KplayError, Problems } from '../../src/core/errors.js';
import { compileExpr, evalExpr, exprVariables } from '../../src/expr/expr.js';
import { withLookupContext } from '../../src/expr/lookups.js';
import { loadInventory } from '../../src/inventory/inventory.js';
import { flatten } from '../../src/playbook/listing.js';
import { loadPlaybook } from '../../src/playbook/playbook.js';
import { renderTemplateFile } from '../../src/template/template.js';
import { newRunVars, taskVars } from '../../src/vars/context.js';
import { extendVars } from '../../src/vars/lazy-vars.js';
import { writeTree } from '../support/tree.js';

const dir = writeTree({
  'files/f.txt': 'hello file\n\n',
  'side.txt': 'side\n',
  'templates/t.hbs': 'T {{a}}-{{b}}\n',
  'templates/d.j2': '{"k": "{{ a }}", "n": [1, null, true]}\n',
  'templates/s.j2': 'S [% a %] [# c #]{{ a }}\n',
  'roles/r/files/f.txt': 'role file\n',
  'roles/r/files/r.txt': 'only in role\n',
  'roles/r/tasks/main.yml': '- debug: msg=x\n',
  'site.yml': '- hosts: n1\n  roles: [r]\n',
  'hosts.yml': 'all:\n  hosts:\n    n1: { a: x, b: 3 }\n',
});

const base = { a: 'x', b: 3, lst: [3, 1, 2], d: { k: 1, j: 'two' }, playbook_dir: dir };
const scope = withLookupContext(
  { ...base },
  {
    renderTemplate: (p, vars, o) => renderTemplateFile(p, { vars: vars as never }, o),
    renderText: (t, vars) => evalExpr(compileExpr(t.replace(/^\{\{|\}\}$/g, '')), vars as never),
  },
);
const ev = (src: string, sc: object = scope): unknown => evalExpr(compileExpr(src), sc as Record<string, unknown>);

describe('expr lookups, as Ansible answers them', () => {
  process.env.KPLAY_TEST_LOOKUP = '/root';
  delete process.env.KPLAY_TEST_UNSET;
  const table: Array<[string, unknown]> = [
    ["lookup('env', 'KPLAY_TEST_LOOKUP')", '/root'],
    ["lookup('env', 'KPLAY_TEST_UNSET')", ''],
    ["lookup('env', 'KPLAY_TEST_LOOKUP', 'KPLAY_TEST_UNSET')", '/root,'],
    ["query('env', 'KPLAY_TEST_LOOKUP')", ['/root']],
    ["lookup('env', 'KPLAY_TEST_UNSET', default='dflt')", 'dflt'],
    ["lookup('ansible.builtin.env', 'KPLAY_TEST_LOOKUP')", '/root'],
    ["lookup('file', 'f.txt')", 'hello file'],
    ["lookup('file', 'side.txt')", 'side'],
    ["lookup('file', 'f.txt', 'side.txt')", 'hello file,side'],
    ["lookup('file', 'f.txt', rstrip=False)", 'hello file\n\n'],
    ["lookup('file', 'missing.txt', errors='ignore')", null],
    ["lookup('file', 'missing.txt', errors='warn')", null],
    ["query('file', 'missing.txt', errors='ignore')", []],
    ["lookup('file', 'f.txt', wantlist=True)", ['hello file']],
    ["q('file', 'f.txt')", ['hello file']],
    ["lookup('vars', 'b')", 3],
    ["lookup('vars', 'lst')", [3, 1, 2]],
    ["lookup('vars', 'nope', default='dv')", 'dv'],
    ["lookup('vars', 'a', 'b')", ['x', 3]],
    ["query('vars', 'a', 'b')", ['x', 3]],
    ["lookup('vars', 'lst', 'd')", [[3, 1, 2], { k: 1, j: 'two' }]],
    ["lookup('vars', 'a', 'a')", 'x,x'],
    ["lookup('vars', 'a', wantlist=True)", ['x']],
    ["lookup('template', 't.hbs')", 'T x-3\n'],
    ["lookup('template', 'd.j2')", { k: 'x', n: [1, null, true] }],
    ["lookup('template', 'd.j2', convert_data=False)", '{"k": "x", "n": [1, null, true]}\n'],
    ["lookup('template', 'd.j2', template_vars={'a': 'tv'})", { k: 'tv', n: [1, null, true] }],
    [
      "lookup('template', 's.j2', variable_start_string='[%', variable_end_string='%]', comment_start_string='[#', " +
        "comment_end_string='#]')",
      'S x {{ a }}\n',
    ],
    // a term holding a template is rendered first (here by the scope's stand-in renderer)
    ["lookup('vars', '{{ \"a\" }}')", 'x'],
    ["lookup('env')", []],
    ["lookup('list', 'x', 'y', wantlist=True)", ['x', 'y']],
    ["lookup('list', wantlist=True, *lst)", [3, 1, 2]],
    ["q('list', *lst)", [3, 1, 2]],
    ["q('list', 'a', *'bc')", ['a', 'b', 'c']],
    ["q('file', rstrip=False, *['side.txt'])", ['side\n']],
    ["lookup('items', [1, [2]], 3)", [1, [2], 3]],
    [
      "q('dict', d)",
      [
        { key: 'k', value: 1 },
        { key: 'j', value: 'two' },
      ],
    ],
    ["lookup('pipe', 'printf \"a b\\\\n\\\\n\"')", 'a b'],
    ["query('pipe', 'echo 1', 'echo 2')", ['1', '2']],
    ["lookup('pipe', 'exit 3', errors='ignore')", null],
  ];
  for (const [src, want] of table) it(`${src} → ${JSON.stringify(want)}`, () => expect(ev(src)).to.deep.equal(want));

  it('first_found: the first name found, as a path (files/ first, then the folder), or skip', () => {
    expect(ev("lookup('first_found', ['missing.txt', 'f.txt', 'side.txt'])")).to.equal(join(dir, 'files/f.txt'));
    expect(ev("lookup('first_found', 'missing.txt,side.txt')")).to.equal(join(dir, 'side.txt'));
    expect(ev(`lookup('first_found', {'files': ['nope', 'f.txt'], 'paths': ['${dir}/files']})`)).to.equal(
      join(dir, 'files/f.txt'),
    );
    expect(ev("query('first_found', 'nope.txt', skip=True)")).to.deep.equal([]);
    expect(() => ev("lookup('first_found', 'nope.txt')")).to.throw(/No file was found when using first_found\./);
  });
  it('an absolute path is read as it is', () => {
    expect(ev(`lookup('file', '${join(dir, 'side.txt')}')`)).to.equal('side');
  });
  it("lookup('vars', 'name') counts as reading that variable", () => {
    expect(exprVariables(compileExpr("lookup('vars', 'b', 'a') ~ x"))).to.have.members(['b', 'a', 'x']);
  });
  it('the lookup context is no variable: not listed, not readable by name', () => {
    expect(Object.keys(scope)).to.deep.equal(Object.keys(base));
    expect(JSON.stringify(scope)).to.equal(JSON.stringify(base));
    expect({ ...scope }).to.have.property('a');
  });
});

describe('expr lookups in a task: the role first, then the playbook; templates render with its variables', () => {
  const problems = new Problems();
  const inv = loadInventory([join(dir, 'hosts.yml')], problems);
  const pb = loadPlaybook(join(dir, 'site.yml'));
  problems.throwIfAny();
  const play = pb.plays[0]!;
  const vars = taskVars(newRunVars(inv, {}, dir, false), play, flatten(play.tasks)[0]!, 'n1', ['n1']);
  it("finds the role's files/ before the playbook's", () => {
    expect(ev("lookup('file', 'f.txt')", vars)).to.equal('role file');
    expect(ev("lookup('file', 'r.txt')", vars)).to.equal('only in role');
    expect(ev("lookup('file', 'side.txt')", vars)).to.equal('side');
  });
  it('renders a template with the task variables, also after a loop item is added', () => {
    expect(ev("lookup('template', 't.hbs')", vars)).to.equal('T x-3\n');
    expect(ev("lookup('template', 't.hbs')", extendVars(vars, { b: 4 }))).to.equal('T x-4\n');
  });
});

describe('expr lookup errors name the problem at its line and column', () => {
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
    [
      "lookup('nosuch', 'x')",
      "unknown lookup 'nosuch' (kplay has env, file, vars, first_found, config, csvfile, password, pipe, template, " +
        'items, list, dict, indexed_items, together, nested, flattened, subelements, random_choice, varnames, lines)',
      18,
    ],
    ["lookup('fiel', 'x')", "unknown lookup 'fiel' (did you mean 'file'?)", 18],
    ["lookup('file', 'x', rstip=False)", "lookup 'file' has no option 'rstip' (did you mean 'rstrip'?)", 31],
    ['lookup()', 'lookup() needs a lookup name first', 11],
    ['[*lst]', "'*' spreads a list only into a call's arguments: f(*xs)", 12],
  ];
  for (const [src, message, col] of compile) {
    it(`${src}: ${message}`, () => expectError(() => compileExpr(src, W), `bad expression '${src}': ${message}`, col));
  }
  const runtime: Array<[string, string, number]> = [
    [
      "x ~ lookup('file', 'missing.txt')",
      `lookup 'file': no file 'missing.txt' (looked in ${dir}/files/, ${dir}/, ${process.cwd()}/files/, ` +
        `${process.cwd()}/)`,
      15,
    ],
    ["lookup('vars', 'nope')", "lookup 'vars': No variable found with this name: nope", 11],
    ["lookup('file', 'f.txt', errors='loud')", "errors must be 'strict', 'warn' or 'ignore', got 'loud'", 11],
    ["q('list', *b)", "'*' needs a list to spread into the arguments, got int", 21],
    ["lookup(kind, 'x')", "unknown lookup 'pip' (did you mean 'pipe'?)", 11],
    ["lookup('pipe', 'exit 3')", "lookup 'pipe': the command 'exit 3' returned 3", 11],
  ];
  for (const [src, message, col] of runtime) {
    it(`${src}: ${message}`, () =>
      expectError(
        () => evalExpr(compileExpr(src, W), { ...scope, x: '', kind: 'pip' }),
        `${message} in '${src}'`,
        col,
      ));
  }
  it('a template lookup where nothing can render templates says so', () => {
    expectError(
      () => evalExpr(compileExpr("lookup('template', 't.hbs')", W), base),
      "lookup 'template': templates cannot be rendered here in 'lookup('template', 't.hbs')'",
      11,
    );
  });
});
