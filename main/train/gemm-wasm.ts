// C[m×n] += A[m×k]·B[k×n] in WebAssembly SIMD (n padded to a multiple of 16): each pass keeps a 1×16 strip of
// C in four f32x4 registers across the whole k loop (16 multiply-adds per 5 loads, no bounds checks),
// several times faster than the scalar loop in gemm.ts. Operands are copied into the module's memory
// (transposed on the way when asked), which costs O(size) against the product's O(m·n·k).
import { leb, name, section, sleb, vec } from '../../nodes/math/philox-simd.ts';

const I32 = 0x7f;
const V128 = 0x7b;
const SIMD = 0xfd;
const op = { block: 0x02, loop: 0x03, end: 0x0b, brIf: 0x0d, get: 0x20, set: 0x21, tee: 0x22, f32Load: 0x2a };
const i32 = { const: 0x41, add: 0x6a, sub: 0x6b, mul: 0x6c, ltU: 0x49, shl: 0x74 };
const simd = { load: [0x00], store: [0x0b], splat: [0x13], add: [0xe4, 0x01], mul: [0xe6, 0x01] };

// params 0–5: m n k a b c (byte pointers); i32 locals 6–10: i j p ap bp; 11: cp; v128 locals 12–16: acc0–3, s
const L = { m: 0, n: 1, k: 2, a: 3, b: 4, c: 5, i: 6, j: 7, p: 8, ap: 9, bp: 10, cp: 11, acc: 12, s: 16 };
const get = (i: number) => [op.get, i];
const set = (i: number) => [op.set, i];
const c32 = (v: number) => [i32.const, ...sleb(v)];
const v128Load = (offset: number) => [SIMD, ...simd.load, 4, ...leb(offset)];
const v128Store = (offset: number) => [SIMD, ...simd.store, 4, ...leb(offset)];

// biome-ignore format: opcodes are grouped one instruction (or one step) per line
function body(): number[] {
  const accumulate = (r: number) => [
    ...get(L.acc + r), ...get(L.s), ...get(L.bp), ...v128Load(16 * r), SIMD, ...simd.mul, SIMD, ...simd.add, ...set(L.acc + r),
  ];
  const code = [
    ...c32(0), ...set(L.i),
    op.loop, 0x40, // rows i
    ...c32(0), ...set(L.j),
    op.loop, 0x40, // strips of 16 columns j
    // cp = c + 4·(i·n + j)
    ...get(L.c), ...get(L.i), ...get(L.n), i32.mul, ...get(L.j), i32.add, ...c32(2), i32.shl, i32.add, ...set(L.cp),
    ...[0, 1, 2, 3].flatMap((r) => [...get(L.cp), ...v128Load(16 * r), ...set(L.acc + r)]),
    // ap = a + 4·i·k, bp = b + 4·j, p = k
    ...get(L.a), ...get(L.i), ...get(L.k), i32.mul, ...c32(2), i32.shl, i32.add, ...set(L.ap),
    ...get(L.b), ...get(L.j), ...c32(2), i32.shl, i32.add, ...set(L.bp),
    ...get(L.k), ...set(L.p),
    op.loop, 0x40, // inner products over p
    ...get(L.ap), op.f32Load, 2, 0, SIMD, ...simd.splat, ...set(L.s),
    ...accumulate(0), ...accumulate(1), ...accumulate(2), ...accumulate(3),
    ...get(L.ap), ...c32(4), i32.add, ...set(L.ap),
    ...get(L.bp), ...get(L.n), ...c32(2), i32.shl, i32.add, ...set(L.bp),
    ...get(L.p), ...c32(1), i32.sub, op.tee, L.p,
    op.brIf, 0,
    op.end,
    ...[0, 1, 2, 3].flatMap((r) => [...get(L.cp), ...get(L.acc + r), ...v128Store(16 * r)]),
    ...get(L.j), ...c32(16), i32.add, op.tee, L.j, ...get(L.n), i32.ltU,
    op.brIf, 0,
    op.end,
    ...get(L.i), ...c32(1), i32.add, op.tee, L.i, ...get(L.m), i32.ltU,
    op.brIf, 0,
    op.end,
    op.end, // function
  ];
  const locals = vec([[6, I32], [5, V128]]);
  return [...leb(locals.length + code.length), ...locals, ...code];
}

// biome-ignore format: opcodes are grouped one instruction (or one step) per line
function moduleBytes(): Uint8Array<ArrayBuffer> {
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec(Array(6).fill([I32])), 0x00]])), // (i32 × 6) → ()
    ...section(3, vec([[0]])),
    ...section(5, vec([[0x00, 1]])),
    ...section(7, vec([[...name('gemm'), 0x00, 0], [...name('memory'), 0x02, 0]])),
    ...section(10, vec([body()])),
  ]);
}

/** A matrix operand: `rows × cols` values of `data` from `offset`, stored transposed when `transposed`. */
export interface Operand {
  data: Float32Array;
  offset: number;
  transposed: boolean;
}

export interface WasmGemm {
  /** C[m×n] += op(A)·op(B). */
  multiply(m: number, n: number, k: number, a: Operand, b: Operand, c: Float32Array, c0: number): void;
}

function instantiate(): WasmGemm | null {
  const bytes = moduleBytes();
  if (typeof WebAssembly === 'undefined' || !WebAssembly.validate(bytes)) return null;
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes));
  const run = instance.exports.gemm as (...args: number[]) => void;
  const memory = instance.exports.memory as WebAssembly.Memory;
  return {
    multiply(m, n, k, a, b, c, c0) {
      // Columns are padded to a multiple of 16 (zeros in B, ignored in C).
      const wide = Math.ceil(n / 16) * 16;
      const need = 4 * (m * k + k * wide + m * wide);
      if (memory.buffer.byteLength < need) memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536));
      const heap = new Float32Array(memory.buffer);
      const bAt = m * k;
      const cAt = bAt + k * wide;
      place(heap, 0, a, m, k, k);
      if (wide !== n) heap.fill(0, bAt, cAt);
      place(heap, bAt, b, k, n, wide);
      for (let i = 0; i < m; i++) heap.set(c.subarray(c0 + i * n, c0 + (i + 1) * n), cAt + i * wide);
      run(m, wide, k, 0, 4 * bAt, 4 * cAt);
      for (let i = 0; i < m; i++) c.set(heap.subarray(cAt + i * wide, cAt + i * wide + n), c0 + i * n);
    },
  };
}

/** Write a rows×cols operand at heap[at…] with row stride `stride` (transposing a cols×rows source). */
function place(
  heap: Float32Array,
  at: number,
  operand: Operand,
  rows: number,
  cols: number,
  stride: number,
): void {
  const { data, offset } = operand;
  if (!operand.transposed) {
    if (stride === cols) heap.set(data.subarray(offset, offset + rows * cols), at);
    else
      for (let r = 0; r < rows; r++)
        heap.set(data.subarray(offset + r * cols, offset + (r + 1) * cols), at + r * stride);
    return;
  }
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < cols; q++) heap[at + r * stride + q] = data[offset + q * rows + r];
  }
}

/** The SIMD kernel, or null where WebAssembly SIMD is unavailable (gemm.ts then uses scalar loops). */
export const wasmGemm: WasmGemm | null = instantiate();
