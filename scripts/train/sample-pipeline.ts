// Loading an exported training pipeline through the runtime's own loaders (as LoadPipeline does)
// and sampling it with a project sampler: the path a graph takes with the trained model.
import { join } from 'node:path';
import { createRuntimeServices } from '../../main/engine/runtime-services.ts';
import { type LoadedPipeline, loadPipelineDir } from '../../main/runtime/loaders.ts';
import type { SamplerName } from '../../nodes/math/plan.ts';
import { sample } from '../../nodes/math/sample.ts';
import { buildSchedule } from '../../nodes/schedule.ts';

export async function loadExported(dir: string): Promise<LoadedPipeline> {
  const runtime = createRuntimeServices({
    paths: { models: dir, input: dir, output: join(dir, 'out') },
    device: 'cpu',
  });
  return loadPipelineDir({ runtime, warn: () => {} }, dir, 'trained', 'cpu');
}

export interface PromptSampling {
  prompts: string[];
  size: number;
  seed: number;
  steps: number;
  cfg: number;
  sampler?: SamplerName;
}

/** The sampled pixel-space "latents": [N, 3, size, size] in [−1, 1] (before the VAE's upscaling). */
export async function samplePipeline(p: LoadedPipeline, request: PromptSampling): Promise<Float32Array> {
  const n = request.prompts.length;
  const positive = await p.clip.encode(request.prompts);
  const negative = await p.clip.encode(request.prompts.map(() => ''));
  const shape = [n, 3, request.size, request.size];
  const schedule = buildSchedule(p.model, { scheduler: 'normal', steps: request.steps, denoise: 1 });
  const { latent } = await sample({
    denoiser: p.model,
    schedule,
    latent: { data: new Float32Array(shape.reduce((a, b) => a * b, 1)), shape },
    sampler: request.sampler ?? 'ddim',
    cfg: request.cfg,
    seed: request.seed,
    eta: 0,
    addNoise: true,
    positive,
    negative: request.cfg === 1 ? undefined : negative,
  });
  return latent.data;
}
