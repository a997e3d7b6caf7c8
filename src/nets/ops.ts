/**
 * The one door from src/nets to the linear-algebra kernels. Every matrix product and every
 * element-wise batch operation of the networks goes through a function of this module, which
 * today calls the JavaScript kernels of src/linalg (packed GEMM, the 0/1-operand row additions)
 * and the array σ of src/numerics. The compute core's WebAssembly kernels and worker pool can be
 * swapped in here, behind the same signatures, without touching a layer.
 *
 * Layout: every batch is sample-major (row r = example r, its units contiguous, stride = width);
 * weight matrices are input-major, W (nIn × nOut) with W[k, j] the weight from input k to unit j,
 * so a layer's forward product is X·W and its weight gradient Xᵀ·Δ (both with X on the left,
 * where a 0/1 X — sampled binary units, binarised pixels — turns products into row additions).
 * No function allocates after warm-up (the binary kernels keep documented index scratch).
 */
import { binaryDensity, binaryTimes, binaryTransposeTimes, BINARY_DENSITY_THRESHOLD } from "../linalg/binary.js";
import { gemm as packedGemm } from "../linalg/gemm.js";
import { logSumExp, sigmoidInPlace } from "../numerics.js";

/**
 * C ← α·op(A)·op(B) + β·C (row-major; op(X) = X or Xᵀ). Shapes: op(A) M×K, op(B) K×N, C M×N
 * with leading dimensions lda, ldb, ldc. Goto & van de Geijn (2008) blocking (src/linalg/gemm.ts).
 */
