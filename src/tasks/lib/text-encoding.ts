// The template module's `output_encoding`: the rendered text as bytes in the named encoding. Python's names
// and aliases for the encodings kept here; any other name fails the task (at run time, as it may be templated).

/** Windows-1252's bytes 0x80-0x9F (a code point, or 0 where the byte is undefined); the rest is Latin-1. */
const CP1252_HIGH = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0, 0,
  0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];

type Encoder = (text: string) => Buffer | string;

/** One byte a character, or the character that does not fit (returned as text). */
function singleByte(text: string, byteOf: (cp: number) => number | undefined): Buffer | string {
  const out: number[] = [];
  for (const ch of text) {
    const b = byteOf(ch.codePointAt(0)!);
    if (b === undefined) return ch;
    out.push(b);
  }
  return Buffer.from(out);
}

const latin1: Encoder = (t) => singleByte(t, (cp) => (cp < 0x100 ? cp : undefined));
const ascii: Encoder = (t) => singleByte(t, (cp) => (cp < 0x80 ? cp : undefined));
const cp1252: Encoder = (t) =>
  singleByte(t, (cp) => {
    const high = CP1252_HIGH.indexOf(cp);
    if (cp !== 0 && high >= 0) return 0x80 + high;
    return cp < 0x80 || (cp >= 0xa0 && cp < 0x100) ? cp : undefined;
  });

const ENCODERS: Record<string, Encoder> = {
  utf8: (t) => Buffer.from(t, 'utf8'),
  latin1,
  iso88591: latin1,
  l1: latin1,
  ascii,
  usascii: ascii,
  cp1252,
  windows1252: cp1252,
};

/** Python's spelling rules for an encoding's name: case, `-`, `_` and spaces do not matter. */
const normal = (name: string) => name.toLowerCase().replace(/[-_ ]/g, '');

/** The text's bytes in `encoding` ('' or undefined: UTF-8), or a message saying why not. */
export function encodeText(text: string, encoding: string | undefined): Buffer | { problem: string } {
  const enc = ENCODERS[normal(encoding || 'utf-8')];
  if (!enc || !Object.hasOwn(ENCODERS, normal(encoding || 'utf-8')))
    return { problem: `unknown output_encoding '${encoding}' (kplay knows ${Object.keys(ENCODERS).join(', ')})` };
  const r = enc(text);
  if (typeof r !== 'string') return r;
  const cp = r.codePointAt(0)!.toString(16).padStart(4, '0');
  return { problem: `'${encoding}' cannot encode character '\\u${cp}'` };
}
