/**
 * The one door from src/nets to the compute core. Every matrix product and every element-wise
 * batch operation of the networks goes through a function of this module, which calls the
 * WebAssembly SIMD kernels of src/linalg (`kernels`: packed GEMM, the 0/1-operand row additions
 * over index lists, the fused σ→Bernoulli draws, softplus row sums, log-sum-exp rows, column sums)
 * and plain loops for the cheap element-wise maps the kernels do not cover (rectifier, gating, row
 * vectors). The network's arrays live in the kernels' shared memory (`netMemory`), so a kernel
 * reads them in place, without a copy; any other Float64Array works too (copied in and out).
 *
 * Layout: every batch is sample-major (row r = example r, its units contiguous, stride = width);
 * weight matrices are input-major, W (nIn × nOut) with W[k, j] the weight from input k to unit j,
 * so a layer's forward product is X·W and its weight gradient Xᵀ·Δ (both with X on the left,
 * where a 0/1 X — sampled binary units, binarised pixels — turns products into row additions).
 *
 * Rounding (contract.ts, BOUNDS): products agree with the exact ones within the standard bound of
 * their summation order (row additions in list order; GEMM in its K blocking); σ and softplus are
 * within 8u relative of the libm-based reference (u = 2⁻⁵³), so a draw 1[u < σ̂(a)] differs from
 * 1[u < σ(a)] only when u lies within that distance of σ(a).
 *
 * Documented cache (never changes a result): the index scratch of the 0/1 products, in the
 * WebAssembly memory, grown on demand and rewritten before each use.
 */
import { BINARY_DENSITY_THRESHOLD } from "../linalg/binary.js";
import { kernels, type BinaryIndex } from "../linalg/kernels.js";
import { wasmCore, type WasmArena } from "../linalg/wasm.js";

/** Arrays for one network (or any owner): views of the kernels' shared memory, released together. */
export interface NetMemory {
  /** n zeros (a Float64Array in the WebAssembly memory) */
  f64(n: number): Float64Array;
  /** Return every array of this memory (they must not be used afterwards). */
  release(): void;
}

/** A fresh memory for a network's arrays (in this thread's WebAssembly memory). */
export function netMemory(): NetMemory {
  const arena: WasmArena = wasmCore().arena();
  return { f64: (n) => arena.f64(n), release: () => arena.release() };
}

/** Scratch of the 0/1 products: one row index (compact lists) and one column index (n lists per column), plus empty lists. */
interface IndexScratch {
  arena: WasmArena | null;
  cap: number;
  lists: number;
  rows: BinaryIndex;
  cols: BinaryIndex;
  empty: BinaryIndex;
}

const EMPTY_INDEX = (): BinaryIndex => ({ idx: new Int32Array(1), start: new Int32Array(1), count: new Int32Array(1) });
const scratch: IndexScratch = { arena: null, cap: 0, lists: 0, rows: EMPTY_INDEX(), cols: EMPTY_INDEX(), empty: EMPTY_INDEX() };

/** Room for `entries` list entries and `lists` lists (grown geometrically; rewritten before each use). */
function indexScratch(entries: number, lists: number): IndexScratch {
  if (scratch.cap >= entries + 1 && scratch.lists >= lists) return scratch;
  scratch.arena?.release();
  const arena = wasmCore().arena();
  const cap = Math.max(entries + 1, 2 * scratch.cap);
  const L = Math.max(lists, 2 * scratch.lists);
  scratch.arena = arena;
  scratch.cap = cap;
  scratch.lists = L;
  scratch.rows = { idx: arena.i32(cap), start: arena.i32(L), count: arena.i32(L) };
  scratch.cols = { idx: arena.i32(cap), start: arena.i32(L), count: arena.i32(L) };
  scratch.empty = { idx: arena.i32(1), start: arena.i32(L), count: arena.i32(L) };
  return scratch;
}

/** Σ of the first m counts. */
function ones(count: Int32Array, m: number): number {
  let s = 0;
  for (let k = 0; k < m; k++) s += count[k];
  return s;
}

/**
 * C ← α·op(A)·op(B) + β·C (row-major; op(X) = X or Xᵀ). Shapes: op(A) M×K, op(B) K×N, C M×N
 * with leading dimensions lda, ldb, ldc. The compute core's GEMM (Goto & van de Geijn 2008 blocking).
 */
