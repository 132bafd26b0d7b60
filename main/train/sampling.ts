// Drawing images from a trained model with one of the project's samplers, and sample grids as PNG.

import type { SamplerName } from '../../nodes/math/plan.ts';
import { sample } from '../../nodes/math/sample.ts';
import { buildSchedule } from '../../nodes/schedule.ts';
import { encodeRgbPng } from '../util/png-encode.ts';
import { classConditioning, trainedDenoiser } from './trained-denoiser.ts';
import type { TinyUNet } from './unet.ts';

export interface SampleRequest {
  /** One class id per image (−1 or an unconditional model: no class). */
  classIds: number[];
  size: number;
  seed: number;
  steps: number;
  cfg: number;
  sampler?: SamplerName;
}

/** Images [N, 3, size, size] in [−1, 1]. */
export async function sampleImages(model: TinyUNet, request: SampleRequest): Promise<Float32Array> {
  const denoiser = trainedDenoiser(model, 'training');
  const n = request.classIds.length;
  const k = model.config.classes;
  const schedule = buildSchedule(denoiser, { scheduler: 'normal', steps: request.steps, denoise: 1 });
  const latent = {
    data: new Float32Array(n * 3 * request.size ** 2),
    shape: [n, 3, request.size, request.size],
  };
  const conditional = denoiser.conditional;
  const result = await sample({
    denoiser,
    schedule,
    latent,
    sampler: request.sampler ?? 'ddim',
    cfg: conditional ? request.cfg : 1,
    seed: request.seed,
    eta: 0,
    addNoise: true,
    positive: conditional ? classConditioning(request.classIds, k) : undefined,
    negative: conditional ? classConditioning(new Array(n).fill(-1), k) : undefined,
  });
  return result.latent.data;
}

/** A PNG grid of [N, 3, S, S] images in [−1, 1], `columns` per row, 2-pixel gaps. */
export function gridPng(images: Float32Array, count: number, size: number, columns: number): Buffer {
  const rows = Math.ceil(count / columns);
  const gap = 2;
  const width = columns * (size + gap) + gap;
  const height = rows * (size + gap) + gap;
  const rgb = new Uint8Array(width * height * 3);
  const plane = size * size;
  for (let i = 0; i < count; i++) {
    const x0 = gap + (i % columns) * (size + gap);
    const y0 = gap + Math.floor(i / columns) * (size + gap);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        for (let c = 0; c < 3; c++) {
          const v = images[(i * 3 + c) * plane + y * size + x];
          rgb[((y0 + y) * width + x0 + x) * 3 + c] = Math.round(Math.min(Math.max((v + 1) / 2, 0), 1) * 255);
        }
      }
    }
  }
  return encodeRgbPng(width, height, rgb);
}
