// Templates: type-preserving YAML values, Ansible-style expressions in values, strict undefined errors with
// positions, template files (with their cache), renderDeep, and the parse-only checks.
import { expect } from 'chai';
import { caught as err } from '../support/caught.js';
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KplayError, type Loc } from '../../src/core/errors.js';
import { parseYaml } from '../../src/core/source.js';
import { valueLoc } from '../../src/core/places.js';
import {
  checkTemplateFile,
  checkTemplateSyntax,
  renderDeep,
  renderString,
  renderTemplateFile,
  templateVariables,
} from '../../src/template/template.js';

const vars: Record<string, unknown> = {
  inventory_hostname: 'node1',
  groups: { etcd: ['node1', 'node2', 'node3'], empty: [] },
  hostvars: { node1: { ip: '10.0.0.1' }, node2: { ip: '10.0.0.2' } },
  port: 6443,
  enabled: true,
  name: 'kube',
  svc_cidr: '10.68.0.0/16',
  cfg: { a: { b: 1 } },
  h: 'node2',
  nothing: null,
};
const ctx = { vars, host: 'node1' };
const L: Loc = { file: 'site.yml', line: 10, col: 12 };

describe('template: YAML values keep their type', () => {
  const table: Array<[string, unknown]> = [
    ['{{ groups.etcd }}', ['node1', 'node2', 'node3']],
    ['{{ port }}', 6443],
    ['  {{ port }}  ', 6443],
    ['{{ enabled }}', true],
    ['{{ nothing }}', null],
    ['{{ cfg }}', { a: { b: 1 } }],
    ['{{ default missing 5 }}', 5],
    ['{{ default port 5 }}', 6443],
    ['{{ first groups.etcd }}', 'node1'],
    ['{{ length groups.etcd }}', 3],
    ['{{ eq port 6443 }}', true],
    ['{{ lookup hostvars h }}', { ip: '10.0.0.2' }],
    ['{{ get (lookup hostvars h) "ip" }}', '10.0.0.2'],
    ['{{ cidr_host svc_cidr 1 }}', '10.68.0.1'],
    ['{{ list 1 2 }}', [1, 2]],
    ['{{ "text" }}', 'text'],
    ['{{ 7 }}', 7],
    // Ansible-style expressions as a whole value
    ["{{ groups['etcd'] | length }}", 3],
    ["{{ missing | default('a') }}", 'a'],
    ['{{ hostvars[inventory_hostname].ip }}', '10.0.0.1'],
    ['{{ hostvars[h]["ip"] }}', '10.0.0.2'],
    ['{{ port + 1 }}', 6444],
    ["{{ inventory_hostname in groups.etcd and name == 'kube' }}", true],
    ["{{ groups.etcd | join(',') }}", 'node1,node2,node3'],
    ['{{ not enabled }}', false],
    ['{{ a and b }}', undefined],
    // a list literal, not Handlebars' [segment] path
    ['{{ [port, cfg.a.b] }}', [6443, 1]],
    ['{{ [enabled] }}', [true]],
  ];
  for (const [src, want] of table) {
    it(`${src} → ${JSON.stringify(want)}`, () => {
      if (want === undefined) return void expect(() => renderString(src, ctx)).to.throw(KplayError);
      expect(renderString(src, ctx)).to.deep.equal(want);
    });
  }
});

