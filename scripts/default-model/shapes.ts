// The built-in image set of the default model: flat-coloured shapes on a dark background, 64×64 RGB,
// each named by words (colour, shape, size, position). Rendering is pure arithmetic (4×4 supersampled
// coverage), so the set is bit-identical on every machine.

export const IMAGE_SIZE = 128;
export const BACKGROUND: readonly [number, number, number] = [0.1, 0.1, 0.13];

export const COLOURS = {
  red: [0.9, 0.16, 0.14],
  green: [0.18, 0.7, 0.25],
  blue: [0.16, 0.36, 0.92],
  yellow: [0.98, 0.84, 0.12],
  purple: [0.6, 0.26, 0.82],
  orange: [1.0, 0.5, 0.08],
} as const satisfies Record<string, readonly [number, number, number]>;
export type Colour = keyof typeof COLOURS;
export const COLOUR_NAMES = Object.keys(COLOURS) as Colour[];

export const SHAPES = ['circle', 'square', 'triangle', 'cross', 'ring'] as const;
export type Shape = (typeof SHAPES)[number];

export type Size = 'small' | 'large';
export type Position = 'center' | 'left' | 'right' | 'top' | 'bottom';

interface Placement {
  size: Size;
  position: Position;
  cx: number;
  cy: number;
  r: number;
}

/** Small shapes at five places, large ones in the middle. */
export const PLACEMENTS: readonly Placement[] = [
  { size: 'small', position: 'center', cx: 64, cy: 64, r: 20 },
  { size: 'small', position: 'left', cx: 30, cy: 64, r: 20 },
  { size: 'small', position: 'right', cx: 98, cy: 64, r: 20 },
  { size: 'small', position: 'top', cx: 64, cy: 30, r: 20 },
  { size: 'small', position: 'bottom', cx: 64, cy: 98, r: 20 },
  { size: 'large', position: 'center', cx: 64, cy: 64, r: 44 },
];

export interface ShapeImage {
  colour: Colour;
  shape: Shape;
  size: Size;
  position: Position;
  /** [3, 64, 64], channel-major, values in [-1, 1] (the VAE's pixel range). */
  pixels: Float32Array;
}

/** Is the point (dx, dy) from the centre inside `shape` of radius r? */
export function insideShape(shape: Shape, dx: number, dy: number, r: number): boolean {
  const ax = Math.abs(dx);
  const ay = Math.abs(dy);
  switch (shape) {
    case 'circle':
      return dx * dx + dy * dy <= r * r;
    case 'ring': {
      const d2 = dx * dx + dy * dy;
      return d2 <= r * r && d2 >= 0.3 * r * r;
    }
    case 'square':
      return ax <= 0.82 * r && ay <= 0.82 * r;
    case 'cross':
      return (ax <= r && ay <= 0.34 * r) || (ax <= 0.34 * r && ay <= r);
    case 'triangle': {
      // Upward triangle, apex at y = -r and base at y = 0.75r (half-width 0.95r), centred vertically.
      const y = dy - 0.125 * r;
      if (y > 0.75 * r || y < -r) return false;
      return ax <= (0.95 * (y + r)) / 1.75;
    }
  }
}

const SUPERSAMPLE = 4;

export function renderShape(shape: Shape, colour: Colour, place: Placement): Float32Array {
  const n = IMAGE_SIZE;
  const pixels = new Float32Array(3 * n * n);
  const rgb = COLOURS[colour];
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      let hits = 0;
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const px = x + (sx + 0.5) / SUPERSAMPLE - place.cx;
          const py = y + (sy + 0.5) / SUPERSAMPLE - place.cy;
          if (insideShape(shape, px, py, place.r)) hits++;
        }
      }
      const cover = hits / (SUPERSAMPLE * SUPERSAMPLE);
      for (let c = 0; c < 3; c++) {
        pixels[c * n * n + y * n + x] = 2 * (BACKGROUND[c] + cover * (rgb[c] - BACKGROUND[c])) - 1;
      }
    }
  }
  return pixels;
}

/** Every image of the set: colours × shapes × placements, in that nesting order. */
export function shapeImageSet(): ShapeImage[] {
  const out: ShapeImage[] = [];
  for (const colour of COLOUR_NAMES) {
    for (const shape of SHAPES) {
      for (const place of PLACEMENTS) {
        out.push({
          colour,
          shape,
          size: place.size,
          position: place.position,
          pixels: renderShape(shape, colour, place),
        });
      }
    }
  }
  return out;
}
