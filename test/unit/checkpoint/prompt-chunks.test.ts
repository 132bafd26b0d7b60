// Splitting a prompt into 77-token rows as A1111 does (75 tokens per chunk, BREAK, embeddings kept
// whole), and tiling conditionings of different lengths to one sequence length as ComfyUI does.
import { describe, expect, it } from 'vitest';
import { GuidedModel } from '../../../nodes/math/guidance.ts';
import { commonSequenceLength, fitContextLength, tileSequence } from '../../../nodes/math/sequence-tiling.ts';
import { chunkRows, type TokenRun, tokenRuns } from '../../../nodes/text/chunks.ts';
import { parsePromptWeights } from '../../../nodes/text/prompt-weights.ts';
import type { Conditioning, Denoiser, Tensor } from '../../../nodes/types.ts';

const BOS = 49406;
const EOS = 49407;
/** The empty prompt's ids with SD 2.x-style zero padding, so the end token's place is visible. */
const EMPTY = Int32Array.from({ length: 77 }, (_, i) => (i === 0 ? BOS : i === 1 ? EOS : 0));
const OPTIONS = { maxLength: 77, empty: EMPTY, maxChunks: 32 };
const words = (n: number, weight = 1): TokenRun => ({
  kind: 'tokens',
  tokens: Array.from({ length: n }, (_, i) => ({ id: 100 + i, weight })),
  whole: false,
});

describe('chunkRows', () => {
  it('fills 75 tokens per chunk, each row start + tokens + end + padding', () => {
    const { rows } = chunkRows([words(80)], OPTIONS);
    expect(rows).toHaveLength(2);
    expect(Array.from(rows[0].ids.subarray(0, 2))).toEqual([BOS, 100]);
    expect(rows[0].ids[75]).toBe(174);
    expect(rows[0].ids[76]).toBe(EOS);
    expect(Array.from(rows[1].ids.subarray(0, 8))).toEqual([BOS, 175, 176, 177, 178, 179, EOS, 0]);
    expect(chunkRows([words(75)], OPTIONS).rows).toHaveLength(1);
    expect(chunkRows([], OPTIONS).rows.map((r) => Array.from(r.ids))).toEqual([Array.from(EMPTY)]);
  });

  it('BREAK closes the chunk, even an empty one (as A1111)', () => {
    const { rows } = chunkRows([words(3), { kind: 'break' }, words(2)], OPTIONS);
    expect(rows.map((r) => Array.from(r.ids.subarray(0, 5)))).toEqual([
      [BOS, 100, 101, 102, EOS],
      [BOS, 100, 101, EOS, 0],
    ]);
    expect(chunkRows([{ kind: 'break' }, words(1)], OPTIONS).rows).toHaveLength(2);
  });

  it('keeps an embedding whole: one that does not fit starts the next chunk', () => {
    const embedding: TokenRun = {
      kind: 'tokens',
      tokens: [-1, -2, -3].map((id) => ({ id, weight: 1.2 })),
      whole: true,
    };
    const { rows } = chunkRows([words(74), embedding], OPTIONS);
    expect(rows).toHaveLength(2);
    expect(rows[0].ids[75]).toBe(EOS);
    expect(Array.from(rows[1].ids.subarray(0, 5))).toEqual([BOS, -1, -2, -3, EOS]);
    expect(Array.from(rows[1].weights.subarray(0, 5))).toEqual([1, 1.2, 1.2, 1.2, 1].map(Math.fround));
  });

  it('cuts past maxChunks and says so', () => {
    const { rows, truncated } = chunkRows([words(200)], { ...OPTIONS, maxChunks: 2 });
    expect(rows).toHaveLength(2);
    expect(truncated).toBe(true);
  });
});

