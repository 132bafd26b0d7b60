// Seeded Gaussian noise that is identical on every machine and run.
//
// Words: Philox4x32-10 (Salmon et al. 2011, "Parallel random numbers: as easy as 1, 2, 3"; checked
// against the Random123 known-answer vectors in test/unit/math/noise.test.ts), keyed by the 64-bit
// seed (key = [seed mod 2³², seed div 2³²]). Block j (counter [j mod 2³², j div 2³², 0, 0]) gives
// words w₄ⱼ … w₄ⱼ₊₃ in output order; a stream reads w₀, w₁, … one after another, never twice.
// The words come from WebAssembly SIMD (philox-simd.ts, four blocks at a time) or, where that is
// unavailable, from the scalar code below; both are integer-exact and bit-identical.
//
// Normals: the ziggurat of Marsaglia & Tsang (2000, "The ziggurat method for generating random
// variables") with N = 256 strips for f(x) = exp(−x²/2), r = 3.6541528853610088 and strip area
// v = r·f(r) + ∫_r^∞ f = 0.004928673233974658 (with them the recursion below closes to 1e-14).
// Edges: X₀ = v/f(r), X₁ = r, X_{i+1} = √(−2 ln(f(X_i) + v/X_i)) for i = 1 … 254, X₂₅₆ = 0;
// F_i = f(X_i), F₂₅₆ = 1. Each normal starts from one word w (bits disjoint, so the strip and the
// value are independent):
//   i = w & 255, s = w >> 8 (arithmetic shift of the int32 word: −2²³ ≤ s < 2²³),
//   x = (s + ½)·X_i / 2²³   (one float64 rounding; symmetric, |x| < X_i)
//   |x| < X_{i+1}              → accept x                                    (~98.5% of draws)
//   i = 0 (|x| ≥ r)            → tail: repeat a = −ln(U₁)/r, b = −ln(U₂) until 2b > a²; ±(r + a)
//   otherwise                  → wedge: y = F_i + U·(F_{i+1} − F_i); accept x if y < exp(−x²/2),
//                                else start again from the next word (new strip and value)
// where each U is a fresh word w as (w mod 2³² + ½)/2³² ∈ (0, 1), all in float64; a tail value
// takes the sign of the x that led to it; the result is rounded to float32. Batch item b always
// draws from the stream of seed + b alone, so any item reproduces by itself. Only integer
// arithmetic, IEEE float64 + − × / and √, and V8's software exp/log (fdlibm ports, no platform
// libm) are involved.

import { inChunks } from './interruptible.ts';
import { philoxSimd } from './philox-simd.ts';

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9 | 0;
const W1 = 0xbb67ae85 | 0;
const TWO_NEG_32 = 2 ** -32;
const M0_SCALED = M0 * TWO_NEG_32; // exact: a power-of-two scale
const M1_SCALED = M1 * TWO_NEG_32;

/** Exact high half of the 64-bit product m·c: the float64 product is within 2¹⁰ of the exact one, so
 * after subtracting the exact low half `lo` it is hi·2³² ± 2¹¹, and rounding recovers hi. */
function exactHigh(m: number, c: number, lo: number): number {
  return (m * (c >>> 0) - (lo >>> 0)) * TWO_NEG_32 + 0.5; // the caller's ToInt32 truncates
}

/**
 * Philox4x32-10 blocks for counters [c0 + j, c1, c2, c3], j = 0 … count − 1 (int32 words, c0 + j
 * must not wrap), key (k0, k1), written to out[4j .. 4j + 3].
 * High halves: (m/2³²)·c in float64 is hi + lo/2³² within 2⁻²², so truncating gives hi unless the
 * low half lies within 2¹¹ of a multiple of 2³² (about 1 in 2²⁰): those take the exact path.
 */
