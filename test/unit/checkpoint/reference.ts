// Shared by the checkpoint builder tests: regenerate a tiny checkpoint file and check it is the one the
// reference fixtures were computed from, read the fixtures, run a built model with onnxruntime-node and
// compare within the tolerances.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { writeSafetensors } from '../../../main/checkpoint/safetensors-write.ts';
import type { OnnxTypes } from '../../../main/onnx/proto.ts';
import { modelBytes } from '../../../main/onnx/save.ts';
import { decodeNpy } from '../../../nodes/formats/npy.ts';
import type { Tensor } from '../../../nodes/types.ts';
import { TINY_CHECKPOINT_PARTS } from '../../fixtures/checkpoints/parts.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'reference');

export interface ReferenceMeta {
  checkpoint: string;
  sha256: string;
  [key: string]: unknown;
}

export function referenceMeta(part: string): ReferenceMeta {
  return JSON.parse(readFileSync(join(FIXTURES, part, 'meta.json'), 'utf8')) as ReferenceMeta;
}

export function reference(part: string, name: string): Tensor {
  return decodeNpy(readFileSync(join(FIXTURES, part, `${name}.npy`)));
}

/** Writes the named tiny checkpoint to a temp folder; returns its path and sha256. */
export async function writeTinyCheckpoint(name: string): Promise<{ path: string; sha256: string }> {
  const path = join(mkdtempSync(join(tmpdir(), 'dg-ckpt-')), `${name}.safetensors`);
  await writeSafetensors(path, TINY_CHECKPOINT_PARTS[name]());
  return { path, sha256: createHash('sha256').update(readFileSync(path)).digest('hex') };
}

export async function runModel(
  model: OnnxTypes.ModelProto,
  feeds: Record<string, ort.Tensor>,
  device: 'cpu' | 'webgpu' = 'cpu',
): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(modelBytes(model), { executionProviders: [device] });
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/**
 * The tolerance: float32 within 1e-4 × max(1, max|ref|); float16 within 2e-2 of the reference's
 * scale (max(1, max|ref|)).
 */
export function expectClose(
  actual: ArrayLike<number>,
  ref: Tensor,
  dtype: 'float32' | 'float16',
  what: string,
) {
  const scale = Math.max(1, maxAbs(ref.data));
  const tolerance = (dtype === 'float32' ? 1e-4 : 2e-2) * scale;
  const diff = maxAbsDiff(actual, ref.data);
  expect(diff, `${what}: max |diff| ${diff} > ${tolerance}`).toBeLessThanOrEqual(tolerance);
}

/** Rows `kept` of the token axis of a [B, T, W] tensor (the fixtures keep a few tokens). */
export function keepTokens(data: Float32Array, batch: number, tokens: number, width: number, kept: number[]) {
  const out = new Float32Array(batch * kept.length * width);
  for (let b = 0; b < batch; b++) {
    for (const [j, t] of kept.entries()) {
      out.set(
        data.subarray((b * tokens + t) * width, (b * tokens + t + 1) * width),
        (b * kept.length + j) * width,
      );
    }
  }
  return out;
}
