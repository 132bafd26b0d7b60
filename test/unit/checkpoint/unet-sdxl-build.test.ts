// The SDXL U-Net built from a checkpoint's tensors computes what sgm's UNetModel computes with its
// label_emb vector conditioning: outputs equal the reference outputs recorded by
// scripts/reference/unet_sdxl.py (the original module in PyTorch, `y` assembled by sgm's own
// ConcatTimestepEmbedderND) for the tiny SDXL base and refiner and for the base with a kohya LoRA
// (`lora_unet_` + LDM names) merged, at a fractional timestep shared by the batch and integer ones.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildUnetOptions } from '../../../main/checkpoint/build/unet.ts';
import { detectModel } from '../../../main/checkpoint/detect.ts';
import { readLora } from '../../../main/checkpoint/lora.ts';
import { LoraPatchedSource } from '../../../main/checkpoint/lora-source.ts';
import { type OpenedTensorFile, openTensorFile } from '../../../main/checkpoint/open.ts';
import { writeSafetensors } from '../../../main/checkpoint/safetensors-write.ts';
import type { TensorSource } from '../../../main/checkpoint/tensor-source.ts';
import { readUnetStructure } from '../../../main/checkpoint/unet-structure.ts';
import { onnx } from '../../../main/onnx/proto.ts';
import { TINY_CHECKPOINT_PARTS } from '../../fixtures/checkpoints/parts.ts';
import {
  SDXL_TIME_IDS,
  TINY_SDXL_LORA_STRENGTH,
  TINY_SDXL_POOLED,
  type TinySdxlVariant,
} from '../../fixtures/checkpoints/tiny-sdxl.ts';
import {
  buildSdxlUnet,
  sdxlReferenceErrors,
  UNET_SDXL_REFERENCE_DIR,
} from '../../fixtures/checkpoints/unet-sdxl-reference.ts';

const FILES = ['tiny-sdxl', 'tiny-sdxl-refiner', 'tiny-sdxl-lora'];

let dir: string;
const opened: Record<string, OpenedTensorFile> = {};
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unet-sdxl-'));
  for (const name of FILES) {
    await writeSafetensors(join(dir, `${name}.safetensors`), TINY_CHECKPOINT_PARTS[name]());
    opened[name] = await openTensorFile(join(dir, `${name}.safetensors`));
  }
});
afterAll(async () => {
  for (const file of Object.values(opened)) await file.close();
});

const build = (src: TensorSource, name: string, options: BuildUnetOptions) =>
  buildSdxlUnet(src, dir, name, options);

/** Each recorded run's error against `stem`'s outputs, the shapes checked on the way. */
async function errors(modelPath: string, variant: TinySdxlVariant, stem: string) {
  const result = await sdxlReferenceErrors(modelPath, variant, stem);
  for (const [actual, expected] of Object.values(result.shapes)) expect(actual).toEqual(expected);
  return result.errors;
}

function expectWithin(errs: Record<string, number>, tolerance: number, what: string): void {
  expect(Object.keys(errs)).toHaveLength(2);
  for (const [run, error] of Object.entries(errs)) expect(error, `${what} ${run}`).toBeLessThan(tolerance);
}

