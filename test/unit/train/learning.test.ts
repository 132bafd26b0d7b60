// The training run CI can afford on a 2-core machine: a seeded, bounded run on the shapes set's
// large centred shapes (5 shapes × 6 colours at 32×32, class = shape) must lower the loss well
// below its starting value, and samples drawn from the EXPORTED model (ONNX pipeline loaded by the
// runtime, DDIM from the project's samplers, classifier-free guidance) must mostly have a set image
// of the requested shape as nearest neighbour. The full-set run is scripts/train-shapes.ts (README).
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { samplePipeline, loadExported } from '../../../main/train/export/sample-pipeline.ts';
import { nearestClassAccuracy } from '../../../main/train/nearest-neighbour.ts';
import { DEFAULT_TRAIN_OPTIONS, train } from '../../../main/train/trainer.ts';

const SET = 'models/features/diffgraph-shapes/reference';
let root = '';
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('DDPM training learns the shapes', () => {
  it('loss falls and exported-model samples are nearest to images of the requested shape', async () => {
    root = await mkdtemp(join(tmpdir(), 'diffgraph-learn-'));
    const data = join(root, 'large');
    await import('node:fs/promises').then((fs) => fs.mkdir(data));
    for (const name of (await readdir(SET)).filter((n) => n.endsWith('_large_center.png'))) {
      await copyFile(join(SET, name), join(data, name));
    }
    const out = join(root, 'model');
    const steps = Number(process.env.LEARN_STEPS ?? 200);
    const run = await train({
      ...DEFAULT_TRAIN_OPTIONS,
      dataset: data,
      out,
      steps,
      batch: 8,
      channels: [8, 16],
      classes: { namePart: 2 },
      sampleEvery: 0,
      checkpointEvery: steps,
    });
    const losses = run.state.losses;
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    const first = mean(losses.slice(0, 10));
    const last = mean(losses.slice(-40));
    const pipeline = await loadExported(out);
    const names = run.data.classNames;
    const ids = [...Array(2 * names.length).keys()].map((i) => i % names.length);
    const images = await samplePipeline(pipeline, { prompts: ids.map((i) => `a ${names[i]}`), size: 32, seed: 77, steps: 20, cfg: 3 });
    const accuracy = nearestClassAccuracy(images, ids, run.data);
    console.log(JSON.stringify({ steps, first, last, accuracy }));
    expect(first).toBeGreaterThan(0.5);
    expect(last).toBeLessThan(0.2);
    expect(accuracy).toBeGreaterThanOrEqual(0.6);
  }, 1_500_000);
});