export function gemm(transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number, A: Float64Array, lda: number, B: Float64Array, ldb: number, beta: number, C: Float64Array, ldc: number): void {
  packedGemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

/** C ← β·C over the first n·N entries (β = 0 overwrites, so NaN in C does not propagate). */
function scale(C: Float64Array, len: number, beta: number): void {
  if (beta === 0) C.fill(0, 0, len);
  else if (beta !== 1) for (let k = 0; k < len; k++) C[k] *= beta;
}

/** Whether X (n×K) should take the 0/1-operand kernels: every entry 0 or 1 and at most BINARY_DENSITY_THRESHOLD ones. */
function useBinary(X: Float64Array, len: number, binary: boolean): boolean {
  if (!binary) return false;
  const d = binaryDensity(X, len);
  return d >= 0 && d <= BINARY_DENSITY_THRESHOLD;
}

/**
 * Y ← α·X·W + β·Y. Shapes: X n×K, W K×N, Y n×N (all contiguous). `binary` says X is 0/1 by
 * construction (sampled units, binarised data): then, when sparse enough, the product is the sum
 * of the rows of W selected by the ones of X (src/linalg/binary.ts); the result equals the dense
 * product up to summation order.
 */
export function productXW(X: Float64Array, n: number, K: number, W: Float64Array, N: number, alpha: number, beta: number, Y: Float64Array, binary = false): void {
  if (useBinary(X, n * K, binary)) {
    scale(Y, n * N, beta);
    binaryTimes(X, n, K, W, N, Y, alpha);
  } else gemm(false, false, n, N, K, alpha, X, K, W, N, beta, Y, N);
}

/**
 * G ← α·Xᵀ·D + β·G (the weight gradient Σ_r x_r ⊗ δ_r). Shapes: X n×K, D n×N, G K×N. `binary`
 * as in productXW: with a 0/1 X the rows of D are added per non-zero of X.
 */
export function productXtD(X: Float64Array, n: number, K: number, D: Float64Array, N: number, alpha: number, beta: number, G: Float64Array, binary = false): void {
  if (useBinary(X, n * K, binary)) {
    scale(G, K * N, beta);
    binaryTransposeTimes(X, n, K, D, N, G, alpha);
  } else gemm(true, false, K, N, n, alpha, X, K, D, N, beta, G, N);
}

/** E ← α·D·Wᵀ + β·E (the input gradient δ_r·Wᵀ). Shapes: D n×N, W K×N, E n×K. */
export function productDWt(D: Float64Array, n: number, N: number, W: Float64Array, K: number, alpha: number, beta: number, E: Float64Array): void {
  gemm(false, true, n, K, N, alpha, D, N, W, N, beta, E, K);
}

/** Y[r, :] += v for r < n. Shapes: Y n×N, v N. */
export function addRowVector(Y: Float64Array, n: number, N: number, v: Float64Array): void {
  for (let r = 0; r < n; r++) {
    const o = r * N;
    for (let j = 0; j < N; j++) Y[o + j] += v[j];
  }
}

/** out[j] += α·Σ_{r<n} A[r, j] (columns summed in ascending r, then scaled). Shapes: A n×N, out N. */
export function columnSums(A: Float64Array, n: number, N: number, alpha: number, out: Float64Array): void {
  for (let j = 0; j < N; j++) {
    let s = 0;
    for (let r = 0; r < n; r++) s += A[r * N + j];
    out[j] += alpha * s;
  }
}

/** P ← σ(A) over the first len entries (P may be A). Shapes: A, P (≥ len). */
export function sigmoid(A: Float64Array, len: number, P: Float64Array): void {
  if (P !== A) for (let k = 0; k < len; k++) P[k] = A[k];
  sigmoidInPlace(P, len);
}

/**
 * Fused σ and Bernoulli draws with explicit noise: P[r,j] = σ(A[r,j]), S[r,j] = 1[U[r,j] < P[r,j]]
 * (branch-free). Shapes: A, P, S n×N; row r's uniforms are U[uOff + r·ldu … + N).
 */
export function sigmoidBernoulli(A: Float64Array, n: number, N: number, U: Float64Array, uOff: number, ldu: number, P: Float64Array, S: Float64Array): void {
  sigmoid(A, n * N, P);
  for (let r = 0; r < n; r++) {
    const o = r * N;
    const u = uOff + r * ldu;
    for (let j = 0; j < N; j++) S[o + j] = +(U[u + j] < P[o + j]);
  }
}

/** out[r] = log Σ_j e^{A[r,j]} for r < n (shifted by the row maximum). Shapes: A n×N, out n. */
export function logSumExpRows(A: Float64Array, n: number, N: number, out: Float64Array): void {
  for (let r = 0; r < n; r++) out[r] = logSumExp(A, r * N, N);
}

/** Y = max(0, X) over len entries. */
export function relu(X: Float64Array, len: number, Y: Float64Array): void {
  for (let k = 0; k < len; k++) {
    const x = X[k];
    Y[k] = x > 0 ? x : 0;
  }
}

/** DX += DY·1[Y > 0] over len entries (the rectifier's backward pass, Y its output). */
export function reluBackward(Y: Float64Array, DY: Float64Array, len: number, DX: Float64Array): void {
  for (let k = 0; k < len; k++) DX[k] += Y[k] > 0 ? DY[k] : 0;
}

/**
 * Block gating: Y[r, j·s + k] = X[r, j·s + k]·g[r, j] for blocks j < G of size s. Shapes: X, Y
 * n×(G·s), g n×G.
 */
export function blockScale(X: Float64Array, g: Float64Array, n: number, G: number, s: number, Y: Float64Array): void {
  const W = G * s;
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < G; j++) {
      const gj = g[r * G + j];
      const o = r * W + j * s;
      for (let k = 0; k < s; k++) Y[o + k] = X[o + k] * gj;
    }
  }
}

/**
 * The two gradients of blockScale: DX[r, j·s+k] += DY[r, j·s+k]·g[r, j] and
 * Dg[r, j] += Σ_k DY[r, j·s+k]·X[r, j·s+k]. Either output may be null. Shapes as blockScale.
 */
export function blockScaleBackward(X: Float64Array, g: Float64Array, DY: Float64Array, n: number, G: number, s: number, DX: Float64Array | null, Dg: Float64Array | null): void {
  const W = G * s;
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < G; j++) {
      const o = r * W + j * s;
      if (DX) {
        const gj = g[r * G + j];
        for (let k = 0; k < s; k++) DX[o + k] += DY[o + k] * gj;
      }
      if (Dg) {
        let acc = 0;
        for (let k = 0; k < s; k++) acc += DY[o + k] * X[o + k];
        Dg[r * G + j] += acc;
      }
    }
  }
}
