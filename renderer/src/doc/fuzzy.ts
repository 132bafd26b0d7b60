// Fuzzy search for the node palette: letters in order, rewarding word starts and runs.
import { WIDGET_SOCKET } from '../../../nodes/api.ts';
import type { NodeSchema, SocketType } from './types.ts';

/** Score of `query` against `text`; null when the letters do not all appear in order. */
export function fuzzyScore(query: string, text: string): number | null {
  const q = query.toLowerCase().replace(/\s+/g, '');
  if (q.length === 0) return 0;
  const t = text.toLowerCase();
  let score = 0;
  let ti = 0;
  let run = 0;
  for (const ch of q) {
    const found = t.indexOf(ch, ti);
    if (found < 0) return null;
    const wordStart =
      found === 0 || /[^a-z0-9]/.test(t[found - 1]) || (text[found] >= 'A' && text[found] <= 'Z');
    run = found === ti ? run + 1 : 0;
    score += 1 + (wordStart ? 3 : 0) + run * 2 - Math.min(found - ti, 5) * 0.2;
    ti = found + 1;
  }
  if (t.startsWith(query.toLowerCase())) score += 10;
  return score;
}

/** Which end of a dragged wire the new node must offer. */
export interface SocketFilter {
  type: SocketType;
  /** `input`: the node needs an input (or primitive widget) of this type; `output`: an output. */
  needs: 'input' | 'output';
}

export function acceptsSocket(schema: NodeSchema, filter: SocketFilter): string | null {
  if (filter.needs === 'output') return schema.outputs.find((o) => o.type === filter.type)?.name ?? null;
  const input = schema.inputs.find((i) => i.type === filter.type);
  if (input) return input.name;
  return schema.widgets.find((w) => WIDGET_SOCKET[w.kind] === filter.type)?.name ?? null;
}

export function searchNodes(
  schemas: readonly NodeSchema[],
  query: string,
  filter?: SocketFilter,
): NodeSchema[] {
  const scored: { schema: NodeSchema; score: number }[] = [];
  for (const schema of schemas) {
    if (filter && !acceptsSocket(schema, filter)) continue;
    const fields = [
      [schema.displayName, 1.5],
      [schema.type, 1.2],
      [schema.category, 1],
      [schema.description, 0.5],
    ] as const;
    let best: number | null = null;
    for (const [text, weight] of fields) {
      const s = fuzzyScore(query, text);
      if (s !== null && (best === null || s * weight > best)) best = s * weight;
    }
    if (best !== null) scored.push({ schema, score: best });
  }
  const byName = (a: NodeSchema, b: NodeSchema) =>
    a.category.localeCompare(b.category) || a.displayName.localeCompare(b.displayName);
  return scored.sort((a, b) => b.score - a.score || byName(a.schema, b.schema)).map((s) => s.schema);
}
