// ctx.services.evaluation: feature models and reference image folders for the FID, KID and
// CLIPScore nodes (main/eval/ holds the metrics). Names resolve under the models folders, then the
// input folder, confined like every other widget path.
import type { DeviceName } from '../../nodes/api.ts';
import type { DistanceScores, EvaluationService } from '../../nodes/evaluation-service.ts';
import type { ImageBatch } from '../../nodes/types.ts';
import { ModelInputError } from '../../nodes/widget-errors.ts';
import type { RgbImage } from '../eval/image-sets.ts';
import { modelRoots, resolveModel } from '../runtime/model-resolve.ts';
import { sessionPool } from '../runtime/session-pool.ts';
import type { ServiceScope } from './index.ts';

/** An IMAGE batch [B, H, W, 3] as one RgbImage per item (views, no copy). */
function batchImages(images: ImageBatch): RgbImage[] {
  const [count, height, width] = images.shape;
  const size = height * width * 3;
  return Array.from({ length: count }, (_, i) => ({
    width,
    height,
    data: images.data.subarray(i * size, (i + 1) * size),
  }));
}

export function createEvaluation({ runtime, warn }: ServiceScope): EvaluationService {
  const roots = [...modelRoots(runtime), runtime.paths.input];
  const find = async (name: string, what: string, field: 'features' | 'reference' | 'clip') => {
    try {
      const found = await resolveModel({ name, what, roots, allowAbsolute: runtime.allowAbsolutePaths });
      if (found.notice) warn(found.notice);
      return found.path;
    } catch (error) {
      if (error instanceof ModelInputError) throw new ModelInputError(field, error.message);
      throw error;
    }
  };
  return {
    async distance(metric, images, reference, features, device: DeviceName): Promise<DistanceScores> {
      const [{ loadFeatureModel }, { listImages, readImage }] = await Promise.all([
        import('../eval/feature-model.ts'),
        import('../eval/image-sets.ts'),
      ]);
      const model = await loadFeatureModel(
        sessionPool(runtime),
        await find(features, 'feature model', 'features'),
        device,
      );
      const referenceDir = await find(reference, 'reference image folder', 'reference');
      const a = await model.extract(batchImages(images));
      const b = await model.extract(await Promise.all((await listImages(referenceDir)).map(readImage)));
      const warnings = [a, b]
        .filter((set) => metric === 'fid' && set.count <= set.dim)
        .map(
          (set) =>
            `${set.count} images for ${set.dim}-dimensional features: FID is biased upwards (KID is not)`,
        );
      if (metric === 'fid') {
        const { frechetDistance } = await import('../eval/frechet.ts');
        const r = frechetDistance(a, b);
        const scores = {
          fid: r.fid,
          mean_term: r.meanTerm,
          covariance_term: r.covarianceTerm,
          n_a: r.n_a,
          n_b: r.n_b,
        };
        return { scores, warnings };
      }
      const { kernelInceptionDistance } = await import('../eval/kid.ts');
      const r = kernelInceptionDistance(a, b);
      return { scores: { kid: r.kid, kid_std: r.std, n_a: r.n_a, n_b: r.n_b }, warnings };
    },
    async clipScore(images, prompt, clip, weighting, device) {
      const [{ loadClipPair }, { clipScore }] = await Promise.all([
        import('../eval/clip-model.ts'),
        import('../eval/clip-score.ts'),
      ]);
      const pair = await loadClipPair(sessionPool(runtime), await find(clip, 'CLIP folder', 'clip'), device);
      const set = await pair.image.extract(batchImages(images));
      const rows = Array.from({ length: set.count }, (_, i) =>
        set.data.subarray(i * set.dim, (i + 1) * set.dim),
      );
      const [text] = await pair.embedTexts([prompt]);
      const r = clipScore(rows, [text], weighting);
      return { clipScore: r.clip_score, perImage: r.per_image, weight: r.weight };
    },
  };
}
