// Vectorised e^x and log x on 128-bit lanes (f64x2, f32x4), built only from IEEE-exact
// WebAssembly SIMD operations (no FMA, no relaxed SIMD, no tables), so every lane gives the same
// bits on every machine and engine.
//
// exp: x = k·ln2 + r, k = round(x·log₂e) (the 1.5·2⁵² magic-number rounding), r by Cody–Waite
//   with ln2 split in a high part with trailing zero bits and a low part (fdlibm's constants);
//   e^r by its Taylor polynomial (float64: degree 13 by Estrin's scheme, |r| ≤ ln2/2: truncation
//   r¹⁴/14! < 4.2e−18; float32: degree 7 by Horner, r⁸/8! < 5.3e−9); 2^k assembled in the exponent bits.
//   Inputs whose result would be near or below the smallest normal (x < −708 in float64, x < −86.5 in float32) give
//   exactly 0; the kernels only call it on x ≤ 0 (σ, softplus, log-sum-exp), so there is no
//   overflow branch. Error bounds: BOUNDS in src/linalg/kernels.ts (e^x within 4u, measured 2u).
// log: x = 2^E·m, m ∈ [√½, √2), log m = 2 atanh s, s = (m−1)/(m+1), |s| ≤ 0.1716, by its odd
//   series (through s¹⁹ for float64: remainder < 2.2e−17; s⁹ for float32); result E·ln2 + log m.
//   Domain: finite positive normal x (the kernels pass 1 + e^{−|a|} ∈ [1, 2] and sums ≥ 1).

// Constants live in memory, loaded with one splat-load each (`vmovddup`/`vbroadcastss`): V8
// rebuilds an immediate splat with three instructions at every use, which made e^x 2.5× slower.
// The tables are a data segment below the allocator's heap (src/linalg/wasm.ts starts at
// 64 KiB); every instance writes the same bytes. Entries are named by their index below.

// ---- float64 ----
// e^x: log₂e, 1.5·2⁵², ln2 high/low (fdlibm), then 1/13!, 1/12!, …, 1/2!, 1 (Horner order), the cut-off
const E64 = memory.data<f64>([
  1.4426950408889634, 6755399441055744.0, 6.93147180369123816490e-1, 1.90821492927058770002e-10,
  1.6059043836821613e-10, 2.08767569878681e-9, 2.505210838544172e-8, 2.755731922398589e-7, 2.7557319223985893e-6,
  2.48015873015873e-5, 1.984126984126984e-4, 1.388888888888889e-3, 8.333333333333333e-3, 4.1666666666666664e-2,
  1.6666666666666666e-1, 0.5, 1.0, -708.0,
]);
const E64_TAYLOR = 4; // index of 1/13!; 13 coefficients down to 1/1!, then 1 at E64_ONE
const E64_ONE = 16;
const E64_MIN = 17;
// log x: √2, then 2/19, 2/17, …, 2/3 (Horner order in s²), ½, 0
const L64 = memory.data<f64>([1.4142135623730951, 2.0 / 19.0, 2.0 / 17.0, 2.0 / 15.0, 2.0 / 13.0, 2.0 / 11.0, 2.0 / 9.0, 2.0 / 7.0, 2.0 / 5.0, 2.0 / 3.0, 0.5, 0.0]);
const L64_HALF = 10;
const L64_ZERO = 11;
// bit patterns: bits(1.5·2⁵²), 1023, mantissa mask, exponent of 1.0
const B64 = memory.data<i64>([0x4338000000000000, 1023, 0x000fffffffffffff, 0x3ff0000000000000]);

@inline function e64(i: i32): v128 {
  return v128.load64_splat(E64 + (<usize>i << 3));
}
@inline function l64(i: i32): v128 {
  return v128.load64_splat(L64 + (<usize>i << 3));
}
@inline function b64(i: i32): v128 {
  return v128.load64_splat(B64 + (<usize>i << 3));
}

