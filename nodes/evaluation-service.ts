// The evaluation service nodes reach as `ctx.services.evaluation` (declared here by merging into
// NodeServices; implemented in main/services/evaluation.ts): feature models and
// image sets on the Node side, the scores computed there in float64.
import type { DeviceName } from './services.ts';
import type { ImageBatch } from './types.ts';

export type DistanceMetric = 'fid' | 'kid';
export type ClipWeighting = 'hessel' | 'torchmetrics';

export interface DistanceScores {
  /** The score under its own name (fid, or kid and kid_std), its parts, and the image counts. */
  scores: Record<string, number>;
  /** E.g. a set with fewer images than feature dimensions. */
  warnings: string[];
}

export interface EvaluationService {
  /**
   * FID or KID between an IMAGE batch and a reference folder of images (a name under the models or
   * input folders), both through the feature model a `file` widget names. Errors name the widget
   * (`features`, `reference`) in their message.
   */
  distance(
    metric: DistanceMetric,
    images: ImageBatch,
    reference: string,
    features: string,
    device: DeviceName,
  ): Promise<DistanceScores>;
  /** CLIPScore of each image against `prompt` with the CLIP pair in folder `clip`, and the mean. */
  clipScore(
    images: ImageBatch,
    prompt: string,
    clip: string,
    weighting: ClipWeighting,
    device: DeviceName,
  ): Promise<{ clipScore: number; perImage: number[]; weight: number }>;
}

declare module './services.ts' {
  interface NodeServices {
    evaluation: EvaluationService;
  }
}
