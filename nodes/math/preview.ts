// A cheap RGB preview of a latent: a linear map from latent channels to RGB. For 4-channel Stable
// Diffusion latents we use the latent_rgb_factors fitted for SD 1.x (as ComfyUI's previews do),
// then (v + 1)/2 → 0..255. Other channel counts show their first channels (or grey for one).
import type { PreviewImage } from '../api.ts';

const SD_LATENT_RGB: readonly (readonly [number, number, number])[] = [
  [0.3512, 0.2297, 0.3227],
  [0.325, 0.4974, 0.235],
  [-0.2829, 0.1762, 0.2721],
  [-0.212, -0.2616, -0.7177],
];

function factorsFor(channels: number): (readonly [number, number, number])[] {
  if (channels === 4) return [...SD_LATENT_RGB];
  return Array.from({ length: channels }, (_, c) =>
    channels < 3 ? ([1, 1, 1] as const) : ([c === 0 ? 1 : 0, c === 1 ? 1 : 0, c === 2 ? 1 : 0] as const),
  );
}

/** Preview of batch item 0 of a [B, C, H, W] latent, downsampled (nearest) to at most `maxSide` pixels. */
export function latentPreview(data: Float32Array, shape: readonly number[], maxSide = 64): PreviewImage {
  const [, channels, height, width] = shape;
  const stride = Math.max(1, Math.ceil(Math.max(height, width) / maxSide));
  const outW = Math.ceil(width / stride);
  const outH = Math.ceil(height / stride);
  const rgb = new Uint8Array(outW * outH * 3);
  const factors = factorsFor(channels);
  const plane = height * width;
  if (channels === 4) {
    previewRgb4(data, plane, width, stride, outW, outH, factors, rgb);
    return { width: outW, height: outH, rgb };
  }
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const src = y * stride * width + x * stride;
      for (let o = 0; o < 3; o++) {
        let v = 0;
        for (let c = 0; c < channels; c++) v += data[c * plane + src] * factors[c][o];
        const byte = (v + 1) * 127.5 + 0.5;
        rgb[(y * outW + x) * 3 + o] = byte < 0 ? 0 : Math.min(byte, 255); // Uint8Array truncates
      }
    }
  }
  return { width: outW, height: outH, rgb };
}

/** The 4-channel case with each pixel's channels read once and the factors in locals (same sums, same order). */
function previewRgb4(
  data: Float32Array,
  plane: number,
  width: number,
  stride: number,
  outW: number,
  outH: number,
  f: readonly (readonly [number, number, number])[],
  rgb: Uint8Array,
): void {
  const [[r0, g0, b0], [r1, g1, b1], [r2, g2, b2], [r3, g3, b3]] = f;
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const src = y * stride * width + x * stride;
      const c0 = data[src];
      const c1 = data[plane + src];
      const c2 = data[2 * plane + src];
      const c3 = data[3 * plane + src];
      const o = (y * outW + x) * 3;
      rgb[o] = toByte(0 + c0 * r0 + c1 * r1 + c2 * r2 + c3 * r3);
      rgb[o + 1] = toByte(0 + c0 * g0 + c1 * g1 + c2 * g2 + c3 * g3);
      rgb[o + 2] = toByte(0 + c0 * b0 + c1 * b1 + c2 * b2 + c3 * b3);
    }
  }
}

/** (v + 1)/2 → 0..255 as the general loop stores it (the Uint8Array store truncates). */
function toByte(v: number): number {
  const byte = (v + 1) * 127.5 + 0.5;
  return byte < 0 ? 0 : Math.min(byte, 255);
}