/** e^x per lane of an f64x2 for x ≤ 0 (0 below −708). */
@inline export function exp2v(x: v128): v128 {
  const t = f64x2.add(f64x2.mul(x, e64(0)), e64(1));
  const k = f64x2.sub(t, e64(1));
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(k, e64(2))), f64x2.mul(k, e64(3)));
  // e^r = 1 + (r + r²·T(r)), T = 1/2! + r/3! + … + r¹¹/13! by Estrin's scheme (a dependency chain
  // of 8 operations instead of Horner's 26); the two large terms are added last, as in Horner
  const r2 = f64x2.mul(r, r);
  const r4 = f64x2.mul(r2, r2);
  const r8 = f64x2.mul(r4, r4);
  const q1 = f64x2.add(e64(E64_TAYLOR + 11), f64x2.mul(e64(E64_TAYLOR + 10), r)); // 1/2! + r/3!
  const q2 = f64x2.add(e64(E64_TAYLOR + 9), f64x2.mul(e64(E64_TAYLOR + 8), r)); // 1/4! + r/5!
  const q3 = f64x2.add(e64(E64_TAYLOR + 7), f64x2.mul(e64(E64_TAYLOR + 6), r)); // 1/6! + r/7!
  const q4 = f64x2.add(e64(E64_TAYLOR + 5), f64x2.mul(e64(E64_TAYLOR + 4), r)); // 1/8! + r/9!
  const q5 = f64x2.add(e64(E64_TAYLOR + 3), f64x2.mul(e64(E64_TAYLOR + 2), r)); // 1/10! + r/11!
  const q6 = f64x2.add(e64(E64_TAYLOR + 1), f64x2.mul(e64(E64_TAYLOR), r)); // 1/12! + r/13!
  const T = f64x2.add(f64x2.add(f64x2.add(q1, f64x2.mul(q2, r2)), f64x2.mul(r4, f64x2.add(q3, f64x2.mul(q4, r2)))), f64x2.mul(r8, f64x2.add(q5, f64x2.mul(q6, r2))));
  const p = f64x2.add(e64(E64_ONE), f64x2.add(r, f64x2.mul(r2, T)));
  // 2^k: the low bits of t hold k (two's complement); shift k + 1023 into the exponent field
  const bits = i64x2.shl(i64x2.add(i64x2.sub(t, b64(0)), b64(1)), 52);
  return v128.andnot(f64x2.mul(p, bits), f64x2.lt(x, e64(E64_MIN)));
}

/** log x per lane of an f64x2 for finite positive normal x. */
@inline export function log2v(x: v128): v128 {
  // exponent E and mantissa m ∈ [1, 2), then m ∈ [√½, √2)
  const e = i64x2.sub(i64x2.shr_u(x, 52), b64(1));
  let m = v128.or(v128.and(x, b64(2)), b64(3));
  const big = f64x2.gt(m, l64(0));
  m = v128.bitselect(f64x2.mul(m, l64(L64_HALF)), m, big);
  // E as f64 (|E| < 2¹⁰): i64 lanes → i32 lanes 0,1 → f64
  const E = f64x2.add(f64x2.convert_low_i32x4_s(i32x4.shuffle(e, e, 0, 2, 0, 2)), v128.and(big, e64(E64_ONE)));
  const s = f64x2.div(f64x2.sub(m, e64(E64_ONE)), f64x2.add(m, e64(E64_ONE)));
  const s2 = f64x2.mul(s, s);
  // p(z) = 2/3 + 2z/5 + … + 2z⁸/19, z = s², by Estrin's scheme
  const z2 = f64x2.mul(s2, s2);
  const z4 = f64x2.mul(z2, z2);
  const p01 = f64x2.add(l64(9), f64x2.mul(l64(8), s2));
  const p23 = f64x2.add(l64(7), f64x2.mul(l64(6), s2));
  const p45 = f64x2.add(l64(5), f64x2.mul(l64(4), s2));
  const p67 = f64x2.add(l64(3), f64x2.mul(l64(2), s2));
  const p = f64x2.add(f64x2.add(f64x2.add(p01, f64x2.mul(p23, z2)), f64x2.mul(z4, f64x2.add(p45, f64x2.mul(p67, z2)))), f64x2.mul(f64x2.mul(z4, z4), l64(1)));
  // log m = 2s + s·s²·p;  log x = E·ln2_hi + (log m + E·ln2_lo)
  const logm = f64x2.add(f64x2.add(s, s), f64x2.mul(f64x2.mul(s, s2), p));
  return f64x2.add(f64x2.mul(E, e64(2)), f64x2.add(logm, f64x2.mul(E, e64(3))));
}

// ---- float32 ----
// e^x: log₂e, 1.5·2²³, ln2 high/low, 1/7!, …, 1/2!, 1, the cut-off
const E32 = memory.data<f32>([
  1.4426950408889634, 12582912.0, 0.693359375, -2.12194440e-4,
  1.984126984126984e-4, 1.388888888888889e-3, 8.333333333333333e-3, 4.1666666666666664e-2, 1.6666666666666666e-1, 0.5, 1.0, -86.5,
]);
const E32_TAYLOR = 4; // index of 1/7!
const E32_ONE = 10;
const E32_MIN = 11;
// log x: √2, 2/9, 2/7, 2/5, 2/3, ½, 0
const L32 = memory.data<f32>([1.4142135623730951, 2.0 / 9.0, 2.0 / 7.0, 2.0 / 5.0, 2.0 / 3.0, 0.5, 0.0]);
const L32_HALF = 5;
const L32_ZERO = 6;
// bit patterns: bits(1.5·2²³), 127, mantissa mask, exponent of 1.0
const B32 = memory.data<i32>([0x4b400000, 127, 0x007fffff, 0x3f800000]);

@inline function e32(i: i32): v128 {
  return v128.load32_splat(E32 + (<usize>i << 2));
}
@inline function l32(i: i32): v128 {
  return v128.load32_splat(L32 + (<usize>i << 2));
}
@inline function b32(i: i32): v128 {
  return v128.load32_splat(B32 + (<usize>i << 2));
}

