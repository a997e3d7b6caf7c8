// Products with a 0/1 operand as row additions, and the index lists they read.
//
// Layout: every matrix is row-major with an element stride (ld) per row. A batch is
// sample-major (row r = sample r, its units contiguous), so a 0/1 batch A (n×K) times a dense
// B (K×N) is, for each sample, the sum of the rows of B that the sample switches on:
//   (A·B)[r, :] = Σ_{k : A[r,k] = 1} B[k, :].
// The lists of switched-on columns live in an index: list r is idx[start[r] … start[r]+cnt[r])
// (i32, ascending). The same kernel computes Aᵀ·H from the *column* lists of A (rows r with
// A[r,k] = 1), so every RBM product with a 0/1 operand is one call.
//
// Summation order is part of the contract: acc = init (or 0), then the listed rows are added one
// by one in list order. Each output element is therefore the same IEEE sum on every machine and
// for any split of the outputs across workers; the TypeScript reference adds in the same order
// and matches bit for bit.
//
// The main tile is 6 vectors wide (12 float64 or 24 float32 columns): six accumulators plus six
// loads fit the 15 SIMD registers V8 allocates on x64 (8 accumulators spill one, measured 1.5×
// slower). Ragged columns run the whole vectors left in one pass of up to 5 accumulators, then one
// lane at a time, in the same order (how columns are grouped never changes an element's sum).

import { lanes, vadd, vmul, vsplat, vsub } from "./simd";

const TILE: i32 = 6;

function loadInit<T>(init: usize, off: usize): v128 {
  return init != 0 ? v128.load(init + off) : v128.splat<i64>(0);
}

/**
 * Columns [col, col + m·L) of rowSums for every row, m ≤ TILE vectors in one pass over each list
 * (called with a literal m, so after inlining the unused accumulators and their branches fold away).
 */
@inline function rowSumsPass<T>(idx: usize, start: usize, cnt: usize, n: i32, B: usize, rowBytes: usize, init: usize, C: usize, ldc: i32, col: usize, m: i32): void {
  const es = <usize>sizeof<T>();
  const bcol = B + col;
  for (let r: i32 = 0; r < n; r++) {
    let a0 = loadInit<T>(init, col);
    let a1 = m > 1 ? loadInit<T>(init, col + 16) : a0;
    let a2 = m > 2 ? loadInit<T>(init, col + 32) : a0;
    let a3 = m > 3 ? loadInit<T>(init, col + 48) : a0;
    let a4 = m > 4 ? loadInit<T>(init, col + 64) : a0;
    let a5 = m > 5 ? loadInit<T>(init, col + 80) : a0;
    const s = load<i32>(start + (<usize>r << 2));
    const e = s + load<i32>(cnt + (<usize>r << 2));
    for (let q = s; q < e; q++) {
      const p = bcol + <usize>load<i32>(idx + (<usize>q << 2)) * rowBytes;
      a0 = vadd<T>(a0, v128.load(p, 0));
      if (m > 1) a1 = vadd<T>(a1, v128.load(p, 16));
      if (m > 2) a2 = vadd<T>(a2, v128.load(p, 32));
      if (m > 3) a3 = vadd<T>(a3, v128.load(p, 48));
      if (m > 4) a4 = vadd<T>(a4, v128.load(p, 64));
      if (m > 5) a5 = vadd<T>(a5, v128.load(p, 80));
    }
    const o = C + (<usize>r * <usize>ldc) * es + col;
    v128.store(o, a0, 0);
    if (m > 1) v128.store(o, a1, 16);
    if (m > 2) v128.store(o, a2, 32);
    if (m > 3) v128.store(o, a3, 48);
    if (m > 4) v128.store(o, a4, 64);
    if (m > 5) v128.store(o, a5, 80);
  }
}

/**
 * C[r, j] = init[j] + Σ_{q < cnt[r]} B[idx[start[r] + q], j] for r < n, j < N (init = 0: no
 * initial row). B is K×N with stride ldb, C is n×N with stride ldc. Full tiles, then the whole
 * vectors left in one pass, then single lanes. Each pass over the lists has a fixed cost: on a
 * 100-row MNIST batch, float32, one vector took 8.5 µs and a tile of six 24 µs; the 20 columns
 * past 480 took 41.5 µs as five one-vector passes and 21 µs as one pass.
 */
