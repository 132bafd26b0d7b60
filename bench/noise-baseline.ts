// The previous seeded-noise generator, kept only as the benchmark's baseline: Philox4x32-10 with a
// division-based high half, each block turned into two Box-Muller pairs in float64. Its output
// differs from nodes/math/noise.ts (which uses a ziggurat); only its speed is compared.

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;
const TWO_POW_32 = 4294967296;
const TWO_PI = 2 * Math.PI;

function mulhi(a: number, b: number): number {
  const low = a * (b & 0xffff);
  const high = a * (b >>> 16);
  return Math.floor((high + Math.floor(low / 65536)) / 65536) >>> 0;
}

function philoxRounds(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array,
) {
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

export class BoxMullerStream {
  private readonly block = new Uint32Array(4);
  private counter = 0;

  constructor(private readonly seed: number) {}

  /** Fill `out` (a multiple of four values) with the next values of the stream. */
  fill(out: Float32Array): void {
    const block = this.block;
    for (let i = 0; i < out.length; i += 4) {
      philoxRounds(this.counter++, 0, 0, 0, this.seed, 0, block);
      const r0 = Math.sqrt(-2 * Math.log((block[0] + 1) / TWO_POW_32));
      const a0 = TWO_PI * (block[1] / TWO_POW_32);
      const r1 = Math.sqrt(-2 * Math.log((block[2] + 1) / TWO_POW_32));
      const a1 = TWO_PI * (block[3] / TWO_POW_32);
      out[i] = r0 * Math.cos(a0);
      out[i + 1] = r0 * Math.sin(a0);
      out[i + 2] = r1 * Math.cos(a1);
      out[i + 3] = r1 * Math.sin(a1);
    }
  }
}
