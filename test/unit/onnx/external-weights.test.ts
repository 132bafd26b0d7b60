// Streaming external weights: initializers leave the model as they are made, ORT loads the pair from
// the model's path, and a failed build leaves no files behind.
import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { writeModelWithExternalWeights } from '../../../main/onnx/external-weights.ts';
import { GraphBuilder, SeededRandom } from '../../../main/onnx/index.ts';
import { onnx } from '../../../main/onnx/proto.ts';

const N = 40;

/** y = (x @ W1) @ W2 + b, with W1, W2 large enough to go external and b small enough to stay. */
function matrices() {
  const rng = new SeededRandom(5);
  return { w1: rng.normals(N * N, 0.2), w2: rng.normals(N * N, 0.2), b: rng.normals(N) };
}

function expected(x: Float32Array, m: ReturnType<typeof matrices>): number[] {
  const mul = (v: ArrayLike<number>, w: Float32Array) =>
    Array.from({ length: N }, (_, c) => {
      let s = 0;
      for (let k = 0; k < N; k++) s += v[k] * w[k * N + c];
      return s;
    });
  return mul(mul(x, m.w1), m.w2).map((v, i) => v + m.b[i]);
}

describe('writeModelWithExternalWeights', () => {
  it('writes weights to the data file as they are made and ORT runs the model from its path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'extw-'));
    const m = matrices();
    const files = await writeModelWithExternalWeights(dir, 'model.onnx', async (sink) => {
      const g = new GraphBuilder('ext', sink);
      const x = g.input('x', 'float32', [1, N]);
      const h = g.node('MatMul', [x, g.initializer('w1', m.w1, [N, N])]);
      // float16 storage goes external too, as its 16-bit patterns.
      const w2 = g.node('Cast', [g.initializer('w2', m.w2, [N, N], 'float16')], { to: 1 });
      g.output('y', g.node('Add', [g.node('MatMul', [h, w2]), g.f32('b', m.b)]), 'float32', [1, N]);
      return g.build();
    });
    const model = onnx.ModelProto.decode(await readFile(files.modelPath));
    const external = model.graph?.initializer?.filter((t) => t.dataLocation === 1) ?? [];
    expect(external.map((t) => t.name)).toEqual(['w1_0', 'w2_2']);
    expect(external[1].externalData?.map((e) => `${e.key}=${e.value}`)).toEqual([
      'location=model.onnx_data',
      `offset=${Math.ceil((N * N * 4) / 64) * 64}`,
      `length=${N * N * 2}`,
    ]);
    expect((await stat(files.modelPath)).size).toBeLessThan(2048);
    expect((await stat(files.dataPath)).size).toBe(files.dataBytes);

    const session = await ort.InferenceSession.create(files.modelPath);
    const x = new SeededRandom(9).normals(N);
    const y = (await session.run({ x: new ort.Tensor('float32', x, [1, N]) })).y.data as Float32Array;
    await session.release();
    const want = expected(x, m);
    // float16 storage of W2 rounds each weight by ≤ 2^-11 relative.
    const scale = Math.max(...want.map(Math.abs));
    for (let i = 0; i < N; i++) expect(Math.abs(y[i] - want[i])).toBeLessThan(2e-3 * scale);
  });

  it('leaves nothing behind when the build fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'extw-'));
    await expect(
      writeModelWithExternalWeights(dir, 'model.onnx', async (sink) => {
        new GraphBuilder('broken', sink).initializer('w', new Float32Array(1000), [1000]);
        throw new Error('weights missing');
      }),
    ).rejects.toThrow('weights missing');
    expect(await readdir(dir)).toEqual([]);
  });
});
