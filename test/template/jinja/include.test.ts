// `{% include %}` in Jinja template files. Expected texts are what Debian's ansible-core 2.14 wrote for the same
// files and variables (template module on localhost, run by hand on this machine).
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkTemplateFile, renderTemplateFile } from '../../../src/template/template.js';
import { caught } from '../../support/caught.js';

const role = mkdtempSync(join(tmpdir(), 'kplay-jinja-inc-'));
const T = join(role, 'templates');
mkdirSync(join(T, 'sub'), { recursive: true });
function file(name: string, text: string): string {
  const p = join(T, name);
  writeFileSync(p, text);
  return p;
}

file('inc.j2', 'i={{ i | default("none") }} v={{ v | default("-") }}\n\n');
file('sub/deep.j2', 'deep {% include "inc.j2" %}\n');
const TOP = file(
  'top.j2',
  [
    '{% for i in [1,2] %}',
    '{% include "inc.j2" %}',
    '{% endfor %}',
    '[{% include "sub/deep.j2" with context %}]',
    '{% include "nope.j2" ignore missing %}',
    '{% include ["nope.j2", "inc.j2"] without context %}',
    'end',
    '',
  ].join('\n'),
);

describe('template: {% include %} of Jinja files', () => {
  it("renders included files with the includer's variables, loop ones too, as Ansible does", () => {
    expect(checkTemplateFile(TOP)).to.deep.equal([]);
    expect(renderTemplateFile(TOP, { vars: { v: 'V' } })).to.equal(
      'i=1 v=V\ni=2 v=V\n[deep i=none v=V\n]\ni=none v=-\nend\n',
    );
  });
  it('a template that is not there fails at the include, at its position', () => {
    const p = file('missing.j2', 'a\n  {% include "gone.j2" %}\n');
    const e = caught(() => renderTemplateFile(p, { vars: {} }));
    expect(e.message).to.equal(`template not found: gone.j2 in template ${p}`);
    expect(e.loc).to.deep.equal({ file: p, line: 2, col: 6 });
  });
  it('an error inside an included file points into that file', () => {
    const inner = file('bad-inner.j2', 'ok\n{{ nope }}\n');
    const p = file('bad-outer.j2', '{% include "bad-inner.j2" %}\n');
    const e = caught(() => renderTemplateFile(p, { vars: {} }));
    expect(e.message).to.equal(`'nope' is undefined in template ${inner}`);
    expect(e.loc).to.deep.equal({ file: inner, line: 2, col: 4 });
  });
  it('a template including itself is stopped', () => {
    const p = file('self.j2', 'x{% include "self.j2" %}\n');
    expect(caught(() => renderTemplateFile(p, { vars: {} })).message).to.match(/include each other more than 30 deep/);
  });
  it('`with` must be followed by `context`', () => {
    const p = file('with.j2', '{% include "inc.j2" with foo %}\n');
    expect(checkTemplateFile(p).map((e) => [e.message, e.loc?.line])).to.deep.equal([
      [`expected 'context' after 'with' in template ${p}`, 1],
    ]);
  });
});
