// Rough memory size of node outputs for the cache budget: tensors dominate, so typed arrays are
// counted exactly (each buffer once) and everything else approximately, with a depth limit so
// opaque objects such as model handles are not walked deeply.
const MAX_DEPTH = 4;

export function estimateBytes(value: unknown, seen: Set<unknown> = new Set(), depth = 0): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'string') return 2 * value.length;
  if (typeof value !== 'object') return 8;
  if (ArrayBuffer.isView(value)) return countBuffer(value.buffer, value.byteLength, seen);
  if (value instanceof ArrayBuffer) return countBuffer(value, value.byteLength, seen);
  if (seen.has(value) || depth >= MAX_DEPTH) return 0;
  seen.add(value);
  let total = 16;
  if (Array.isArray(value)) {
    for (const item of value) total += 8 + estimateBytes(item, seen, depth + 1);
    return total;
  }
  for (const key of Object.keys(value)) {
    total += 8 + estimateBytes((value as Record<string, unknown>)[key], seen, depth + 1);
  }
  return total;
}

function countBuffer(buffer: ArrayBufferLike, viewBytes: number, seen: Set<unknown>): number {
  if (seen.has(buffer)) return 0;
  seen.add(buffer);
  return Math.max(viewBytes, buffer.byteLength);
}
