// A playbook value's `{{ }}` string literals get their backslashes doubled before Jinja reads them, as Ansible's
// templating does (the end to end answer, against ansible-playbook, is in test/parity/keywords.test.ts).
import { expect } from 'chai';
import { doubleValueBackslashes } from '../../../src/template/jinja/value-backslashes.js';

describe('doubleValueBackslashes', () => {
  const cases: [string, string, string][] = [
    ['no backslash: as it is', "{{ 'a' }}{% if x %}b{% endif %}", "{{ 'a' }}{% if x %}b{% endif %}"],
    ['a string in {{ }}', `{{ "a\\tb" }}`, `{{ "a\\\\tb" }}`],
    ['a back-reference', "{{ x | regex_replace('(a)', '\\1') }}", "{{ x | regex_replace('(a)', '\\\\1') }}"],
    [
      '{% %} and the text around: left alone',
      `a\\n{% set y = "\\t" %}{{ "\\t" }}`,
      `a\\n{% set y = "\\t" %}{{ "\\\\t" }}`,
    ],
    ['outside a string in {{ }}: left alone', '{{ a \\ b }}', '{{ a \\ b }}'],
    ['"}}" inside a string does not end the block', `{{ "}}\\n" }}\\x`, `{{ "}}\\\\n" }}\\x`],
    ['an escaped quote ends the string, as in Ansible', `{{ "a\\"b" }}`, `{{ "a\\\\"b" }}`],
  ];
  for (const [name, src, want] of cases)
    it(name, () => {
      expect(doubleValueBackslashes(src)).to.equal(want);
    });
});
