// Central finite differences against a layer's backward pass, in float64 (the layers run on float64
// buffers inside withFloat64, so h = 1e-5 gives derivatives good to ~1e-9 and a 1e-6 tolerance is tight).
import { SeededRandom } from '../../../main/onnx/random.ts';
import type { Act, Vec } from '../../../main/train/tensor.ts';

export interface Checked {
  label: string;
  /** The values to perturb (an input's data or a parameter's data). */
  values: Vec;
  /** The analytic gradient after backward. */
  gradient: () => Vec;
}

export interface GradientCase {
  forward: () => Act;
  /** Zero parameter gradients, back-propagate dy and return dx when the case checks the input. */
  backward: (dy: Act) => void;
  checked: Checked[];
}

export interface Mismatch {
  label: string;
  index: number;
  analytic: number;
  numeric: number;
}

export function randomFill(values: Vec, random: SeededRandom, scale = 1): Vec {
  for (let i = 0; i < values.length; i++) values[i] = random.normal() * scale;
  return values;
}

/** Compare up to `samples` coordinates of each checked tensor; returns the mismatches and the worst error. */
export function gradientCheck(
  c: GradientCase,
  seed: number,
  samples = 24,
): { mismatches: Mismatch[]; worst: number; compared: number } {
  const random = new SeededRandom(seed);
  const y = c.forward();
  const weights = randomFill(new Float64Array(y.data.length), random);
  const loss = () => {
    const out = c.forward().data;
    let s = 0;
    for (let i = 0; i < out.length; i++) s += out[i] * weights[i];
    return s;
  };
  c.forward();
  c.backward({ data: weights, shape: y.shape });
  const h = 1e-5;
  const mismatches: Mismatch[] = [];
  let worst = 0;
  let compared = 0;
  for (const checked of c.checked) {
    const analytic = Float64Array.from(checked.gradient());
    const count = Math.min(samples, checked.values.length);
    for (let s = 0; s < count; s++) {
      const index = count === checked.values.length ? s : Math.floor(random.next() * checked.values.length);
      const saved = checked.values[index];
      checked.values[index] = saved + h;
      const plus = loss();
      checked.values[index] = saved - h;
      const minus = loss();
      checked.values[index] = saved;
      const numeric = (plus - minus) / (2 * h);
      const error = Math.abs(numeric - analytic[index]) / Math.max(1, Math.abs(numeric));
      worst = Math.max(worst, error);
      compared++;
      if (error > 1e-6) mismatches.push({ label: checked.label, index, analytic: analytic[index], numeric });
    }
  }
  return { mismatches, worst, compared };
}
