// Feature extraction speed for FID/KID: images per second through the default model's stand-in
// feature extractor (models/features/diffgraph-shapes, ONNX Runtime on the CPU), the 180-image set
// decoded once beforehand. Run: npm run bench -- eval
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntimeServices } from '../main/engine/runtime-services.ts';
import { loadFeatureModel } from '../main/eval/feature-model.ts';
import { listImages, readImage } from '../main/eval/image-sets.ts';
import { sessionPool } from '../main/runtime/session-pool.ts';

const MODEL = 'models/features/diffgraph-shapes/model.onnx';
const ROUNDS = 5;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'diffgraph-bench-eval-'));
  const runtime = createRuntimeServices({ paths: { models: dir, input: dir, output: dir }, device: 'cpu' });
  const model = await loadFeatureModel(sessionPool(runtime), MODEL, 'cpu');
  const images = await Promise.all(
    (await listImages('models/features/diffgraph-shapes/reference')).map(readImage),
  );
  await model.extract(images.slice(0, 16)); // warm-up
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let r = 0; r < ROUNDS; r++) await model.extract(images);
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const count = ROUNDS * images.length;
  console.log(
    `eval: feature extraction (${MODEL}, ${images[0].width}×${images[0].height} inputs): ${((1000 * count) / wall).toFixed(0)} images/s wall, ${((1e6 * count) / (used.user + used.system)).toFixed(0)} images/s per CPU second`,
  );
}

await main();
