// The default model's VAE: a fixed linear patch autoencoder fitted to the image set.
// Encoder: each 8×8×3 patch -> its top-4 principal components (a Conv 3->4, kernel 8, stride 8).
// Decoder: the least-squares inverse from the 3×3 neighbourhood of latent cells back to each 8×8 patch
// (a ConvTranspose 5->3, kernel 24, stride 8, pad 8; the 5th input channel is constant 1 and carries
// the mean), which restores edges far better than the per-patch pseudo-inverse.
import { solveSpd, topEigenvectors } from './pca.ts';
import { IMAGE_SIZE } from './shapes.ts';

export const PATCH = 8;
export const LATENT_CHANNELS = 4;
const PATCH_LEN = 3 * PATCH * PATCH;
/** Inputs per output patch: 3×3 neighbour cells × (4 latent channels + the constant channel). */
const NEIGHBOURS = 9;
const FEATURES = NEIGHBOURS * (LATENT_CHANNELS + 1);

export interface PatchVae {
  /** Conv weight [4, 3, 8, 8] and bias [4]. */
  encoderWeight: Float32Array;
  encoderBias: Float32Array;
  /** ConvTranspose weight [5, 3, 24, 24] (input channel 4 is the constant-1 channel). */
  decoderWeight: Float32Array;
  /** 1 / std of the set's latents: SD's `scaling_factor`. */
  scalingFactor: number;
}

const CELLS = IMAGE_SIZE / PATCH;

/** Patch (cy, cx) of a [3, 64, 64] image as a vector in Conv weight order (channel, y, x). */
function patchOf(pixels: Float32Array, cy: number, cx: number): Float64Array {
  const out = new Float64Array(PATCH_LEN);
  let k = 0;
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < PATCH; y++)
      for (let x = 0; x < PATCH; x++)
        out[k++] = pixels[c * IMAGE_SIZE * IMAGE_SIZE + (cy * PATCH + y) * IMAGE_SIZE + cx * PATCH + x];
  return out;
}

function allPatches(images: Float32Array[]): Float64Array[] {
  const out: Float64Array[] = [];
  for (const img of images)
    for (let cy = 0; cy < CELLS; cy++) for (let cx = 0; cx < CELLS; cx++) out.push(patchOf(img, cy, cx));
  return out;
}

/** Distinct patches with their counts (most patches are plain background), for a faster covariance. */
function distinctPatches(patches: Float64Array[]): { patch: Float64Array; count: number }[] {
  const byKey = new Map<string, { patch: Float64Array; count: number }>();
  for (const p of patches) {
    const key = Buffer.from(p.buffer).toString('latin1');
    const known = byKey.get(key);
    if (known) known.count++;
    else byKey.set(key, { patch: p, count: 1 });
  }
  return [...byKey.values()];
}

function fitEncoder(patches: Float64Array[]): { weight: Float32Array; bias: Float32Array } {
  const distinct = distinctPatches(patches);
  const mean = new Float64Array(PATCH_LEN);
  for (const { patch, count } of distinct)
    for (let i = 0; i < PATCH_LEN; i++) mean[i] += (patch[i] * count) / patches.length;
  const cov = new Float64Array(PATCH_LEN * PATCH_LEN);
  for (const { patch, count } of distinct) {
    const d = patch.map((v, i) => v - mean[i]);
    for (let i = 0; i < PATCH_LEN; i++) {
      const w = (d[i] * count) / patches.length;
      for (let j = i; j < PATCH_LEN; j++) cov[i * PATCH_LEN + j] += w * d[j];
    }
  }
  for (let i = 0; i < PATCH_LEN; i++)
    for (let j = 0; j < i; j++) cov[i * PATCH_LEN + j] = cov[j * PATCH_LEN + i];
  const pcs = topEigenvectors(cov, PATCH_LEN, LATENT_CHANNELS);
  const weight = new Float32Array(LATENT_CHANNELS * PATCH_LEN);
  const bias = new Float32Array(LATENT_CHANNELS);
  pcs.forEach((v, c) => {
    weight.set(v, c * PATCH_LEN);
    bias[c] = -v.reduce((s, x, i) => s + x * mean[i], 0);
  });
  return { weight, bias };
}

