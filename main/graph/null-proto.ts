// Node ids are arbitrary strings, so maps keyed by them must not inherit from Object.prototype:
// `nodes["constructor"]` on a plain object is a function, and `nodes["__proto__"] = node` replaces
// the prototype instead of adding a node. These helpers make and fill such maps safely.

/** An empty object with no prototype: every key, "__proto__" included, is an ordinary own key. */
export function nullProtoRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** Set `key` as an own, enumerable property even on an ordinary object (no __proto__ setter). */
export function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
