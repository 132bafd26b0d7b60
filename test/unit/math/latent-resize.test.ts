// Latent resizes against ComfyUI's common_upscale run once in PyTorch 1.13
// (scripts/reference/latent_upscale.py → test/fixtures/reference/latent-upscale/).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeNpy } from '../../../nodes/formats/npy.ts';
import { type CropMode, type ResizeMethod, resizeLatent } from '../../../nodes/math/latent-resize.ts';

const DIR = join(import.meta.dirname, '../../fixtures/reference/latent-upscale');
const npy = (name: string) => decodeNpy(readFileSync(join(DIR, `${name}.npy`)));
const meta = JSON.parse(readFileSync(join(DIR, 'meta.json'), 'utf8')) as {
  cases: { name: string; method: ResizeMethod; width: number; height: number; crop: CropMode }[];
};

describe('latent resize replays ComfyUI common_upscale', () => {
  const input = npy('input');

  it.each(meta.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const expected = npy(c.name);
    const got = resizeLatent(input, c.width, c.height, c.method, c.crop);
    expect(got.shape).toEqual(expected.shape);
    let worst = 0;
    for (let i = 0; i < got.data.length; i++)
      worst = Math.max(worst, Math.abs(got.data[i] - expected.data[i]));
    // bislerp's acos near a dot of 1 magnifies float32 rounding of the dot product
    expect(worst).toBeLessThan(c.method === 'bislerp' ? 2e-5 : 2e-6);
  });

  it('covers every method at up, down and cropped sizes', () => {
    expect(new Set(meta.cases.map((c) => c.method))).toEqual(
      new Set(['nearest-exact', 'bilinear', 'area', 'bicubic', 'bislerp']),
    );
    expect(meta.cases.filter((c) => c.crop === 'center').length).toBeGreaterThan(0);
  });

  it('refuses a size below one cell', () => {
    expect(() => resizeLatent(input, 0, 3, 'bilinear', 'disabled')).toThrow(/at least 1×1/);
  });
});
