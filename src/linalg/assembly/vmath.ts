// Vectorised e^x and log x on 128-bit lanes (f64x2, f32x4), built only from IEEE-exact
// WebAssembly SIMD operations (no FMA, no relaxed SIMD, no tables), so every lane gives the same
// bits on every machine and engine.
//
// exp: x = k·ln2 + r, k = round(x·log₂e) (the 1.5·2⁵² magic-number rounding), r by Cody–Waite
//   with ln2 split in a high part with trailing zero bits and a low part (fdlibm's constants);
//   e^r by its Taylor polynomial (degree 13 for float64, |r| ≤ ln2/2: truncation
//   r¹⁴/14! < 4.2e−18; degree 7 for float32: r⁸/8! < 5.3e−9); 2^k assembled in the exponent bits.
//   Inputs whose result would be near or below the smallest normal (x < −708 in float64, x < −86.5 in float32) give
//   exactly 0; the kernels only call it on x ≤ 0 (σ, softplus, log-sum-exp), so there is no
//   overflow branch. Error bounds: BOUNDS in src/linalg/kernels.ts (e^x within 4u, measured 2u).
// log: x = 2^E·m, m ∈ [√½, √2), log m = 2 atanh s, s = (m−1)/(m+1), |s| ≤ 0.1716, by its odd
//   series (through s¹⁹ for float64: remainder < 2.2e−17; s⁹ for float32); result E·ln2 + log m.
//   Domain: finite positive normal x (the kernels pass 1 + e^{−|a|} ∈ [1, 2] and sums ≥ 1).

// ---- float64 ----
const LOG2E: f64 = 1.4426950408889634;
const LN2_HI: f64 = 6.93147180369123816490e-1;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const MAGIC64: f64 = 6755399441055744.0; // 1.5·2⁵²
const EXP_MIN64: f64 = -708.0;
const SQRT2: f64 = 1.4142135623730951;

/** e^x per lane of an f64x2 for x ≤ 0 (0 below −708). */
export function exp2v(x: v128): v128 {
  const t = f64x2.add(f64x2.mul(x, f64x2.splat(LOG2E)), f64x2.splat(MAGIC64));
  const k = f64x2.sub(t, f64x2.splat(MAGIC64));
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(k, f64x2.splat(LN2_HI))), f64x2.mul(k, f64x2.splat(LN2_LO)));
  let p = f64x2.splat(1.6059043836821613e-10);
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(2.08767569878681e-9));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(2.505210838544172e-8));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(2.755731922398589e-7));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(2.7557319223985893e-6));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(2.48015873015873e-5));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.984126984126984e-4));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.388888888888889e-3));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(8.333333333333333e-3));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(4.1666666666666664e-2));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.6666666666666666e-1));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(0.5));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  // 2^k: the low bits of t hold k (two's complement); shift k + 1023 into the exponent field
  const bits = i64x2.shl(i64x2.add(i64x2.sub(t, v128.splat<i64>(0x4338000000000000)), v128.splat<i64>(1023)), 52);
  const y = f64x2.mul(p, bits);
  return v128.andnot(y, f64x2.lt(x, f64x2.splat(EXP_MIN64)));
}

/** log x per lane of an f64x2 for finite positive normal x. */
export function log2v(x: v128): v128 {
  // exponent E and mantissa m ∈ [1, 2)
  const e = i64x2.sub(i64x2.shr_u(x, 52), v128.splat<i64>(1023));
  let m = v128.or(v128.and(x, v128.splat<i64>(0x000fffffffffffff)), v128.splat<i64>(0x3ff0000000000000));
  const big = f64x2.gt(m, f64x2.splat(SQRT2));
  m = v128.bitselect(f64x2.mul(m, f64x2.splat(0.5)), m, big);
  // E as f64 (|E| < 2¹⁰): i64 lanes → i32 lanes 0,1 → f64
  let E = f64x2.convert_low_i32x4_s(i32x4.shuffle(e, e, 0, 2, 0, 2));
  E = f64x2.add(E, v128.and(big, f64x2.splat(1.0)));
  const s = f64x2.div(f64x2.sub(m, f64x2.splat(1.0)), f64x2.add(m, f64x2.splat(1.0)));
  const s2 = f64x2.mul(s, s);
  let p = f64x2.splat(2.0 / 19.0);
  p = f64x2.add(f64x2.mul(p, s2), f64x2.splat(2.0 / 17.0));
  p = f64x2.add(f64x2.mul(p, s2), f64x2.splat(2.0 / 15.0));
  p = f64x2.add(f64x2.mul(p, s2), f64x2.splat(2.0 / 13.0));
  p = f64x2.add(f64x2.mul(p, s2), f64x2.splat(2.0 / 11.0));
  p = f64x2.add(f64x2.mul(p, s2), f64x2.splat(2.0 / 9.0));
  p = f64x2.add(f64x2.mul(p, s2), f64x2.splat(2.0 / 7.0));
  p = f64x2.add(f64x2.mul(p, s2), f64x2.splat(2.0 / 5.0));
  p = f64x2.add(f64x2.mul(p, s2), f64x2.splat(2.0 / 3.0));
  // log m = 2s + s·s²·p
  const logm = f64x2.add(f64x2.add(s, s), f64x2.mul(f64x2.mul(s, s2), p));
  return f64x2.add(f64x2.mul(E, f64x2.splat(LN2_HI)), f64x2.add(logm, f64x2.mul(E, f64x2.splat(LN2_LO))));
}