function rowSums<T>(idx: usize, start: usize, cnt: usize, n: i32, B: usize, ldb: i32, N: i32, init: usize, C: usize, ldc: i32): void {
  const es = <usize>sizeof<T>();
  const L = lanes<T>();
  const W = TILE * L;
  const rowBytes = <usize>ldb * es;
  let j0: i32 = 0;
  for (; j0 + W <= N; j0 += W) rowSumsPass<T>(idx, start, cnt, n, B, rowBytes, init, C, ldc, <usize>j0 * es, 6);
  const v = (N - j0) / L;
  const col = <usize>j0 * es;
  if (v == 5) rowSumsPass<T>(idx, start, cnt, n, B, rowBytes, init, C, ldc, col, 5);
  else if (v == 4) rowSumsPass<T>(idx, start, cnt, n, B, rowBytes, init, C, ldc, col, 4);
  else if (v == 3) rowSumsPass<T>(idx, start, cnt, n, B, rowBytes, init, C, ldc, col, 3);
  else if (v == 2) rowSumsPass<T>(idx, start, cnt, n, B, rowBytes, init, C, ldc, col, 2);
  else if (v == 1) rowSumsPass<T>(idx, start, cnt, n, B, rowBytes, init, C, ldc, col, 1);
  j0 += v * L;
  for (; j0 < N; j0++) {
    const col = <usize>j0 * es;
    for (let r: i32 = 0; r < n; r++) {
      let a: T = init != 0 ? load<T>(init + col) : <T>0;
      const s = load<i32>(start + (<usize>r << 2));
      const e = s + load<i32>(cnt + (<usize>r << 2));
      for (let q = s; q < e; q++) a += load<T>(B + col + <usize>load<i32>(idx + (<usize>q << 2)) * rowBytes);
      store<T>(C + (<usize>r * <usize>ldc) * es + col, a);
    }
  }
}

export function rowSumsF64(idx: usize, start: usize, cnt: usize, n: i32, B: usize, ldb: i32, N: i32, init: usize, C: usize, ldc: i32): void {
  rowSums<f64>(idx, start, cnt, n, B, ldb, N, init, C, ldc);
}

export function rowSumsF32(idx: usize, start: usize, cnt: usize, n: i32, B: usize, ldb: i32, N: i32, init: usize, C: usize, ldc: i32): void {
  rowSums<f32>(idx, start, cnt, n, B, ldb, N, init, C, ldc);
}

/** One vector of the step: g = α·acc − δ·C; with V: V = μ·V + g, C = C + V; without: C = C + g. */
@inline function stepVector<T>(o: usize, ov: usize, acc: v128, va: v128, vd: v128, vm: v128): void {
  const c = v128.load(o);
  const g = vsub<T>(vmul<T>(va, acc), vmul<T>(vd, c));
  if (ov != 0) {
    const v = vadd<T>(vmul<T>(vm, v128.load(ov)), g);
    v128.store(ov, v);
    v128.store(o, vadd<T>(c, v));
  } else v128.store(o, vadd<T>(c, g));
}

