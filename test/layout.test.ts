// The shape of src/ (ARCHITECTURE.md): folders are stages of the flow, imports point one way, no cycles,
// small files, tests mirror src/. Read from the TypeScript sources with TypeScript's own import scanner.
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { allowedImports, graphOf, importCycles, layerOf, tsFiles } from './support/import-graph.js';

const SRC = 'src';

describe('layout of src/', () => {
  const files = tsFiles(SRC);
  const graph = graphOf(files);

  it('reads a real graph (the scanner finds the imports)', () => {
    expect(files.length).to.be.greaterThan(100);
    expect(graph.get(join(SRC, 'cli/main.ts'))).to.include(join(SRC, 'cli/run.ts'));
  });

  it('has no import cycle', () => {
    const cycles = importCycles(graph).map((c) => c.join(' -> '));
    expect(cycles, cycles.join('\n')).to.deep.equal([]);
  });

  it('imports only from the folders ARCHITECTURE.md allows (dependencies point one way)', () => {
    const bad: string[] = [];
    for (const [f, deps] of graph) {
      const from = layerOf(relative(SRC, f));
      for (const d of deps) {
        const to = layerOf(relative(SRC, d));
        if (from !== to && !allowedImports(from).includes(to)) bad.push(`${f} imports ${d} (${from} -> ${to})`);
      }
    }
    expect(bad, bad.join('\n')).to.deep.equal([]);
  });

  it('keeps module families apart: a family imports the contract, tasks/lib/ and its own folder only', () => {
    const familyOf = (f: string) => relative(join(SRC, 'tasks'), f).split(/[\\/]/);
    const bad: string[] = [];
    for (const [f, deps] of graph) {
      const [from, ...rest] = familyOf(f);
      if (from!.startsWith('..')) continue; // not a module
      if (rest.length === 0 && (from === 'index.ts' || from === 'files.ts')) continue; // the registry, a barrel
      for (const d of deps) {
        const [to] = familyOf(d);
        if (to!.startsWith('..') || to === 'contract.ts' || to === 'lib' || to === from) continue;
        bad.push(`${f} imports ${d}`);
      }
    }
    expect(bad, bad.join('\n')).to.deep.equal([]);
  });

  it('has no source file over 300 lines', () => {
    const long = files.filter((f) => readFileSync(f, 'utf8').split('\n').length > 301).map((f) => f);
    expect(long).to.deep.equal([]);
  });

  it('has no line over 120 characters in src/, test/, bench/, build/ (strings and comments wrapped by hand)', () => {
    const all = [...files, ...tsFiles('test'), ...tsFiles('bench'), ...tsFiles('build')].filter(
      (f) => !f.includes('fixtures'),
    );
    const long = all.flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .flatMap((l, i) => (l.length > 120 ? [`${f}:${i + 1} (${l.length})`] : [])),
    );
    expect(long).to.deep.equal([]);
  });

  it('has a test folder for a source folder only (tests mirror src/; build/ is the bundle script)', () => {
    const own = new Set(['e2e', 'parity', 'support', 'fixtures', 'build']);
    const stray = readdirSync('test')
      .filter((n) => statSync(join('test', n)).isDirectory() && !own.has(n))
      .filter((n) => !existsSync(join(SRC, n)));
    expect(stray).to.deep.equal([]);
  });
});

describe('import graph checks', () => {
  const cases: { name: string; graph: [string, string[]][]; cycles: number }[] = [
    {
      name: 'a chain',
      graph: [
        ['a', ['b']],
        ['b', ['c']],
        ['c', []],
      ],
      cycles: 0,
    },
    {
      name: 'two files',
      graph: [
        ['a', ['b']],
        ['b', ['a']],
      ],
      cycles: 1,
    },
    {
      name: 'three files and a bystander',
      graph: [
        ['a', ['b']],
        ['b', ['c']],
        ['c', ['a']],
        ['d', ['a']],
      ],
      cycles: 1,
    },
    {
      name: 'two separate cycles',
      graph: [
        ['a', ['b']],
        ['b', ['a']],
        ['c', ['d']],
        ['d', ['c']],
      ],
      cycles: 2,
    },
  ];
  for (const c of cases) {
    it(`finds ${c.cycles} cycle(s) in ${c.name}`, () => {
      expect(importCycles(new Map(c.graph))).to.have.length(c.cycles);
    });
  }

  it('names the layer of a path and refuses an edge pointing back up', () => {
    expect(layerOf('tasks/kernel/sysctl.ts')).to.equal('tasks');
    expect(layerOf('core/errors.ts')).to.equal('core');
    expect(allowedImports('exec')).to.not.include('ui');
    expect(allowedImports('exec')).to.not.include('cli');
    expect(allowedImports('core')).to.deep.equal([]);
  });
});