describe('template: strings', () => {
  const table: Array<[string, unknown]> = [
    ['no braces at all', 'no braces at all'],
    ['https://{{ inventory_hostname }}:{{ port }}', 'https://node1:6443'],
    ["--peers={{ groups['etcd'] | join(',') }}", '--peers=node1,node2,node3'],
    ['{{ name }}-{{ missing | default("x") }}', 'kube-x'],
    ['v={{ nothing }}.', 'v=.'],
    ['list={{ groups.etcd }}', "list=['node1', 'node2', 'node3']"], // Python's printing, as Ansible's
    [
      '{{#each groups.etcd}}{{@index}}:{{this}}{{#if @first}}(first){{/if}}{{#if @last}}(last){{/if}} {{/each}}',
      '0:node1(first) 1:node2 2:node3(last) ',
    ],
    [
      '{{#each groups.etcd as |h i|}}{{h}}={{lookup @root.hostvars h}}{{/each}}',
      'node1={"ip":"10.0.0.1"}node2={"ip":"10.0.0.2"}node3=',
    ],
    ['{{#if enabled}}on{{else}}off{{/if}}', 'on'],
    ['{{#unless enabled}}on{{else}}off{{/unless}}', 'off'],
    ['{{#with cfg.a}}b={{b}}{{/with}}', 'b=1'],
    ['{{#if (defined missing)}}yes{{else}}no{{/if}}', 'no'],
    ['{{#each groups.etcd}}{{../name}}/{{@root.port}} {{/each}}', 'kube/6443 kube/6443 kube/6443 '],
    ['{{#if (and enabled (gt port 1))}}ok{{/if}}', 'ok'],
    ['<{{{ name }}}>', '<kube>'],
    ["a & b {{ '<x>' }}", 'a & b <x>'],
    // expressions that start like a Handlebars call: a literal, or a helper name followed by operator words
    ["{{ 'etcd' in groups }}", true],
    ['{{ not enabled or port }}', 6443],
    // `}}` and `{{` inside a quoted string are the string's text, as Jinja's lexer reads them
    ["{{ 'a }} b' ~ name }}", 'a }} bkube'],
    ['{{ "{{ x }}" }} and {{ name }}', '{{ x }} and kube'],
  ];
  for (const [src, want] of table) {
    it(`${src}`, () => expect(renderString(src, ctx)).to.equal(want));
  }
  it('non-strings are returned as they are', () => {
    expect(renderString(5 as unknown as string, ctx)).to.equal(5);
  });
});

describe('template: undefined variables are errors with a place', () => {
  it('in a YAML value: variable, file, line, column and host', () => {
    const e = err(() => renderString('x {{ missing }}', ctx, { loc: L }));
    expect(e.code).to.equal('TEMPLATE');
    expect(e.message).to.equal("'missing' is undefined in site.yml");
    expect(e.loc).to.deep.equal({ file: 'site.yml', line: 10, col: 17 });
    expect(e.host).to.equal('node1');
  });
  it('in a block, and inside #each with a hint', () => {
    const e = err(() => renderString('{{#each groups.etcd}}{{port}}{{/each}}', ctx, { loc: L }));
    expect(e.message).to.equal("'port' is undefined in site.yml");
    expect(e.loc).to.deep.equal({ file: 'site.yml', line: 10, col: 35 });
    expect(e.hint).to.contain('@root.port');
  });
  it('in #if and in helper arguments', () => {
    expect(err(() => renderString('{{#if nope}}x{{/if}}', ctx)).message).to.equal("'nope' is undefined");
    expect(err(() => renderString('{{ join nope "," }}', ctx)).message).to.equal("'nope' is undefined");
    expect(err(() => renderString('a {{ join cfg.a.zz "," }}', ctx)).message).to.equal(
      "'cfg.a' (dict) has no attribute 'zz'",
    );
  });
  it('positions account for a quoted YAML scalar and a block scalar', () => {
    const text = 'a: "{{ nope }}"\nb: |\n  line one\n  x {{ nope2 }}\n';
    const doc = parseYaml(text, 'q.yml') as Record<string, string>;
    const e1 = err(() => renderString(doc.a!, ctx, { loc: valueLoc(doc, 'a') }));
    expect(e1.loc).to.deep.equal({ file: 'q.yml', line: 1, col: 8 });
    const e2 = err(() => renderString(doc.b!, ctx, { loc: valueLoc(doc, 'b') }));
    expect(e2.loc).to.deep.equal({ file: 'q.yml', line: 4, col: 8 });
  });
});

describe('template: renderDeep', () => {
  it('renders every string, keeps types, leaves untouched parts shared', () => {
    const text =
      'args:\n  hosts: "{{ groups.etcd }}"\n  port: "{{ port }}"\n  plain: {keep: 1}\n  list: ["{{ name }}", 2]\n';
    const doc = parseYaml(text, 'd.yml') as Record<string, Record<string, unknown>>;
    const out = renderDeep(doc, ctx, valueLoc) as Record<string, Record<string, unknown>>;
    expect(out.args).to.deep.equal({
      hosts: ['node1', 'node2', 'node3'],
      port: 6443,
      plain: { keep: 1 },
      list: ['kube', 2],
    });
    expect(out.args!.plain).to.equal(doc.args!.plain);
    expect(renderDeep(doc.args!.plain, ctx)).to.equal(doc.args!.plain);
  });
  it('errors point into the YAML file', () => {
    const text = 'args:\n  x: "{{ nope }}"\n';
    const doc = parseYaml(text, 'e.yml');
    const e = err(() => renderDeep(doc, ctx, valueLoc));
    expect(e.loc).to.deep.equal({ file: 'e.yml', line: 2, col: 10 });
  });
});

