// Jinja templates for the parity suite (ansible-parity.test.ts): each is rendered by the template module of
// kplay on one lab host and of Ansible on its twin, and the files must be byte-identical. Written here, for
// the rules Ansible users meet: trim_blocks, comments, raw, whitespace control, trailing newlines, None and
// Python printing, loops and loop variables, tests without parentheses, methods, slices, `%` formatting,
// filters Ansible's roles use (comment, to_json, join, default), a `{%- if -%}` YAML value, macros (defaults,
// keywords, caller), imports (`as`, `from ... import ... with context`), namespace(), loop.cycle, a filtered
// loop, `{% filter %}` blocks and `{% extends %}` with blocks and super().

/** The play's variables the templates read. */
export const JINJA_VARS = {
  jx_list: ['a', 'b', 'c'],
  jx_empty: [],
  jx_dict: { k: 'v', n: 1, nested: { flag: true } },
  jx_none: null,
  jx_quote: "it's",
  jx_num: 3,
  jx_ip: '10.1.2.3',
  jx_nodename: '',
  jx_named: 'Worker_01',
  jx_hosts: [
    { name: 'm1', ip: '10.0.0.1', role: 'master' },
    { name: 'w1', ip: '10.0.0.2', role: 'worker' },
  ],
};

/** kubeasz's node-name rule, as a YAML value. */
const NODENAME =
  "{%- if jx_nodename != '' -%} {{ jx_nodename|replace('_', '-')|lower }} {%- else -%} " +
  "k8s-{{ jx_ip|replace('.', '-') }} {%- endif -%}";

export const JINJA_TEMPLATES: [string, string][] = [
  ['blocks and comments', '{# header #}\n[main]\n{% if jx_num > 2 %}\n  big = yes\n{% endif %}\nend\n'],
  ['indented blocks keep their indent', 'a:\n  {% for x in jx_list %}\n  - {{ x }}\n  {% endfor %}\nb: 1\n'],
  [
    'whitespace control',
    'servers = [\n  {%- for x in jx_list %}"{{ x }}"{% if not loop.last %}, {% endif %}{% endfor -%}\n]\n',
  ],
  ['python printing', '{{ jx_list }}|{{ jx_dict }}|{{ jx_none }}|{{ [jx_quote] }}|{{ jx_num > 1 }}\n'],
  ['loop variables', '{% for h in jx_hosts %}{{ loop.index }}/{{ loop.length }} {{ h.name }}={{ h.ip }}\n{% endfor %}'],
  [
    'dict items and else',
    '{% for k, v in jx_dict.items() %}{{ k }}:{{ v }};{% endfor %}\n' +
      '{% for x in jx_empty %}x{% else %}none{% endfor %}\n',
  ],
  ['raw', 'x {% raw %}\n{{ .Values.name }}{% endraw %}\nafter\n'],
  ['filters', "{{ jx_list | join(',') }} {{ jx_dict | to_json }} {{ jx_hosts | map(attribute='ip') | list }}\n"],
  [
    'default and None',
    "{{ jx_missing | default('dflt') }}|{{ jx_none | default('x') }}|{{ jx_none | default('x', true) }}\n",
  ],
  [
    'tests without parentheses',
    '{{ jx_num is divisibleby 3 }} {{ jx_num is not divisibleby 2 }} {{ jx_list is iterable }}\n',
  ],
  [
    'methods, slices, formatting',
    "{{ 'a b'.split() }} {{ jx_list[::-1] }} {{ jx_ip.split('.')[0] }} {{ '%s-%d' % ('n', 2) }}\n",
  ],
  ['managed comment', '{{ ansible_managed | comment }}\nkey=1\n'],
  ['no newline at the end', 'last line {{ jx_num }}'],
  ['two newlines at the end', 'x\n{% if true %}y{% endif %}\n\n'],
  [
    'selectattr and set',
    "{% set masters = jx_hosts | selectattr('role', 'equalto', 'master') | list %}{{ masters | length }}\n",
  ],
  ['node name rule', `${NODENAME}\n`],
  [
    'macros with defaults, keywords and caller',
    "{% macro kv(k, v='none', sep='=') %}{{ k }}{{ sep }}{{ v }}{% endmacro %}\n" +
      "{{ kv('a') }} {{ kv('b', 2) }} {{ kv('c', sep=': ', v=jx_num) }}\n" +
      '{% macro wrap(tag) %}<{{ tag }}>{{ caller() }}</{{ tag }}>{% endmacro %}\n' +
      "{% call wrap('p') %}{{ jx_list | join(' ') }}{% endcall %}\n",
  ],
  [
    'import as, and from import with context',
    "{% import 'jinja-lib.j2' as lib %}{% from 'jinja-lib.j2' import line with context %}\n" +
      "{{ lib.upper_all(jx_list) }}|{{ lib.version }}\n{{ line('x') }}\n",
  ],
  [
    'namespace, loop.cycle and a filtered loop',
    '{% set ns = namespace(found=false, n=0) %}{% for h in jx_hosts %}{% if h.role == "worker" %}' +
      '{% set ns.found = true %}{% endif %}{% set ns.n = ns.n + 1 %}{% endfor %}{{ ns.found }} {{ ns.n }}\n' +
      "{% for x in jx_list if x != 'b' %}{{ loop.index }}{{ loop.cycle('odd', 'even') }}={{ x }} {% endfor %}\n",
  ],
  ['filter block', '{% filter upper %}\nhello {{ jx_list | join("-") }}\n{% endfilter %}\nend\n'],
  [
    'extends with blocks and super',
    "{% extends 'jinja-base.j2' %}\n{% block body %}child {{ jx_num }} / {{ super() }}{% endblock %}\n",
  ],
];

/** The file each template case writes on the host (under the suite's folder). */
export const jinjaDest = (base: string, i: number): string => `${base}/jinja-${i}.conf`;

/** The same rule as a YAML value (copy's `content:`), where `{% %}` is Jinja too. */
export const JINJA_CONTENT = `${NODENAME} {{ jx_named | replace('_', '-') | lower }}`;

/** Other files in the site's templates/ folder that the cases import or include (not cases themselves). */
export const JINJA_FILES: Record<string, string> = {
  'jinja-lib.j2':
    "{% set version = '1.2' %}\n{% macro upper_all(xs) %}{{ xs | map('upper') | join(',') }}{% endmacro %}\n" +
    '{% macro line(name) -%}\n{{ name }} of {{ jx_num }}\n{%- endmacro %}\n',
  'jinja-base.j2': '[head]\n{% block body %}base body{% endblock %}\n[tail {{ jx_ip }}]\n',
};
