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

/**
 * Score when every word of `query` starts a word of `text` (for long prose such as descriptions,
 * where letters scattered through sentences would match almost anything); null otherwise.
 */
export function wordScore(query: string, text: string): number | null {
  const words = text.toLowerCase().split(/[^a-z0-9]+/);
  const terms = query
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (terms.length === 0) return 0;
  let score = 0;
  for (const term of terms) {
    const hit = words.find((w) => w.startsWith(term));
    if (!hit) return null;
    score += term.length + (hit === term ? 2 : 0);
  }
  return score;
}

/** Tiers, best first: the node's name or type, its category, then words of its description. */
function matchTier(schema: NodeSchema, query: string): { tier: number; score: number } | null {
  const name = Math.max(fuzzyScore(query, schema.displayName) ?? -1, fuzzyScore(query, schema.type) ?? -1);
  if (name >= 0) return { tier: 0, score: name };
  const category = fuzzyScore(query, schema.category);
  if (category !== null) return { tier: 1, score: category };
  const description = wordScore(query, schema.description);
  return description !== null ? { tier: 2, score: description } : null;
}

export function searchNodes(
  schemas: readonly NodeSchema[],
  query: string,
  filter?: SocketFilter,
): NodeSchema[] {
  const scored: { schema: NodeSchema; tier: number; score: number }[] = [];
  for (const schema of schemas) {
    if (filter && !acceptsSocket(schema, filter)) continue;
    const match = matchTier(schema, query);
    if (match) scored.push({ schema, ...match });
  }
  const byName = (a: NodeSchema, b: NodeSchema) =>
    a.category.localeCompare(b.category) || a.displayName.localeCompare(b.displayName);
  return scored
    .sort((a, b) => a.tier - b.tier || b.score - a.score || byName(a.schema, b.schema))
    .map((s) => s.schema);
}
