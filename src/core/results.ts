// Registered results are data: a task's output is never templated again when a later task reads it (a command's
// stdout or an error message may hold `{{`), as Ansible marks them unsafe. The objects are remembered here.
const results = new WeakSet<object>();

export function markResult<T extends object>(r: T): T {
  results.add(r);
  return r;
}

export const isResult = (v: unknown): boolean => typeof v === 'object' && v !== null && results.has(v);
