// The `version` test (`x is version('1.2', '>=', version_type='semver')`) and the version comparison kplay's
// roles use: numeric parts numerically, pre-releases before their release (pep440, semver), Ansible's messages.
import { FilterError, type Test } from './filters-base.js';
import { toText, truthy } from '../core/value-utils.js';

const VERSION_OPS: Record<string, (c: number) => boolean> = {
  '<': (c) => c < 0,
  lt: (c) => c < 0,
  '<=': (c) => c <= 0,
  le: (c) => c <= 0,
  '>': (c) => c > 0,
  gt: (c) => c > 0,
  '>=': (c) => c >= 0,
  ge: (c) => c >= 0,
  '==': (c) => c === 0,
  '=': (c) => c === 0,
  eq: (c) => c === 0,
  '!=': (c) => c !== 0,
  '<>': (c) => c !== 0,
  ne: (c) => c !== 0,
};

/** Compare versions like `v1.29.3` and `1.30`: numeric parts numerically, others as text. */
export function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/i, '').split(/[.+-]/);
  const pb = b.replace(/^v/i, '').split(/[.+-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '0';
    const y = pb[i] ?? '0';
    const c = /^\d+$/.test(x) && /^\d+$/.test(y) ? Number(x) - Number(y) : x < y ? -1 : x > y ? 1 : 0;
    if (c !== 0) return Math.sign(c);
  }
  return 0;
}

const SEMVER = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

const VERSION_TYPES = ['loose', 'strict', 'semver', 'semantic', 'pep440'];

/** pep440 / semver: a pre-release (`2.14.0rc1`, `1.0.0-beta`) comes before its release; build metadata is left out. */
function comparePre(a: string, b: string): number {
  const split = (x: string) => {
    const m = /^v?(\d+(?:\.\d+)*)(.*)$/i.exec(x.split('+')[0]!);
    return m ? { rel: m[1]!, pre: m[2]!.replace(/^[-.]/, '') } : { rel: x, pre: '' };
  };
  const x = split(a);
  const y = split(b);
  const c = compareVersions(x.rel, y.rel);
  if (c !== 0 || x.pre === y.pre) return c;
  if (!x.pre || !y.pre) return x.pre ? -1 : 1;
  return compareVersions(x.pre, y.pre);
}

/** `v is version(other, op='==', strict=None, version_type=None)`, with Ansible's messages for bad input. */
export const version: Test = (v, [other, op, strict, vtype]) => {
  const given = (x: unknown) => x !== undefined && x !== null;
  if (given(strict) && given(vtype)) throw new FilterError("Cannot specify both 'strict' and 'version_type'");
  if (!toText(v)) throw new FilterError('Input version value cannot be empty');
  if (!toText(other)) throw new FilterError('Version parameter to compare against cannot be empty');
  if (given(vtype) && !VERSION_TYPES.includes(toText(vtype)))
    throw new FilterError(
      `Invalid version type (${toText(vtype)}). Must be one of ${VERSION_TYPES.map((t) => `'${t}'`).join(', ')}`,
    );
  const f = VERSION_OPS[op === undefined ? '==' : toText(op)];
  if (!f)
    throw new FilterError(
      `Invalid operator type (${toText(op)}). Must be one of ${Object.keys(VERSION_OPS)
        .map((o) => `'${o}'`)
        .join(', ')}`,
    );
  const kind = given(vtype) ? toText(vtype) : truthy(strict) ? 'strict' : 'loose';
  for (const x of [toText(v), toText(other)]) {
    // Python's StrictVersion and SemanticVersion refuse what they cannot read, in Ansible's words
    if (kind === 'strict' && !/^\d+\.\d+(\.\d+)?([ab]\d+)?$/.test(x))
      throw new FilterError(`Version comparison failed: invalid version number '${x}'`);
    if ((kind === 'semver' || kind === 'semantic') && !SEMVER.test(x))
      throw new FilterError(`Version comparison failed: invalid semantic version '${x}'`);
  }
  const pre = kind !== 'loose' && kind !== 'strict';
  return f((pre ? comparePre : compareVersions)(toText(v), toText(other)));
};
