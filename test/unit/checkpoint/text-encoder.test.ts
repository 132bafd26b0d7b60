import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTextEncoder, clipSkipHiddenState } from '../../../main/checkpoint/build/text-encoder.ts';
import { readClipStructure } from '../../../main/checkpoint/clip-structure.ts';
import { MemoryTensorSource } from '../../../main/checkpoint/memory-source.ts';
import { openSafetensors, type SafetensorsFile } from '../../../main/checkpoint/safetensors-read.ts';
import { writeSafetensors } from '../../../main/checkpoint/safetensors-write.ts';
import { TINY_CHECKPOINT_PARTS } from '../../fixtures/checkpoints/parts.ts';
import { TINY_CLIP, tinyClipL } from '../../fixtures/checkpoints/tiny-clip.ts';
import {
  expectClose,
  keepTokens,
  reference,
  referenceMeta,
  runModel,
  writeTinyCheckpoint,
} from './reference.ts';

const CASES = [
  { layout: 'hf', part: 'tiny-clip-l' },
  { layout: 'openclip', part: 'tiny-openclip' },
] as const;

const { contextLength: T, width: W } = TINY_CLIP;

const opened = new Map<string, Promise<SafetensorsFile>>();

/** The generated checkpoint, written to a file and read back through the safetensors reader. */
function source(part: string): Promise<SafetensorsFile> {
  let file = opened.get(part);
  if (!file) {
    file = writeTinyCheckpoint(part).then(({ path }) => openSafetensors(path));
    opened.set(part, file);
  }
  return file;
}

afterAll(async () => {
  for (const file of opened.values()) await (await file).close();
});

function idsFeed(layout: string): ort.Tensor {
  const ids = Int32Array.from(reference(`text/${layout}`, 'input_ids').data);
  return new ort.Tensor('int32', ids, [2, T]);
}

describe.each(CASES)('$layout text encoder against the original implementation', ({ layout, part }) => {
  const dir = `text/${layout}`;
  const kept = referenceMeta(dir).kept_tokens as number[];
  const tokens = (t: ort.Tensor) => keepTokens(t.data as Float32Array, 2, T, W, kept);

  it('regenerates the checkpoint the fixtures were computed from', async () => {
    const { sha256 } = await writeTinyCheckpoint(part);
    expect(sha256).toBe(referenceMeta(dir).sha256);
  });

  it('reads its structure from the keys and shapes', async () => {
    const s = readClipStructure(await source(part), { headWidth: TINY_CLIP.headWidth });
    expect(s).toMatchObject({ layout, layers: 3, width: W, heads: 4, mlpWidth: 256, vocab: 49408 });
    expect(s.activation).toBe(layout === 'hf' ? 'quick_gelu' : 'gelu');
    expect(s.projectionDim).toBe(layout === 'hf' ? null : TINY_CLIP.projectionDim);
  });

  for (const dtype of ['float32', 'float16'] as const) {
    it(`computes the last, penultimate and pooled states in ${dtype}`, async () => {
      const src = await source(part);
      const s = readClipStructure(src, { headWidth: TINY_CLIP.headWidth });
      const out = await runModel(await buildTextEncoder(src, s, { dtype }), { input_ids: idsFeed(layout) });
      expectClose(tokens(out.last_hidden_state), reference(dir, 'last_hidden_state'), dtype, 'last');
      expectClose(tokens(out['hidden_states.2']), reference(dir, 'penultimate'), dtype, 'penultimate');
      expectClose(tokens(out['clip_skip.2']), reference(dir, 'penultimate_normed'), dtype, 'clip skip 2');
      expectClose(out.pooler_output.data as Float32Array, reference(dir, 'pooler_output'), dtype, 'pooled');
      if (layout === 'openclip') {
        expectClose(
          out.text_embeds.data as Float32Array,
          reference(dir, 'text_embeds'),
          dtype,
          'text_embeds',
        );
      }
      expect(Object.keys(out).filter((k) => k.startsWith('hidden_states.'))).toHaveLength(4);
    });
  }

  it('picks clip skip 1 and 2 from the outputs', async () => {
    const src = await source(part);
    const s = readClipStructure(src, { headWidth: TINY_CLIP.headWidth });
    const out = await runModel(await buildTextEncoder(src, s, { dtype: 'float32' }), {
      input_ids: idsFeed(layout),
    });
    expectClose(
      tokens(clipSkipHiddenState(out, 1)),
      reference(dir, 'last_hidden_state'),
      'float32',
      'skip 1',
    );
    expectClose(
      tokens(clipSkipHiddenState(out, 2)),
      reference(dir, 'penultimate_normed'),
      'float32',
      'skip 2',
    );
    expect(() => clipSkipHiddenState(out, 3)).toThrow(/clip skip 3.*clip_skip\.2/);
  });
});

describe('text encoder errors', () => {
  it('names the file and key when a layer tensor has the wrong shape', async () => {
    const tensors = TINY_CHECKPOINT_PARTS['tiny-clip-l']();
    const bad = tensors.find((t) => t.name.endsWith('layers.1.mlp.fc1.weight'));
    if (!bad) throw new Error('fixture lacks fc1');
    bad.shape = [128, 128];
    bad.values = new Float32Array(128 * 128);
    const src = new MemoryTensorSource('broken.safetensors', tensors);
    const s = readClipStructure(src, { headWidth: TINY_CLIP.headWidth });
    await expect(buildTextEncoder(src, s, { dtype: 'float32' })).rejects.toThrow(
      /broken\.safetensors: tensor "cond_stage_model\.transformer\.text_model\.encoder\.layers\.1\.mlp\.fc1\.weight" has shape \[128, 128\], expected \[256, 64\]/,
    );
  });

  it('refuses a file without a text encoder, naming the prefixes it looked for', () => {
    const src = new MemoryTensorSource('vae.safetensors', []);
    expect(() => readClipStructure(src)).toThrow(
      /vae\.safetensors: no text encoder found.*cond_stage_model\.model\./,
    );
  });
});

describe('text encoder from float16 and bfloat16 checkpoint files', () => {
  for (const dtype of ['F16', 'BF16'] as const) {
    it(`widens ${dtype} weights and stays within the float16 tolerance of the float32 reference`, async () => {
      const path = join(mkdtempSync(join(tmpdir(), 'dg-clip-')), `clip-${dtype}.safetensors`);
      await writeSafetensors(path, tinyClipL({ dtype }));
      const file = await openSafetensors(path);
      try {
        const s = readClipStructure(file, { headWidth: TINY_CLIP.headWidth });
        const out = await runModel(await buildTextEncoder(file, s, { dtype: 'float32' }), {
          input_ids: idsFeed('hf'),
        });
        const kept = referenceMeta('text/hf').kept_tokens as number[];
        const last = keepTokens(out.last_hidden_state.data as Float32Array, 2, T, W, kept);
        expectClose(last, reference('text/hf', 'last_hidden_state'), 'float16', `${dtype} last`);
      } finally {
        await file.close();
      }
    });
  }
});