/** Columns [col, col + m·L) of rowUpdate for every row, m ≤ TILE vectors per pass (a literal m, as in rowSumsPass). */
@inline function rowUpdatePass<T>(idxP: usize, startP: usize, cntP: usize, BP: usize, idxN: usize, startN: usize, cntN: usize, BN: usize, rowBytes: usize, n: i32, vr: v128, va: v128, vd: v128, vm: v128, C: usize, ldc: i32, V: usize, ldv: i32, col: usize, m: i32): void {
  const es = <usize>sizeof<T>();
  for (let r: i32 = 0; r < n; r++) {
    let a0 = v128.splat<i64>(0);
    let a1 = a0;
    let a2 = a0;
    let a3 = a0;
    let a4 = a0;
    let a5 = a0;
    let s = load<i32>(startP + (<usize>r << 2));
    let e = s + load<i32>(cntP + (<usize>r << 2));
    for (let q = s; q < e; q++) {
      const p = BP + col + <usize>load<i32>(idxP + (<usize>q << 2)) * rowBytes;
      a0 = vadd<T>(a0, v128.load(p, 0));
      if (m > 1) a1 = vadd<T>(a1, v128.load(p, 16));
      if (m > 2) a2 = vadd<T>(a2, v128.load(p, 32));
      if (m > 3) a3 = vadd<T>(a3, v128.load(p, 48));
      if (m > 4) a4 = vadd<T>(a4, v128.load(p, 64));
      if (m > 5) a5 = vadd<T>(a5, v128.load(p, 80));
    }
    a0 = vmul<T>(a0, vr);
    if (m > 1) a1 = vmul<T>(a1, vr);
    if (m > 2) a2 = vmul<T>(a2, vr);
    if (m > 3) a3 = vmul<T>(a3, vr);
    if (m > 4) a4 = vmul<T>(a4, vr);
    if (m > 5) a5 = vmul<T>(a5, vr);
    s = load<i32>(startN + (<usize>r << 2));
    e = s + load<i32>(cntN + (<usize>r << 2));
    for (let q = s; q < e; q++) {
      const p = BN + col + <usize>load<i32>(idxN + (<usize>q << 2)) * rowBytes;
      a0 = vsub<T>(a0, v128.load(p, 0));
      if (m > 1) a1 = vsub<T>(a1, v128.load(p, 16));
      if (m > 2) a2 = vsub<T>(a2, v128.load(p, 32));
      if (m > 3) a3 = vsub<T>(a3, v128.load(p, 48));
      if (m > 4) a4 = vsub<T>(a4, v128.load(p, 64));
      if (m > 5) a5 = vsub<T>(a5, v128.load(p, 80));
    }
    const o = C + (<usize>r * <usize>ldc) * es + col;
    const ov = V != 0 ? V + (<usize>r * <usize>ldv) * es + col : 0;
    stepVector<T>(o, ov, a0, va, vd, vm);
    if (m > 1) stepVector<T>(o + 16, ov != 0 ? ov + 16 : 0, a1, va, vd, vm);
    if (m > 2) stepVector<T>(o + 32, ov != 0 ? ov + 32 : 0, a2, va, vd, vm);
    if (m > 3) stepVector<T>(o + 48, ov != 0 ? ov + 48 : 0, a3, va, vd, vm);
    if (m > 4) stepVector<T>(o + 64, ov != 0 ? ov + 64 : 0, a4, va, vd, vm);
    if (m > 5) stepVector<T>(o + 80, ov != 0 ? ov + 80 : 0, a5, va, vd, vm);
  }
}

/**
 * The RBM parameter step from two phases, with momentum and weight decay: for r < n, j < N,
 *   acc = ρ·Σ_{q < cntP[r]} BP[idxP[startP[r] + q], j] − Σ_{q < cntN[r]} BN[idxN[startN[r] + q], j],
 *   g = α·acc − δ·C[r, j],
 *   V ≠ 0: V[r, j] = μ·V[r, j] + g, C[r, j] = C[r, j] + V[r, j];   V = 0: C[r, j] = C[r, j] + g
 * (acc starts at 0: positive rows in list order, then ×ρ, then negative rows in list order). BP and
 * BN share the stride ldb; C has stride ldc, V stride ldv.
 */
