// Batch kernels on logits: σ and Bernoulli draws fused, softplus sums, log-sum-exp.
//
// Layout: A is n×N row-major with stride lda (sample-major: row r = sample r, units contiguous);
// the uniforms U, probabilities P and draws S have the same shape with their own strides. Lanes
// run along a row; the ragged end of a row goes through the same vector code one lane at a time
// (splat, compute, lane 0), so every element gets the same bits wherever it sits.

import { lanes, vadd, vlt, vmul, vone, vsplat } from "./simd";
import { vexp, vlog, vsigmoid, vsoftplus } from "./vmath";

function lane0<T>(v: v128): T {
  if (sizeof<T>() == 8) return <T>f64x2.extract_lane(v, 0);
  return <T>f32x4.extract_lane(v, 0);
}

function splatT<T>(x: T): v128 {
  if (sizeof<T>() == 8) return f64x2.splat(<f64>x);
  return f32x4.splat(<f32>x);
}

/**
 * p = σ(A[r,j]) for r < n, j < N; writes P[r,j] = p when P ≠ 0 and S[r,j] = 1[U[r,j] < p] (0 or 1)
 * when S ≠ 0. P may be A itself (in place). The draw compares in the working precision, on the
 * vectorised σ (error bound in vmath.ts): a draw can differ from one on the exact σ only when U
 * lies within that bound of σ(A).
 */
function sigmoidBernoulli<T>(A: usize, lda: i32, n: i32, N: i32, U: usize, ldu: i32, P: usize, ldp: i32, S: usize, lds: i32): void {
  const es = <usize>sizeof<T>();
  const L = lanes<T>();
  for (let r: i32 = 0; r < n; r++) {
    const a = A + <usize>r * <usize>lda * es;
    const u = U + <usize>r * <usize>ldu * es;
    const p = P + <usize>r * <usize>ldp * es;
    const s = S + <usize>r * <usize>lds * es;
    let j: i32 = 0;
    for (; j + L <= N; j += L) {
      const o = <usize>j * es;
      const q = vsigmoid<T>(v128.load(a + o));
      if (P != 0) v128.store(p + o, q);
      if (S != 0) v128.store(s + o, vone<T>(vlt<T>(v128.load(u + o), q)));
    }
    for (; j < N; j++) {
      const o = <usize>j * es;
      const q = lane0<T>(vsigmoid<T>(splatT<T>(load<T>(a + o))));
      if (P != 0) store<T>(p + o, q);
      if (S != 0) store<T>(s + o, <T>(load<T>(u + o) < q ? 1 : 0));
    }
  }
}

export function sigmoidBernoulliF64(A: usize, lda: i32, n: i32, N: i32, U: usize, ldu: i32, P: usize, ldp: i32, S: usize, lds: i32): void {
  sigmoidBernoulli<f64>(A, lda, n, N, U, ldu, P, ldp, S, lds);
}

export function sigmoidBernoulliF32(A: usize, lda: i32, n: i32, N: i32, U: usize, ldu: i32, P: usize, ldp: i32, S: usize, lds: i32): void {
  sigmoidBernoulli<f32>(A, lda, n, N, U, ldu, P, ldp, S, lds);
}

/** Append j + l to the list at `out` (length m) for every lane l set in `mask`, branch-free; returns the new length. */
@inline function appendLanes<T>(out: usize, m: i32, j: i32, mask: v128): i32 {
  const bits = sizeof<T>() == 8 ? i64x2.bitmask(mask) : i32x4.bitmask(mask);
  for (let l: i32 = 0; l < lanes<T>(); l++) {
    store<i32>(out + (<usize>m << 2), j + l);
    m += (bits >>> l) & 1;
  }
  return m;
}

/**
 * σ and Bernoulli draws that emit the draws as row index lists instead of a 0/1 matrix (what the
 * next product reads): for r < n, x = β·A[r,j] (+ O[j] when O ≠ 0), p = σ(x), P[r,j] = p when
 * P ≠ 0, and list r at idx[start[r] …] = {j : U[r,j] < p}, ascending, cnt[r] = its length
 * (start[] given, room for N + 1 each). With β = 1 and O = 0, x = A exactly: the same σ and
 * comparison as sigmoidBernoulli, so the lists equal the row index of its S. (β and the offset row
 * O serve annealed and tempered chains: σ(β(b + Wh) + (1 − β)b_A).)
 */
