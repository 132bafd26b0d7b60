// The scores `diffgraph score` prints, from image paths: feature extraction, then the metric.
import type { DeviceName } from '../../nodes/api.ts';
import { SessionPool } from '../runtime/session-pool.ts';
import { loadClipPair } from './clip-model.ts';
import { type ClipScoreWeight, clipScore } from './clip-score.ts';
import { loadFeatureModel } from './feature-model.ts';
import { frechetDistance } from './frechet.ts';
import { listImages, readImage } from './image-sets.ts';
import { type KidOptions, kernelInceptionDistance } from './kid.ts';
import type { FeatureSet } from './statistics.ts';

export interface ScoreReport {
  /** The score under its own name (fid, kid, clip_score), its parts, the image counts. */
  [key: string]: unknown;
  warnings: string[];
}

async function readSet(path: string) {
  const files = await listImages(path);
  return Promise.all(files.map(readImage));
}

function smallSetWarnings(sets: Record<string, FeatureSet>): string[] {
  return Object.entries(sets)
    .filter(([, s]) => s.count <= s.dim)
    .map(
      ([name, s]) =>
        `set ${name} has ${s.count} images for ${s.dim}-dimensional features: its covariance is singular and FID is biased upwards (KID stays unbiased)`,
    );
}

export async function scoreDistance(
  metric: 'fid' | 'kid',
  pathA: string,
  pathB: string,
  featuresPath: string,
  device: DeviceName,
  kid: KidOptions = {},
): Promise<ScoreReport> {
  const model = await loadFeatureModel(new SessionPool(), featuresPath, device);
  const a = await model.extract(await readSet(pathA));
  const b = await model.extract(await readSet(pathB));
  const warnings = smallSetWarnings({ A: a, B: b });
  const features = model.config.name ?? featuresPath;
  if (metric === 'fid') {
    const r = frechetDistance(a, b);
    return {
      fid: r.fid,
      mean_term: r.meanTerm,
      covariance_term: r.covarianceTerm,
      n_a: r.n_a,
      n_b: r.n_b,
      dim: r.dim,
      features,
      warnings,
    };
  }
  const r = kernelInceptionDistance(a, b, kid);
  return {
    kid: r.kid,
    kid_std: r.std,
    subsets: r.subsets,
    subset_size: r.subsetSize,
    n_a: r.n_a,
    n_b: r.n_b,
    dim: a.dim,
    features,
    warnings: [],
  };
}

export async function scoreClip(
  imagesPath: string,
  prompt: string,
  clipDir: string,
  device: DeviceName,
  weighting: ClipScoreWeight,
): Promise<ScoreReport> {
  const pair = await loadClipPair(new SessionPool(), clipDir, device);
  const images = await pair.image.extract(await readSet(imagesPath));
  const rows = Array.from({ length: images.count }, (_, i) =>
    images.data.subarray(i * images.dim, (i + 1) * images.dim),
  );
  const [text] = await pair.embedTexts([prompt]);
  const r = clipScore(rows, [text], weighting);
  return {
    clip_score: r.clip_score,
    weight: r.weight,
    weighting: r.weighting,
    per_image: r.per_image,
    n: r.n,
    warnings: [],
  };
}
