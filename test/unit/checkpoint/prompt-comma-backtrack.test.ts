// A1111's comma backtracking (modules/sd_hijack_clip.py, tokenize_line, comma_padding_backtrack):
// when a 75-token chunk is full and the next token is not a comma, a comma among the last `window`
// positions ends the chunk and the tokens after it move to the next one. The expected layouts
// below are worked out by hand from that rule (positions counted from 0 within the chunk).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultRegistry } from '../../../main/engine/registry.ts';
import { parseGraphJson } from '../../../main/graph/load.ts';
import { exportComfyApi } from '../../../main/interop/comfy/export-api.ts';
import { APP_ROOT } from '../../../main/paths.ts';
import { loadClipTokenizer } from '../../../main/runtime/clip-tokenizer.ts';
import { chunkRows, type TokenRun } from '../../../nodes/text/chunks.ts';
import { textNodes } from '../../../nodes/text.ts';
import type { TextEncoderModel } from '../../../nodes/types.ts';
import { fakeContext } from '../fake-services.ts';

const BOS = 49406;
const EOS = 49407;
const COMMA = 267;
const EMPTY = Int32Array.from({ length: 77 }, (_, i) => (i === 0 ? BOS : i === 1 ? EOS : 0));
const A1111 = { maxLength: 77, empty: EMPTY, maxChunks: 32, commaBacktrack: { commaId: COMMA, window: 20 } };
const COMFY = { maxLength: 77, empty: EMPTY, maxChunks: 32 };

/** `n` distinct word tokens starting at id `from`. */
const words = (n: number, from: number, weight = 1): TokenRun => ({
  kind: 'tokens',
  tokens: Array.from({ length: n }, (_, i) => ({ id: from + i, weight })),
  whole: false,
});
const comma: TokenRun = { kind: 'tokens', tokens: [{ id: COMMA, weight: 1 }], whole: false };
const range = (n: number, from: number) => Array.from({ length: n }, (_, i) => from + i);
/** A row's tokens between the start token and the end token. */
const body = (ids: Int32Array) => Array.from(ids.subarray(1, ids.indexOf(EOS)));

describe('comma backtracking', () => {
  it('cuts a full chunk after a comma 15 positions back and moves the 14 words after it', () => {
    // 60 words, comma at position 60, then 20 words: the chunk is full after 14 of them.
    const runs = [words(60, 1000), comma, words(20, 2000)];
    const a1111 = chunkRows(runs, A1111).rows.map((r) => body(r.ids));
    expect(a1111).toEqual([[...range(60, 1000), COMMA], range(20, 2000)]);
    // Without backtracking (ComfyUI) the chunk is cut at 75 tokens whatever they are.
    const comfy = chunkRows(runs, COMFY).rows.map((r) => body(r.ids));
    expect(comfy).toEqual([[...range(60, 1000), COMMA, ...range(14, 2000)], range(6, 2014)]);
  });

  it('looks back exactly `window` positions: comma at 55 moves, comma at 54 does not', () => {
    const at55 = chunkRows([words(55, 1000), comma, words(25, 2000)], A1111).rows.map((r) => body(r.ids));
    expect(at55).toEqual([[...range(55, 1000), COMMA], range(25, 2000)]);
    const at54 = chunkRows([words(54, 1000), comma, words(26, 2000)], A1111).rows.map((r) => body(r.ids));
    expect(at54).toEqual([[...range(54, 1000), COMMA, ...range(20, 2000)], range(6, 2020)]);
  });

  it('a comma that arrives at a full chunk starts the next chunk and is not a cut point there', () => {
    const rows = chunkRows([words(75, 1000), comma, words(3, 2000)], A1111).rows.map((r) => body(r.ids));
    expect(rows).toEqual([range(75, 1000), [COMMA, ...range(3, 2000)]]);
  });

  it('moved tokens keep their weights; the rows are padded as usual', () => {
    const { rows } = chunkRows([words(70, 1000), comma, words(10, 2000, 1.5)], A1111);
    expect(body(rows[0].ids)).toEqual([...range(70, 1000), COMMA]);
    expect(rows[0].ids[72]).toBe(EOS);
    expect(Array.from(rows[1].ids.subarray(0, 12))).toEqual([BOS, ...range(10, 2000), EOS]);
    expect(Array.from(rows[1].weights.subarray(0, 12))).toEqual([1, ...Array(10).fill(1.5), 1]);
  });

  it('an embedding meeting a full chunk moves the words after a near comma with it', () => {
    const embedding: TokenRun = {
      kind: 'tokens',
      tokens: [-1, -2, -3].map((id) => ({ id, weight: 1 })),
      whole: true,
    };
    const rows = chunkRows([words(70, 1000), comma, words(4, 2000), embedding], A1111).rows;
    expect(rows.map((r) => body(r.ids))).toEqual([
      [...range(70, 1000), COMMA],
      [...range(4, 2000), -1, -2, -3],
    ]);
  });

  it('BREAK forgets the comma before it', () => {
    const runs = [words(10, 1000), comma, { kind: 'break' } as TokenRun, words(80, 2000)];
    const rows = chunkRows(runs, A1111).rows.map((r) => body(r.ids));
    expect(rows).toEqual([[...range(10, 1000), COMMA], range(75, 2000), range(5, 2075)]);
  });

  it('window 0 is the same as no backtracking', () => {
    const runs = [words(60, 1000), comma, words(20, 2000)];
    const off = { ...A1111, commaBacktrack: { commaId: COMMA, window: 0 } };
    expect(chunkRows(runs, off).rows.map((r) => body(r.ids))).toEqual(
      chunkRows(runs, COMFY).rows.map((r) => body(r.ids)),
    );
  });
});

