// The training run CI can afford on a 2-core machine: a seeded, bounded run on the shapes set's
// large centred shapes (5 shapes × 6 colours at 32×32, class = shape) must lower the loss well
// below its starting value, and the EXPORTED model (ONNX pipeline loaded by the runtime) must have
// started to learn the classes: it predicts the noise of set images better when the prompt names the
// image's own shape than a wrong one. Samples (DDIM from the project's samplers, cfg 3) are drawn and
// their nearest-neighbour class accuracy is printed; the ≥ 80 % accuracy check needs a longer run
// and is test/integration/train/class-accuracy.test.ts.
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../../main/train/dataset.ts';
import { ddpmAlphasCumprod } from '../../../main/train/ddpm.ts';
import { nearestClassAccuracy } from '../../../main/train/nearest-neighbour.ts';
import { DEFAULT_TRAIN_OPTIONS, train } from '../../../main/train/trainer.ts';
import { GaussianStream } from '../../../nodes/math/noise.ts';
import { loadExported, samplePipeline } from '../../../scripts/train/sample-pipeline.ts';

const SET = 'models/features/diffgraph-shapes/reference';

/** Mean squared ε error over the set with each image's own class prompt, and with the next class's. */
async function classConditionedErrors(
  pipeline: Awaited<ReturnType<typeof loadExported>>,
  data: Dataset,
  names: string[],
): Promise<{ right: number; wrong: number }> {
  const alphas = ddpmAlphasCumprod();
  const item = data.itemShape.reduce((a, b) => a * b, 1);
  const noise = new Float32Array(data.count * item);
  new GaussianStream(4242).fill(noise);
  const errors = { right: 0, wrong: 0 };
  for (const [key, shift] of [
    ['right', 0],
    ['wrong', 1],
  ] as const) {
    const prompts = data.labels.map((label) => `a ${names[(label + shift) % names.length]}`);
    const context = await pipeline.clip.encode(prompts);
    for (const t of [200, 450, 700]) {
      const a = Math.sqrt(alphas[t]);
      const s = Math.sqrt(1 - alphas[t]);
      const x = data.images.map((v, i) => a * v + s * noise[i]);
      const eps = await pipeline.model.predict(
        { data: x, shape: [data.count, ...data.itemShape] },
        t,
        context,
      );
      let sum = 0;
      for (let i = 0; i < eps.length; i++) sum += (eps[i] - noise[i]) ** 2;
      errors[key] += sum / eps.length / 3;
    }
  }
  return errors;
}
let root = '';
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('DDPM training learns the shapes', () => {
  it('loss falls and the exported model has started to learn the classes', async () => {
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
    // Class knowledge, measured through the exported U-Net: ε-prediction error on noisy set images
    // (t from 200 to 700, fixed noise) with the true class prompt against a wrong one.
    const { right, wrong } = await classConditionedErrors(pipeline, run.data, names);
    // Samples: one DDIM-20 image per class and seed pair, cfg 3, nearest neighbour in the set.
    const ids = [...Array(2 * names.length).keys()].map((i) => i % names.length);
    const images = await samplePipeline(pipeline, {
      prompts: ids.map((i) => `a ${names[i]}`),
      size: 32,
      seed: 77,
      steps: 20,
      cfg: 3,
    });
    const accuracy = nearestClassAccuracy(images, ids, run.data);
    console.log(JSON.stringify({ steps, first, last, right, wrong, accuracy }));
    expect(first).toBeGreaterThan(0.15);
    expect(last).toBeLessThan(0.12);
    // Measured here after 200 steps: 0.0634 against 0.0644 — a small but systematic class signal.
    expect(right).toBeLessThan(wrong);
  }, 1_500_000);
});
