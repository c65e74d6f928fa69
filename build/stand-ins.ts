// Stand-ins the bundle uses for packages that do costly work when kplay starts, each giving the same answers.
import { join } from 'node:path';
import type { Plugin } from 'esbuild';

/**
 * string-width builds Unicode tables when imported (an Intl.Segmenter and emoji regexps: ~45 ms of CPU), and yargs
 * and listr2 import it at start. This stand-in counts printable ASCII itself (a column a character, as string-width
 * does) and loads the real one, the version its importer asked for, on the first other text.
 */
const LAZY_WIDTH = `let real;
export default function stringWidth(text, options) {
  if (typeof text === 'string' && /^[\\x20-\\x7e]*$/.test(text)) return text.length;
  real ??= require('string-width').default;
  return real(text, options);
}`;

export const lazyStringWidth: Plugin = {
  name: 'lazy-string-width',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, (a) =>
      a.namespace === 'lazy-width' ? undefined : { path: a.resolveDir, namespace: 'lazy-width' },
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-width' }, (a) => ({ contents: LAZY_WIDTH, resolveDir: a.path }));
  },
};

/**
 * yargs looks for a package.json to guess a --version, walking up from the working directory and listing each
 * folder (escalade): ~35 ms in a big folder such as /tmp. kplay turns that option off (`.version(false)`) and
 * reads no package.json settings (`pkgConf`), the only two uses, so in the bundle the search finds nothing.
 */
export const noPackageSearch: Plugin = {
  name: 'no-package-search',
  setup(b) {
    b.onResolve({ filter: /^escalade\/sync$/ }, () => ({ path: 'escalade/sync', namespace: 'no-package-search' }));
    b.onLoad({ filter: /.*/, namespace: 'no-package-search' }, () => ({ contents: 'export default () => undefined;' }));
  },
};

/**
 * zod's `z.locales` holds its error messages in ~50 languages (300 kB, an eighth of the bundle, read and parsed at
 * every start); kplay uses English only, zod's default, which zod's schemas import on their own.
 */
export const englishZod: Plugin = {
  name: 'english-zod',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (a) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(a.importer)
        ? { path: join(a.resolveDir, '..', 'locales'), namespace: 'english-zod' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'english-zod' }, (a) => ({
      contents: "export { default as en } from './en.js';",
      resolveDir: a.path,
    }));
  },
};

export const STAND_INS: Plugin[] = [lazyStringWidth, noPackageSearch, englishZod];
