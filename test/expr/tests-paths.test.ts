// Ansible's path tests on the controller, under their names and old names, against a folder made here.
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileExpr, evalExpr } from '../../src/expr/expr.js';

describe('path tests', () => {
  const d = mkdtempSync(join(tmpdir(), 'kplay-pathtests-'));
  mkdirSync(join(d, 'sub'));
  writeFileSync(join(d, 'f'), 'x');
  symlinkSync('nowhere', join(d, 'dangling'));
  symlinkSync('f', join(d, 'lf'));
  after(() => rmSync(d, { recursive: true, force: true }));
  const ev = (src: string): unknown => evalExpr(compileExpr(src, { file: 't.yml', line: 1, col: 1 }), { d });

  const cases: [string, boolean][] = [
    ["(d ~ '/sub') is directory", true],
    ["(d ~ '/sub') is is_dir", true],
    ["(d ~ '/f') is is_dir", false],
    ["(d ~ '/f') is file", true],
    ["(d ~ '/lf') is is_file", true],
    ["(d ~ '/dangling') is link", true],
    ["(d ~ '/lf') is is_link", true],
    ["(d ~ '/dangling') is exists", false],
    ["(d ~ '/dangling') is link_exists", true],
    ["(d ~ '/none') is link_exists", false],
    ["'/' is is_abs", true],
    ["'../' is abs", false],
    ["(d ~ '/lf') is same_file(d ~ '/f')", true],
    ["(d ~ '/f') is is_same_file(d ~ '/sub')", false],
    ["(d ~ '/f') is same_file(d ~ '/none')", false],
    ["'/' is mount", true],
    ["'/' is is_mount", true],
    ["(d ~ '/sub') is mount", false],
    ["'/does_not_exist' is mount", false],
  ];
  for (const [src, want] of cases) it(`${src}: ${want}`, () => expect(ev(src)).to.equal(want));
});
