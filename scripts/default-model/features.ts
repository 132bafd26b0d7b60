// A stand-in for Inception: a small, deterministic feature extractor for the default model's image
// set, so FID and KID can be computed out of the box. Features are the set's 16 leading principal
// components of the image (average-pooled 4×4 to 32×32×3), whitened over the set: a linear map that
// separates colours, shapes, sizes and places as well as 16 numbers can. It knows nothing else; for
// real images use an Inception-v3 pool3 export (2048-d) as in the literature.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { GraphBuilder, modelBytes } from '../../main/onnx/index.ts';
import { encodeRgbPng } from '../../main/util/png-encode.ts';
import { IMAGE_SIZE, type ShapeImage } from './shapes.ts';

export const FEATURE_DIM = 16;
const POOL = 4;
const SIDE = IMAGE_SIZE / POOL;
const INPUT = 3 * SIDE * SIDE;

/** A CHW image in -1..1 average-pooled POOL×POOL, as the ONNX model's AveragePool computes it. */
function pooled(pixels: Float32Array): Float64Array {
  const n = IMAGE_SIZE;
  const out = new Float64Array(INPUT);
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < n; y++)
      for (let x = 0; x < n; x++)
        out[c * SIDE * SIDE + Math.floor(y / POOL) * SIDE + Math.floor(x / POOL)] +=
          pixels[c * n * n + y * n + x] / (POOL * POOL);
  return out;
}

/** PCA through the N×N Gram matrix (N = 180 images ≪ 3072 inputs): W = Xcᵀ U Λ^-½ · √(N−1). */
export function principalProjection(images: readonly ShapeImage[]): {
  mean: Float32Array;
  weights: Float32Array;
} {
  const rows = images.map((img) => pooled(img.pixels));
  const count = rows.length;
  const mean = new Float64Array(INPUT);
  for (const r of rows) for (let i = 0; i < INPUT; i++) mean[i] += r[i] / count;
  const centred = rows.map((r) => Array.from(r, (v, i) => v - mean[i]));
  const x = new Matrix(centred);
  const gram = x.mmul(x.transpose());
  const evd = new EigenvalueDecomposition(gram.add(gram.transpose()).mul(0.5), { assumeSymmetric: true });
  const values = evd.realEigenvalues;
  const order = values
    .map((_, i) => i)
    .sort((a, b) => values[b] - values[a])
    .slice(0, FEATURE_DIM);
  const weights = new Float32Array(INPUT * FEATURE_DIM);
  for (const [k, index] of order.entries()) {
    const u = evd.eigenvectorMatrix.getColumn(index);
    // Principal direction v = Xcᵀu/√λ (unit length); scaling by √(N−1)/√λ whitens the feature.
    const scale = Math.sqrt(count - 1) / values[index];
    const direction = new Float64Array(INPUT);
    for (let i = 0; i < count; i++) for (let j = 0; j < INPUT; j++) direction[j] += centred[i][j] * u[i];
    // Fix the sign so the output does not depend on the eigen-solver's choice.
    let largest = 0;
    for (let j = 0; j < INPUT; j++) if (Math.abs(direction[j]) > Math.abs(largest)) largest = direction[j];
    const sign = largest < 0 ? -1 : 1;
    for (let j = 0; j < INPUT; j++) weights[j * FEATURE_DIM + k] = sign * direction[j] * scale;
  }
  return { mean: Float32Array.from(mean), weights };
}

function buildFeatureModel(mean: Float32Array, weights: Float32Array) {
  const g = new GraphBuilder('diffgraph-shapes-features');
  const pixels = g.input('pixels', 'float32', ['batch', 3, IMAGE_SIZE, IMAGE_SIZE]);
  const pool = g.node('AveragePool', [pixels], { kernel_shape: [POOL, POOL], strides: [POOL, POOL] });
  const flat = g.node('Flatten', [pool], { axis: 1 });
  const centred = g.node('Sub', [flat, g.f32('mean', mean, [INPUT])]);
  const features = g.node('MatMul', [centred, g.f32('components', weights, [INPUT, FEATURE_DIM])]);
  g.output('features', features, 'float32', ['batch', FEATURE_DIM]);
  return g.build({
    docString: 'diffgraph-shapes stand-in feature extractor (whitened PCA of the image set)',
  });
}

const README = `# diffgraph-shapes features: a stand-in for Inception

A feature extractor for FID and KID on the default model's image set, made by
\`npx tsx scripts/make-default-model.ts\`. \`model.onnx\` takes images [B,3,128,128] in -1..1
(\`features.json\`) and gives ${FEATURE_DIM} features: the set's leading principal components of the image
average-pooled to 32×32, whitened over the set. \`reference/\` holds the set's 180 images.

It is a stand-in: it only knows this image set. Scores made with it are comparable with each other, not
with published FIDs; for real images use an Inception-v3 pool3 ONNX export (2048-d) with its own
features.json (size [299, 299], range [-1, 1]).
`;

/** PNG bytes of a CHW image in -1..1. */
function imagePng(pixels: Float32Array): Buffer {
  const n = IMAGE_SIZE;
  const rgb = new Uint8Array(n * n * 3);
  for (let p = 0; p < n * n; p++)
    for (let c = 0; c < 3; c++) {
      const v = (pixels[c * n * n + p] + 1) / 2;
      rgb[p * 3 + c] = Math.round(Math.min(Math.max(v, 0), 1) * 255);
    }
  return encodeRgbPng(n, n, rgb, 9);
}

export async function writeFeatureModel(dir: string, images: readonly ShapeImage[]): Promise<void> {
  const { mean, weights } = principalProjection(images);
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, 'reference'), { recursive: true });
  await writeFile(join(dir, 'model.onnx'), modelBytes(buildFeatureModel(mean, weights)));
  const config = {
    name: 'diffgraph-shapes stand-in (16-d PCA)',
    size: [IMAGE_SIZE, IMAGE_SIZE],
    range: [-1, 1],
    resize: 'bilinear',
  };
  await writeFile(join(dir, 'features.json'), `${JSON.stringify(config, null, 2)}\n`);
  await writeFile(join(dir, 'README.md'), README);
  for (const [i, img] of images.entries()) {
    const name = `${String(i).padStart(3, '0')}_${img.colour}_${img.shape}_${img.size}_${img.position}.png`;
    await writeFile(join(dir, 'reference', name), imagePng(img.pixels));
  }
}
