// TextEncode's embeddings, long prompts and BREAK on a CLIP from LoadCheckpoint (the tiny SD 1.x
// checkpoint), against the original text encoder run with the embedding's vectors substituted at its
// positions and on each 77-token chunk (scripts/reference/text_prompts.py); and the U-Net taking
// the resulting 77·k-token conditioning.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createRuntimeServices } from '../../../main/engine/runtime-services.ts';
import { createEmbeddingLoader } from '../../../main/services/embeddings.ts';
import { textNodes } from '../../../nodes/text.ts';
import type { Conditioning, Denoiser, TextEncoderModel } from '../../../nodes/types.ts';
import { tinyEmbedding } from '../../fixtures/checkpoints/tiny-clip.ts';
import { expectClose, keepTokens, reference, referenceMeta } from '../../unit/checkpoint/reference.ts';
import { fakeContext, fakeServices } from '../../unit/fake-services.ts';
import { SLOW_TEST_MS } from '../cli/harness.ts';
import { loadTinyCheckpoint, type TinyCheckpointRuntime } from './tiny-checkpoint-runtime.ts';

const DIR = 'text/sd1-checkpoint-prompts';
const T = 77;
let clip: TextEncoderModel;
let model: Denoiser;
let embeddingsFolder: string;
let runtime: ReturnType<typeof createRuntimeServices>;

let setup: TinyCheckpointRuntime;

beforeAll(async () => {
  setup = await loadTinyCheckpoint('tiny-sd1', {
    [join('embeddings', 'styles', 'tiny-style.safetensors')]: tinyEmbedding(),
    [join('embeddings', 'sd2-style.safetensors')]: tinyEmbedding({ width: 1024 }),
  });
  ({ runtime } = setup);
  ({ clip, model } = setup.loaded);
  embeddingsFolder = join(setup.models, 'embeddings');
}, SLOW_TEST_MS);

afterAll(() => setup?.remove());

const node = textNodes.find((n) => n.type === 'TextEncode');

async function textEncode(text: string, clipSkip = 1): Promise<Conditioning> {
  const services = fakeServices({ embeddings: createEmbeddingLoader({ runtime }) });
  const out = await node?.run(fakeContext(services).ctx, { clip, text, clip_skip: clipSkip });
  return (out as { conditioning: Conditioning }).conditioning;
}

/** Row `row` of a [rows, kept, W] fixture. */
function fixtureRow(dir: string, name: string, row: number) {
  const all = reference(dir, name);
  const [, kept, width] = all.shape;
  return { data: all.data.subarray(row * kept * width, (row + 1) * kept * width), shape: [1, kept, width] };
}

/** Chunk `i` (77 tokens) of a conditioning, reduced to the fixture's kept tokens. */
function chunk(c: Conditioning, i: number): Float32Array {
  const width = c.shape[2];
  const data = c.data.subarray(i * T * width, (i + 1) * T * width);
  return keepTokens(data, 1, T, width, referenceMeta(DIR).kept_tokens as number[]);
}

describe('TextEncode embedding:name', () => {
  it('puts the embedding’s vectors at its token positions, as the original encoder with them substituted', async () => {
    for (const [skip, name] of [
      [1, 'last_hidden_state'],
      [2, 'penultimate_normed'],
    ] as const) {
      const c = await textEncode('a embedding:styles/tiny-style photo of', skip);
      expect(c.shape).toEqual([1, T, 64]);
      expectClose(chunk(c, 0), fixtureRow(DIR, name, 0), 'float32', `skip ${skip}`);
    }
    const alone = await textEncode('embedding:styles/tiny-style.safetensors');
    expectClose(chunk(alone, 0), fixtureRow(DIR, 'last_hidden_state', 1), 'float32', 'embedding alone');
  });

  it('names a missing embedding and the folders searched, on the text widget', async () => {
    const error = await textEncode('a embedding:nowhere photo').catch((e: Error & { input?: string }) => e);
    expect(error).toMatchObject({ input: 'text' });
    expect((error as Error).message).toContain('embedding:nowhere');
    expect((error as Error).message).toContain(embeddingsFolder);
  });

  it('refuses an embedding made for another width, naming both widths', async () => {
    await expect(textEncode('embedding:sd2-style')).rejects.toThrow(/1024 wide.*takes 64/);
  });

  it('refuses a name that leaves the embeddings folders', async () => {
    await expect(textEncode('embedding:../checkpoints/tiny-sd1')).rejects.toThrow(/not found/);
  });
});

describe('TextEncode long prompts and BREAK', () => {
  it('splits 80 tokens into chunks of 75, each encoded as the original encodes its 77-token row', async () => {
    const c = await textEncode('cat '.repeat(80));
    expect(c.shape).toEqual([1, 2 * T, 64]);
    expectClose(chunk(c, 0), fixtureRow(DIR, 'last_hidden_state', 2), 'float32', 'chunk 1');
    expectClose(chunk(c, 1), fixtureRow(DIR, 'last_hidden_state', 3), 'float32', 'chunk 2');
    expect((await textEncode('cat '.repeat(75))).shape).toEqual([1, T, 64]);
  });

  it('BREAK starts a new chunk; weights apply within their own chunk', async () => {
    const plain = await textEncode('a photo of a cat');
    const split = await textEncode('a photo of a cat BREAK a photo of a cat');
    expect(split.shape).toEqual([1, 2 * T, 64]);
    expect(Array.from(split.data.subarray(0, T * 64))).toEqual(Array.from(plain.data));
    expect(Array.from(split.data.subarray(T * 64))).toEqual(Array.from(plain.data));
    const weighted = await textEncode('a photo of a cat BREAK (a photo of a cat:1.2)');
    expect(Array.from(weighted.data.subarray(0, T * 64))).toEqual(Array.from(plain.data));
    expect(Array.from(weighted.data.subarray(T * 64))).not.toEqual(Array.from(plain.data));
  });

  it('the U-Net takes 77·k tokens, and a tiled conditioning gives the untiled output (attention over repeated keys)', async () => {
    const cond = await textEncode('a photo of a cat');
    const tiled = { data: new Float32Array(2 * cond.data.length), shape: [1, 2 * T, 64] };
    tiled.data.set(cond.data);
    tiled.data.set(cond.data, cond.data.length);
    const x = { data: Float32Array.from({ length: 4 * 8 * 8 }, (_, i) => Math.sin(i)), shape: [1, 4, 8, 8] };
    const once = await model.predict(x, 500, cond);
    const twice = await model.predict(x, 500, tiled);
    expectClose(twice, { data: once, shape: [once.length] }, 'float32', 'tiled');
  });
});
