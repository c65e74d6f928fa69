// Values of an INI inventory, typed as Ansible types them: Ansible hands every `k=v` value of a kubeasz `hosts`
// file to Python's ast.literal_eval and keeps the text when that fails. This file is a small reader for that
// subset of Python (strings, numbers, True/False/None, lists, tuples, dicts, sets, unary signs, comments),
// `pyRepr`/`pyStr` (Python's way of printing such values) live in core/py-repr.ts.

import { PY_ESCAPES } from '../core/kv.js';
import { markTuple, pyStr } from '../core/py-repr.js';

export { isTuple, pyRepr, pyStr } from '../core/py-repr.js';

class Fail extends Error {}

/** ast.literal_eval(text), or `text` itself when it is not a Python literal. */
export function parsePyValue(text: string): unknown {
  try {
    const p = new Reader(text.replace(/^[ \t]+/, ''));
    const v = p.expr();
    p.ws();
    if (p.i < p.s.length) throw new Fail();
    return v;
  } catch (e) {
    if (e instanceof Fail) return text;
    throw e;
  }
}

class Reader {
  i = 0;
  depth = 0; // inside brackets newlines are whitespace
  constructor(readonly s: string) {}
  ws(): void {
    for (;;) {
      const c = this.s[this.i];
      if (c === ' ' || c === '\t' || c === '\f' || (this.depth > 0 && (c === '\n' || c === '\r'))) this.i++;
      else if (c === '\\' && this.s[this.i + 1] === '\n') this.i += 2;
      else if (c === '#') {
        while (this.i < this.s.length && this.s[this.i] !== '\n') this.i++;
      } else return;
    }
  }
  peek(): string | undefined {
    this.ws();
    return this.s[this.i];
  }
  eat(c: string): boolean {
    if (this.peek() === c) {
      this.i++;
      return true;
    }
    return false;
  }
  expr(): unknown {
    const c = this.peek();
    if (c === '+' || c === '-') {
      this.i++;
      const v = this.expr();
      if (typeof v !== 'number' || typeof v === 'boolean') throw new Fail();
      return c === '-' ? -v : v;
    }
    if (c === '[') return this.seq('[', ']', false);
    if (c === '(') return this.paren();
    if (c === '{') return this.brace();
    if (c === undefined) throw new Fail();
    if (/[0-9.]/.test(c)) return this.number();
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.i))?.[0];
    if (word !== undefined) {
      const q = this.s[this.i + word.length];
      if ((q === '"' || q === "'") && /^(r|u|R|U|b|B|br|rb|Br|bR|BR|RB|Rb|rB)$/.test(word)) return this.strings();
      this.i += word.length;
      if (word === 'True') return true;
      if (word === 'False') return false;
      if (word === 'None') return null;
      throw new Fail();
    }
    if (c === '"' || c === "'") return this.strings();
    throw new Fail();
  }
  seq(_open: string, close: string, tuple: boolean): unknown[] {
    this.i++;
    this.depth++;
    const out: unknown[] = [];
    let sawComma = false;
    while (!this.eat(close)) {
      out.push(this.expr());
      if (this.eat(',')) sawComma = true;
      else if (this.peek() !== close) throw new Fail();
    }
    this.depth--;
    if (tuple && out.length === 1 && !sawComma) return out[0] as unknown[];
    if (tuple) markTuple(out);
    return out;
  }
  paren(): unknown {
    // (x) is x; (x,) and (x, y) are tuples; () is the empty tuple
    const save = this.i;
    this.i++;
    this.depth++;
    if (this.eat(')')) {
      this.depth--;
      const t: unknown[] = [];
      markTuple(t);
      return t;
    }
    const first = this.expr();
    if (this.eat(')')) {
      this.depth--;
      return first;
    }
    this.i = save;
    this.depth--;
    return this.seq('(', ')', true);
  }
  brace(): unknown {
    this.i++;
    this.depth++;
    if (this.eat('}')) {
      this.depth--;
      return {};
    }
    const first = this.expr();
    if (this.eat(':')) {
      const obj: Record<string, unknown> = {};
      let key = first;
      for (;;) {
        const v = this.expr();
        if (typeof key === 'object' && key !== null) throw new Fail(); // unhashable
        Object.defineProperty(obj, pyStr(key), { value: v, enumerable: true, writable: true, configurable: true });
        if (this.eat('}')) break;
        if (!this.eat(',')) throw new Fail();
        if (this.eat('}')) break;
        key = this.expr();
        if (!this.eat(':')) throw new Fail();
      }
      this.depth--;
      return obj;
    }
    // a set: JSON has no sets, Ansible prints them as lists
    const out: unknown[] = [first];
    while (!this.eat('}')) {
      if (!this.eat(',')) throw new Fail();
      if (this.eat('}')) break;
      out.push(this.expr());
    }
    this.depth--;
    return out.filter((v, i) => out.indexOf(v) === i);
  }
  number(): number {
    const rest = this.s.slice(this.i);
    const m = new RegExp(
      '^0[xX](?:_?[0-9a-fA-F])+|^0[oO](?:_?[0-7])+|^0[bB](?:_?[01])+|' +
        '^(?:\\d(?:_?\\d)*)?\\.?(?:\\d(?:_?\\d)*)?(?:[eE][+-]?\\d(?:_?\\d)*)?',
    ).exec(rest);
    const t = m?.[0] ?? '';
    if (!t || t === '.' || /^\.?[eE]/.test(t)) throw new Fail();
    const next = rest[t.length];
    if (next !== undefined && /[A-Za-z0-9_.'"]/.test(next)) throw new Fail(); // 1j, 1abc ...
    this.i += t.length;
    const clean = t.replace(/_/g, '');
    if (/^0[xX]/.test(clean)) return parseInt(clean.slice(2), 16);
    if (/^0[oO]/.test(clean)) return parseInt(clean.slice(2), 8);
    if (/^0[bB]/.test(clean)) return parseInt(clean.slice(2), 2);
    if (/^\d+$/.test(clean)) {
      if (/^0+\d/.test(clean) && !/^0+$/.test(clean)) throw new Fail(); // 0644 is a syntax error in Python 3
      return parseInt(clean, 10);
    }
    return parseFloat(clean);
  }
  strings(): string {
    // adjacent literals concatenate: 'a' "b" -> 'ab'
    let out = '';
    do {
      const prefix = /^[A-Za-z]*/.exec(this.s.slice(this.i))![0];
      if (/[bB]/.test(prefix)) throw new Fail(); // bytes are not text
      this.i += prefix.length;
      out += this.oneString(/[rR]/.test(prefix));
      this.ws();
    } while (/^(?:[rRuU]?)['"]/.test(this.s.slice(this.i)));
    return out;
  }
  oneString(raw: boolean): string {
    const q = this.s[this.i]!;
    const triple = this.s.startsWith(q.repeat(3), this.i);
    const end = triple ? q.repeat(3) : q;
    this.i += end.length;
    let out = '';
    for (;;) {
      if (this.i >= this.s.length) throw new Fail();
      if (this.s.startsWith(end, this.i)) {
        this.i += end.length;
        return out;
      }
      const c = this.s[this.i]!;
      if (c === '\n' && !triple) throw new Fail();
      if (c === '\\') {
        const n = this.s[this.i + 1];
        if (n === undefined) throw new Fail();
        if (raw) {
          out += c + n;
          this.i += 2;
          continue;
        }
        this.i += 2;
        const simple: Record<string, string> = { ...PY_ESCAPES, '\n': '' };
        if (n in simple) out += simple[n];
        else if (n === 'x' || n === 'u' || n === 'U') {
          const len = n === 'x' ? 2 : n === 'u' ? 4 : 8;
          const hex = this.s.slice(this.i, this.i + len);
          if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) throw new Fail();
          out += String.fromCodePoint(parseInt(hex, 16));
          this.i += len;
        } else if (/[0-7]/.test(n)) {
          const oct = /^[0-7]{1,3}/.exec(this.s.slice(this.i - 1))![0];
          out += String.fromCodePoint(parseInt(oct, 8));
          this.i += oct.length - 1;
        } else out += '\\' + n;
        continue;
      }
      out += c;
      this.i++;
    }
  }
}
