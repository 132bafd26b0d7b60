// Loads the shipped default model through the runtime loaders and samples batches of prompts with the
// Math family's samplers, then finds each result's nearest neighbour among the set's original images.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntimeServices } from '../../../main/engine/runtime-services.ts';
import { type LoadedPipeline, loadPipeline } from '../../../main/runtime/loaders.ts';
import type { SamplerName } from '../../../nodes/math/plan.ts';
import { sample } from '../../../nodes/math/sample.ts';
import type { SchedulerName } from '../../../nodes/math/schedules.ts';
import { buildSchedule } from '../../../nodes/schedule.ts';
import type { ImageBatch } from '../../../nodes/types.ts';
import { type ShapeImage, shapeImageSet } from '../../../scripts/default-model/shapes.ts';

export const IMAGE = 128;

export async function loadDefaultModel(): Promise<LoadedPipeline> {
  const dir = mkdtempSync(join(tmpdir(), 'diffgraph-default-'));
  const runtime = createRuntimeServices({
    paths: { models: join(dir, 'models'), input: dir, output: dir },
    device: 'cpu',
  });
  return loadPipeline({ runtime, warn: () => {} }, 'diffgraph-shapes', 'cpu');
}

export interface SamplingRun {
  sampler: SamplerName;
  scheduler: SchedulerName;
  steps: number;
  cfg: number;
  seed: number;
}

/** One image per prompt ([n, 128, 128, 3] in 0..1), all prompts sampled as one batch. */
export async function samplePrompts(
  p: LoadedPipeline,
  prompts: string[],
  run: SamplingRun,
): Promise<ImageBatch> {
  const positive = await p.clip.encode(prompts);
  const negative = await p.clip.encode(prompts.map(() => ''));
  const n = prompts.length;
  const shape = [n, 4, IMAGE / 8, IMAGE / 8];
  const schedule = buildSchedule(p.model, { scheduler: run.scheduler, steps: run.steps, denoise: 1 });
  const { latent } = await sample({
    denoiser: p.model,
    schedule,
    latent: { data: new Float32Array(shape.reduce((a, b) => a * b)), shape },
    sampler: run.sampler,
    cfg: run.cfg,
    seed: run.seed,
    eta: 0,
    addNoise: true,
    positive,
    negative: run.cfg === 1 ? undefined : negative,
  });
  const scaled = Float32Array.from(latent.data, (v) => v / p.vae.scalingFactor);
  if (!p.vae.decode) throw new Error('the default model has no VAE decoder');
  return p.vae.decode({ data: scaled, shape });
}

/** The set as the model can draw it: each original image through the shipped VAE (encode, decode). */
export interface SetImage {
  image: ShapeImage;
  /** [128, 128, 3] in 0..1. */
  pixels: Float32Array;
}

export async function reconstructedSet(p: LoadedPipeline): Promise<SetImage[]> {
  const set = shapeImageSet();
  const px = IMAGE * IMAGE;
  const batch = new Float32Array(set.length * px * 3);
  set.forEach((img, b) => {
    for (let i = 0; i < px; i++)
      for (let c = 0; c < 3; c++) batch[(b * px + i) * 3 + c] = (img.pixels[c * px + i] + 1) / 2;
  });
  if (!p.vae.encode || !p.vae.decode) throw new Error('the default model needs both VAE halves');
  const latents = await p.vae.encode({ data: batch, shape: [set.length, IMAGE, IMAGE, 3] });
  const decoded = await p.vae.decode(latents);
  return set.map((image, b) => ({ image, pixels: decoded.data.slice(b * px * 3, (b + 1) * px * 3) }));
}

/** Mean squared error (0..1 pixel scale) between batch item b of `images` and a set image. */
export function mse(images: ImageBatch, b: number, other: SetImage): number {
  const n = IMAGE * IMAGE * 3;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (images.data[b * n + i] - other.pixels[i]) ** 2;
  return sum / n;
}

export function nearest(
  images: ImageBatch,
  b: number,
  set: SetImage[],
): { image: ShapeImage; mse: number; secondMse: number } {
  const scored = set.map((s) => ({ image: s.image, mse: mse(images, b, s) })).sort((l, r) => l.mse - r.mse);
  return { ...scored[0], secondMse: scored[1].mse };
}
