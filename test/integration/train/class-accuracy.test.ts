// The training acceptance: a seeded DDPM run (Algorithm 1) of bounded length on the shapes set's 30
// large centred shapes (5 shapes × 6 colours at 32×32, class = shape, chance = 20 %) lowers the loss
// below a stated value, and at least 80 % of the samples drawn from the EXPORTED model (the ONNX
// pipeline, loaded as LoadPipeline loads it; DDIM 20 steps, cfg 7) have a set image of the requested
// shape as their nearest neighbour. The longest test of the suite: 1,600 steps took 853 s (930 s
// of CPU) on a 2-core machine; the run time and the numbers are printed.
import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nearestClassAccuracy } from '../../../main/train/nearest-neighbour.ts';
import { DEFAULT_TRAIN_OPTIONS, train } from '../../../main/train/trainer.ts';
import { loadExported, samplePipeline } from '../../../scripts/train/sample-pipeline.ts';

const SET = 'models/features/diffgraph-shapes/reference';
const STEPS = 1600;
const SAMPLES_PER_CLASS = 8;

let root = '';
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe("DDPM training on the shapes set's 30 large centred shapes (all 5 shapes × 6 colours)", () => {
  it(
    `after ${STEPS} seeded steps, ≥ 80 % of the exported model's samples are nearest to a set image of their class`,
    async () => {
      root = await mkdtemp(join(tmpdir(), 'diffgraph-accuracy-'));
      const data = join(root, 'large-centred');
      await mkdir(data);
      for (const name of (await readdir(SET)).filter((n) => n.endsWith('_large_center.png')))
        await copyFile(join(SET, name), join(data, name));
      const started = performance.now();
      const cpu = process.cpuUsage();
      const run = await train({
        ...DEFAULT_TRAIN_OPTIONS,
        dataset: data,
        out: join(root, 'model'),
        steps: STEPS,
        batch: 16,
        channels: [16, 32],
        // A short run: the EMA must follow the weights within a few hundred steps.
        emaDecay: 0.99,
        classes: { namePart: 2 },
        sampleEvery: 0,
        checkpointEvery: STEPS,
      });
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      const losses = run.state.losses;
      const first = mean(losses.slice(0, 20));
      const last = mean(losses.slice(-100));
      const names = run.data.classNames;
      const ids = Array.from({ length: SAMPLES_PER_CLASS * names.length }, (_, i) => i % names.length);
      const pipeline = await loadExported(join(root, 'model'));
      const images = await samplePipeline(pipeline, {
        prompts: ids.map((i) => `a ${names[i]}`),
        size: 32,
        seed: 1234,
        steps: 20,
        cfg: 7,
      });
      const accuracy = nearestClassAccuracy(images, ids, run.data);
      const used = process.cpuUsage(cpu);
      console.log(
        `[train] ${run.data.count} images, ${STEPS} steps (batch 16, 16/32 channels): loss ${first.toFixed(3)} → ${last.toFixed(3)}, ` +
          `nearest-class accuracy ${(accuracy * 100).toFixed(1)} % of ${ids.length} samples, ` +
          `${((performance.now() - started) / 1000).toFixed(0)} s wall, ${((used.user + used.system) / 1e6).toFixed(0)} s CPU`,
      );
      expect(run.data.count).toBe(30);
      expect(last).toBeLessThan(0.04);
      expect(last).toBeLessThan(first / 5);
      expect(accuracy).toBeGreaterThanOrEqual(0.8);
    },
    45 * 60_000,
  );
});
