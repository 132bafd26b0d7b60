// Sinusoidal timestep embedding (Vaswani et al. 2017; Ho et al. 2020), cos-first: [cos(t·f_i), sin(t·f_i)]
// with f_i = 10000^(−i/half), as diffusers' Timesteps(flip_sin_to_cos=True, downscale_freq_shift=0)
// used by Stable Diffusion's U-Net, so the exported model matches what its consumers feed it.
import { type Act, act } from './tensor.ts';

export function timestepEmbedding(timesteps: readonly number[], dim: number): Act {
  if (dim % 2 !== 0) throw new Error(`timestep embedding width must be even, got ${dim}`);
  const half = dim / 2;
  const out = act([timesteps.length, dim]);
  timesteps.forEach((t, r) => {
    for (let i = 0; i < half; i++) {
      const angle = t * Math.exp((-Math.log(10000) * i) / half);
      out.data[r * dim + i] = Math.cos(angle);
      out.data[r * dim + half + i] = Math.sin(angle);
    }
  });
  return out;
}
