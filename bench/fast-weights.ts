// Fast random values for multi-GB bench checkpoints. The test fixtures draw Box-Muller normals per
// element, which for a full-size SDXL U-Net (2.6 B values) takes many minutes on two cores; a seeded
// uniform draw with the same standard deviation is several times faster and, for timing and memory,
// exercises the model the same way. Values stay small and finite like trained weights.

import type { TensorToWrite } from '../main/checkpoint/safetensors-write.ts';
import { SeededRandom } from '../main/onnx/random.ts';

/** A uniform draw on [−a, a] has standard deviation a/√3. */
const UNIFORM_HALF_WIDTH_PER_STD = Math.sqrt(3);

function uniform(count: number, seed: number, center: number, std: number): Float32Array {
  const random = new SeededRandom(seed);
  const halfWidth = std * UNIFORM_HALF_WIDTH_PER_STD;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = center + (2 * random.next() - 1) * halfWidth;
  return out;
}

/**
 * The same tensors (names, shapes, dtype, order) with values drawn lazily and fast: matrices and
 * kernels with std 1/√fan_in (activations stay O(1)), 1-D `.weight` tensors (norm scales) around 1,
 * biases with std 0.1 — the statistics of the fixtures' normal draws.
 */
export function withFastUniformValues(tensors: readonly TensorToWrite[], seed: number): TensorToWrite[] {
  return tensors.map((t, index) => {
    const count = t.shape.reduce((a, b) => a * b, 1);
    const tensorSeed = seed + 7919 * index;
    let values: () => Float32Array;
    if (t.shape.length > 1) {
      const fanIn = count / t.shape[0];
      values = () => uniform(count, tensorSeed, 0, 1 / Math.sqrt(fanIn));
    } else if (t.name.endsWith('.weight')) {
      values = () => uniform(count, tensorSeed, 1, 0.1);
    } else {
      values = () => uniform(count, tensorSeed, 0, 0.1);
    }
    return { ...t, values };
  });
}
