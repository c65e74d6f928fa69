// A run's report page opened in headless Chromium, for the suites that check what a user sees in it; its
// screenshot is kept in .kplay/test-artifacts/ (the closing note describes them).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Browser } from './chromium.js';

export const ARTIFACTS = resolve('.kplay/test-artifacts');

/** The page a run printed (`report: PATH`), relative to the folder it ran in. */
export function reportPage(stdout: string, cwd = process.cwd()): string {
  const m = /^report: (.*)$/m.exec(stdout);
  if (!m) throw new Error(`the run printed no report path:\n${stdout.slice(-2000)}`);
  return resolve(cwd, m[1]!);
}

/** The text of every element the selector finds, one a line. */
export const texts = (b: Browser, selector: string) =>
  b.eval<string>(`[...document.querySelectorAll(${JSON.stringify(selector)})].map((e) => e.textContent).join('\\n')`);

export async function saveScreenshot(b: Browser, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, name);
  writeFileSync(file, await b.screenshot());
  console.log(`      screenshot: ${file}`);
  return file;
}

/** Opens the page, runs `fn` on it, closes the browser. */
export async function onPage<T>(page: string, fn: (b: Browser) => Promise<T>): Promise<T> {
  const b = await Browser.open();
  try {
    await b.goto(`file://${page}`);
    return await fn(b);
  } finally {
    await b.close();
  }
}
