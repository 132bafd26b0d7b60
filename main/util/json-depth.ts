// How deeply a JSON text nests, found in one pass without parsing, so that a hostile file (megabytes
// of `[[[[`) is refused before JSON.parse, the schema checks and recursive walks spend time or stack on it.

/** True when `text` has more than `limit` levels of brackets/braces outside strings. */
export function jsonNestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}
