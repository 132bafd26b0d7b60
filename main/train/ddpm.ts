// One training step of DDPM's Algorithm 1 (Ho et al. 2020): x₀ from the data, t ~ Uniform{1..T},
// ε ~ N(0, I), loss = mean ‖ε − ε_θ(√ᾱ_t·x₀ + √(1−ᾱ_t)·ε, t)‖². Timesteps are 0-based here as in
// diffusers (t = 0..T−1 indexes ᾱ), which is the paper's 1..T shifted by one.
// All randomness of step k comes from streams keyed by (seed, k), so the RNG state of a run is its
// step counter and a resumed run draws exactly what an uninterrupted one would.
import { alphasCumprodFor } from '../../nodes/math/betas.ts';
import { GaussianStream } from '../../nodes/math/noise.ts';
import type { DenoiserConfig } from '../../nodes/types.ts';
import { SeededRandom } from '../onnx/random.ts';
import type { Dataset } from './dataset.ts';
import { act } from './tensor.ts';
import type { TinyUNet } from './unet.ts';

/** Ho et al.'s schedule: linear β from 1e-4 to 0.02 over 1000 steps, ε-prediction. */
export const DDPM_SCHEDULE: DenoiserConfig = {
  numTrainTimesteps: 1000,
  betaSchedule: 'linear',
  betaStart: 0.0001,
  betaEnd: 0.02,
  stepsOffset: 0,
  predictionType: 'epsilon',
  setAlphaToOne: false,
};

/** Steps per seed stay below 2²⁰ so that (seed, step) keys never collide. */
export const MAX_STEPS = 2 ** 20;

export interface StepOptions {
  batch: number;
  seed: number;
  /** Probability of replacing the class by the null class (classifier-free guidance training). */
  classDropout: number;
}

export function stepKey(seed: number, step: number): number {
  if (step >= MAX_STEPS) throw new Error(`training step ${step} exceeds the limit of ${MAX_STEPS}`);
  return seed * MAX_STEPS + step;
}

/** Forward + backward of one minibatch; gradients are accumulated into the model. Returns the loss. */
export function trainingStep(
  model: TinyUNet,
  data: Dataset,
  alphasCumprod: Float64Array,
  step: number,
  options: StepOptions,
): number {
  const key = stepKey(options.seed, step);
  const random = new SeededRandom(key);
  const { batch } = options;
  const [c, h, w] = data.itemShape;
  const item = c * h * w;
  const noise = new Float32Array(batch * item);
  new GaussianStream(key).fill(noise);
  const x = act([batch, c, h, w]);
  const timesteps: number[] = [];
  const classes: number[] = [];
  for (let b = 0; b < batch; b++) {
    const index = Math.floor(random.next() * data.count);
    const t = Math.floor(random.next() * alphasCumprod.length);
    const dropped = random.next() < options.classDropout;
    timesteps.push(t);
    classes.push(dropped ? model.nullClass : data.labels[index]);
    const a = Math.sqrt(alphasCumprod[t]);
    const s = Math.sqrt(1 - alphasCumprod[t]);
    for (let i = 0; i < item; i++)
      x.data[b * item + i] = a * data.images[index * item + i] + s * noise[b * item + i];
  }
  const predicted = model.forward(x, timesteps, model.classEmbedding ? classes : undefined);
  const dOut = act(predicted.shape);
  let loss = 0;
  for (let i = 0; i < noise.length; i++) {
    const diff = predicted.data[i] - noise[i];
    loss += diff * diff;
    dOut.data[i] = (2 * diff) / noise.length;
  }
  model.backward(dOut);
  return loss / noise.length;
}

export function ddpmAlphasCumprod(): Float64Array {
  return alphasCumprodFor(DDPM_SCHEDULE);
}
