// Class accuracy of generated images: each sample's nearest training image (squared L2 distance in
// pixel space) must carry the class the sample was asked for.
import type { Dataset } from './dataset.ts';

/** Index of the dataset image nearest to each of `count` images [count, …item]. */
export function nearestImages(images: Float32Array, count: number, data: Dataset): number[] {
  const item = data.itemShape.reduce((a, b) => a * b, 1);
  return Array.from({ length: count }, (_, i) => {
    let best = -1;
    let bestDistance = Infinity;
    for (let j = 0; j < data.count; j++) {
      let d = 0;
      for (let p = 0; p < item; p++) d += (images[i * item + p] - data.images[j * item + p]) ** 2;
      if (d < bestDistance) {
        bestDistance = d;
        best = j;
      }
    }
    return best;
  });
}

/** Fraction of images whose nearest dataset image has the requested class. */
export function nearestClassAccuracy(
  images: Float32Array,
  requested: readonly number[],
  data: Dataset,
): number {
  const nearest = nearestImages(images, requested.length, data);
  const hits = nearest.filter((j, i) => data.labels[j] === requested[i]).length;
  return hits / requested.length;
}
