// IEEE 754 half precision <-> float32, bit-exact with round-to-nearest-even (as numpy's
// astype(float16)), for float16 ONNX models, fixtures and checkpoints (Node 20 has no
// Float16Array, so ONNX Runtime takes and gives float16 tensors as Uint16Array bit patterns).

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 -> float16 bits, rounding to nearest, ties to even (overflow -> ±Infinity). */
export function toFloat16Bits(value: number): number {
  f32[0] = value;
  const bits = u32[0];
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) {
    // Infinity stays Infinity; NaN stays a (quiet) NaN.
    return sign | 0x7c00 | (mantissa ? 0x200 | (mantissa >>> 13) : 0);
  }
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    if (halfExponent < -10) return sign; // below half the smallest subnormal
    // Subnormal half: shift the full 24-bit significand down to 2^-24 units.
    const significand = mantissa | 0x800000;
    const shift = 14 - halfExponent;
    return sign | roundShift(significand, shift);
  }
  // A carry out of the mantissa correctly bumps the exponent (up to Infinity).
  return sign | (((halfExponent << 10) | (mantissa >>> 13)) + roundBit(mantissa, 13, mantissa >>> 13));
}

function roundShift(value: number, shift: number): number {
  const kept = value >>> shift;
  return kept + roundBit(value, shift, kept);
}

/** 1 when the dropped low `shift` bits round the kept value up (nearest, ties to even). */
function roundBit(value: number, shift: number, kept: number): number {
  const dropped = value & ((1 << shift) - 1);
  const halfway = 1 << (shift - 1);
  return dropped > halfway || (dropped === halfway && (kept & 1) === 1) ? 1 : 0;
}

/** float16 bits -> float32 value (exact). */
export function fromFloat16Bits(half: number): number {
  const sign = half & 0x8000 ? -1 : 1;
  const exponent = (half >>> 10) & 0x1f;
  const mantissa = half & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

let decodeTable: Float32Array | undefined;

function table(): Float32Array {
  if (!decodeTable) {
    decodeTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) decodeTable[h] = fromFloat16Bits(h);
  }
  return decodeTable;
}

export function float32ToFloat16(data: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = toFloat16Bits(data[i]);
  return out;
}

export function float16ToFloat32(data: ArrayLike<number>): Float32Array {
  const lookup = table();
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = lookup[data[i]];
  return out;
}
