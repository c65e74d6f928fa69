// Shared by the package modules: what dpkg has (one `dpkg-query -W` for all names), what installing or
// removing a package touches, and check mode's per-package reads (/var/lib/dpkg/info/NAME.list).
import type { FactReader, HostView } from '../contract.js';
import { taskFailed } from '../lib/fsattrs.js';

/** Installing or removing a package can add or drop unit files. */
export const PKG_TOUCHES = ['file:/lib/systemd/system/', 'file:/usr/lib/systemd/system/'];

export interface DpkgEntry {
  version: string;
  /** db:Status-Abbrev, e.g. 'ii ', 'rc ', 'hi '. */
  status: string;
}

export const isInstalled = (e: DpkgEntry | undefined) => e !== undefined && /^.[iWt]/.test(e.status);
/** Anything dpkg still has: installed, half-installed, unpacked, config-files. */
export const isPresent = (e: DpkgEntry | undefined) => e !== undefined && !/^.n/.test(e.status);

export async function dpkgQuery(facts: FactReader, names: string[]): Promise<Map<string, DpkgEntry>> {
  const out = new Map<string, DpkgEntry>();
  if (names.length === 0) return out;
  const r = await facts.probe(['dpkg-query', '-W', '-f=${Package}\\t${Version}\\t${db:Status-Abbrev}\\n', ...names]);
  if (r.rc > 1) throw taskFailed(`dpkg-query failed: ${r.stderr.trim()}`);
  for (const line of r.stdout.split('\n')) {
    const [pkg, version, status] = line.split('\t');
    if (!pkg || version === undefined || status === undefined) continue;
    const prev = out.get(pkg);
    if (!prev || isInstalled({ version, status })) out.set(pkg, { version, status });
  }
  return out;
}

export function pkgTouches(names: string[]): string[] {
  return [...names.flatMap((n) => [`package:${n}`, `file:/var/lib/dpkg/info/${n}.list`]), ...PKG_TOUCHES];
}

/** Check mode only: record a read per package, so an earlier unapplied change to it makes this uncertain. */
export async function recordPkgReads(host: HostView, facts: FactReader, names: string[]): Promise<void> {
  if (host.check) await Promise.all(names.map((n) => facts.stat(`/var/lib/dpkg/info/${n}.list`, { follow: false })));
}