describe('template: files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kplay-tpl-'));
  it('renders a file, caches it, and re-reads it when it changes', () => {
    const p = join(dir, 'a.conf.hbs');
    writeFileSync(p, 'name={{name}}\n{{#each groups.etcd}}peer{{@index}}={{this}}\n{{/each}}');
    expect(renderTemplateFile(p, ctx)).to.equal('name=kube\npeer0=node1\npeer1=node2\npeer2=node3\n');
    expect(renderTemplateFile(p, { vars: { ...vars, name: 'other' } })).to.match(/^name=other/);
    writeFileSync(p, 'changed {{port}}');
    utimesSync(p, new Date(), new Date(Date.now() + 5000));
    expect(renderTemplateFile(p, ctx)).to.equal('changed 6443');
  });
  it('an undefined variable names the template, line, column and host', () => {
    const p = join(dir, 'b.hbs');
    writeFileSync(p, 'one\ntwo\nvalue: {{missing}}\n');
    const e = err(() => renderTemplateFile(p, ctx));
    expect(e.message).to.equal(`'missing' is undefined in template ${p}`);
    expect(e.loc).to.deep.equal({ file: p, line: 3, col: 10 });
    expect(e.host).to.equal('node1');
    expect(e.format()).to.contain('value: {{missing}}');
  });
  it('checkTemplateFile reports every unknown helper with did-you-mean', () => {
    const p = join(dir, 'c.hbs');
    writeFileSync(p, '{{joni groups.etcd ","}}\n{{#each groups.etcd}}{{uper this}}{{/each}}\n');
    const errs = checkTemplateFile(p);
    expect(errs.map((e) => [e.message, e.loc?.line, e.loc?.col])).to.deep.equal([
      [`unknown helper 'joni' (did you mean 'join'?) in template ${p}`, 1, 3],
      [`unknown helper 'uper' (did you mean 'upper'?) in template ${p}`, 2, 24],
    ]);
    expect(checkTemplateFile(join(dir, 'a.conf.hbs'))).to.deep.equal([]);
  });
});

describe('template: checkTemplateSyntax and templateVariables', () => {
  it('accepts good values and templates', () => {
    expect(checkTemplateSyntax("{{ x | default('a') }} and {{ join y ',' }}", { name: 'v' })).to.deep.equal([]);
    expect(checkTemplateSyntax('{{#each a}}{{this}}{{/each}}', { name: 't.hbs' }, 'file')).to.deep.equal([]);
    expect(checkTemplateSyntax('plain', { name: 'v' })).to.deep.equal([]);
  });
  const vtable: Array<[string, string[]]> = [
    ['{{ a }} {{ b.c }}', ['a', 'b']],
    ["{{ hostvars[inventory_hostname]['ip'] | default(d) }}", ['hostvars', 'inventory_hostname', 'd']],
    ['{{ join groups.etcd sep }}', ['groups', 'sep']],
    [
      '{{#each items as |it|}}{{it}} {{name}} {{../top}} {{@root.r}}{{/each}}{{#if (eq a b)}}{{c}}{{/if}}',
      ['items', 'top', 'r', 'a', 'b', 'c'],
    ],
    ['nothing here', []],
  ];
  for (const [src, want] of vtable) {
    it(`templateVariables ${src}`, () => expect(templateVariables(src)).to.have.members(want));
  }
});

describe('template: no way out to JavaScript', () => {
  const v = { vars: { o: { a: 1 }, xs: [1] } };
  for (const src of [
    '{{ o.constructor }}',
    '{{ o.constructor.constructor }}',
    '{{ o.__proto__ }}',
    '{{#with o}}{{constructor}}{{/with}}',
    '{{#if o.__proto__}}y{{/if}}',
    "{{ o['constructor'] }}",
    "{{ o.constructor.constructor('return process')() }}",
    '{{ this.process }}',
  ]) {
    it(`${src} fails`, () => expect(() => renderString(src, v)).to.throw(KplayError));
  }
  it('lookup of a prototype name gives nothing', () => {
    // written out, the name is refused before the run (issue 11); a key that is a variable finds nothing
    const w = { vars: { ...v.vars, k: 'constructor' } };
    expect(() => renderString('{{ lookup o "constructor" }}', v)).to.throw("'constructor' is not a name kplay reads");
    expect(renderString('{{ lookup o k }}', w)).to.equal(undefined);
    expect(renderString('{{#each xs}}[{{lookup this @root.k}}]{{/each}}', w)).to.equal('[]');
  });
});