/** Latent cells [cells*cells][4] of one image under the encoder (float64). */
function encodeCells(pixels: Float32Array, weight: Float32Array, bias: Float32Array): Float64Array[] {
  const cells: Float64Array[] = [];
  for (let cy = 0; cy < CELLS; cy++) {
    for (let cx = 0; cx < CELLS; cx++) {
      const p = patchOf(pixels, cy, cx);
      cells.push(
        Float64Array.from({ length: LATENT_CHANNELS }, (_, c) => {
          let s = bias[c];
          for (let i = 0; i < PATCH_LEN; i++) s += weight[c * PATCH_LEN + i] * p[i];
          return s;
        }),
      );
    }
  }
  return cells;
}

/** Decoder inputs for output patch (cy, cx): each neighbour's 4 latents and a 1, zeros off the image. */
function neighbourhood(cells: Float64Array[], cy: number, cx: number): Float64Array {
  const f = new Float64Array(FEATURES);
  for (let n = 0; n < NEIGHBOURS; n++) {
    const y = cy + Math.floor(n / 3) - 1;
    const x = cx + (n % 3) - 1;
    if (y < 0 || y >= CELLS || x < 0 || x >= CELLS) continue;
    f.set(cells[y * CELLS + x], n * 5);
    f[n * 5 + 4] = 1;
  }
  return f;
}

function fitDecoder(images: Float32Array[], allCells: Float64Array[][]): Float32Array {
  const gram = new Float64Array(FEATURES * FEATURES);
  const cross = new Float64Array(FEATURES * PATCH_LEN);
  images.forEach((img, k) => {
    for (let cy = 0; cy < CELLS; cy++) {
      for (let cx = 0; cx < CELLS; cx++) {
        const f = neighbourhood(allCells[k], cy, cx);
        const target = patchOf(img, cy, cx);
        for (let i = 0; i < FEATURES; i++) {
          if (f[i] === 0) continue;
          for (let j = 0; j < FEATURES; j++) gram[i * FEATURES + j] += f[i] * f[j];
          for (let j = 0; j < PATCH_LEN; j++) cross[i * PATCH_LEN + j] += f[i] * target[j];
        }
      }
    }
  });
  for (let i = 0; i < FEATURES; i++) gram[i * FEATURES + i] += 1e-6 * images.length;
  const coef = solveSpd(gram, FEATURES, cross, PATCH_LEN);
  return toConvTransposeWeight(coef);
}

/** Neighbour offset d contributes to output pixel u of the patch through kernel tap (1 − d)·8 + u. */
function toConvTransposeWeight(coef: Float64Array): Float32Array {
  const k = 3 * PATCH;
  const weight = new Float32Array((LATENT_CHANNELS + 1) * 3 * k * k);
  for (let n = 0; n < NEIGHBOURS; n++) {
    const dy = Math.floor(n / 3) - 1;
    const dx = (n % 3) - 1;
    for (let cin = 0; cin <= LATENT_CHANNELS; cin++) {
      for (let j = 0; j < PATCH_LEN; j++) {
        const cout = Math.floor(j / (PATCH * PATCH));
        const uy = Math.floor(j / PATCH) % PATCH;
        const ux = j % PATCH;
        const ky = (1 - dy) * PATCH + uy;
        const kx = (1 - dx) * PATCH + ux;
        weight[((cin * 3 + cout) * k + ky) * k + kx] = coef[(n * 5 + cin) * PATCH_LEN + j];
      }
    }
  }
  return weight;
}

export function fitPatchVae(images: Float32Array[]): PatchVae {
  const { weight, bias } = fitEncoder(allPatches(images));
  const cells = images.map((img) => encodeCells(img, weight, bias));
  let sum = 0;
  let sq = 0;
  let count = 0;
  for (const img of cells) {
    for (const cell of img) {
      for (const v of cell) {
        sum += v;
        sq += v * v;
        count++;
      }
    }
  }
  const std = Math.sqrt(sq / count - (sum / count) ** 2);
  return {
    encoderWeight: weight,
    encoderBias: bias,
    decoderWeight: fitDecoder(images, cells),
    scalingFactor: 1 / std,
  };
}

/** The unscaled latent [4, 8, 8] (channel-major) of one image, as the ONNX encoder computes it. */
export function encodeLatent(vae: PatchVae, pixels: Float32Array): Float32Array {
  const cells = encodeCells(pixels, vae.encoderWeight, vae.encoderBias);
  const out = new Float32Array(LATENT_CHANNELS * CELLS * CELLS);
  cells.forEach((cell, i) => {
    for (let c = 0; c < LATENT_CHANNELS; c++) out[c * CELLS * CELLS + i] = cell[c];
  });
  return out;
}
