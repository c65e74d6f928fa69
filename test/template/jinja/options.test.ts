// The template module's Jinja settings. Expected texts are what Debian's ansible-core 2.14 wrote for the same
// template, variables and arguments (template module on localhost, run by hand on this machine).
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jinjaOptionsOf } from '../../../src/core/jinja-options.js';
import { checkTemplateFile, renderTemplateFile } from '../../../src/template/template.js';

const dir = mkdtempSync(join(tmpdir(), 'kplay-jinja-opts-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const BLOCKS = file('t.j2', '{% if true %}\nA\n    {% if true %}\nB {# c #}\n{% endif %}\n{% endif %}\nx={{ v }}\n');
const DELIMS = file('d.j2', 'a [# hidden #]\n[% if true %]\nb <<v>>\n[% endif %]\nc {{ v }}\n');
const CUSTOM = {
  comment_start_string: '[#',
  comment_end_string: '#]',
  block_start_string: '[%',
  block_end_string: '%]',
  variable_start_string: '<<',
  variable_end_string: '>>',
};

const cases: { title: string; src: string; args: Record<string, unknown>; want: string }[] = [
  { title: 'defaults: trim_blocks on', src: BLOCKS, args: {}, want: 'A\n    B x=1\n2\n' },
  {
    title: 'trim_blocks off keeps the newline after each tag',
    src: BLOCKS,
    args: { trim_blocks: false },
    want: '\nA\n    \nB \n\n\nx=1\n2\n',
  },
  {
    title: "trim_blocks 'no' (a string) is off too",
    src: BLOCKS,
    args: { trim_blocks: 'no' },
    want: '\nA\n    \nB \n\n\nx=1\n2\n',
  },
  {
    title: 'lstrip_blocks strips the indent before a tag',
    src: BLOCKS,
    args: { lstrip_blocks: true },
    want: 'A\nB x=1\n2\n',
  },
  {
    title: "newline_sequence '\\r\\n' (escaped) ends the template's lines, not the values'",
    src: BLOCKS,
    args: { newline_sequence: '\\r\\n' },
    want: 'A\r\n    B x=1\n2\r\n',
  },
  {
    title: 'a real CR LF is taken too',
    src: BLOCKS,
    args: { newline_sequence: '\r\n' },
    want: 'A\r\n    B x=1\n2\r\n',
  },
  { title: 'the six delimiter strings', src: DELIMS, args: CUSTOM, want: 'a b 1\n2\nc {{ v }}\n' },
];

describe('template: Jinja settings of the template module', () => {
  for (const c of cases) {
    it(c.title, () => {
      expect(renderTemplateFile(c.src, { vars: { v: '1\n2' } }, jinjaOptionsOf(c.args))).to.equal(c.want);
    });
  }
  it('a template is checked with the delimiters it is rendered with', () => {
    const p = file('bad.j2', '[% if x %]\nno end\n');
    expect(checkTemplateFile(p)).to.deep.equal([]);
    const errs = checkTemplateFile(p, jinjaOptionsOf(CUSTOM));
    expect(errs.map((e) => [e.message, e.loc?.line, e.loc?.col])).to.deep.equal([
      [`expected elif, else, or endif, got end of file in template ${p}`, 2, 7],
    ]);
  });
});