function sigmoidBernoulliIndex<T>(A: usize, lda: i32, n: i32, N: i32, U: usize, ldu: i32, P: usize, ldp: i32, idx: usize, start: usize, cnt: usize, beta: f64, O: usize): void {
  const es = <usize>sizeof<T>();
  const L = lanes<T>();
  const vb = vsplat<T>(beta);
  const bT = <T>beta;
  for (let r: i32 = 0; r < n; r++) {
    const a = A + <usize>r * <usize>lda * es;
    const u = U + <usize>r * <usize>ldu * es;
    const p = P + <usize>r * <usize>ldp * es;
    const out = idx + (<usize>load<i32>(start + (<usize>r << 2)) << 2);
    let m: i32 = 0;
    let j: i32 = 0;
    for (; j + L <= N; j += L) {
      const o = <usize>j * es;
      let x = vmul<T>(vb, v128.load(a + o));
      if (O != 0) x = vadd<T>(x, v128.load(O + o));
      const q = vsigmoid<T>(x);
      if (P != 0) v128.store(p + o, q);
      m = appendLanes<T>(out, m, j, vlt<T>(v128.load(u + o), q));
    }
    for (; j < N; j++) {
      const o = <usize>j * es;
      let x: T = bT * load<T>(a + o);
      if (O != 0) x += load<T>(O + o);
      const q = lane0<T>(vsigmoid<T>(splatT<T>(x)));
      if (P != 0) store<T>(p + o, q);
      store<i32>(out + (<usize>m << 2), j);
      m += i32(load<T>(u + o) < q);
    }
    store<i32>(cnt + (<usize>r << 2), m);
  }
}

export function sigmoidBernoulliIndexF64(A: usize, lda: i32, n: i32, N: i32, U: usize, ldu: i32, P: usize, ldp: i32, idx: usize, start: usize, cnt: usize, beta: f64, O: usize): void {
  sigmoidBernoulliIndex<f64>(A, lda, n, N, U, ldu, P, ldp, idx, start, cnt, beta, O);
}

export function sigmoidBernoulliIndexF32(A: usize, lda: i32, n: i32, N: i32, U: usize, ldu: i32, P: usize, ldp: i32, idx: usize, start: usize, cnt: usize, beta: f64, O: usize): void {
  sigmoidBernoulliIndex<f32>(A, lda, n, N, U, ldu, P, ldp, idx, start, cnt, beta, O);
}

/**
 * Bernoulli draws from probabilities as row index lists: list r at idx[start[r] …] =
 * {j : U[r,j] < P[r,j]}, ascending, cnt[r] its length (start[] given, room for N + 1 each).
 */
function bernoulliIndex<T>(P: usize, ldp: i32, n: i32, N: i32, U: usize, ldu: i32, idx: usize, start: usize, cnt: usize): void {
  const es = <usize>sizeof<T>();
  const L = lanes<T>();
  for (let r: i32 = 0; r < n; r++) {
    const p = P + <usize>r * <usize>ldp * es;
    const u = U + <usize>r * <usize>ldu * es;
    const out = idx + (<usize>load<i32>(start + (<usize>r << 2)) << 2);
    let m: i32 = 0;
    let j: i32 = 0;
    for (; j + L <= N; j += L) {
      const o = <usize>j * es;
      m = appendLanes<T>(out, m, j, vlt<T>(v128.load(u + o), v128.load(p + o)));
    }
    for (; j < N; j++) {
      const o = <usize>j * es;
      store<i32>(out + (<usize>m << 2), j);
      m += i32(load<T>(u + o) < load<T>(p + o));
    }
    store<i32>(cnt + (<usize>r << 2), m);
  }
}

export function bernoulliIndexF64(P: usize, ldp: i32, n: i32, N: i32, U: usize, ldu: i32, idx: usize, start: usize, cnt: usize): void {
  bernoulliIndex<f64>(P, ldp, n, N, U, ldu, idx, start, cnt);
}

export function bernoulliIndexF32(P: usize, ldp: i32, n: i32, N: i32, U: usize, ldu: i32, idx: usize, start: usize, cnt: usize): void {
  bernoulliIndex<f32>(P, ldp, n, N, U, ldu, idx, start, cnt);
}

