// Keys that must stay plain data: kplay builds objects from what users write.
/** A key kplay refuses wherever users write one (YAML, INI inventories, .env, -e): JavaScript gives it a
 * meaning (the object's prototype) that a later merge would act on, making its children variables. */
export const PROTO_KEY = '__proto__';
export const PROTO_MESSAGE =
  "a key named '__proto__' is not allowed (kplay refuses it rather than let it act on the objects it builds)";

/** Own, enumerable, and never the prototype, even for a key named `__proto__`. */
export function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
