// An independent, deliberately plain reading of the noise definition in nodes/math/noise.ts: Philox
// in BigInt arithmetic, the ziggurat tables rebuilt from r and v, one word at a time. It also counts
// which branch each normal took, so tests can show the rare paths were exercised.

const MASK = 0xffffffffn;

/** Philox4x32-10 (Salmon et al. 2011) with BigInt products. */
export function philoxReference(ctr: readonly number[], key: readonly number[]): number[] {
  let [c0, c1, c2, c3] = ctr.map((v) => BigInt(v >>> 0));
  let [k0, k1] = key.map((v) => BigInt(v >>> 0));
  for (let round = 0; round < 10; round++) {
    const p0 = 0xd2511f53n * c0;
    const p1 = 0xcd9e8d57n * c2;
    [c0, c1, c2, c3] = [(p1 >> 32n) ^ c1 ^ k0, p1 & MASK, (p0 >> 32n) ^ c3 ^ k1, p0 & MASK];
    k0 = (k0 + 0x9e3779b9n) & MASK;
    k1 = (k1 + 0xbb67ae85n) & MASK;
  }
  return [c0, c1, c2, c3].map(Number);
}

export interface BranchCounts {
  inner: number;
  tail: number;
  wedgeAccepted: number;
  wedgeRejected: number;
}

/** The first `count` normals of the stream for `seed`, as float32, with the branches taken. */
export function normalsReference(
  seed: number,
  count: number,
  r: number,
  v: number,
): { values: Float32Array; branches: BranchCounts } {
  const f = (x: number) => Math.exp(-(x * x) / 2);
  const X = [v / f(r), r];
  for (let i = 1; i <= 254; i++) X.push(Math.sqrt(-2 * Math.log(f(X[i]) + v / X[i])));
  X.push(0);
  const F = X.map((x, i) => (i === 256 ? 1 : f(x)));

  const key = [seed % 2 ** 32, Math.floor(seed / 2 ** 32)];
  let block = 0;
  let pending: number[] = [];
  const nextWord = (): number => {
    if (pending.length === 0) {
      pending = philoxReference([block % 2 ** 32, Math.floor(block / 2 ** 32), 0, 0], key);
      block += 1;
    }
    return pending.shift() as number;
  };
  const uniform = () => (nextWord() + 0.5) / 2 ** 32;

  const branches: BranchCounts = { inner: 0, tail: 0, wedgeAccepted: 0, wedgeRejected: 0 };
  const normal = (): number => {
    for (;;) {
      const w = nextWord(); // uint32
      const i = w % 256;
      const s = Math.floor(w / 256) - (w >= 2 ** 31 ? 2 ** 24 : 0); // the top 24 bits, signed
      const x = ((s + 0.5) * X[i]) / 2 ** 23;
      if (Math.abs(x) < X[i + 1]) {
        branches.inner++;
        return x;
      }
      if (i === 0) {
        branches.tail++;
        for (;;) {
          const a = -Math.log(uniform()) / r;
          const b = -Math.log(uniform());
          if (2 * b > a * a) return x < 0 ? -(r + a) : r + a;
        }
      }
      if (F[i] + uniform() * (F[i + 1] - F[i]) < f(x)) {
        branches.wedgeAccepted++;
        return x;
      }
      branches.wedgeRejected++;
    }
  };
  const values = new Float32Array(count);
  for (let k = 0; k < count; k++) values[k] = normal();
  return { values, branches };
}