/** Sum of the lanes of v in lane order. */
function hsum<T>(v: v128): T {
  if (sizeof<T>() == 8) return <T>(f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1));
  return <T>(f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/**
 * out[r] = Σ_{j<N} softplus(β·A[r,j]) for r < n (the hidden term of an RBM's free energy, at
 * inverse temperature β; β = 1 sums softplus(A) exactly). Order: lane l sums the columns
 * j ≡ l (mod lanes) of the full vectors in ascending j, the lanes are added in lane order, then
 * the ragged columns one by one.
 */
function softplusRowSums<T>(A: usize, lda: i32, n: i32, N: i32, out: usize, beta: f64): void {
  const es = <usize>sizeof<T>();
  const L = lanes<T>();
  const vb = vsplat<T>(beta);
  const bT = <T>beta;
  for (let r: i32 = 0; r < n; r++) {
    const a = A + <usize>r * <usize>lda * es;
    let acc = v128.splat<i64>(0);
    let j: i32 = 0;
    for (; j + L <= N; j += L) acc = vadd<T>(acc, vsoftplus<T>(vmul<T>(vb, v128.load(a + <usize>j * es))));
    let sum = hsum<T>(acc);
    for (; j < N; j++) sum += lane0<T>(vsoftplus<T>(splatT<T>(bT * load<T>(a + <usize>j * es))));
    store<T>(out + <usize>r * es, sum);
  }
}

export function softplusRowSumsF64(A: usize, lda: i32, n: i32, N: i32, out: usize, beta: f64): void {
  softplusRowSums<f64>(A, lda, n, N, out, beta);
}

export function softplusRowSumsF32(A: usize, lda: i32, n: i32, N: i32, out: usize, beta: f64): void {
  softplusRowSums<f32>(A, lda, n, N, out, beta);
}

/**
 * out[r] = log Σ_{j<N} e^{A[r,j]} for r < n, shifted by the row maximum m: m + log Σ e^{A − m}
 * (sum in the order of softplusRowSums). A row of −∞ gives −∞, a row containing +∞ gives +∞,
 * NaN propagates; N = 0 gives −∞.
 */
function logSumExpRows<T>(A: usize, lda: i32, n: i32, N: i32, out: usize): void {
  const es = <usize>sizeof<T>();
  const L = lanes<T>();
  for (let r: i32 = 0; r < n; r++) {
    const a = A + <usize>r * <usize>lda * es;
    let m: T = <T>-Infinity;
    let nan = false;
    for (let j: i32 = 0; j < N; j++) {
      const x = load<T>(a + <usize>j * es);
      nan = nan || x != x;
      m = x > m ? x : m;
    }
    if (nan || m == <T>Infinity || m == <T>-Infinity) {
      store<T>(out + <usize>r * es, nan ? <T>NaN : m);
      continue;
    }
    const vm = vsplat<T>(<f64>m);
    let acc = v128.splat<i64>(0);
    let j: i32 = 0;
    for (; j + L <= N; j += L) {
      const x = v128.load(a + <usize>j * es);
      acc = vadd<T>(acc, vexp<T>(sizeof<T>() == 8 ? f64x2.sub(x, vm) : f32x4.sub(x, vm)));
    }
    let sum = hsum<T>(acc);
    for (; j < N; j++) sum += lane0<T>(vexp<T>(splatT<T>(load<T>(a + <usize>j * es) - m)));
    store<T>(out + <usize>r * es, m + lane0<T>(vlog<T>(splatT<T>(sum))));
  }
}

export function logSumExpRowsF64(A: usize, lda: i32, n: i32, N: i32, out: usize): void {
  logSumExpRows<f64>(A, lda, n, N, out);
}

export function logSumExpRowsF32(A: usize, lda: i32, n: i32, N: i32, out: usize): void {
  logSumExpRows<f32>(A, lda, n, N, out);
}

/** Elementwise map for tests of the error bounds: kind 0 e^x (x ≤ 0), 1 log x, 2 σ(x), 3 softplus(x). */
function mapArray<T>(X: usize, n: i32, out: usize, kind: i32): void {
  const es = <usize>sizeof<T>();
  const L = lanes<T>();
  let i: i32 = 0;
  for (; i + L <= n; i += L) {
    const x = v128.load(X + <usize>i * es);
    const y = kind == 0 ? vexp<T>(x) : kind == 1 ? vlog<T>(x) : kind == 2 ? vsigmoid<T>(x) : vsoftplus<T>(x);
    v128.store(out + <usize>i * es, y);
  }
  for (; i < n; i++) {
    const x = splatT<T>(load<T>(X + <usize>i * es));
    const y = kind == 0 ? vexp<T>(x) : kind == 1 ? vlog<T>(x) : kind == 2 ? vsigmoid<T>(x) : vsoftplus<T>(x);
    store<T>(out + <usize>i * es, lane0<T>(y));
  }
}

export function mapF64(X: usize, n: i32, out: usize, kind: i32): void {
  mapArray<f64>(X, n, out, kind);
}

export function mapF32(X: usize, n: i32, out: usize, kind: i32): void {
  mapArray<f32>(X, n, out, kind);
}
