// Regression: unknown fields nested 3,000 deep gave "Maximum call stack size
// exceeded"; a depth limit now gives a clear error naming the limit and where it was passed.
import { describe, expect, it } from 'vitest';
import { parseGraphJson } from '../../../main/graph/load.ts';
import { normalizeGraph } from '../../../main/graph/normalize.ts';
import { jsonTextTooDeepAt, valueTooDeepAt } from '../../../main/util/json-depth.ts';

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = { deeper: value };
  return value;
}

describe('JSON depth limit', () => {
  it('a graph with unknown fields nested 3,000 deep is a bad document, not a crash', () => {
    const doc = {
      format: 'diffgraph',
      version: 1,
      nodes: { a: { type: 'X', extra: nested(3000) } },
      edges: [],
    };
    const result = normalizeGraph(doc);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      expect.objectContaining({
        code: 'bad-document',
        message: expect.stringMatching(
          /nests deeper than 64 levels \(at nodes\.a\.extra\.deeper\.deeper\.deeper/,
        ),
      }),
    ]);
    expect(() => parseGraphJson(JSON.stringify(doc), 'deep.json')).toThrow(
      /deep\.json: the document nests deeper than 64/,
    );
  });

  it('ordinary graphs pass, and the limit is exact', () => {
    expect(valueTooDeepAt(nested(64))).toBeNull();
    expect(valueTooDeepAt(nested(65))).toHaveLength(64);
    expect(jsonTextTooDeepAt(JSON.stringify(nested(63)))).toBe(-1);
    expect(jsonTextTooDeepAt(`${'['.repeat(65)}${']'.repeat(65)}`)).toBe(65);
    // Brackets inside strings do not count.
    expect(jsonTextTooDeepAt(JSON.stringify({ text: '[[[[[[\\"[[[['.repeat(100) }))).toBe(-1);
  });
});
