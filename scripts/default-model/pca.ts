// Principal components of a symmetric covariance matrix by orthogonal (subspace) iteration:
// only arithmetic and square roots, so the result is the same bits on every machine.

/** Top `k` eigenvectors (rows of the result, length n) of the n×n symmetric matrix `cov`. */
export function topEigenvectors(cov: Float64Array, n: number, k: number, iterations = 500): Float64Array[] {
  let basis: Float64Array[] = Array.from({ length: k }, (_, j) => {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = ((i * 7 + j * 13) % 11) - 5 + (i === j ? 10 : 0);
    return v;
  });
  for (let it = 0; it < iterations; it++) {
    basis = orthonormalise(basis.map((v) => multiply(cov, n, v)));
  }
  // Sign convention: the largest-magnitude entry of each vector is positive.
  return basis.map((v) => {
    let big = 0;
    for (let i = 1; i < n; i++) if (Math.abs(v[i]) > Math.abs(v[big])) big = i;
    return v[big] < 0 ? v.map((x) => -x) : v;
  });
}

function multiply(m: Float64Array, n: number, v: Float64Array): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += m[i * n + j] * v[j];
    out[i] = s;
  }
  return out;
}

function orthonormalise(vectors: Float64Array[]): Float64Array[] {
  const out: Float64Array[] = [];
  for (const v of vectors) {
    const w = Float64Array.from(v);
    for (const u of out) {
      let d = 0;
      for (let i = 0; i < w.length; i++) d += w[i] * u[i];
      for (let i = 0; i < w.length; i++) w[i] -= d * u[i];
    }
    let norm = 0;
    for (let i = 0; i < w.length; i++) norm += w[i] * w[i];
    norm = Math.sqrt(norm);
    out.push(w.map((x) => x / norm));
  }
  return out;
}

/** Solve the symmetric positive-definite system A X = B (A n×n, B n×m) by Cholesky. */
export function solveSpd(a: Float64Array, n: number, b: Float64Array, m: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = i === j ? Math.sqrt(s) : s / l[j * n + j];
    }
  }
  const x = Float64Array.from(b);
  for (let c = 0; c < m; c++) {
    for (let i = 0; i < n; i++) {
      let s = x[i * m + c];
      for (let k = 0; k < i; k++) s -= l[i * n + k] * x[k * m + c];
      x[i * m + c] = s / l[i * n + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = x[i * m + c];
      for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k * m + c];
      x[i * m + c] = s / l[i * n + i];
    }
  }
  return x;
}
