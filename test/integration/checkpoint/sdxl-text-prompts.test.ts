// SDXL prompts on a CLIP from LoadCheckpoint (the tiny SDXL base): `embedding:name` with an SDXL embedding
// (clip_l and clip_g vectors, each spliced into its own encoder at the same positions), long prompts and
// BREAK (77-token chunks through both encoders, the encoder with fewer chunks padded with empty-prompt
// chunks, the first chunk's pooled embedding), against sgm's embedders run on each 77-token row with the
// vectors substituted (scripts/reference/sdxl_prompts.py); and the U-Net taking 77·k tokens.
import { createHash } from 'node:crypto';
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createRuntimeServices } from '../../../main/engine/runtime-services.ts';
import { EXTRA_TOKENS_FILE } from '../../../main/runtime/extra-tokens.ts';
import { loadPipelineDir } from '../../../main/runtime/loaders.ts';
import { createEmbeddingLoader } from '../../../main/services/embeddings.ts';
import { conditioningToolNodes } from '../../../nodes/conditioning-tools.ts';
import { tileSequence } from '../../../nodes/math/sequence-tiling.ts';
import { textNodes } from '../../../nodes/text.ts';
import { sdxlTextNodes } from '../../../nodes/text-sdxl.ts';
import type { Conditioning, Denoiser, TextEncoderModel } from '../../../nodes/types.ts';
import { TINY_CHECKPOINT_PARTS } from '../../fixtures/checkpoints/parts.ts';
import { tinyEmbedding } from '../../fixtures/checkpoints/tiny-clip.ts';
import { expectClose, keepTokens, reference, referenceMeta } from '../../unit/checkpoint/reference.ts';
import { fakeContext, fakeServices } from '../../unit/fake-services.ts';
import { SLOW_TEST_MS } from '../cli/harness.ts';
import { loadTinyCheckpoint, type TinyCheckpointRuntime } from './tiny-checkpoint-runtime.ts';

const DIR = 'text/sdxl-prompts';
const T = 77;
/** Width of each tiny encoder; the conditioning is both side by side. */
const W = 64;
/** Fixture rows (see the reference script). */
const ROW = { embedding: 0, cats75: 1, cats5: 2, empty: 3, photo: 4 } as const;
let clip: TextEncoderModel;
let model: Denoiser;
let runtime: ReturnType<typeof createRuntimeServices>;
let models: string;
let root: string;

let setup: TinyCheckpointRuntime;

beforeAll(async () => {
  setup = await loadTinyCheckpoint('tiny-sdxl', {
    [join('embeddings', 'tiny-xl.safetensors')]: TINY_CHECKPOINT_PARTS['tiny-sdxl-embedding'](),
    [join('embeddings', 'tiny-sd1.safetensors')]: tinyEmbedding(),
  });
  ({ runtime, models, scratch: root } = setup);
  ({ clip, model } = setup.loaded);
}, SLOW_TEST_MS);

afterAll(() => setup?.remove());

const NODES = [...textNodes, ...sdxlTextNodes];

async function encode(
  type: 'TextEncode' | 'TextEncodeSDXL',
  inputs: Record<string, unknown>,
): Promise<{ cond: Conditioning; warnings: string[] }> {
  const services = fakeServices({ embeddings: createEmbeddingLoader({ runtime }) });
  const { ctx, warnings } = fakeContext(services);
  const out = await NODES.find((n) => n.type === type)?.run(ctx, { clip, ...inputs });
  return { cond: (out as { conditioning: Conditioning }).conditioning, warnings };
}

const sdxl = async (textL: string, textG: string) =>
  (await encode('TextEncodeSDXL', { text_l: textL, text_g: textG })).cond;

/** Row `row` of a [rows, kept, W] fixture. */
function fixtureRow(name: string, row: number) {
  const all = reference(DIR, name);
  const [, kept, width] = all.shape;
  return { data: all.data.subarray(row * kept * width, (row + 1) * kept * width), shape: [1, kept, width] };
}

/** One encoder's half (0: CLIP-L, 1: bigG) of chunk `i` of a conditioning, at the fixture's kept tokens. */
function half(c: Conditioning, i: number, part: 0 | 1): Float32Array {
  const width = c.shape[2];
  const data = Float32Array.from({ length: T * W }, (_, k) => {
    const token = i * T + Math.floor(k / W);
    return c.data[token * width + part * W + (k % W)];
  });
  return keepTokens(data, 1, T, W, referenceMeta(DIR).kept_tokens as number[]);
}

