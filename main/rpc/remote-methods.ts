// Clients derived from a method table: each named method forwards its arguments to one `call`
// function (an HTTP request, an IPC invoke, a message to the engine worker). Writing the method
// list once, in the table, is what keeps the transports from drifting apart. Browser-safe.

/** Every key of a table whose values mark the methods (a Record, so a missing key fails typechecking). */
export function methodNames<K extends string>(table: Record<K, unknown>): K[] {
  return Object.keys(table) as K[];
}

/** The methods of `Api` named in `names`, each answering `call(name, args)`. */
export function remoteMethods<Api, K extends keyof Api & string>(
  names: readonly K[],
  call: (name: K, args: unknown[]) => Promise<unknown>,
): Pick<Api, K> {
  const methods: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const name of names) methods[name] = (...args) => call(name, args);
  return methods as Pick<Api, K>;
}
