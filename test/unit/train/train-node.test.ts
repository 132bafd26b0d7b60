// The TrainDiffusion node with the real services: trains into the models folder, reports progress
// with a loss-curve preview, and hands on the exported pipeline as MODEL/CLIP/VAE; bad names are
// refused on their widget.

import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PreviewImage } from '../../../nodes/api.ts';
import { trainingNodes } from '../../../nodes/training.ts';
import type { Denoiser } from '../../../nodes/types.ts';
import { testContext, testRuntime } from '../runtime/runtime-services.ts';

const SET = 'models/features/diffgraph-shapes/reference';
const node = trainingNodes[0];
let root = '';
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

const widgets = (overrides: Record<string, unknown>) => ({
  dataset: 'shapes',
  classes: 'part:2',
  steps: 3,
  batch: 2,
  lr: 0.002,
  seed: 1,
  size: 16,
  out: 'tiny-ddpm',
  resume: false,
  ...overrides,
});

describe('TrainDiffusion node', () => {
  it('trains into the models folder and outputs the loaded pipeline, with progress and a loss curve', async () => {
    root = await mkdtemp(join(tmpdir(), 'diffgraph-train-node-'));
    const models = join(root, 'models');
    const input = join(root, 'input');
    await mkdir(join(input, 'shapes'), { recursive: true });
    await mkdir(models);
    for (const name of (await readdir(SET)).filter(
      (n) => n.includes('_red_') && n.endsWith('_large_center.png'),
    )) {
      await copyFile(join(SET, name), join(input, 'shapes', name));
    }
    const ctx = testContext(testRuntime({ models, input }));
    const progress: [number, number, PreviewImage | undefined][] = [];
    ctx.progress = (step, total, preview) => {
      progress.push([step, total, preview]);
    };
    const out = await node.run(ctx, widgets({}));
    expect(progress.map(([step, total]) => [step, total])).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    expect(progress[2][2]?.width).toBe(160);
    expect(out.model_name).toBe('tiny-ddpm');
    expect(Number.isFinite(out.loss)).toBe(true);
    expect(existsSync(join(models, 'tiny-ddpm', 'checkpoint.safetensors'))).toBe(true);
    const model = out.model as Denoiser;
    expect(model.channels).toBe(3);
    expect(model.config.betaSchedule).toBe('linear');
  });

  it('refuses an output name that is not a plain folder name, on the out widget', async () => {
    const ctx = testContext(testRuntime({ models: join(root, 'models'), input: join(root, 'input') }));
    await expect(node.run(ctx, widgets({ out: '../escape' }))).rejects.toThrow(/folder name/);
    await expect(node.run(ctx, widgets({ out: '../escape' }))).rejects.toMatchObject({ input: 'out' });
  });
});