/** Chunk `i` of `c` is fixture row `l` in CLIP-L and row `g` in bigG. */
function expectChunk(c: Conditioning, i: number, rows: { l: number; g: number }) {
  expectClose(half(c, i, 0), fixtureRow('penultimate_l', rows.l), 'float32', `chunk ${i} CLIP-L`);
  expectClose(half(c, i, 1), fixtureRow('penultimate_g', rows.g), 'float32', `chunk ${i} bigG`);
}

function expectPooled(c: Conditioning, row: number) {
  const all = reference(DIR, 'text_embeds');
  const size = all.shape[1];
  const expected = { data: all.data.subarray(row * size, (row + 1) * size), shape: [1, size] };
  expectClose(c.pooled?.data as Float32Array, expected, 'float32', 'pooled');
}

describe('SDXL embedding:name', () => {
  it('regenerates the checkpoint and embedding the fixtures were computed from', () => {
    const meta = referenceMeta(DIR);
    const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
    expect(sha256(join(models, 'checkpoints', 'tiny-sdxl.safetensors'))).toBe(meta.sha256);
    expect(sha256(join(models, 'embeddings', 'tiny-xl.safetensors'))).toBe(meta.embedding_sha256);
  });

  it('puts clip_l’s vectors in CLIP-L and clip_g’s in bigG at the same positions', async () => {
    const text = 'a embedding:tiny-xl photo of';
    const c = await sdxl(text, text);
    expect(c.shape).toEqual([1, T, 2 * W]);
    expectChunk(c, 0, { l: ROW.embedding, g: ROW.embedding });
    expectPooled(c, ROW.embedding);
    // TextEncode on an SDXL CLIP sends its prompt to both encoders the same way.
    const viaTextEncode = (await encode('TextEncode', { text })).cond;
    expect(viaTextEncode.data).toEqual(c.data);
    // Only the prompt that names it gets the embedding.
    const onlyG = await sdxl('a photo of', text);
    expectChunk(onlyG, 0, { l: ROW.photo, g: ROW.embedding });
  });

  it('a pipeline without the extra-token encoders (e.g. an optimum export) says how to get them; plain prompts still work', async () => {
    const builds = join(models, '.diffgraph-cache', 'builds');
    const old = join(root, 'old-build');
    const [build] = readdirSync(builds);
    cpSync(join(builds, build), old, { recursive: true, filter: (src) => !src.endsWith(EXTRA_TOKENS_FILE) });
    const pipeline = await loadPipelineDir({ runtime, warn() {} }, old, 'old-build', 'cpu');
    const node = sdxlTextNodes.find((n) => n.type === 'TextEncodeSDXL');
    const services = fakeServices({ embeddings: createEmbeddingLoader({ runtime }) });
    const run = (text: string) =>
      node?.run(fakeContext(services).ctx, { clip: pipeline.clip, text_l: text, text_g: text });
    const error = await Promise.resolve(run('a embedding:tiny-xl photo')).catch(
      (e: Error & { input?: string }) => e,
    );
    expect(error).toMatchObject({ input: 'clip' });
    expect((error as Error).message).toMatch(/takes token ids only.*Load Checkpoint.*diffgraph convert/);
    const plain = (await run('a photo of')) as { conditioning: Conditioning };
    expectChunk(plain.conditioning, 0, { l: ROW.photo, g: ROW.photo });
  });

  it('refuses an SD 1.x embedding on SDXL, naming the file, the input and what was expected', async () => {
    const error = await sdxl('a photo', 'a embedding:tiny-sd1 photo').catch(
      (e: Error & { input?: string }) => e,
    );
    expect(error).toMatchObject({ input: 'text_g' });
    expect((error as Error).message).toMatch(
      /tiny-sd1\.safetensors: an SD 1\.x\/2\.x embedding \(emb_params, 64 wide\) cannot be used with SDXL: expected an SDXL embedding with clip_l and clip_g/,
    );
  });
});