// ---- float32 ----
const LOG2E32: f32 = 1.4426950408889634;
const LN2_HI32: f32 = 0.693359375;
const LN2_LO32: f32 = -2.12194440e-4;
const MAGIC32: f32 = 12582912.0; // 1.5·2²³
const EXP_MIN32: f32 = -86.5;
const SQRT2_32: f32 = 1.4142135623730951;

/** e^x per lane of an f32x4 for x ≤ 0 (0 below −86.5). */
export function exp4v(x: v128): v128 {
  const t = f32x4.add(f32x4.mul(x, f32x4.splat(LOG2E32)), f32x4.splat(MAGIC32));
  const k = f32x4.sub(t, f32x4.splat(MAGIC32));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(k, f32x4.splat(LN2_HI32))), f32x4.mul(k, f32x4.splat(LN2_LO32)));
  let p = f32x4.splat(<f32>1.984126984126984e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>1.388888888888889e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>8.333333333333333e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>4.1666666666666664e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>1.6666666666666666e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>0.5));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>1.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>1.0));
  const bits = i32x4.shl(i32x4.add(i32x4.sub(t, i32x4.splat(0x4b400000)), i32x4.splat(127)), 23);
  const y = f32x4.mul(p, bits);
  return v128.andnot(y, f32x4.lt(x, f32x4.splat(EXP_MIN32)));
}

/** log x per lane of an f32x4 for finite positive normal x. */
export function log4v(x: v128): v128 {
  const e = i32x4.sub(i32x4.shr_u(x, 23), i32x4.splat(127));
  let m = v128.or(v128.and(x, i32x4.splat(0x007fffff)), i32x4.splat(0x3f800000));
  const big = f32x4.gt(m, f32x4.splat(SQRT2_32));
  m = v128.bitselect(f32x4.mul(m, f32x4.splat(<f32>0.5)), m, big);
  const E = f32x4.add(f32x4.convert_i32x4_s(e), v128.and(big, f32x4.splat(<f32>1.0)));
  const s = f32x4.div(f32x4.sub(m, f32x4.splat(<f32>1.0)), f32x4.add(m, f32x4.splat(<f32>1.0)));
  const s2 = f32x4.mul(s, s);
  let p = f32x4.splat(<f32>(2.0 / 9.0));
  p = f32x4.add(f32x4.mul(p, s2), f32x4.splat(<f32>(2.0 / 7.0)));
  p = f32x4.add(f32x4.mul(p, s2), f32x4.splat(<f32>(2.0 / 5.0)));
  p = f32x4.add(f32x4.mul(p, s2), f32x4.splat(<f32>(2.0 / 3.0)));
  const logm = f32x4.add(f32x4.add(s, s), f32x4.mul(f32x4.mul(s, s2), p));
  return f32x4.add(f32x4.mul(E, f32x4.splat(LN2_HI32)), f32x4.add(logm, f32x4.mul(E, f32x4.splat(LN2_LO32))));
}

// ---- generic wrappers (compile-time dispatch on T) ----

export function vexp<T>(x: v128): v128 {
  if (sizeof<T>() == 8) return exp2v(x);
  return exp4v(x);
}

export function vlog<T>(x: v128): v128 {
  if (sizeof<T>() == 8) return log2v(x);
  return log4v(x);
}

/** σ(a) = 1/(1 + e^{−a}) per lane: e = e^{−|a|}, σ = (a < 0 ? e : 1)/(1 + e). */
export function vsigmoid<T>(a: v128): v128 {
  if (sizeof<T>() == 8) {
    const e = exp2v(f64x2.neg(f64x2.abs(a)));
    const num = v128.bitselect(e, f64x2.splat(1.0), f64x2.lt(a, f64x2.splat(0.0)));
    return f64x2.div(num, f64x2.add(f64x2.splat(1.0), e));
  }
  const e = exp4v(f32x4.neg(f32x4.abs(a)));
  const num = v128.bitselect(e, f32x4.splat(<f32>1.0), f32x4.lt(a, f32x4.splat(<f32>0.0)));
  return f32x4.div(num, f32x4.add(f32x4.splat(<f32>1.0), e));
}

/**
 * softplus(a) = log(1 + e^a) = max(a, 0) + log1p(e^{−|a|}) per lane, with log1p(e) =
 * log(u)·e/(u − 1), u = 1 + e (Goldberg's correction; u − 1 is exact), and e where u = 1.
 */
export function vsoftplus<T>(a: v128): v128 {
  if (sizeof<T>() == 8) {
    const e = exp2v(f64x2.neg(f64x2.abs(a)));
    const u = f64x2.add(f64x2.splat(1.0), e);
    const um1 = f64x2.sub(u, f64x2.splat(1.0));
    const l1p = v128.bitselect(e, f64x2.div(f64x2.mul(log2v(u), e), um1), f64x2.eq(um1, f64x2.splat(0.0)));
    return f64x2.add(f64x2.pmax(a, f64x2.splat(0.0)), l1p);
  }
  const e = exp4v(f32x4.neg(f32x4.abs(a)));
  const u = f32x4.add(f32x4.splat(<f32>1.0), e);
  const um1 = f32x4.sub(u, f32x4.splat(<f32>1.0));
  const l1p = v128.bitselect(e, f32x4.div(f32x4.mul(log4v(u), e), um1), f32x4.eq(um1, f32x4.splat(<f32>0.0)));
  return f32x4.add(f32x4.pmax(a, f32x4.splat(<f32>0.0)), l1p);
}
