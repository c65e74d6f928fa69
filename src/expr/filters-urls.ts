// URL filters: Jinja's urlencode (a string quoted with `/` kept; a dict or list of pairs as a query string),
// Ansible's urldecode (Python's unquote_plus) and urlsplit (Python's urllib.parse.urlsplit, whole or one part).
import { FilterError, type Filter } from './filters-base.js';
import { isPlainObject, toText } from '../core/value-utils.js';

/** Python's urllib.parse.quote: UTF-8 bytes, letters, digits, `_.-~` and the `safe` characters kept. */
function quote(s: string, safe: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9_.~-]/.test(c) || safe.includes(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const qsPart = (v: unknown): string => quote(toText(v), '').replace(/%20/g, '+');

const urlencode: Filter = (v) => {
  if (typeof v === 'string') return quote(v, '/');
  const pairs: unknown[][] = isPlainObject(v) ? Object.entries(v) : Array.isArray(v) ? (v as unknown[][]) : [];
  if (!isPlainObject(v) && !Array.isArray(v)) return quote(toText(v), '/');
  return pairs.map((p) => `${qsPart(p[0])}=${qsPart(p[1])}`).join('&');
};

/** Python's unquote_plus: `+` is a space, `%XX` a byte, the bytes read as UTF-8. */
const urldecode: Filter = (v) => {
  const bytes: number[] = [];
  const s = toText(v).replace(/\+/g, ' ');
  for (let i = 0; i < s.length; i++) {
    const m = /^%([0-9a-fA-F]{2})/.exec(s.slice(i, i + 3));
    if (m) {
      bytes.push(Number.parseInt(m[1]!, 16));
      i += 2;
    } else bytes.push(...Buffer.from(s[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
};

/** urlsplit's parts, as Python names them (`hostname` lower-cased, `port` a number, missing parts None). */
export function urlParts(url: string): Record<string, unknown> {
  const m = /^(?:([A-Za-z][A-Za-z0-9+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s.exec(url)!;
  const netloc = m[2] ?? '';
  const at = netloc.lastIndexOf('@');
  const user = at >= 0 ? netloc.slice(0, at) : undefined;
  const hostPort = at >= 0 ? netloc.slice(at + 1) : netloc;
  const hp = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(hostPort)!;
  const host = hp[1]!.replace(/^\[|\]$/g, '');
  const port = hp[2];
  if (port !== undefined && port !== '' && !/^\d+$/.test(port))
    throw new FilterError(`Port could not be cast to integer value as '${port}'`);
  const colon = user?.indexOf(':') ?? -1;
  return {
    fragment: m[5] ?? '',
    hostname: host === '' ? null : host.toLowerCase(),
    netloc,
    password: user !== undefined && colon >= 0 ? user.slice(colon + 1) : null,
    path: m[3] ?? '',
    port: port === undefined || port === '' ? null : Number(port),
    query: m[4] ?? '',
    scheme: (m[1] ?? '').toLowerCase(),
    username: user === undefined ? null : colon >= 0 ? user.slice(0, colon) : user,
  };
}

const urlsplit: Filter = (v, [query]) => {
  const parts = urlParts(toText(v));
  if (query === undefined || query === null || query === '') return parts;
  const q = toText(query);
  if (!Object.hasOwn(parts, q)) throw new FilterError(`urlsplit: unknown URL component: ${q}`);
  return parts[q];
};

export const URL_FILTERS: Record<string, Filter> = { urlencode, urldecode, urlsplit };
