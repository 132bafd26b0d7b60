// Stable Diffusion 1.x/2.x training values, as diffusers' scheduler_config.json and the VAE's
// config.json for SD state them: the defaults of loader widgets and of pipeline config reading.
import type { DenoiserConfig } from './types.ts';

export const SD_DENOISER_CONFIG: DenoiserConfig = {
  numTrainTimesteps: 1000,
  betaSchedule: 'scaled_linear',
  betaStart: 0.00085,
  betaEnd: 0.012,
  stepsOffset: 1,
  predictionType: 'epsilon',
  setAlphaToOne: false,
};

/** The VAE latent scaling factor of SD 1.x/2.x. */
export const SD_SCALING_FACTOR = 0.18215;

/** SDXL's VAE latent scaling factor (sgm's SDXL configs: `scale_factor: 0.13025`), base and refiner. */
export const SDXL_SCALING_FACTOR = 0.13025;

/** The latent scaling factor a checkpoint family's VAE was trained with. */
export function familyScalingFactor(family: 'sd1' | 'sd2' | 'sdxl' | 'sdxl-refiner'): number {
  return family === 'sdxl' || family === 'sdxl-refiner' ? SDXL_SCALING_FACTOR : SD_SCALING_FACTOR;
}