function philoxBlocks(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Int32Array,
  count: number,
): void {
  for (let j = 0; j < count; j++) {
    let x0 = (c0 + j) | 0;
    let x1 = c1;
    let x2 = c2;
    let x3 = c3;
    let key0 = k0;
    let key1 = k1;
    for (let round = 0; round < 10; round++) {
      const lo0 = Math.imul(M0, x0);
      const lo1 = Math.imul(M1, x2);
      let hi0 = M0_SCALED * (x0 >>> 0);
      if ((lo0 + 2048) >>> 0 < 4096) hi0 = exactHigh(M0, x0, lo0);
      let hi1 = M1_SCALED * (x2 >>> 0);
      if ((lo1 + 2048) >>> 0 < 4096) hi1 = exactHigh(M1, x2, lo1);
      x0 = hi1 ^ x1 ^ key0; // ^ applies ToInt32: truncation of hi1 ∈ [0, 2³²)
      x1 = lo1;
      x2 = hi0 ^ x3 ^ key1;
      x3 = lo0;
      key0 = (key0 + W0) | 0;
      key1 = (key1 + W1) | 0;
    }
    out[4 * j] = x0;
    out[4 * j + 1] = x1;
    out[4 * j + 2] = x2;
    out[4 * j + 3] = x3;
  }
}

/** One Philox4x32-10 block: four uint32 words for counter `ctr` and key `key`, written to `out`. */
export function philox4x32(ctr: ArrayLike<number>, key: ArrayLike<number>, out: Uint32Array): Uint32Array {
  const words = new Int32Array(4);
  philoxBlocks(ctr[0] | 0, ctr[1] | 0, ctr[2] | 0, ctr[3] | 0, key[0] | 0, key[1] | 0, words, 1);
  out.set(new Uint32Array(words.buffer));
  return out;
}

const STRIPS = 256;
export const ZIGGURAT_R = 3.6541528853610088;
export const ZIGGURAT_V = 0.004928673233974658;

/** Strip edges X_i, X_i/2²³ (scales the signed 24-bit value) and heights F_i = f(X_i), built once at load. */
function zigguratTables(): { edge: Float64Array; scaled: Float64Array; height: Float64Array } {
  const f = (x: number) => Math.exp(-0.5 * x * x);
  const edge = new Float64Array(STRIPS + 1);
  const height = new Float64Array(STRIPS + 1);
  edge[0] = ZIGGURAT_V / f(ZIGGURAT_R);
  edge[1] = ZIGGURAT_R;
  for (let i = 1; i < STRIPS - 1; i++) {
    edge[i + 1] = Math.sqrt(-2 * Math.log(f(edge[i]) + ZIGGURAT_V / edge[i]));
  }
  edge[STRIPS] = 0;
  for (let i = 0; i < STRIPS; i++) height[i] = f(edge[i]);
  height[STRIPS] = 1;
  return { edge, scaled: edge.map((x) => x * 2 ** -23), height };
}

export const ZIGGURAT = zigguratTables();
const EDGE = ZIGGURAT.edge;
const SCALED = ZIGGURAT.scaled;
const HEIGHT = ZIGGURAT.height;

const TWO_POW_32 = 4294967296;
/** Blocks generated per refill of a stream's word buffer (a power of two, so it divides 2³²). */
const BLOCKS = 256;

