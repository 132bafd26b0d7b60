// Philox4x32-10 four blocks at a time with WebAssembly SIMD: the 32×32→64-bit products that
// JavaScript can only emulate with float64 tricks are single i64x2.extmul instructions here, so a
// latent's worth of words costs a fraction of the scalar version. Integer operations only: the
// words are bit-identical to the scalar Philox in noise.ts (the tests compare both with a BigInt
// reading and the Random123 known answers). The module is assembled below from named opcodes.
//
// philox(c0, c1, c2, c3, k0, k1, groups) writes groups × 4 blocks to memory at byte 0: block j
// (counter [c0 + j, c1, c2, c3], c0 + j wrapping mod 2³²) as words 4j … 4j + 3.

const I32 = 0x7f;
const V128 = 0x7b;
const SIMD = 0xfd;

const op = {
  loop: 0x03,
  end: 0x0b,
  brIf: 0x0d,
  get: 0x20,
  set: 0x21,
  i32Const: 0x41,
  i32Add: 0x6a,
  i32Sub: 0x6b,
};
/** SIMD opcodes (after the 0xfd prefix), as LEB128 bytes. */
const simd = {
  store: [0x0b],
  const: [0x0c],
  shuffle: [0x0d],
  i32x4Splat: [0x11],
  xor: [0x51],
  i32x4Add: [0xae, 0x01],
  i32x4Mul: [0xb5, 0x01],
  extmulLowU: [0xde, 0x01],
  extmulHighU: [0xdf, 0x01],
};

export function leb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    const byte = v & 0x7f;
    v >>>= 7;
    out.push(v ? byte | 0x80 : byte);
  } while (v);
  return out;
}

export function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

export const vec = (items: number[][]) => [...leb(items.length), ...items.flat()];
export const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
export const name = (text: string) => [...leb(text.length), ...Buffer.from(text, 'latin1')];
const i32x4Const = (lanes: number[]) => {
  const bytes = new Uint8Array(new Int32Array(lanes.map((v) => v | 0)).buffer);
  return [SIMD, ...simd.const, ...bytes];
};
/** i8x16.shuffle taking 32-bit lanes `lanes` (0–3 from the first operand, 4–7 from the second). */
const shuffle32 = (lanes: number[]) => [
  SIMD,
  ...simd.shuffle,
  ...lanes.flatMap((lane) => [0, 1, 2, 3].map((b) => lane * 4 + b)),
];
const shuffleBytes = (bytes: number[]) => [SIMD, ...simd.shuffle, ...bytes];

// params 0–6: c0 c1 c2 c3 k0 k1 groups; i32 local 7: byte pointer; v128 locals from 8
const P = { c0: 0, c1: 1, c2: 2, c3: 3, k0: 4, k1: 5, groups: 6, ptr: 7 };
const V = { ctr: 8, x0: 9, x1: 10, x2: 11, x3: 12, key0: 13, key1: 14, hi: 15, lo: 16, t0: 17, t1: 18 };

const get = (i: number) => [op.get, i];
const set = (i: number) => [op.set, i];
const s = (code: number[]) => [SIMD, ...code];

/** hi and lo halves of M·x for the four lanes of local `x` into locals hi, lo. */
// biome-ignore format: opcodes are grouped one instruction (or one step) per line
function mulHiLo(x: number, multiplier: number): number[] {
  const m = i32x4Const([multiplier, multiplier, multiplier, multiplier]);
  return [
    ...get(x), ...m, ...s(simd.extmulLowU),
    ...get(x), ...m, ...s(simd.extmulHighU),
    ...shuffleBytes([4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31]),
    ...set(V.hi),
    ...get(x), ...m, ...s(simd.i32x4Mul), ...set(V.lo),
  ];
}

// biome-ignore format: opcodes are grouped one instruction (or one step) per line
function round(): number[] {
  // hi0/lo0 from x0 go to x2/x3, hi1/lo1 from x2 go to x0/x1
  return [
    ...mulHiLo(V.x0, 0xd2511f53),
    ...get(V.hi), ...get(V.x3), ...s(simd.xor), ...get(V.key1), ...s(simd.xor), ...set(V.t0), // new x2
    ...get(V.lo), ...set(V.t1), // new x3
    ...mulHiLo(V.x2, 0xcd9e8d57),
    ...get(V.hi), ...get(V.x1), ...s(simd.xor), ...get(V.key0), ...s(simd.xor), ...set(V.x0),
    ...get(V.lo), ...set(V.x1),
    ...get(V.t0), ...set(V.x2),
    ...get(V.t1), ...set(V.x3),
    ...get(V.key0), ...i32x4Const(Array(4).fill(0x9e3779b9)), ...s(simd.i32x4Add), ...set(V.key0),
    ...get(V.key1), ...i32x4Const(Array(4).fill(0xbb67ae85)), ...s(simd.i32x4Add), ...set(V.key1),
  ];
}

