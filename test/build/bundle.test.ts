// The bundled command line: bin/kplay runs dist/bundle/kplay.cjs (one script, no ES module of dist/src), and a
// bundle older than tsc's output counts as stale (the root hooks make it again before any test runs kplay).
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { bundleStale } from '../../build/bundle.js';

describe('the bundled command line', () => {
  it('bin/kplay runs the bundle: no module of dist/src, a few files where tsc output is ~490', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kplay-bundle-'));
    const hook = join(dir, 'hook.mjs');
    const log = join(dir, 'loaded.txt');
    writeFileSync(
      hook,
      "import { appendFileSync } from 'node:fs';\n" +
        'export async function load(url, ctx, next) { appendFileSync(process.env.LOADED_LOG, `${url}\\n`); ' +
        'return next(url, ctx); }\n',
    );
    const r = spawnSync(process.execPath, ['--no-warnings', '--loader', hook, 'bin/kplay', 'run', '--help'], {
      encoding: 'utf8',
      env: { ...process.env, LOADED_LOG: log },
    });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/--check/);
    const loaded = readFileSync(log, 'utf8').trim().split('\n');
    expect(loaded.filter((u) => u.includes('/dist/src/'))).to.deep.equal([]);
    expect(loaded.some((u) => u.endsWith('/dist/build/load-bundle.js'))).to.equal(true);
    expect(loaded.filter((u) => u.startsWith('file:')).length).to.be.lessThan(5);
  });

  it("imports nothing itself but through importModule() (a script from V8's code cache cannot import())", () => {
    const source = readFileSync('dist/bundle/kplay.cjs', 'utf8');
    expect(source.match(/\bimport\(/g)).to.have.length(1);
    expect(source).to.match(/\?\w+\(specifier\):import\(specifier\)/);
  });

  const cases: { name: string; files: [string, number][]; stale: boolean }[] = [
    { name: 'no bundle', files: [['dist/src/cli/main.js', 100]], stale: true },
    {
      name: 'bundle newer than every compiled file',
      files: [
        ['dist/src/cli/main.js', 100],
        ['dist/bundle/kplay.cjs', 200],
      ],
      stale: false,
    },
    {
      name: 'a compiled file newer than the bundle',
      files: [
        ['dist/src/a/b.js', 300],
        ['dist/bundle/kplay.cjs', 200],
      ],
      stale: true,
    },
    {
      name: 'only a newer map file',
      files: [
        ['dist/src/a/b.js.map', 300],
        ['dist/bundle/kplay.cjs', 200],
      ],
      stale: false,
    },
  ];
  for (const c of cases)
    it(`is stale or not: ${c.name} -> ${c.stale}`, () => {
      const root = mkdtempSync(join(tmpdir(), 'kplay-bundle-'));
      mkdirSync(join(root, 'dist/src'), { recursive: true });
      for (const [f, t] of c.files) {
        mkdirSync(dirname(join(root, f)), { recursive: true });
        writeFileSync(join(root, f), '');
        utimesSync(join(root, f), t, t);
      }
      expect(bundleStale(root)).to.equal(c.stale);
    });
});
