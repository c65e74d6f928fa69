// The forms a secret takes in what kplay prints and records: a JSON string (events, journal, report, a dict
// shown inside a message, to_json), JSON inside JSON, JSON with only ASCII (Python's json.dumps), HTML (the
// report: numeric and named entities, also of the JSON form), a POSIX shell word (commands shown in messages,
// transport/shell.ts; the quote filter), YAML single quotes, URL encoding, and base64 (b64encode, slurp, a
// file's content) at any byte offset in a larger blob. secrets.ts masks every one of them.

const NUMERIC: Record<string, string> = { '&': '&#38;', '<': '&#60;', '>': '&#62;', '"': '&#34;', "'": '&#39;' };
const NAMED: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

const html = (s: string, map: Record<string, string>): string => s.replace(/[&<>"']/g, (c) => map[c]!);
const jsonInner = (s: string): string => JSON.stringify(s).slice(1, -1);
const asciiJson = (s: string): string =>
  jsonInner(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Base64 of the secret alone (with and without padding), and for each of the 3 byte alignments in a larger
 *  blob the characters that only the secret's bytes decide (6 or more, so they cannot match by chance). */
function base64Forms(s: string): string[] {
  const bytes = Buffer.from(s, 'utf8');
  const full = bytes.toString('base64');
  const out = [full, full.replace(/=+$/, '')];
  for (let k = 0; k < 3; k++) {
    const enc = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    const core = enc.slice(Math.ceil((8 * k) / 6), Math.floor((8 * (k + bytes.length)) / 6));
    if (core.length >= 6) out.push(core);
  }
  return out;
}

/** Every form of `s` that a sink may show (the secret itself first). */
export function secretForms(s: string): string[] {
  const json = jsonInner(s);
  const out = new Set<string>([s, json, asciiJson(s), jsonInner(json)]);
  for (const t of [s, json]) {
    out.add(html(t, NUMERIC));
    out.add(html(t, NAMED));
    out.add(html(t, NAMED).replace(/&#39;/g, '&#x27;'));
  }
  out.add(s.replace(/'/g, `'\\''`)); // quote() in transport/shell.ts
  out.add(s.replace(/'/g, `'"'"'`)); // the quote filter and helper
  out.add(s.replace(/'/g, "''")); // YAML single quotes
  const url = encodeURIComponent(s);
  out.add(url);
  out.add(url.replace(/%20/g, '+'));
  for (const b of base64Forms(s)) out.add(b);
  return [...out];
}