describe('buildUnet on SDXL checkpoints against the original sgm UNetModel', () => {
  it('regenerates the files the fixtures were recorded from, byte for byte', async () => {
    const manifest = JSON.parse(await readFile(join(UNET_SDXL_REFERENCE_DIR, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.files).sort()).toEqual(FILES.map((f) => `${f}.safetensors`).sort());
    for (const name of FILES) {
      const bytes = await readFile(join(dir, `${name}.safetensors`));
      expect(createHash('sha256').update(bytes).digest('hex'), name).toBe(
        manifest.files[`${name}.safetensors`],
      );
    }
    expect(manifest.loraStrength).toBe(TINY_SDXL_LORA_STRENGTH);
  });

  it("detects the files as SDXL base and refiner and reads label_emb's split (pooled width from OpenCLIP-G)", () => {
    expect(detectModel(opened['tiny-sdxl'])).toMatchObject({
      kind: 'checkpoint',
      family: 'sdxl',
      supported: true,
      contextDim: 128,
      parts: { unet: true, textEncoder: true, vae: true },
    });
    expect(detectModel(opened['tiny-sdxl-refiner'])).toMatchObject({
      family: 'sdxl-refiner',
      contextDim: 64,
    });
    expect(detectModel(opened['tiny-sdxl-lora'])).toMatchObject({
      kind: 'lora',
      layout: 'kohya',
      supported: true,
    });
    for (const variant of ['sdxl', 'sdxl-refiner'] as const) {
      const s = readUnetStructure(opened[`tiny-${variant}`]);
      expect(s.vector).toEqual({
        admInChannels: TINY_SDXL_POOLED + 256 * SDXL_TIME_IDS[variant],
        pooledDim: TINY_SDXL_POOLED,
        timeIds: SDXL_TIME_IDS[variant],
      });
    }
  });

  it.each(['sdxl', 'sdxl-refiner'] as const)(
    'float32 build of tiny %s equals the reference',
    async (variant) => {
      const model = await build(opened[`tiny-${variant}`], `${variant}-f32`, { dtype: 'float32' });
      expectWithin(await errors(model, variant, `tiny-${variant}`), 1e-4, variant);
    },
  );

  it('float16 and unfused-attention builds are within their tolerances', async () => {
    const src = opened['tiny-sdxl'];
    const f16 = await build(src, 'sdxl-f16', { dtype: 'float16' });
    expectWithin(await errors(f16, 'sdxl', 'tiny-sdxl'), 2e-2, 'float16');
    const unfused = await build(src, 'sdxl-unfused', { dtype: 'float32', attention: 'unfused' });
    expectWithin(await errors(unfused, 'sdxl', 'tiny-sdxl'), 1e-4, 'unfused');
  });

  it('with the kohya LoRA (LDM names) merged equals the reference with the merged weights', async () => {
    const ckpt = opened['tiny-sdxl'];
    const lora = await readLora(opened['tiny-sdxl-lora'], ckpt);
    expect(lora.patches).toHaveLength(5);
    expect(lora.unmatched).toEqual([]);
    const strength = TINY_SDXL_LORA_STRENGTH;
    const src = new LoraPatchedSource(ckpt, [{ lora, strengthModel: strength, strengthClip: strength }]);
    const model = await build(src, 'sdxl-lora', { dtype: 'float32' });
    expectWithin(await errors(model, 'sdxl', 'tiny-sdxl-lora'), 1e-4, 'LoRA');
    // The merge matters: the un-merged U-Net is far from the merged reference.
    const plain = await build(ckpt, 'sdxl-plain', { dtype: 'float32' });
    const off = await errors(plain, 'sdxl', 'tiny-sdxl-lora');
    expect(Math.min(...Object.values(off))).toBeGreaterThan(1e-3);
  });

  it("has optimum's inputs in optimum's order, float32 at the interface, no transformer at depth-0 levels", async () => {
    const path = await build(opened['tiny-sdxl'], 'sdxl-io', { dtype: 'float16' });
    const graph = onnx.ModelProto.decode(await readFile(path)).graph;
    const inputs = (graph?.input ?? []).map((i) => [i.name, i.type?.tensorType?.elemType]);
    expect(inputs).toEqual([
      ['sample', 1],
      ['timestep', 1],
      ['encoder_hidden_states', 1],
      ['text_embeds', 1],
      ['time_ids', 1],
    ]);
    expect(graph?.output?.map((o) => [o.name, o.type?.tensorType?.elemType])).toEqual([['out_sample', 1]]);
    // Transformers: level 1 (depth 1) ×2 in + ×3 out, level 2 (depth 2) ×2 in + ×3 out, middle (depth 2):
    // (5·1 + 5·2 + 2) blocks × (self + cross) attention; none at level 0.
    const mha = (graph?.node ?? []).filter((n) => n.opType === 'MultiHeadAttention');
    expect(mha).toHaveLength(2 * (5 + 10 + 2));
  });
});
