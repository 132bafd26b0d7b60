// A small picture of a training loss curve, sent as the node's progress preview so the editor shows
// the curve live without any editor code of its own. The y axis is logarithmic (diffusion losses fall
// over decades), the curve is the running mean over a window of steps (raw losses are very noisy).
import type { PreviewImage } from '../api.ts';

const BACKGROUND = [24, 26, 31];
const GRID = [52, 56, 66];
const CURVE = [120, 200, 255];

/** Mean of each point's trailing window. */
export function smoothed(losses: readonly number[], window: number): number[] {
  const out: number[] = [];
  let sum = 0;
  for (let i = 0; i < losses.length; i++) {
    sum += losses[i];
    if (i >= window) sum -= losses[i - window];
    out.push(sum / Math.min(i + 1, window));
  }
  return out;
}

export function lossCurvePreview(losses: readonly number[], width = 160, height = 96): PreviewImage {
  const rgb = new Uint8Array(width * height * 3);
  const paint = (x: number, y: number, colour: number[]) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    rgb.set(colour, (y * width + x) * 3);
  };
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) paint(x, y, BACKGROUND);
  const curve = smoothed(losses, Math.max(1, Math.ceil(losses.length / 50))).filter((v) => v > 0);
  if (curve.length < 2) return { width, height, rgb };
  const logs = curve.map(Math.log10);
  const top = Math.ceil(Math.max(...logs));
  const bottom = Math.min(Math.floor(Math.min(...logs)), top - 1);
  const rowOf = (log: number) => Math.round(((top - log) / (top - bottom)) * (height - 1));
  // A grid line at every power of ten.
  for (let decade = bottom; decade <= top; decade++)
    for (let x = 0; x < width; x++) paint(x, rowOf(decade), GRID);
  let previous = -1;
  for (let x = 0; x < width; x++) {
    const row = rowOf(logs[Math.round((x / (width - 1)) * (logs.length - 1))]);
    const from = previous < 0 ? row : Math.min(previous, row);
    const to = previous < 0 ? row : Math.max(previous, row);
    for (let y = from; y <= to; y++) paint(x, y, CURVE);
    previous = row;
  }
  return { width, height, rgb };
}
