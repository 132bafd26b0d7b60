import ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTextEncoder } from '../../../main/checkpoint/build/text-encoder.ts';
import { MemoryTensorSource } from '../../../main/checkpoint/memory-source.ts';
import { openSafetensors, type SafetensorsFile } from '../../../main/checkpoint/safetensors-read.ts';
import { readSdxlTextStructures } from '../../../main/checkpoint/sdxl-text-structure.ts';
import { TINY_CLIP } from '../../fixtures/checkpoints/tiny-clip.ts';
import { tinySdxlCheckpoint } from '../../fixtures/checkpoints/tiny-sdxl.ts';
import {
  expectClose,
  keepTokens,
  reference,
  referenceMeta,
  runModel,
  writeTinyCheckpoint,
} from './reference.ts';

const { contextLength: T, width: W, headWidth } = TINY_CLIP;
const written = new Map<string, ReturnType<typeof writeTinyCheckpoint>>();
const opened = new Map<string, Promise<SafetensorsFile>>();

afterAll(async () => {
  for (const file of opened.values()) await (await file).close();
});

/** Each tiny checkpoint is generated and written once per file (generation dominates the run time). */
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

function ids(dir: string, name: string): ort.Tensor {
  return new ort.Tensor('int32', Int32Array.from(reference(dir, name).data), [2, T]);
}

const kept = (dir: string) => referenceMeta(dir).kept_tokens as number[];

describe('SDXL base text encoders against sgm', () => {
  const dir = 'text/sdxl-base';

  it('regenerates the checkpoint the fixtures were computed from', async () => {
    expect((await write('tiny-sdxl')).sha256).toBe(referenceMeta(dir).sha256);
  });

  it('finds CLIP-L and OpenCLIP-bigG under the conditioner prefixes', async () => {
    const s = readSdxlTextStructures(await open('tiny-sdxl'), { headWidth });
    expect(s.l).toMatchObject({ layout: 'hf', layers: 3, width: W, activation: 'quick_gelu' });
    expect(s.g).toMatchObject({ layout: 'openclip', layers: 3, width: W, projectionDim: 32 });
  });

  for (const dtype of ['float32', 'float16'] as const) {
    it(`computes both penultimate states (no final norm) and the pooled projection in ${dtype}`, async () => {
      const src = await open('tiny-sdxl');
      const { l, g } = readSdxlTextStructures(src, { headWidth });
      if (!l) throw new Error('base must have CLIP-L');
      const outL = await runModel(await buildTextEncoder(src, l, { dtype, clipSkips: [] }), {
        input_ids: ids(dir, 'input_ids_l'),
      });
      const outG = await runModel(await buildTextEncoder(src, g, { dtype, clipSkips: [] }), {
        input_ids: ids(dir, 'input_ids_g'),
      });
      const tokens = (t: ort.Tensor) => keepTokens(t.data as Float32Array, 2, T, W, kept(dir));
      expectClose(tokens(outL['hidden_states.2']), reference(dir, 'penultimate_l'), dtype, 'CLIP-L');
      expectClose(tokens(outG['hidden_states.2']), reference(dir, 'penultimate_g'), dtype, 'bigG');
      expectClose(outG.text_embeds.data as Float32Array, reference(dir, 'text_embeds'), dtype, 'pooled');
    });
  }
});

describe('SDXL refiner text encoder against sgm', () => {
  const dir = 'text/sdxl-refiner';

  it('finds bigG alone at embedders.0 and computes its penultimate state and pooled projection', async () => {
    const src = await open('tiny-sdxl-refiner');
    expect((await write('tiny-sdxl-refiner')).sha256).toBe(referenceMeta(dir).sha256);
    const s = readSdxlTextStructures(src, { headWidth });
    expect(s.l).toBeUndefined();
    expect(s.g.prefix).toBe('conditioner.embedders.0.model.');
    const out = await runModel(await buildTextEncoder(src, s.g, { dtype: 'float32', clipSkips: [] }), {
      input_ids: ids(dir, 'input_ids_g'),
    });
    const states = keepTokens(out['hidden_states.2'].data as Float32Array, 2, T, W, kept(dir));
    expectClose(states, reference(dir, 'crossattn'), 'float32', 'bigG');
    expectClose(out.text_embeds.data as Float32Array, reference(dir, 'text_embeds'), 'float32', 'pooled');
  });
});

describe('SDXL text encoder errors', () => {
  it('names the missing text_projection', () => {
    const tensors = tinySdxlCheckpoint('sdxl-refiner').filter((t) => !t.name.endsWith('text_projection'));
    const src = new MemoryTensorSource('no-proj.safetensors', tensors);
    expect(() => readSdxlTextStructures(src, { headWidth })).toThrow(
      /no-proj\.safetensors: .*"conditioner\.embedders\.0\.model\.text_projection"/,
    );
  });
});