function rowUpdate<T>(idxP: usize, startP: usize, cntP: usize, BP: usize, idxN: usize, startN: usize, cntN: usize, BN: usize, ldb: i32, n: i32, N: i32, rho: f64, alpha: f64, decay: f64, C: usize, ldc: i32, V: usize, ldv: i32, mu: f64): void {
  const es = <usize>sizeof<T>();
  const L = lanes<T>();
  const W = TILE * L;
  const rowBytes = <usize>ldb * es;
  const va = vsplat<T>(alpha);
  const vr = vsplat<T>(rho);
  const vd = vsplat<T>(decay);
  const vm = vsplat<T>(mu);
  const aT = <T>alpha;
  const rT = <T>rho;
  const dT = <T>decay;
  const mT = <T>mu;
  let j0: i32 = 0;
  for (; j0 + W <= N; j0 += W) rowUpdatePass<T>(idxP, startP, cntP, BP, idxN, startN, cntN, BN, rowBytes, n, vr, va, vd, vm, C, ldc, V, ldv, <usize>j0 * es, 6);
  const v = (N - j0) / L;
  const col = <usize>j0 * es;
  if (v == 5) rowUpdatePass<T>(idxP, startP, cntP, BP, idxN, startN, cntN, BN, rowBytes, n, vr, va, vd, vm, C, ldc, V, ldv, col, 5);
  else if (v == 4) rowUpdatePass<T>(idxP, startP, cntP, BP, idxN, startN, cntN, BN, rowBytes, n, vr, va, vd, vm, C, ldc, V, ldv, col, 4);
  else if (v == 3) rowUpdatePass<T>(idxP, startP, cntP, BP, idxN, startN, cntN, BN, rowBytes, n, vr, va, vd, vm, C, ldc, V, ldv, col, 3);
  else if (v == 2) rowUpdatePass<T>(idxP, startP, cntP, BP, idxN, startN, cntN, BN, rowBytes, n, vr, va, vd, vm, C, ldc, V, ldv, col, 2);
  else if (v == 1) rowUpdatePass<T>(idxP, startP, cntP, BP, idxN, startN, cntN, BN, rowBytes, n, vr, va, vd, vm, C, ldc, V, ldv, col, 1);
  j0 += v * L;
  for (; j0 < N; j0++) {
    const col = <usize>j0 * es;
    for (let r: i32 = 0; r < n; r++) {
      let a: T = <T>0;
      let s = load<i32>(startP + (<usize>r << 2));
      let e = s + load<i32>(cntP + (<usize>r << 2));
      for (let q = s; q < e; q++) a += load<T>(BP + col + <usize>load<i32>(idxP + (<usize>q << 2)) * rowBytes);
      a *= rT;
      s = load<i32>(startN + (<usize>r << 2));
      e = s + load<i32>(cntN + (<usize>r << 2));
      for (let q = s; q < e; q++) a -= load<T>(BN + col + <usize>load<i32>(idxN + (<usize>q << 2)) * rowBytes);
      const o = C + (<usize>r * <usize>ldc) * es + col;
      const c = load<T>(o);
      const g: T = aT * a - dT * c;
      if (V != 0) {
        const ov = V + (<usize>r * <usize>ldv) * es + col;
        const v: T = mT * load<T>(ov) + g;
        store<T>(ov, v);
        store<T>(o, c + v);
      } else store<T>(o, c + g);
    }
  }
}

export function rowUpdateF64(idxP: usize, startP: usize, cntP: usize, BP: usize, idxN: usize, startN: usize, cntN: usize, BN: usize, ldb: i32, n: i32, N: i32, rho: f64, alpha: f64, decay: f64, C: usize, ldc: i32, V: usize, ldv: i32, mu: f64): void {
  rowUpdate<f64>(idxP, startP, cntP, BP, idxN, startN, cntN, BN, ldb, n, N, rho, alpha, decay, C, ldc, V, ldv, mu);
}

export function rowUpdateF32(idxP: usize, startP: usize, cntP: usize, BP: usize, idxN: usize, startN: usize, cntN: usize, BN: usize, ldb: i32, n: i32, N: i32, rho: f64, alpha: f64, decay: f64, C: usize, ldc: i32, V: usize, ldv: i32, mu: f64): void {
  rowUpdate<f32>(idxP, startP, cntP, BP, idxN, startN, cntN, BN, ldb, n, N, rho, alpha, decay, C, ldc, V, ldv, mu);
}

/**
 * Row lists of a 0/1 matrix A (n×K, stride lda): for r < n, the columns k with A[r,k] ≠ 0 in
 * ascending order at idx[start[r] …], and cnt[r] = their number. `compact` = 0: start[] is given
 * (e.g. r·K); compact = 1: start[r] is written, lists packed from start[0] on. Branch-free.
 * Returns the number of entries that are neither 0 nor 1 (the caller rejects a non-zero count).
 */
