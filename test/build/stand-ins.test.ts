// The bundle's stand-ins (build/stand-ins.ts) answer as the packages they stand for: each is bundled alone here
// and compared with the real package, or run through bin/kplay.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import stringWidth from 'string-width';
import { z } from 'zod';
import { englishZod, lazyStringWidth } from '../../build/stand-ins.js';

/** `source` bundled with one stand-in (in dist/, where its packages resolve), and its default export. */
async function bundled<T>(source: string, plugin: Plugin): Promise<T> {
  const dir = mkdtempSync(join(process.cwd(), 'dist/.kplay-stand-in-'));
  try {
    await build({
      stdin: { contents: source, resolveDir: process.cwd(), loader: 'js' },
      outfile: join(dir, 'out.js'),
      bundle: true,
      format: 'esm',
      platform: 'node',
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
      plugins: [plugin],
      logLevel: 'error',
    });
    return (await import(pathToFileURL(join(dir, 'out.js')).href)).default as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("the bundle's string-width stand-in", () => {
  it('measures every text as the real string-width does', async () => {
    const lazy = await bundled<typeof stringWidth>("export { default } from 'string-width';", lazyStringWidth);
    const texts = [
      '',
      'kplay run <playbook>',
      'a\tb',
      '\u001b[31mred\u001b[39m',
      '漢字',
      'e\u0301',
      '👍🏽 ok',
      '\u007f',
    ];
    for (const t of texts) expect(lazy(t), JSON.stringify(t)).to.equal(stringWidth(t));
    expect(lazy('x', { countAnsiEscapeCodes: true })).to.equal(1);
  });
});

describe("the bundle's English-only zod", () => {
  it("keeps English, zod's default, and its messages; drops the other locales", async () => {
    const lean = await bundled<typeof z>("import { z } from 'zod'; export default z;", englishZod);
    expect(Object.keys(lean.locales)).to.deep.equal(['en']);
    const bad = (zz: typeof z) => zz.object({ port: zz.number(), mode: zz.enum(['a', 'b']) }).safeParse({ mode: 'c' });
    expect(bad(lean).error?.issues.map((i) => i.message)).to.deep.equal(bad(z).error?.issues.map((i) => i.message));
    expect(bad(lean).error?.issues[0]?.message).to.match(/^Invalid input: expected number/);
  });
});

describe("the bundle's package search stand-in", () => {
  it("reads no package.json of the working folder: kplay has no --version, as with yargs' own search", () => {
    const dir = mkdtempSync(join(tmpdir(), 'kplay-pkg-'));
    writeFileSync(join(dir, 'package.json'), '{"version": "9.9.9", "yargs": {"strip-dashed": true}}');
    const kplay = (...args: string[]) =>
      spawnSync(process.execPath, [join(process.cwd(), 'bin/kplay'), ...args], { encoding: 'utf8', cwd: dir });
    const version = kplay('--version');
    expect(version.status).to.equal(5);
    expect(version.stdout + version.stderr).not.to.include('9.9.9');
    const help = kplay('--help');
    expect(help.status).to.equal(0);
    expect(help.stdout).to.match(/^kplay: agentless orchestration/);
    expect(help.stdout).not.to.include('--version');
  });
});
