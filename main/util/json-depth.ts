// Nesting limits for JSON from outside: parsers and schema checks that recurse once per level
// end in "Maximum call stack size exceeded" at a few thousand levels, and no graph or RPC call
// needs more than a handful. Both checks are iterative and linear in the input.

/** Deepest nesting accepted in a graph document or RPC body (a graph needs about 6). */
export const MAX_JSON_DEPTH = 64;

/** The 1-based offset where JSON text first nests deeper than `limit`, or -1 (strings skipped). */
export function jsonTextTooDeepAt(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22) {
      // Skip a string, escapes included.
      for (i++; i < text.length; i++) {
        const inner = text.charCodeAt(i);
        if (inner === 0x5c) i++;
        else if (inner === 0x22) break;
      }
    } else if (code === 0x5b || code === 0x7b) {
      depth++;
      if (depth > limit) return i + 1;
    } else if (code === 0x5d || code === 0x7d) depth--;
  }
  return -1;
}

/** The path to the first value nested deeper than `limit` in a parsed value, or null. */
export function valueTooDeepAt(value: unknown, limit = MAX_JSON_DEPTH): string[] | null {
  const stack: Array<{ value: unknown; path: string[] }> = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop() as { value: unknown; path: string[] };
    if (typeof current !== 'object' || current === null || ArrayBuffer.isView(current)) continue;
    if (path.length >= limit) return path;
    for (const key of Object.keys(current)) {
      stack.push({ value: (current as Record<string, unknown>)[key], path: [...path, key] });
    }
  }
  return null;
}