const store = (offset: number) => [SIMD, ...simd.store, 4, ...leb(offset)];

/** Blocks are lanes of x0..x3; transpose so each block's four words are contiguous, and store. */
// biome-ignore format: opcodes are grouped one instruction (or one step) per line
function transposeAndStore(): number[] {
  return [
    ...get(V.x0), ...get(V.x1), ...shuffle32([0, 4, 1, 5]), ...set(V.t0),
    ...get(V.x2), ...get(V.x3), ...shuffle32([0, 4, 1, 5]), ...set(V.t1),
    ...get(P.ptr), ...get(V.t0), ...get(V.t1), ...shuffle32([0, 1, 4, 5]), ...store(0),
    ...get(P.ptr), ...get(V.t0), ...get(V.t1), ...shuffle32([2, 3, 6, 7]), ...store(16),
    ...get(V.x0), ...get(V.x1), ...shuffle32([2, 6, 3, 7]), ...set(V.t0),
    ...get(V.x2), ...get(V.x3), ...shuffle32([2, 6, 3, 7]), ...set(V.t1),
    ...get(P.ptr), ...get(V.t0), ...get(V.t1), ...shuffle32([0, 1, 4, 5]), ...store(32),
    ...get(P.ptr), ...get(V.t0), ...get(V.t1), ...shuffle32([2, 3, 6, 7]), ...store(48),
  ];
}

// biome-ignore format: opcodes are grouped one instruction (or one step) per line
function body(): number[] {
  const splat = (param: number, local: number) => [...get(param), ...s(simd.i32x4Splat), ...set(local)];
  const code = [
    ...get(P.c0), ...s(simd.i32x4Splat), ...i32x4Const([0, 1, 2, 3]), ...s(simd.i32x4Add), ...set(V.ctr),
    op.loop, 0x40,
    ...get(V.ctr), ...set(V.x0),
    ...splat(P.c1, V.x1), ...splat(P.c2, V.x2), ...splat(P.c3, V.x3),
    ...splat(P.k0, V.key0), ...splat(P.k1, V.key1),
    ...Array.from({ length: 10 }, round).flat(),
    ...transposeAndStore(),
    ...get(P.ptr), op.i32Const, ...sleb(64), op.i32Add, ...set(P.ptr),
    ...get(V.ctr), ...i32x4Const([4, 4, 4, 4]), ...s(simd.i32x4Add), ...set(V.ctr),
    ...get(P.groups), op.i32Const, ...sleb(1), op.i32Sub, 0x22, P.groups, // local.tee groups
    op.brIf, 0,
    op.end,
    op.end,
  ];
  const locals = vec([[1, I32], [11, V128]]);
  return [...leb(locals.length + code.length), ...locals, ...code];
}

// biome-ignore format: opcodes are grouped one instruction (or one step) per line
function moduleBytes(): Uint8Array<ArrayBuffer> {
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec(Array(7).fill([I32])), 0x00]])), // (i32 × 7) → ()
    ...section(3, vec([[0]])),
    ...section(5, vec([[0x00, 1]])), // one 64 KiB page
    ...section(7, vec([[...name('philox'), 0x00, 0], [...name('memory'), 0x02, 0]])),
    ...section(10, vec([body()])),
  ]);
}

/** Most groups of four blocks one call may write (the memory page holds 1024 blocks). */
export const MAX_GROUPS = 256;

export interface PhiloxSimd {
  /** groups × 4 blocks from counter [c0, c1, c2, c3]; returns a view of their words (reused). */
  blocks(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, groups: number): Int32Array;
}

function instantiate(): PhiloxSimd | null {
  const bytes = moduleBytes();
  if (typeof WebAssembly === 'undefined' || !WebAssembly.validate(bytes)) return null;
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes));
  const run = instance.exports.philox as (...args: number[]) => void;
  const memory = instance.exports.memory as WebAssembly.Memory;
  const words = new Int32Array(memory.buffer, 0, 16 * MAX_GROUPS);
  return {
    blocks(c0, c1, c2, c3, k0, k1, groups) {
      if (!(groups >= 1 && groups <= MAX_GROUPS))
        throw new RangeError(`groups ${groups} outside 1..${MAX_GROUPS}`);
      run(c0, c1, c2, c3, k0, k1, groups);
      return words.subarray(0, 16 * groups);
    },
  };
}

/** The SIMD generator, or null where WebAssembly SIMD is unavailable (noise.ts then uses scalar code). */
export const philoxSimd: PhiloxSimd | null = instantiate();
