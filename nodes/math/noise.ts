// Seeded Gaussian noise that is identical on every machine and run.
//
// Generator: Philox4x32-10 (Salmon et al. 2011, "Parallel random numbers: as easy as 1, 2, 3"; checked
// against the Random123 known-answer vectors in test/unit/math/noise.test.ts), keyed by the 64-bit seed
// (key = [seed mod 2³², seed div 2³²]) with a 128-bit block counter [i, 0, 0, 0]. Each block gives four
// 32-bit words → two Box-Muller pairs, computed in float64 and rounded to float32:
//   u₁ = (w₀ + 1)/2³², u₂ = w₁/2³², z₀ = √(−2 ln u₁)·cos(2πu₂), z₁ = √(−2 ln u₁)·sin(2πu₂).
// Batch item b always draws from the stream of seed + b alone, so any item reproduces by itself.
// Only integer arithmetic and V8's software log/sin/cos (fdlibm ports) are involved: no platform libm.

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of uint32 a·b, exactly, in float64 (the low half is Math.imul). */
function mulhi(a: number, b: number): number {
  const low = a * (b & 0xffff); // < 2^48, exact
  const high = a * (b >>> 16); // < 2^48, exact
  return Math.floor((high + Math.floor(low / 65536)) / 65536) >>> 0;
}

/** Ten Philox rounds on counter (c0..c3) with key (k0, k1), written to `out`. */
function philoxRounds(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array,
): void {
  for (let round = 0; round < 10; round++) {
    const hi0 = mulhi(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi(M1, c2);
    const lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

/** One Philox4x32-10 block: four uint32 words for counter `ctr` and key `key`, written to `out`. */
export function philox4x32(ctr: ArrayLike<number>, key: ArrayLike<number>, out: Uint32Array): Uint32Array {
  philoxRounds(ctr[0] >>> 0, ctr[1] >>> 0, ctr[2] >>> 0, ctr[3] >>> 0, key[0] >>> 0, key[1] >>> 0, out);
  return out;
}

const TWO_POW_32 = 4294967296;
const TWO_PI = 2 * Math.PI;

/** A stream of standard normal float32 values for one seed; successive calls continue the stream. */
export class GaussianStream {
  private readonly key: [number, number];
  private readonly block = new Uint32Array(4);
  private counter = 0;

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0)
      throw new RangeError(`seed must be a whole number ≥ 0, got ${seed}`);
    this.key = [seed % TWO_POW_32, Math.floor(seed / TWO_POW_32)];
  }

  /** Fill `out[offset .. offset + length)` with the next values of the stream (whole blocks of four). */
  fill(out: Float32Array, offset = 0, length = out.length - offset): void {
    const block = this.block;
    const [k0, k1] = this.key;
    for (let i = 0; i < length; i += 4) {
      const counter = this.counter++;
      const low = counter >>> 0; // ToUint32 is exact modulo 2^32 (no slow float %)
      philoxRounds(low, (counter - low) / TWO_POW_32, 0, 0, k0, k1, block);
      const r0 = Math.sqrt(-2 * Math.log((block[0] + 1) / TWO_POW_32));
      const a0 = TWO_PI * (block[1] / TWO_POW_32);
      const r1 = Math.sqrt(-2 * Math.log((block[2] + 1) / TWO_POW_32));
      const a1 = TWO_PI * (block[3] / TWO_POW_32);
      const base = offset + i;
      if (length - i >= 4) {
        out[base] = r0 * Math.cos(a0);
        out[base + 1] = r0 * Math.sin(a0);
        out[base + 2] = r1 * Math.cos(a1);
        out[base + 3] = r1 * Math.sin(a1);
      } else {
        const values = [r0 * Math.cos(a0), r0 * Math.sin(a0), r1 * Math.cos(a1)];
        for (let j = 0; j < length - i; j++) out[base + j] = values[j];
      }
    }
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
}

/** Convenience: a fresh [B, …] noise tensor for `seed` (item b from seed + b). */
export function seededNoise(seed: number, shape: readonly number[]): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  return new BatchNoise(seed, shape[0]).fill(new Float32Array(size));
}