/** e^x per lane of an f32x4 for x ≤ 0 (0 below −86.5). */
@inline export function exp4v(x: v128): v128 {
  const t = f32x4.add(f32x4.mul(x, e32(0)), e32(1));
  const k = f32x4.sub(t, e32(1));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(k, e32(2))), f32x4.mul(k, e32(3)));
  let p = e32(E32_TAYLOR);
  p = f32x4.add(f32x4.mul(p, r), e32(E32_TAYLOR + 1));
  p = f32x4.add(f32x4.mul(p, r), e32(E32_TAYLOR + 2));
  p = f32x4.add(f32x4.mul(p, r), e32(E32_TAYLOR + 3));
  p = f32x4.add(f32x4.mul(p, r), e32(E32_TAYLOR + 4));
  p = f32x4.add(f32x4.mul(p, r), e32(E32_TAYLOR + 5));
  p = f32x4.add(f32x4.mul(p, r), e32(E32_ONE));
  p = f32x4.add(f32x4.mul(p, r), e32(E32_ONE));
  const bits = i32x4.shl(i32x4.add(i32x4.sub(t, b32(0)), b32(1)), 23);
  return v128.andnot(f32x4.mul(p, bits), f32x4.lt(x, e32(E32_MIN)));
}

/** log x per lane of an f32x4 for finite positive normal x. */
@inline export function log4v(x: v128): v128 {
  const e = i32x4.sub(i32x4.shr_u(x, 23), b32(1));
  let m = v128.or(v128.and(x, b32(2)), b32(3));
  const big = f32x4.gt(m, l32(0));
  m = v128.bitselect(f32x4.mul(m, l32(L32_HALF)), m, big);
  const E = f32x4.add(f32x4.convert_i32x4_s(e), v128.and(big, e32(E32_ONE)));
  const s = f32x4.div(f32x4.sub(m, e32(E32_ONE)), f32x4.add(m, e32(E32_ONE)));
  const s2 = f32x4.mul(s, s);
  let p = l32(1);
  p = f32x4.add(f32x4.mul(p, s2), l32(2));
  p = f32x4.add(f32x4.mul(p, s2), l32(3));
  p = f32x4.add(f32x4.mul(p, s2), l32(4));
  const logm = f32x4.add(f32x4.add(s, s), f32x4.mul(f32x4.mul(s, s2), p));
  return f32x4.add(f32x4.mul(E, e32(2)), f32x4.add(logm, f32x4.mul(E, e32(3))));
}

// ---- generic wrappers (compile-time dispatch on T) ----

@inline export function vexp<T>(x: v128): v128 {
  if (sizeof<T>() == 8) return exp2v(x);
  return exp4v(x);
}

@inline export function vlog<T>(x: v128): v128 {
  if (sizeof<T>() == 8) return log2v(x);
  return log4v(x);
}

/** σ(a) = 1/(1 + e^{−a}) per lane: e = e^{−|a|}, σ = (a < 0 ? e : 1)/(1 + e). */
@inline export function vsigmoid<T>(a: v128): v128 {
  if (sizeof<T>() == 8) {
    const e = exp2v(f64x2.neg(f64x2.abs(a)));
    const num = v128.bitselect(e, e64(E64_ONE), f64x2.lt(a, l64(L64_ZERO)));
    return f64x2.div(num, f64x2.add(e64(E64_ONE), e));
  }
  const e = exp4v(f32x4.neg(f32x4.abs(a)));
  const num = v128.bitselect(e, e32(E32_ONE), f32x4.lt(a, l32(L32_ZERO)));
  return f32x4.div(num, f32x4.add(e32(E32_ONE), e));
}

/**
 * softplus(a) = log(1 + e^a) = max(a, 0) + log1p(e^{−|a|}) per lane, with log1p(e) =
 * log(u)·e/(u − 1), u = 1 + e (Goldberg's correction; u − 1 is exact), and e where u = 1.
 */
@inline export function vsoftplus<T>(a: v128): v128 {
  if (sizeof<T>() == 8) {
    const e = exp2v(f64x2.neg(f64x2.abs(a)));
    const u = f64x2.add(e64(E64_ONE), e);
    const um1 = f64x2.sub(u, e64(E64_ONE));
    const l1p = v128.bitselect(e, f64x2.div(f64x2.mul(log2v(u), e), um1), f64x2.eq(um1, l64(L64_ZERO)));
    return f64x2.add(f64x2.pmax(a, l64(L64_ZERO)), l1p);
  }
  const e = exp4v(f32x4.neg(f32x4.abs(a)));
  const u = f32x4.add(e32(E32_ONE), e);
  const um1 = f32x4.sub(u, e32(E32_ONE));
  const l1p = v128.bitselect(e, f32x4.div(f32x4.mul(log4v(u), e), um1), f32x4.eq(um1, l32(L32_ZERO)));
  return f32x4.add(f32x4.pmax(a, l32(L32_ZERO)), l1p);
}
