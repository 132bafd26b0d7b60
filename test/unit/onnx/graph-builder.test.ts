import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder, modelBytes, saveModelWithExternalData } from '../../../main/onnx/index.ts';
import { onnx } from '../../../main/onnx/proto.ts';

/** y = relu(x @ W + b) * alpha, with W, b as initializers. */
function smallModel(w: Float32Array, b: Float32Array, alpha: number) {
  const g = new GraphBuilder('small');
  const x = g.input('x', 'float32', ['n', 3]);
  const y = g.node('Relu', [g.node('Add', [g.node('MatMul', [x, g.f32('w', w, [3, 2])]), g.f32('b', b)])]);
  g.output('y', g.node('Mul', [y, g.scalar(alpha)]), 'float32', ['n', 2]);
  return g.build();
}

function reference(x: number[], w: Float32Array, b: Float32Array, alpha: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < x.length / 3; r++) {
    for (let c = 0; c < 2; c++) {
      let s = b[c];
      for (let k = 0; k < 3; k++) s += x[r * 3 + k] * w[k * 2 + c];
      out.push(Math.max(s, 0) * alpha);
    }
  }
  return out;
}

function maxDiff(a: Float32Array, b: number[]): number {
  expect(a.length).toBe(b.length);
  return Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));
}

describe('GraphBuilder', () => {
  const w = Float32Array.from([0.5, -1, 2, 0.25, -0.75, 1.5]);
  const b = Float32Array.from([0.1, -0.2]);
  const x = [1, 2, 3, -1, 0.5, 4];

  it('builds a model ONNX Runtime runs with the expected numbers', async () => {
    const session = await ort.InferenceSession.create(modelBytes(smallModel(w, b, 1.5)));
    expect(session.inputNames).toEqual(['x']);
    expect(session.outputNames).toEqual(['y']);
    const { y } = await session.run({ x: new ort.Tensor('float32', Float32Array.from(x), [2, 3]) });
    expect(y.dims).toEqual([2, 2]);
    const expected = reference(x, w, b, 1.5);
    expect(maxDiff(y.data as Float32Array, expected)).toBeLessThan(1e-5);
  });

  it('writes int attributes as INT and fractional ones as FLOAT, int64 initializers as int64', async () => {
    const g = new GraphBuilder('attrs');
    const x = g.input('x', 'float32', [2, 3]);
    const flat = g.node('Reshape', [x, g.i64([-1])]);
    const clipped = g.node('LeakyRelu', [flat], { alpha: 0.25 });
    const top = g.node('ReduceMax', [g.node('Reshape', [clipped, g.i64([2, 3])])], {
      axes: [1],
      keepdims: 0,
    });
    g.output('top', top, 'float32', [2]);
    const session = await ort.InferenceSession.create(modelBytes(g.build()));
    const { top: out } = await session.run({
      x: new ort.Tensor('float32', Float32Array.from([-4, -8, -2, 1, -3, 0]), [2, 3]),
    });
    expect(Array.from(out.data as Float32Array)).toEqual([-0.5, 1]);
  });

  it('rejects a reused value name and a tensor whose values do not fill its shape', () => {
    const g = new GraphBuilder('bad');
    g.input('x', 'float32', [1]);
    expect(() => g.input('x', 'float32', [1])).toThrow(/used twice/);
    expect(() => g.f32('w', [1, 2, 3], [2, 2])).toThrow(/3 values do not fill shape \[2, 2\]/);
    expect(() => g.build()).toThrow(/no outputs/);
  });

  it('saves initializers as external data that ONNX Runtime reads back identically', async () => {
    const big = Float32Array.from({ length: 3 * 2 }, (_, i) => i / 7);
    const model = smallModel(big, b, 1);
    const dir = await mkdtemp(join(tmpdir(), 'diffgraph-onnx-'));
    const path = join(dir, 'model.onnx');
    await saveModelWithExternalData(path, model, 'model.onnx_data', 16);
    const data = await readFile(join(dir, 'model.onnx_data'));
    expect(data.length).toBe(big.byteLength); // only W is at least 16 bytes; b (8 bytes) stays inline
    expect(new Float32Array(data.buffer, data.byteOffset, 6)).toEqual(big);
    const saved = onnx.ModelProto.decode(await readFile(path));
    const external = saved.graph?.initializer?.filter(
      (t) => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL,
    );
    expect(
      external?.map((t) => [t.rawData?.length, t.externalData?.map((e) => `${e.key}=${e.value}`)]),
    ).toEqual([[0, ['location=model.onnx_data', 'offset=0', 'length=24']]]);
    const session = await ort.InferenceSession.create(path);
    const { y } = await session.run({ x: new ort.Tensor('float32', Float32Array.from(x), [2, 3]) });
    const expected = reference(x, big, b, 1);
    expect(maxDiff(y.data as Float32Array, expected)).toBeLessThan(1e-5);
  });
});
