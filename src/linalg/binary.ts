/**
 * Products with a 0/1 left factor, for the RBM's binary batches (thresholded MNIST is ~19 % ones;
 * sampled v and h are 0/1): with A binary, (A·B)[r,:] = Σ_{k: A[r,k] = 1} B[k,:] — row additions
 * instead of multiply-adds over every k. Used automatically when A is binary and sparse enough
 * (`binaryDensity`); results equal the dense GEMM up to summation order (rounding).
 */

/** Fraction of ones in A[0:len) if every entry is exactly 0 or 1; −1 if any entry is not binary. */
export function binaryDensity(A: Float64Array, len = A.length): number {
  let ones = 0;
  for (let k = 0; k < len; k++) {
    const x = A[k];
    if (x === 1) ones++;
    else if (x !== 0) return -1;
  }
  return len > 0 ? ones / len : 0;
}

/** Use the binary kernels below when at most this fraction of A is ones (measured break-even against the packed GEMM ≈ 0.8 (0.57 vs 0.48 ns per term)). */
export const BINARY_DENSITY_THRESHOLD = 0.6;

/**
 * Documented cache: index scratch of the binary kernels, grown on demand and rewritten before each
 * use (results never depend on earlier calls).
 */
let idx = new Int32Array(1024);
let ptr = new Int32Array(1024);
let cnt = new Int32Array(1024);

/**
 * out[o:o+N] += α·Σ_{q<m} src[rows[q]·N : +N], four source rows per pass over `out` (one load
 * and store of out per four rows). Shapes: rows (m offsets already multiplied by N).
 */
function addRows(out: Float64Array, o: number, src: Float64Array, rows: Int32Array, from: number, m: number, N: number, alpha: number): void {
  let q = from;
  const end = from + m;
  for (; q + 3 < end; q += 4) {
    const o0 = rows[q];
    const o1 = rows[q + 1];
    const o2 = rows[q + 2];
    const o3 = rows[q + 3];
    if (alpha === 1) for (let j = 0; j < N; j++) out[o + j] += src[o0 + j] + src[o1 + j] + src[o2 + j] + src[o3 + j];
    else for (let j = 0; j < N; j++) out[o + j] += alpha * (src[o0 + j] + src[o1 + j] + src[o2 + j] + src[o3 + j]);
  }
  for (; q < end; q++) {
    const o0 = rows[q];
    for (let j = 0; j < N; j++) out[o + j] += alpha * src[o0 + j];
  }
}

/**
 * C[r,:] += α·Σ_{k: A[r,k]=1} B[k,:]. Shapes: A (n×K, 0/1, row-major), B (K×N), C (n×N).
 */
export function binaryTimes(A: Float64Array, n: number, K: number, B: Float64Array, N: number, C: Float64Array, alpha = 1): void {
  if (idx.length < K) idx = new Int32Array(K);
  for (let r = 0; r < n; r++) {
    const ar = r * K;
    let m = 0;
    for (let k = 0; k < K; k++) if (A[ar + k] !== 0) idx[m++] = k * N;
    addRows(C, r * N, B, idx, 0, m, N, alpha);
  }
}

/**
 * G[k,:] += α·Σ_{r: A[r,k]=1} H[r,:], i.e. G += α·AᵀH. Shapes: A (n×K, 0/1), H (n×N), G (K×N).
 * The ones of A are first listed per column k (CSR of Aᵀ), so each row of G is visited once.
 */
export function binaryTransposeTimes(A: Float64Array, n: number, K: number, H: Float64Array, N: number, G: Float64Array, alpha: number): void {
  if (cnt.length < K + 1) {
    cnt = new Int32Array(K + 1);
    ptr = new Int32Array(K + 1);
  }
  cnt.fill(0, 0, K + 1);
  let total = 0;
  for (let r = 0; r < n; r++) {
    const ar = r * K;
    for (let k = 0; k < K; k++) if (A[ar + k] !== 0) cnt[k + 1]++, total++;
  }
  if (idx.length < total) idx = new Int32Array(total);
  for (let k = 0; k < K; k++) cnt[k + 1] += cnt[k];
  ptr.set(cnt.subarray(0, K + 1));
  for (let r = 0; r < n; r++) {
    const ar = r * K;
    for (let k = 0; k < K; k++) if (A[ar + k] !== 0) idx[ptr[k]++] = r * N;
  }
  for (let k = 0; k < K; k++) {
    const m = cnt[k + 1] - cnt[k];
    if (m > 0) addRows(G, k * N, H, idx, cnt[k], m, N, alpha);
  }
}


/** Documented cache: the stacked, pre-scaled H rows of binaryTransposeTimes2, grown on demand and rewritten before each use. */
let stacked = new Float64Array(0);

/**
 * G ← α₁·A₁ᵀH₁ + α₂·A₂ᵀH₂ in one pass over G (the RBM's ⟨v hᵀ⟩⁺ − ⟨v hᵀ⟩⁻).
 * Shapes: A₁ (n₁×K, 0/1), H₁ (n₁×N), A₂ (n₂×K, 0/1), H₂ (n₂×N), G (K×N, overwritten).
 */
export function binaryTransposeTimes2(A1: Float64Array, H1: Float64Array, n1: number, alpha1: number, A2: Float64Array, H2: Float64Array, n2: number, alpha2: number, K: number, N: number, G: Float64Array): void {
  const rows = n1 + n2;
  if (stacked.length < rows * N) stacked = new Float64Array(rows * N);
  for (let q = 0; q < n1 * N; q++) stacked[q] = alpha1 * H1[q];
  const off = n1 * N;
  for (let q = 0; q < n2 * N; q++) stacked[off + q] = alpha2 * H2[q];
  if (cnt.length < K + 1) {
    cnt = new Int32Array(K + 1);
    ptr = new Int32Array(K + 1);
  }
  cnt.fill(0, 0, K + 1);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const A = r < n1 ? A1 : A2;
    const ar = (r < n1 ? r : r - n1) * K;
    for (let k = 0; k < K; k++) if (A[ar + k] !== 0) cnt[k + 1]++, total++;
  }
  if (idx.length < total) idx = new Int32Array(total);
  for (let k = 0; k < K; k++) cnt[k + 1] += cnt[k];
  ptr.set(cnt.subarray(0, K + 1));
  for (let r = 0; r < rows; r++) {
    const A = r < n1 ? A1 : A2;
    const ar = (r < n1 ? r : r - n1) * K;
    for (let k = 0; k < K; k++) if (A[ar + k] !== 0) idx[ptr[k]++] = r * N;
  }
  G.fill(0, 0, K * N);
  for (let k = 0; k < K; k++) {
    const m = cnt[k + 1] - cnt[k];
    if (m > 0) addRows(G, k * N, stacked, idx, cnt[k], m, N, 1);
  }
}
