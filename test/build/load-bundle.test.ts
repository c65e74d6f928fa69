// bin/kplay's start (build/load-bundle.ts): the bundle compiled from V8's code cache. A small stand-in bundle shows
// the cache written, used on the next start, written again when a start compiles much more, never met by a changed
// bundle, and ignored when damaged; the real bundle, run twice, imports a playbook's own module from the cache.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { commandOf, startBundle } from '../../build/load-bundle.js';
import { writeTree } from '../support/tree.js';

/** A bundle whose main answers its argument count; `big` more functions, which it calls when given 'all'. */
function fakeBundle(tag: string, big = 200): string {
  const fns = Array.from({ length: big }, (_, i) => `function f${i}(x) { return [x, ${i}, '${tag}'].join(':'); }`);
  return (
    `${fns.join('\n')}\n` +
    'exports.main = async (argv) => { if (argv.includes("all")) { let s = ""; ' +
    `for (const f of [${fns.map((_, i) => `f${i}`).join(',')}]) s += f(1); } return argv.length; };\n`
  );
}

function setup(tag = 'a') {
  const dir = writeTree({ 'dist/bundle/kplay.cjs': fakeBundle(tag), 'not-a-folder': 'x' });
  return { dir, bundle: join(dir, 'dist/bundle/kplay.cjs'), cache: join(dir, 'cache') };
}

/** A start in a process of its own (V8 would compile a source this process compiled before from memory). */
const CHILD = `import { startBundle } from ${JSON.stringify(pathToFileURL(resolve('dist/build/load-bundle.js')).href)};
const [bundle, argv, dirs, heap] = JSON.parse(process.argv[2]);
const s = startBundle(bundle, argv, dirs, heap ? () => heap : undefined);
const code = await s.entry.main(argv);
console.log(JSON.stringify({ code, usedCache: s.usedCache, saved: s.save() }));
`;

interface Start {
  usedCache?: string;
  saved?: string;
}

function start(bundle: string, argv: string[], dirs: string[], heap?: number): Start {
  const script = join(dirname(dirname(bundle)), 'child.mjs');
  writeFileSync(script, CHILD);
  const r = spawnSync(process.execPath, [script, JSON.stringify([bundle, argv, dirs, heap])], { encoding: 'utf8' });
  expect(r.status, r.stderr).to.equal(0);
  const { code, ...out } = JSON.parse(r.stdout) as Start & { code: number };
  expect(code).to.equal(argv.length);
  return out;
}

const cacheFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.v8')) : []);

describe('the bundle loader and its code cache', () => {
  it('writes the cache after a first start and compiles the next start from it', () => {
    const { bundle, cache } = setup();
    const first = start(bundle, ['run', 'x'], [cache]);
    expect(first.usedCache).to.equal(undefined);
    expect(first.saved).to.match(/-run\.v8$/);
    expect(cacheFiles(cache)).to.deep.equal([first.saved!.slice(cache.length + 1)]);
    const second = start(bundle, ['run', 'y'], [cache]);
    expect(second.usedCache).to.equal(first.saved);
    expect(second.saved, 'nothing new compiled: not written again').to.equal(undefined);
  });

  it('keeps a cache per command', () => {
    const { bundle, cache } = setup();
    start(bundle, ['run'], [cache]);
    expect(start(bundle, ['--help'], [cache]).usedCache).to.equal(undefined);
    expect(commandOf(['--help'])).to.equal('top');
    expect(commandOf(['cluster', 'backup', 's'])).to.equal('cluster');
    expect(commandOf(['--debug', 'run', 'a.yml'])).to.equal('run');
    expect(commandOf(['./x.yml'])).to.equal('other');
  });

  it('never uses the cache of another bundle', () => {
    const { bundle, cache } = setup('a');
    const old = start(bundle, ['run'], [cache]).saved!;
    writeFileSync(bundle, fakeBundle('b'));
    const changed = start(bundle, ['run'], [cache]);
    expect(changed.usedCache).to.equal(undefined);
    expect(changed.saved).not.to.equal(old);
    expect(start(bundle, ['run'], [cache]).usedCache).to.equal(changed.saved);
  });

  it('ignores a damaged cache file, and one V8 refuses, and writes a good one', () => {
    const { bundle, cache } = setup();
    const file = start(bundle, ['run'], [cache]).saved!;
    const good = readFileSync(file);
    const flipped = Buffer.from(good);
    flipped[flipped.length - 10]! ^= 0xff;
    writeFileSync(file, flipped);
    const damaged = start(bundle, ['run'], [cache]);
    expect(damaged.usedCache).to.equal(undefined);
    expect(damaged.saved).to.equal(file);
    expect(start(bundle, ['run'], [cache]).usedCache).to.equal(file);
    // a sound header and checksum over bytes V8 never made: V8 refuses them
    const junk = Buffer.alloc(4000, 7);
    const header = Buffer.from(good.subarray(0, 24));
    createHash('sha256').update(junk).digest().copy(header, 8, 0, 16);
    writeFileSync(file, Buffer.concat([header, junk]));
    expect(start(bundle, ['run'], [cache]).usedCache).to.equal(undefined);
    writeFileSync(file, 'short');
    expect(start(bundle, ['run'], [cache]).usedCache).to.equal(undefined);
    expect(start(bundle, ['run'], [cache]).usedCache).to.equal(file);
  });

  it('writes again when a start compiled a quarter more than the one that wrote the cache', () => {
    const { bundle, cache } = setup();
    const file = start(bundle, ['run'], [cache], 1000).saved!;
    const size = readFileSync(file).length;
    expect(start(bundle, ['run'], [cache], 1200).saved, 'a fifth more').to.equal(undefined);
    const grown = start(bundle, ['run', 'all'], [cache], 1300);
    expect(grown.usedCache).to.equal(file);
    expect(grown.saved).to.equal(file);
    expect(readFileSync(file).readUInt32BE(4)).to.equal(1300);
    expect(readFileSync(file).length, 'the new file holds what this start compiled').to.be.greaterThan(size - 100);
  });

  it('falls back to the next folder, and starts without a cache when none can be written', () => {
    const { dir, bundle, cache } = setup();
    const blocked = join(dir, 'not-a-folder', 'cache');
    const s = start(bundle, ['run'], [blocked, cache]);
    expect(s.saved).to.equal(join(cache, cacheFiles(cache)[0]!));
    expect(start(bundle, ['run'], [blocked, cache]).usedCache).to.equal(s.saved);
    expect(start(bundle, ['lab'], [blocked])).to.deep.equal({});
    expect(start(bundle, ['lab'], [blocked])).to.deep.equal({});
  });

  it('answers undefined without a bundle (bin/kplay then runs tsc output)', () => {
    expect(startBundle(join(setup().dir, 'none.cjs'), [], [])).to.equal(undefined);
  });

  it("bin/kplay imports a playbook's own module from a start compiled from the cache", () => {
    const dir = writeTree({
      'library/hello.js':
        "export default { name: 'hello_cached', description: 'A module a cached start imports.', args: {},\n" +
        '  async plan() { return { changes: [] }; } };\n',
    });
    for (let i = 0; i < 2; i++) {
      const r = spawnSync(process.execPath, ['bin/kplay', 'doc', '--library', join(dir, 'library'), 'hello_cached'], {
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.include('A module a cached start imports.');
    }
    expect(cacheFiles('dist/bundle/v8-cache').some((f) => f.endsWith('-doc.v8'))).to.equal(true);
  });
});
