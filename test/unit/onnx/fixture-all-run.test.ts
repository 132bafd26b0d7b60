// Every fixture .onnx file (except the deliberately corrupt one) loads in ONNX Runtime on the CPU and
// runs on inputs built from its own declared input types and shapes, giving finite outputs.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { float32ToFloat16 } from '../../../main/util/float16.ts';
import { ensureFixtureModels, type FixtureModels } from '../../fixtures/models.ts';

let fx: FixtureModels;
let files: string[];
beforeAll(async () => {
  fx = await ensureFixtureModels();
  const all = await readdir(fx.modelsDir, { recursive: true });
  files = all.filter((f) => f.endsWith('.onnx')).map((f) => join(fx.modelsDir, f));
});

/** Sizes for symbolic dimensions: batch 2, an 8×8 latent (64×64 pixels), n = 3. */
const SYMBOLIC: Record<string, number> = {
  batch: 2,
  height: 8,
  width: 8,
  pixel_height: 64,
  pixel_width: 64,
  n: 3,
};

function feed(meta: ort.InferenceSession.ValueMetadata): ort.Tensor {
  if (!meta.isTensor) throw new Error(`${meta.name} is not a tensor`);
  const dims = meta.shape.map((d) => (typeof d === 'number' ? d : SYMBOLIC[d]));
  const count = dims.reduce((a, b) => a * b, 1);
  const wave = Array.from({ length: count }, (_, i) => Math.sin(i * 0.37));
  switch (meta.type) {
    case 'float32':
      return new ort.Tensor('float32', Float32Array.from(wave), dims);
    case 'float16':
      return new ort.Tensor(
        'float16',
        float32ToFloat16(wave.map((v) => (meta.name === 'timestep' ? 500 : v))),
        dims,
      );
    case 'int64':
      return new ort.Tensor('int64', new BigInt64Array(count).fill(500n), dims);
    case 'int32':
      return new ort.Tensor(
        'int32',
        Int32Array.from({ length: count }, (_, i) => (i % 77 === 0 ? 49406 : 49407)),
        dims,
      );
    default:
      throw new Error(`no test input for type ${meta.type}`);
  }
}

describe('all fixture models', () => {
  it('cover every slot and variant', () => {
    expect(files.length).toBeGreaterThanOrEqual(24);
  });

  it('load and run on the CPU from their declared inputs with finite outputs', async () => {
    for (const path of files) {
      if (path === fx.bad.corruptOnnx) continue;
      const session = await ort.InferenceSession.create(path, { executionProviders: ['cpu'] });
      const feeds = Object.fromEntries(session.inputMetadata.map((m) => [m.name, feed(m)]));
      const outputs = await session.run(feeds);
      for (const [name, tensor] of Object.entries(outputs)) {
        const values =
          tensor.type === 'float16'
            ? Array.from(tensor.data as Uint16Array, (b) => ((b & 0x7c00) === 0x7c00 ? NaN : 0))
            : Array.from(tensor.data as Float32Array);
        expect(values.every(Number.isFinite), `${path} ${name}`).toBe(true);
      }
      await session.release();
    }
  });
});