describe('tokenRuns', () => {
  it('turns embeddings into negative ids from their first vector row, with their weight', () => {
    const segments = parsePromptWeights('a (embedding:x:1.5) b embedding:y');
    const rows = new Map([
      ['x', { firstRow: 0, tokens: 2 }],
      ['y', { firstRow: 2, tokens: 1 }],
    ]);
    const runs = tokenRuns(segments, (t) => (t.trim() ? [t.trim().charCodeAt(0)] : []), rows);
    const ids = runs.flatMap((r) => (r.kind === 'tokens' ? r.tokens.map((t) => [t.id, t.weight]) : []));
    expect(ids).toEqual([
      [97, 1],
      [-1, 1.5],
      [-2, 1.5],
      [98, 1],
      [-3, 1],
    ]);
  });
});

describe('tokenRuns limit', () => {
  it('stops tokenizing once past the limit, passing the tokens still wanted', () => {
    const asked: number[] = [];
    const tokenIds = (text: string, left: number) => {
      asked.push(left);
      return Array.from({ length: Math.min(text.length, left + 1) }, () => 1);
    };
    const segments = parsePromptWeights('aaaaa (bbbbb) ccccc');
    const runs = tokenRuns(segments, tokenIds, new Map(), 7);
    const count = runs.reduce((n, r) => n + (r.kind === 'tokens' ? r.tokens.length : 0), 0);
    expect(asked).toEqual([7, 1]);
    expect(count).toBe(8);
  });
});

describe('sequence tiling (ComfyUI CONDCrossAttn.concat)', () => {
  it('tiles to the least common multiple, up to 4×', () => {
    expect(commonSequenceLength(77, 154)).toBe(154);
    expect(commonSequenceLength(154, 231)).toBe(462);
    expect(commonSequenceLength(77, 5 * 77)).toBeNull();
    const cond: Tensor = { data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]), shape: [2, 2, 2] };
    expect(Array.from(tileSequence(cond, 4).data)).toEqual([1, 2, 3, 4, 1, 2, 3, 4, 5, 6, 7, 8, 5, 6, 7, 8]);
  });

  it('a model fixed at 77 tokens gets the first chunk of each item, with a warning', () => {
    const warnings: string[] = [];
    const cond = { data: Float32Array.from({ length: 2 * 6 }, (_, i) => i), shape: [2, 6, 1] };
    const fitted = fitContextLength({ warn: (m) => warnings.push(m) }, { name: 'm', contextTokens: 3 }, cond);
    expect(Array.from(fitted?.data ?? [])).toEqual([0, 1, 2, 6, 7, 8]);
    expect(warnings).toHaveLength(1);
    expect(fitContextLength({ warn: (m) => warnings.push(m) }, { name: 'm' }, cond)).toBe(cond);
  });

  it('a sampler with a 154-token positive and a 77-token negative makes one call with both tiled to 154', async () => {
    const seen: number[][] = [];
    const denoiser = {
      name: 'probe',
      conditional: true,
      batch: 'dynamic',
      channels: 1,
      async predict(x: Tensor, _t: number, context?: Conditioning) {
        seen.push(context?.shape ?? []);
        // uncond half: sum of its context; cond half likewise (a per-item function of the context).
        const per = (context?.data.length ?? 0) / 2;
        const sums = [0, 1].map((b) =>
          context?.data.subarray(b * per, (b + 1) * per).reduce((a, v) => a + v, 0),
        );
        return Float32Array.from(x.data, (_, i) => sums[i < x.data.length / 2 ? 0 : 1] ?? 0);
      },
    } as unknown as Denoiser;
    const positive = { data: new Float32Array(154).fill(1), shape: [1, 154, 1] };
    const negative = { data: new Float32Array(77).fill(2), shape: [1, 77, 1] };
    const guided = new GuidedModel({ denoiser, shape: [1, 1, 1, 1], cfg: 2, positive, negative });
    const parts = await guided.predictParts(new Float32Array(1), 1);
    expect(seen).toEqual([[2, 154, 1]]);
    expect([parts.uncond[0], parts.cond[0]]).toEqual([2 * 154, 154]);
  });
});