export function gemm(transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number, A: Float64Array, lda: number, B: Float64Array, ldb: number, beta: number, C: Float64Array, ldc: number): void {
  kernels.gemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

/** C ← β·C over the first len entries (β = 0 overwrites, so NaN in C does not propagate). */
function scale(C: Float64Array, len: number, beta: number): void {
  if (beta === 0) C.fill(0, 0, len);
  else if (beta !== 1) for (let k = 0; k < len; k++) C[k] *= beta;
}

/**
 * The row index of X (n×K) if X is 0/1 with at most BINARY_DENSITY_THRESHOLD ones, else null
 * (then the caller takes the dense GEMM).
 */
function rowIndexOf(X: Float64Array, n: number, K: number): BinaryIndex | null {
  const s = indexScratch(n * K, n);
  s.rows.start[0] = 0;
  const bad = kernels.rowIndex(X, K, n, K, s.rows, true);
  return bad === 0 && ones(s.rows.count, n) <= BINARY_DENSITY_THRESHOLD * n * K ? s.rows : null;
}

/**
 * Y ← α·X·W + β·Y (+ the row vector `bias` when given). Shapes: X n×K, W K×N, Y n×N (all
 * contiguous), bias N. `binary` says X is 0/1 by construction (sampled units, binarised data):
 * then, when sparse enough, the product is the sum of the rows of W selected by the ones of X
 * (kernels.rowSums, in ascending k, starting from the bias); the result equals the dense product
 * up to summation order.
 */
export function productXW(X: Float64Array, n: number, K: number, W: Float64Array, N: number, alpha: number, beta: number, Y: Float64Array, binary = false, bias: Float64Array | null = null): void {
  const index = binary && alpha === 1 && beta === 0 ? rowIndexOf(X, n, K) : null;
  if (index) {
    kernels.rowSums(index, n, W, N, N, bias, Y, N);
    return;
  }
  gemm(false, false, n, N, K, alpha, X, K, W, N, beta, Y, N);
  if (bias) addRowVector(Y, n, N, bias);
}

/**
 * G ← α·Xᵀ·D + β·G (the weight gradient Σ_r x_r ⊗ δ_r). Shapes: X n×K, D n×N, G K×N. `binary`
 * as in productXW: with a 0/1 X the rows of D are added per non-zero of X (column lists of X,
 * kernels.rowUpdate), in ascending r.
 */
export function productXtD(X: Float64Array, n: number, K: number, D: Float64Array, N: number, alpha: number, beta: number, G: Float64Array, binary = false): void {
  if (binary) {
    const s = indexScratch(n * K, K);
    for (let k = 0; k < K; k++) s.cols.start[k] = k * n;
    const bad = kernels.columnIndex(X, K, n, 0, K, s.cols);
    if (bad === 0 && ones(s.cols.count, K) <= BINARY_DENSITY_THRESHOLD * n * K) {
      scale(G, K * N, beta);
      s.empty.count.fill(0, 0, K);
      kernels.rowUpdate(s.cols, D, s.empty, D, N, K, N, 1, alpha, 0, G, N, null, 0, 0);
      return;
    }
  }
  gemm(true, false, K, N, n, alpha, X, K, D, N, beta, G, N);
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
  kernels.columnSums(A, N, n, N, alpha, out);
}

/** P ← σ(A) over the first len entries (P may be A). Shapes: A, P (≥ len). */
export function sigmoid(A: Float64Array, len: number, P: Float64Array): void {
  if (len > 0) kernels.sigmoidBernoulli(A, len, 1, len, null, 0, P, len, null, 0);
}

/**
 * Fused σ and Bernoulli draws with explicit noise: P[r,j] = σ̂(A[r,j]), S[r,j] = 1[U[r,j] < P[r,j]]
 * (branch-free, kernels.sigmoidBernoulli). Shapes: A, P, S n×N; row r's uniforms are
 * U[uOff + r·ldu … + N).
 */
export function sigmoidBernoulli(A: Float64Array, n: number, N: number, U: Float64Array, uOff: number, ldu: number, P: Float64Array, S: Float64Array): void {
  if (n * N > 0) kernels.sigmoidBernoulli(A, N, n, N, uOff === 0 ? U : U.subarray(uOff), ldu, P, N, S, N);
}

/** out[r] = log Σ_j e^{A[r,j]} for r < n (shifted by the row maximum). Shapes: A n×N, out n. */
export function logSumExpRows(A: Float64Array, n: number, N: number, out: Float64Array): void {
  kernels.logSumExpRows(A, N, n, N, out);
}

/** out[r] = Σ_j softplus(A[r,j]), softplus(a) = log(1 + e^a), for r < n. Shapes: A n×N, out n. */
export function softplusRowSums(A: Float64Array, n: number, N: number, out: Float64Array): void {
  kernels.softplusRowSums(A, N, n, N, out);
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
