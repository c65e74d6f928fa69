// Python's binary operators on plain data, as Jinja evaluates them: `==` deep, `in` on lists, strings and dicts,
// `+` on numbers, strings and lists, `~` as text, `%` modulo or string formatting (`'%s-%d' % (a, b)`).
import { FilterError } from './filters-base.js';
import { NOT_IN } from './parse.js';
import { percentFormat } from './py-format.js';
import { deepEqual, isPlainObject, typeName } from '../core/value-utils.js';

function arith(op: string, a: unknown, b: unknown): number {
  if ((typeof a !== 'number' && typeof a !== 'boolean') || (typeof b !== 'number' && typeof b !== 'boolean')) {
    throw new FilterError(`unsupported operand types for ${op}: ${typeName(a)} and ${typeName(b)}`);
  }
  return op === '-' ? Number(a) - Number(b) : Number(a) * Number(b);
}

export function operate(op: string, a: unknown, b: unknown): unknown {
  switch (op) {
    case '==':
      return deepEqual(a, b);
    case '!=':
      return !deepEqual(a, b);
    case '<':
    case '>':
    case '<=':
    case '>=': {
      const ok = (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string');
      if (!ok) throw new FilterError(`cannot compare ${typeName(a)} and ${typeName(b)} with '${op}'`);
      const x = a as number | string;
      const y = b as number | string;
      return op === '<' ? x < y : op === '>' ? x > y : op === '<=' ? x <= y : x >= y;
    }
    case 'in':
    case NOT_IN: {
      const r = contains(b, a);
      return op === 'in' ? r : !r;
    }
    case '~':
      return textOf(a) + textOf(b);
    case '+':
      if (typeof a === 'string' && typeof b === 'string') return a + b;
      if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
      if ((typeof a === 'number' || typeof a === 'boolean') && (typeof b === 'number' || typeof b === 'boolean'))
        return Number(a) + Number(b);
      throw new FilterError(`unsupported operand types for +: ${typeName(a)} and ${typeName(b)}`);
    case '-':
      return arith('-', a, b);
    case '*':
      if (typeof a === 'string' && typeof b === 'number') return a.repeat(Math.max(0, b));
      return arith('*', a, b);
    case '%':
      if (typeof a === 'string') return percentFormat(a, b);
      return divide(op, a, b);
    case '/':
    case '//':
      return divide(op, a, b);
    case '**':
      return arith('*', a, 1) ** arith('*', b, 1);
    default:
      throw new FilterError(`unknown operator '${op}'`);
  }
}

function contains(container: unknown, item: unknown): boolean {
  if (Array.isArray(container)) return container.some((x) => deepEqual(x, item));
  if (typeof container === 'string') {
    if (typeof item !== 'string')
      throw new FilterError(`'in <string>' needs a string on the left, got ${typeName(item)}`);
    return container.includes(item);
  }
  if (isPlainObject(container)) return Object.hasOwn(container, String(item));
  throw new FilterError(`'in' needs a list, string or dict on the right, got ${typeName(container)}`);
}

function textOf(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function divide(op: string, a: unknown, b: unknown): number {
  const x = arith('*', a, 1);
  const y = arith('*', b, 1);
  if (y === 0) throw new FilterError(op === '%' ? 'modulo by zero' : 'division by zero');
  if (op === '/') return x / y;
  if (op === '//') return Math.floor(x / y);
  return ((x % y) + y) % y;
}
