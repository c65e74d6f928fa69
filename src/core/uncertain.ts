// Check mode's marker for a value only a real run would know: registered results and variables of tasks
// check mode could not run. Modules and the engine both test for it.
/** A registered value that only a real run would know (check mode skipped the task that makes it). */
export const UNCERTAIN = Object.freeze({
  __uncertain: true,
  skipped: true,
  changed: false,
  failed: false,
  msg: 'known only after a real run',
});

export function isUncertain(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (v as { __uncertain?: boolean }).__uncertain === true;
}
