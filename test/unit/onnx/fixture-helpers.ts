// Running fixture models in ONNX Runtime (cpu) for the fixture tests.
import * as ort from 'onnxruntime-node';

const sessions = new Map<string, Promise<ort.InferenceSession>>();

export function session(path: string): Promise<ort.InferenceSession> {
  const known = sessions.get(path);
  if (known) return known;
  const created = ort.InferenceSession.create(path, { executionProviders: ['cpu'] });
  sessions.set(path, created);
  return created;
}

export function f32(data: ArrayLike<number>, dims: number[]): ort.Tensor {
  return new ort.Tensor('float32', Float32Array.from(data), dims);
}

/** Deterministic pseudo-noise in [-1.5, 1.5]. */
export function wave(count: number, phase = 0): Float32Array {
  return Float32Array.from({ length: count }, (_, i) => 1.5 * Math.sin(i * 0.731 + phase));
}

/** 77 ids: BOS, `tokens`, EOS, padded with EOS (SD 1.5). */
export function ids(...tokens: number[]): number[] {
  const out = new Array<number>(77).fill(49407);
  out[0] = 49406;
  tokens.forEach((t, i) => {
    out[i + 1] = t;
  });
  return out;
}

export async function encodeText(
  path: string,
  rows: number[][],
): Promise<{ hidden: ort.Tensor; pooled: ort.Tensor }> {
  const s = await session(path);
  const input = new ort.Tensor('int32', Int32Array.from(rows.flat()), [rows.length, 77]);
  const out = await s.run({ input_ids: input });
  return { hidden: out.last_hidden_state, pooled: out.pooler_output };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function values(t: ort.Tensor): Float32Array {
  return t.data as Float32Array;
}