/** A stream of standard normal float32 values for one seed; successive calls continue the stream. */
export class GaussianStream {
  private readonly k0: number;
  private readonly k1: number;
  private readonly words = new Int32Array(4 * BLOCKS);
  /** Index of the next unread word in `words`. */
  private next = 4 * BLOCKS;
  /** Counter of the next block to generate. */
  private block = 0;

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0)
      throw new RangeError(`seed must be a whole number ≥ 0, got ${seed}`);
    this.k0 = (seed % TWO_POW_32) | 0;
    this.k1 = Math.floor(seed / TWO_POW_32) | 0;
  }

  /** Fill `out[offset .. offset + length)` with the next values of the stream. */
  fill(out: Float32Array, offset = 0, length = out.length - offset): void {
    const end = offset + length;
    let k = offset;
    while (k < end) {
      if (this.next === this.words.length) this.refill();
      const stop = Math.min(end, k + this.words.length - this.next);
      k = this.inner(out, k, stop);
      if (k < stop) out[k++] = this.rare(this.word());
    }
  }

  /** One normal per buffered word into out[k .. stop) until a word misses its strip's inner part. */
  private inner(out: Float32Array, start: number, stop: number): number {
    const words = this.words;
    let next = this.next;
    let k = start;
    for (; k < stop; k++) {
      const w = words[next];
      const strip = w & 255;
      const x = ((w >> 8) + 0.5) * SCALED[strip];
      if (Math.abs(x) >= EDGE[strip + 1]) break;
      out[k] = x;
      next++;
    }
    this.next = next;
    return k;
  }

  /** The ~1% of draws that land outside a strip's inner rectangle: wedge test or tail. */
  private rare(first: number): number {
    let w = first;
    for (;;) {
      const strip = w & 255;
      const x = ((w >> 8) + 0.5) * SCALED[strip];
      if (Math.abs(x) < EDGE[strip + 1]) return x;
      if (strip === 0) return x < 0 ? -this.tail() : this.tail();
      const y = HEIGHT[strip] + this.uniform() * (HEIGHT[strip + 1] - HEIGHT[strip]);
      if (y < Math.exp(-0.5 * x * x)) return x;
      w = this.word();
    }
  }

  /** Marsaglia's (1964) tail beyond r. */
  private tail(): number {
    for (;;) {
      const a = -Math.log(this.uniform()) / ZIGGURAT_R;
      const b = -Math.log(this.uniform());
      if (b + b > a * a) return ZIGGURAT_R + a;
    }
  }

  private uniform(): number {
    return ((this.word() >>> 0) + 0.5) * TWO_NEG_32;
  }

  private word(): number {
    if (this.next === this.words.length) this.refill();
    return this.words[this.next++];
  }

  /** The next BLOCKS Philox blocks (their counters share the high word: BLOCKS divides 2³²). */
  private refill(): void {
    const low = (this.block % TWO_POW_32) | 0;
    const high = Math.floor(this.block / TWO_POW_32) | 0;
    if (philoxSimd) this.words.set(philoxSimd.blocks(low, high, 0, 0, this.k0, this.k1, BLOCKS / 4));
    else philoxBlocks(low, high, 0, 0, this.k0, this.k1, this.words, BLOCKS);
    this.block += BLOCKS;
    this.next = 0;
  }
}

/** One stream per batch item (seed + b), filling [B, …] tensors item by item. */
export class BatchNoise {
  private readonly streams: GaussianStream[];

  constructor(
    seed: number,
    readonly batch: number,
  ) {
    this.streams = Array.from({ length: batch }, (_, b) => new GaussianStream(seed + b));
  }

  /** Fill `out` (batch × itemSize values) with the next noise of each item's own stream. */
  fill(out: Float32Array): Float32Array {
    const itemSize = out.length / this.batch;
    for (let b = 0; b < this.batch; b++) this.streams[b].fill(out, b * itemSize, itemSize);
    return out;
  }

  /**
   * The same values as fill(out), for big tensors in chunks that let a cancel in between (each
   * item's stream continues where the previous chunk stopped, so chunking changes nothing).
   */
  async fillInterruptibly(out: Float32Array, signal?: AbortSignal): Promise<Float32Array> {
    const itemSize = out.length / this.batch;
    const fillRange = (start: number, end: number) => {
      for (let k = start; k < end; ) {
        const b = Math.floor(k / itemSize);
        const stop = Math.min(end, (b + 1) * itemSize);
        this.streams[b].fill(out, k, stop - k);
        k = stop;
      }
    };
    await inChunks(out.length, fillRange, signal);
    return out;
  }
}

/** Convenience: a fresh [B, …] noise tensor for `seed` (item b from seed + b). */
export function seededNoise(seed: number, shape: readonly number[]): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  return new BatchNoise(seed, shape[0]).fill(new Float32Array(size));
}
