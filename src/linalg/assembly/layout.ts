// Layout helpers: transposition and column sums (row-major, element strides).

import { lanes, vadd, vmul, vsplat } from "./simd";

const TB: i32 = 16;

/** B[j, i] = A[i, j] for i < rows, j < cols (A rows×cols with stride lda, B cols×rows with stride ldb), in 16×16 blocks. */
function transpose<T>(A: usize, lda: i32, rows: i32, cols: i32, B: usize, ldb: i32): void {
  const es = <usize>sizeof<T>();
  for (let i0: i32 = 0; i0 < rows; i0 += TB) {
    const i1 = min(rows, i0 + TB);
    for (let j0: i32 = 0; j0 < cols; j0 += TB) {
      const j1 = min(cols, j0 + TB);
      for (let i = i0; i < i1; i++) {
        const a = A + <usize>i * <usize>lda * es;
        for (let j = j0; j < j1; j++) store<T>(B + (<usize>j * <usize>ldb + <usize>i) * es, load<T>(a + <usize>j * es));
      }
    }
  }
}

export function transposeF64(A: usize, lda: i32, rows: i32, cols: i32, B: usize, ldb: i32): void {
  transpose<f64>(A, lda, rows, cols, B, ldb);
}

export function transposeF32(A: usize, lda: i32, rows: i32, cols: i32, B: usize, ldb: i32): void {
  transpose<f32>(A, lda, rows, cols, B, ldb);
}

/**
 * out[j] = out[j] + α·Σ_{r<n} A[r, j] for j < N (A n×N with stride lda); each column summed in
 * ascending r from 0, then scaled and added.
 */
function columnSums<T>(A: usize, lda: i32, n: i32, N: i32, alpha: f64, out: usize): void {
  const es = <usize>sizeof<T>();
  const L = lanes<T>();
  const va = vsplat<T>(alpha);
  const aT = <T>alpha;
  let j: i32 = 0;
  for (; j + L <= N; j += L) {
    let acc = v128.splat<i64>(0);
    for (let r: i32 = 0; r < n; r++) acc = vadd<T>(acc, v128.load(A + (<usize>r * <usize>lda + <usize>j) * es));
    const o = out + <usize>j * es;
    v128.store(o, vadd<T>(v128.load(o), vmul<T>(va, acc)));
  }
  for (; j < N; j++) {
    let acc: T = <T>0;
    for (let r: i32 = 0; r < n; r++) acc += load<T>(A + (<usize>r * <usize>lda + <usize>j) * es);
    const o = out + <usize>j * es;
    store<T>(o, load<T>(o) + aT * acc);
  }
}

export function columnSumsF64(A: usize, lda: i32, n: i32, N: i32, alpha: f64, out: usize): void {
  columnSums<f64>(A, lda, n, N, alpha, out);
}

export function columnSumsF32(A: usize, lda: i32, n: i32, N: i32, alpha: f64, out: usize): void {
  columnSums<f32>(A, lda, n, N, alpha, out);
}
