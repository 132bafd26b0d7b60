// TinyUNet's noise skip: with it, the output is the plain network's plus √(1−ᾱ_t)·x_t, where ᾱ_t is
// Ho et al.'s linear-β schedule (β from 1e-4 to 0.02 over 1000 steps) worked out here from the
// paper's formula ᾱ_t = Π_{i≤t} (1 − β_i), and interpolated linearly at fractional timesteps.
import { describe, expect, it } from 'vitest';
import { act } from '../../../main/train/tensor.ts';
import { TinyUNet, type UNetConfig } from '../../../main/train/unet.ts';

function hoAlphaBar(t: number): number {
  let product = 1;
  for (let i = 0; i <= t; i++) product *= 1 - (1e-4 + ((0.02 - 1e-4) * i) / 999);
  return product;
}

const config: UNetConfig = { channels: [4, 8], embWidth: 16, groups: 2, classes: 2, imageChannels: 3 };

describe('TinyUNet noise skip', () => {
  it('adds √(1−ᾱ_t)·x_t to the network output, per item and at fractional t', () => {
    const plain = new TinyUNet(config, 3);
    const skipped = new TinyUNet({ ...config, noiseSkip: true }, 3);
    const x = act([3, 3, 8, 8]);
    for (let i = 0; i < x.data.length; i++) x.data[i] = Math.sin(0.7 * i);
    const timesteps = [0, 999, 250.5];
    const a = plain.forward({ data: Float32Array.from(x.data), shape: x.shape }, timesteps, [0, 1, 2]);
    const b = skipped.forward({ data: Float32Array.from(x.data), shape: x.shape }, timesteps, [0, 1, 2]);
    const scale = [
      Math.sqrt(1 - hoAlphaBar(0)),
      Math.sqrt(1 - hoAlphaBar(999)),
      Math.sqrt(1 - (hoAlphaBar(250) + hoAlphaBar(251)) / 2),
    ];
    const item = 3 * 8 * 8;
    let worst = 0;
    for (let i = 0; i < x.data.length; i++) {
      const expected = a.data[i] + scale[Math.floor(i / item)] * x.data[i];
      worst = Math.max(worst, Math.abs(b.data[i] - expected));
    }
    expect(worst).toBeLessThan(1e-5);
    // The skip is not a no-op at any of these noise levels (t = 0 has √(1−ᾱ) = 0.01).
    expect(Math.abs(b.data[1] - a.data[1])).toBeGreaterThan(1e-3);
  });
});
