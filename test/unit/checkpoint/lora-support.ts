// Shared by the LoRA tests: a tiny SD-shaped base checkpoint in memory, LoRA files written to a
// temporary folder, and the merge formula computed in float64 as the reference.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { MemoryTensorSource } from '../../../main/checkpoint/memory-source.ts';
import { openSafetensors } from '../../../main/checkpoint/safetensors-read.ts';
import { type TensorToWrite, writeSafetensors } from '../../../main/checkpoint/safetensors-write.ts';
import { SeededRandom } from '../../../main/onnx/random.ts';
import { tempDir } from './raw-safetensors.ts';

export const U = 'model.diffusion_model.';
export const PROJ_IN = `${U}input_blocks.1.1.proj_in.weight`; // 1×1 conv in SD 1.x
export const CONV1 = `${U}input_blocks.1.0.in_layers.2.weight`; // 3×3 conv (LoCon)
export const TO_K = `${U}input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight`;
export const Q_PROJ = 'cond_stage_model.transformer.text_model.encoder.layers.0.self_attn.q_proj.weight';
export const PACKED = 'cond_stage_model.model.transformer.resblocks.0.attn.in_proj_weight';

export const rng = new SeededRandom(7);
export const random = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
export const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
export const t = (name: string, shape: number[], values = random(count(shape))): TensorToWrite => ({
  name,
  shape,
  dtype: 'F32',
  values,
});

export const base = new MemoryTensorSource('base.safetensors', [
  t(PROJ_IN, [6, 6, 1, 1]),
  t(CONV1, [6, 5, 3, 3]),
  t(TO_K, [6, 12]),
  t(Q_PROJ, [6, 6]),
  t('model.diffusion_model.input_blocks.3.0.op.weight', [6, 6, 3, 3]),
  t('model.diffusion_model.output_blocks.2.0.in_layers.2.weight', [2, 2, 1, 1]),
]);
/** An SD 2.x-shaped checkpoint: OpenCLIP's packed attention weight. */
export const base2 = new MemoryTensorSource('sd2.safetensors', [t(TO_K, [6, 12]), t(PACKED, [18, 6])]);

/** Float64 reference: W + factor · (up @ down) over rows [start, start + out). */
export function expectedMerge(
  w: Float32Array,
  up: Float32Array,
  down: Float32Array,
  rank: number,
  factor: number,
  start = 0,
): Float64Array {
  const out = up.length / rank;
  const cols = down.length / rank;
  const result = Float64Array.from(w);
  for (let o = 0; o < out; o++)
    for (let c = 0; c < cols; c++) {
      let sum = 0;
      for (let r = 0; r < rank; r++) sum += up[o * rank + r] * down[r * cols + c];
      result[(start + o) * cols + c] += factor * sum;
    }
  return result;
}

/** Float32 rounding of a rank-r sum: a few ulps of the largest term, relative to max(1, |value|). */
export function expectClose(actual: Float32Array, expected: Float64Array, tolerance = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++)
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i])));
  expect(worst).toBeLessThan(tolerance);
}

/** Registers a temporary folder for the calling test file; returns a writer of LoRA files into it. */
export function loraFiles(): (name: string, tensors: TensorToWrite[]) => ReturnType<typeof openSafetensors> {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return async (name, tensors) => {
    const path = join(dir, name);
    await writeSafetensors(path, tensors);
    return openSafetensors(path);
  };
}
