// Running a feature-extractor ONNX model ([B,3,H,W] float32 -> [B,D]) over image sets, in batches,
// through the process's shared session pool.
import ort from 'onnxruntime-node';
import type { DeviceName } from '../../nodes/api.ts';
import { SessionHandle, type SessionPool } from '../runtime/session-pool.ts';
import { type FeatureConfig, readFeatureConfig } from './feature-config.ts';
import { prepareImage, type RgbImage } from './image-sets.ts';
import type { FeatureSet } from './statistics.ts';

export interface FeatureModel {
  path: string;
  config: FeatureConfig;
  /** Extract one feature vector per image. */
  extract(images: readonly RgbImage[], signal?: AbortSignal): Promise<FeatureSet>;
}

const BATCH = 16;

export async function loadFeatureModel(
  pool: SessionPool,
  path: string,
  device: DeviceName,
  notify: (message: string) => void = () => {},
): Promise<FeatureModel> {
  const config = await readFeatureConfig(path);
  const handle = new SessionHandle(
    pool,
    { path, name: path, slot: 'features', device, defaultDevice: device },
    notify,
  );
  const loaded = await handle.get();
  const { inputs, outputs } = loaded.io;
  if (inputs.length !== 1 || outputs.length < 1) {
    throw new Error(`${path}: a feature model has one input [B,3,H,W] and one output [B,D]`);
  }
  const input = inputs[0];
  const batchDim = input.shape[0];
  const batch = typeof batchDim === 'number' ? batchDim : BATCH;
  const [height, width] = config.size;
  return {
    path,
    config,
    async extract(images, signal) {
      const rows: Float32Array[] = [];
      for (let start = 0; start < images.length; start += batch) {
        signal?.throwIfAborted();
        const chunk = images.slice(start, start + batch);
        const size = typeof batchDim === 'number' ? batchDim : chunk.length;
        const data = new Float32Array(size * 3 * height * width);
        for (let i = 0; i < chunk.length; i++)
          data.set(await prepareImage(chunk[i], config), i * 3 * height * width);
        const result = await handle.run(
          { [input.name]: new ort.Tensor('float32', data, [size, 3, height, width]) },
          signal,
        );
        const output = result[outputs[0].name];
        const values = output.data as Float32Array;
        const dim = values.length / size;
        for (let i = 0; i < chunk.length; i++) rows.push(values.slice(i * dim, (i + 1) * dim));
      }
      const dim = rows[0]?.length ?? 0;
      const out = new Float64Array(rows.length * dim);
      for (const [i, row] of rows.entries()) out.set(row, i * dim);
      return { count: rows.length, dim, data: out };
    },
  };
}
