// import() of what the bundle does not hold: ssh2, typescript, @peculiar/x509 and a playbook's own modules.
// bin/kplay runs the bundle as a script compiled with V8's code cache (build/load-bundle.ts), and in Node 20 a
// script made from that cache cannot import(): its loader hands in an import() of its own, which this uses.

type Importer = (specifier: string) => Promise<unknown>;

/** The loader's import(), when the bundle runs from the code cache. */
export const IMPORTER = Symbol.for('kplay.import');

/** import(specifier): a package name, or a file: URL. */
export function importModule<T = Record<string, unknown>>(specifier: string): Promise<T> {
  const own = (globalThis as { [IMPORTER]?: Importer })[IMPORTER];
  return (own ? own(specifier) : import(specifier)) as Promise<T>;
}