function rowIndex<T>(A: usize, lda: i32, n: i32, K: i32, idx: usize, start: usize, cnt: usize, compact: i32): i32 {
  const es = <usize>sizeof<T>();
  let bad: i32 = 0;
  let next = load<i32>(start);
  for (let r: i32 = 0; r < n; r++) {
    const s = compact != 0 ? next : load<i32>(start + (<usize>r << 2));
    if (compact != 0) store<i32>(start + (<usize>r << 2), s);
    const row = A + <usize>r * <usize>lda * es;
    let out = idx + (<usize>s << 2);
    let m: i32 = 0;
    for (let k: i32 = 0; k < K; k++) {
      const x = load<T>(row + <usize>k * es);
      store<i32>(out + (<usize>m << 2), k);
      m += i32(x != 0);
      bad += i32(x != 0) & i32(x != 1);
    }
    store<i32>(cnt + (<usize>r << 2), m);
    next = s + m;
  }
  return bad;
}

export function rowIndexF64(A: usize, lda: i32, n: i32, K: i32, idx: usize, start: usize, cnt: usize, compact: i32): i32 {
  return rowIndex<f64>(A, lda, n, K, idx, start, cnt, compact);
}

export function rowIndexF32(A: usize, lda: i32, n: i32, K: i32, idx: usize, start: usize, cnt: usize, compact: i32): i32 {
  return rowIndex<f32>(A, lda, n, K, idx, start, cnt, compact);
}

/**
 * Column lists of a 0/1 matrix A (n×K, stride lda) for the columns k ∈ [k0, k1): the rows r with
 * A[r,k] ≠ 0 in ascending order at idx[start[k] …] (start[] given, room for n entries per
 * column), cnt[k] = their number (written). Columns are independent, so disjoint column ranges
 * can be built by different workers. Returns the number of entries that are neither 0 nor 1.
 */
function columnIndex<T>(A: usize, lda: i32, n: i32, k0: i32, k1: i32, idx: usize, start: usize, cnt: usize): i32 {
  const es = <usize>sizeof<T>();
  let bad: i32 = 0;
  for (let k = k0; k < k1; k++) store<i32>(cnt + (<usize>k << 2), 0);
  for (let r: i32 = 0; r < n; r++) {
    const row = A + <usize>r * <usize>lda * es;
    for (let k = k0; k < k1; k++) {
      const x = load<T>(row + <usize>k * es);
      const c = cnt + (<usize>k << 2);
      const m = load<i32>(c);
      store<i32>(idx + (<usize>(load<i32>(start + (<usize>k << 2)) + m) << 2), r);
      store<i32>(c, m + i32(x != 0));
      bad += i32(x != 0) & i32(x != 1);
    }
  }
  return bad;
}

export function columnIndexF64(A: usize, lda: i32, n: i32, k0: i32, k1: i32, idx: usize, start: usize, cnt: usize): i32 {
  return columnIndex<f64>(A, lda, n, k0, k1, idx, start, cnt);
}

export function columnIndexF32(A: usize, lda: i32, n: i32, k0: i32, k1: i32, idx: usize, start: usize, cnt: usize): i32 {
  return columnIndex<f32>(A, lda, n, k0, k1, idx, start, cnt);
}

/**
 * Column lists from row lists (the transpose of an index): for the columns k ∈ [k0, k1), the rows
 * r < n whose list holds k, ascending, at colIdx[colStart[k] …] (given; room for n each), and
 * colCnt[k] (written). Row lists are ascending, so each row's entries in [k0, k1) are one run,
 * found by binary search: disjoint column ranges cost about their share of the entries.
 */
export function transposeIndex(idx: usize, start: usize, cnt: usize, n: i32, k0: i32, k1: i32, colIdx: usize, colStart: usize, colCnt: usize): void {
  for (let k = k0; k < k1; k++) store<i32>(colCnt + (<usize>k << 2), 0);
  for (let r: i32 = 0; r < n; r++) {
    let lo = load<i32>(start + (<usize>r << 2));
    const e = lo + load<i32>(cnt + (<usize>r << 2));
    let hi = e;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (load<i32>(idx + (<usize>mid << 2)) < k0) lo = mid + 1;
      else hi = mid;
    }
    for (let q = lo; q < e; q++) {
      const k = load<i32>(idx + (<usize>q << 2));
      if (k >= k1) break;
      const c = colCnt + (<usize>k << 2);
      const m = load<i32>(c);
      store<i32>(colIdx + (<usize>(load<i32>(colStart + (<usize>k << 2)) + m) << 2), r);
      store<i32>(c, m + 1);
    }
  }
}
