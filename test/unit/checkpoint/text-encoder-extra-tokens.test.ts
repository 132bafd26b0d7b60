// The extra-token text encoder (text_encoder/extra_tokens.onnx) against the original implementation
// with a textual-inversion embedding's vectors substituted at its token positions
// (scripts/reference/text_prompts.py), for CLIP-L (SD 1.x) and OpenCLIP (SD 2.x), float32 and float16.
import ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTextEncoder } from '../../../main/checkpoint/build/text-encoder.ts';
import {
  EXTRA_TOKENS_INPUT,
  withExtraTokenInput,
} from '../../../main/checkpoint/build/text-encoder-extra-tokens.ts';
import { readClipStructure } from '../../../main/checkpoint/clip-structure.ts';
import { openSafetensors, type SafetensorsFile } from '../../../main/checkpoint/safetensors-read.ts';
import { TINY_CHECKPOINT_PARTS } from '../../fixtures/checkpoints/parts.ts';
import { TINY_CLIP } from '../../fixtures/checkpoints/tiny-clip.ts';
import {
  expectClose,
  keepTokens,
  reference,
  referenceMeta,
  runModel,
  writeTinyCheckpoint,
} from './reference.ts';

const { contextLength: T, width: W } = TINY_CLIP;
const written = new Map<string, ReturnType<typeof writeTinyCheckpoint>>();
const opened = new Map<string, Promise<SafetensorsFile>>();

afterAll(async () => {
  for (const file of opened.values()) await (await file).close();
});

/** Each tiny file written once per run (the 49408-row token table makes them slow to write). */
function write(part: string) {
  if (!written.has(part)) written.set(part, writeTinyCheckpoint(part));
  return written.get(part) as ReturnType<typeof writeTinyCheckpoint>;
}

function open(part: string): Promise<SafetensorsFile> {
  if (!opened.has(part))
    opened.set(
      part,
      write(part).then(({ path }) => openSafetensors(path)),
    );
  return opened.get(part) as Promise<SafetensorsFile>;
}

function vectors(): Float32Array {
  const [emb] = TINY_CHECKPOINT_PARTS['tiny-embedding']();
  return Float32Array.from(emb.values as ArrayLike<number>);
}

describe.each([
  { layout: 'hf', part: 'tiny-clip-l' },
  { layout: 'openclip', part: 'tiny-openclip' },
] as const)('$layout text encoder with extra token vectors', ({ layout, part }) => {
  const dir = `text/${layout}-prompts`;
  const meta = referenceMeta(dir);
  const kept = meta.kept_tokens as number[];
  const ids = reference(dir, 'input_ids');
  const rows = ids.shape[0];

  it('regenerates the checkpoint and embedding the fixtures were computed from', async () => {
    expect((await write(part)).sha256).toBe(meta.sha256);
    expect((await write('tiny-embedding')).sha256).toBe(meta.embedding_sha256);
  });

  for (const dtype of ['float32', 'float16'] as const) {
    it(`equals the reference at the embedding's positions, in ${dtype}`, async () => {
      const src = await open(part);
      const s = readClipStructure(src, { headWidth: TINY_CLIP.headWidth });
      const model = withExtraTokenInput(await buildTextEncoder(src, s, { dtype }), s.width);
      const extra = vectors();
      const out = await runModel(model, {
        input_ids: new ort.Tensor('int32', Int32Array.from(ids.data), [rows, T]),
        [EXTRA_TOKENS_INPUT]: new ort.Tensor('float32', extra, [extra.length / W, W]),
      });
      const tokens = (t: ort.Tensor) => keepTokens(t.data as Float32Array, rows, T, W, kept);
      expectClose(tokens(out.last_hidden_state), reference(dir, 'last_hidden_state'), dtype, 'last');
      expectClose(tokens(out['clip_skip.2']), reference(dir, 'penultimate_normed'), dtype, 'clip skip 2');
      expectClose(out.pooler_output.data as Float32Array, reference(dir, 'pooler_output'), dtype, 'pooled');
    });
  }

  it('gives the plain encoder’s states for ordinary ids (one unused zero row)', async () => {
    const src = await open(part);
    const s = readClipStructure(src, { headWidth: TINY_CLIP.headWidth });
    const plain = await buildTextEncoder(src, s, { dtype: 'float32' });
    const plainIds = Int32Array.from(ids.data.subarray(2 * T, 4 * T));
    const feed = () => new ort.Tensor('int32', plainIds, [2, T]);
    const a = await runModel(plain, { input_ids: feed() });
    const b = await runModel(withExtraTokenInput(plain, s.width), {
      input_ids: feed(),
      [EXTRA_TOKENS_INPUT]: new ort.Tensor('float32', new Float32Array(W), [1, W]),
    });
    expect(Array.from(b.last_hidden_state.data as Float32Array)).toEqual(
      Array.from(a.last_hidden_state.data as Float32Array),
    );
  });
});