describe('SDXL long prompts and BREAK', () => {
  it('splits bigG’s 80 tokens into two chunks and pads CLIP-L’s single chunk with the empty prompt', async () => {
    const { cond, warnings } = await encode('TextEncodeSDXL', {
      text_l: 'a photo of',
      text_g: 'cat '.repeat(80),
    });
    expect(warnings).toEqual([]);
    expect(cond.shape).toEqual([1, 2 * T, 2 * W]);
    expectChunk(cond, 0, { l: ROW.photo, g: ROW.cats75 });
    expectChunk(cond, 1, { l: ROW.empty, g: ROW.cats5 });
    // The pooled embedding is the first chunk's.
    expectPooled(cond, ROW.cats75);
    expect(cond.pooled?.shape).toEqual([1, reference(DIR, 'text_embeds').shape[1]]);
  });

  it('pads bigG when CLIP-L has more chunks, and BREAK starts a new chunk', async () => {
    const longL = await sdxl('cat '.repeat(80), 'a photo of');
    expectChunk(longL, 0, { l: ROW.cats75, g: ROW.photo });
    expectChunk(longL, 1, { l: ROW.cats5, g: ROW.empty });
    expectPooled(longL, ROW.photo);
    const split = await sdxl('a photo of', 'cat cat cat cat cat BREAK a photo of');
    expect(split.shape).toEqual([1, 2 * T, 2 * W]);
    expectChunk(split, 0, { l: ROW.photo, g: ROW.cats5 });
    expectChunk(split, 1, { l: ROW.empty, g: ROW.photo });
    expectPooled(split, ROW.cats5);
  });

  it('the U-Net takes 77·k tokens with the pooled embedding, and a tiled conditioning gives the untiled output', async () => {
    const cond = await sdxl('a photo of', 'a photo of');
    const x = { data: Float32Array.from({ length: 4 * 8 * 8 }, (_, i) => Math.sin(i)), shape: [1, 4, 8, 8] };
    const once = await model.predict(x, 500, cond);
    const twice = await model.predict(x, 500, tileSequence(cond, 2 * T));
    expectClose(twice, { data: once, shape: [once.length] }, 'float32', 'tiled');
    // A second chunk is attended to, not cut.
    const long = await sdxl('a photo of', 'a photo of BREAK cat cat cat cat cat');
    expect(long.shape).toEqual([1, 2 * T, 2 * W]);
    const withSecond = await model.predict(x, 500, long);
    expect(Array.from(withSecond)).not.toEqual(Array.from(once));
  });
});

describe('SDXL clip skip as ComfyUI sets it', () => {
  async function throughSetClipSkip(skip: number): Promise<Conditioning> {
    const setSkip = conditioningToolNodes.find((n) => n.type === 'SetClipSkip');
    const out = await setSkip?.run(fakeContext().ctx, { clip, clip_skip: skip });
    const skipped = (out as { clip: TextEncoderModel }).clip;
    const encodeNode = sdxlTextNodes.find((n) => n.type === 'TextEncodeSDXL');
    const encoded = await encodeNode?.run(fakeContext().ctx, {
      clip: skipped,
      text_l: 'a photo of',
      text_g: 'a photo of',
    });
    return (encoded as { conditioning: Conditioning }).conditioning;
  }

  it('Set Clip Skip 1 (CLIPSetLastLayer -1) gives both encoders’ last layer without the final norm; 2 is SDXL’s own', async () => {
    const last = await throughSetClipSkip(1);
    expectClose(half(last, 0, 0), fixtureRow('last_l', ROW.photo), 'float32', 'CLIP-L last layer');
    expectClose(half(last, 0, 1), fixtureRow('last_g', ROW.photo), 'float32', 'bigG last layer');
    // The pooled embedding does not depend on the layer the states stop at.
    expectPooled(last, ROW.photo);
    const own = await sdxl('a photo of', 'a photo of');
    expectChunk(own, 0, { l: ROW.photo, g: ROW.photo });
    expect((await throughSetClipSkip(2)).data).toEqual(own.data);
    // The node's own clip_skip 1 is SDXL's conditioning too.
    const widgetOne = await encode('TextEncodeSDXL', {
      text_l: 'a photo of',
      text_g: 'a photo of',
      clip_skip: 1,
    });
    expect(widgetOne.cond.data).toEqual(own.data);
  });
});
