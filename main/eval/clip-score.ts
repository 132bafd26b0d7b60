// CLIPScore (Hessel et al. 2021, "CLIPScore: A Reference-free Evaluation Metric for Image Captioning"):
//   CLIP-S(c, v) = w · max(cos(E_image(v), E_text(c)), 0)
// with w = 2.5 in the paper; torchmetrics reports the same with w = 100.
export const CLIP_SCORE_WEIGHTS = { hessel: 2.5, torchmetrics: 100 } as const;
export type ClipScoreWeight = keyof typeof CLIP_SCORE_WEIGHTS;

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`embedding sizes differ: ${a.length} and ${b.length}`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  if (na === 0 || nb === 0) return 0;
  return dot / Math.sqrt(na * nb);
}

export interface ClipScoreResult {
  clip_score: number;
  weight: number;
  weighting: ClipScoreWeight;
  per_image: number[];
  n: number;
}

/** Scores of image embeddings against one text embedding (or one per image), and their mean. */
export function clipScore(
  imageEmbeddings: readonly ArrayLike<number>[],
  textEmbeddings: readonly ArrayLike<number>[],
  weighting: ClipScoreWeight = 'hessel',
): ClipScoreResult {
  if (textEmbeddings.length !== 1 && textEmbeddings.length !== imageEmbeddings.length) {
    throw new Error(
      `need one text or one text per image: ${textEmbeddings.length} texts, ${imageEmbeddings.length} images`,
    );
  }
  const weight = CLIP_SCORE_WEIGHTS[weighting];
  const perImage = imageEmbeddings.map(
    (image, i) => weight * Math.max(cosine(image, textEmbeddings[textEmbeddings.length === 1 ? 0 : i]), 0),
  );
  const mean = perImage.reduce((a, b) => a + b, 0) / Math.max(perImage.length, 1);
  return { clip_score: mean, weight, weighting, per_image: perImage, n: perImage.length };
}