const tokenizer = loadClipTokenizer(join(import.meta.dirname, '../../fixtures/clip-tokenizer'));

/** The real CLIP tokenizer in front of an encoder that records the id rows it is given. */
function recordingClip(seen: Int32Array[]): TextEncoderModel {
  return {
    kind: 'clip',
    name: 'recording CLIP',
    maxLength: 77,
    hiddenSize: 4,
    tokenize: (text) => tokenizer.tokenize(text),
    tokenIds: (text, limit) => tokenizer.encodeTokens(text, limit),
    encode: async () => {
      throw new Error('long prompts must go through encodeIds');
    },
    encodeIds: async (rows) => {
      seen.push(...rows);
      return { data: new Float32Array(rows.length * 77 * 4), shape: [rows.length, 77, 4] };
    },
  };
}

describe('TextEncode comma_backtrack', () => {
  // "cat" and "dog" are one token each in CLIP's vocabulary and "," is 267 (",</w>").
  const prompt = `${Array(60).fill('cat').join(' ')}, ${Array(20).fill('dog').join(' ')}`;
  const encode = async (commaBacktrack?: number) => {
    const seen: Int32Array[] = [];
    const node = textNodes.find((n) => n.type === 'TextEncode');
    const inputs = { clip: recordingClip(seen), text: prompt, clip_skip: 1, comma_backtrack: commaBacktrack };
    await node?.run(fakeContext().ctx, inputs);
    return seen.map(body);
  };

  it('encodes the chunks A1111 makes at 20 and ComfyUI makes by default', async () => {
    const [cat, dog] = [tokenizer.encodeTokens('cat'), tokenizer.encodeTokens('dog')];
    expect(tokenizer.encodeTokens(',')).toEqual([COMMA]);
    expect([cat.length, dog.length]).toEqual([1, 1]);
    const cats = Array(60).fill(cat[0]);
    const dogs = (n: number) => Array(n).fill(dog[0]);
    expect(await encode(20)).toEqual([[...cats, COMMA], dogs(20)]);
    expect(await encode()).toEqual([[...cats, COMMA, ...dogs(14)], dogs(6)]);
    expect(await encode(0)).toEqual(await encode());
  });
});

describe('comma_backtrack and ComfyUI', () => {
  it('an export to ComfyUI reports a backtracking Text Encode (ComfyUI has no such setting)', () => {
    const registry = defaultRegistry();
    const text = readFileSync(join(APP_ROOT, 'graphs', 'default.json'), 'utf8');
    const doc = parseGraphJson(text, 'default.json').doc;
    const encoder = Object.entries(doc.nodes).find(([, n]) => n.type === 'TextEncode');
    if (!encoder) throw new Error('the default graph has a Text Encode');
    expect(exportComfyApi(doc, registry).report.problems).toEqual([]);
    encoder[1].widgets = { ...encoder[1].widgets, comma_backtrack: 20 };
    expect(exportComfyApi(doc, registry).report.problems).toEqual([
      `TextEncode ${encoder[0]}: comma_backtrack 20 is not written (ComfyUI never backtracks to a comma)`,
    ]);
  });
});
