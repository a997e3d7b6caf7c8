/**
 * The reference implementation of the compute-core contract (kernels.ts) in plain TypeScript.
 * It is what the WebAssembly kernels are tested against, never the path a run takes. Float32
 * arithmetic is emulated exactly with Math.fround after every operation (for +, −, ×, ÷ on
 * float32 operands, rounding the double result to float32 equals the float32 operation).
 * σ, exp, log and softplus use Math.exp/Math.log/Math.log1p (the independent reference for the
 * vectorised versions' error bounds).
 */
import { createRequire } from "node:module";
import type { FloatArray, Kernels } from "./contract.js";

const require = createRequire(import.meta.url);
// the generator of every Stream (src/random/stream.ts), restored from a raw state
const xor4096: (seed: string, opts: { state: { X: number[]; i: number; w: number } }) => { (): number; int32(): number; state(): { X: number[]; i: number; w: number } } = require("seedrandom/lib/xor4096.js");

/** Rounding to the array's precision: identity for float64, Math.fround for float32. */
function rounder(a: FloatArray): (x: number) => number {
  return a instanceof Float32Array ? Math.fround : (x: number) => x;
}

function sigmoidRef(a: number): number {
  return 1 / (1 + Math.exp(-a));
}

function softplusRef(a: number): number {
  return (a > 0 ? a : 0) + Math.log1p(Math.exp(-Math.abs(a)));
}

export const referenceKernels: Kernels = {
  rowIndex(A, lda, n, K, index, compact) {
    let bad = 0;
    let next = index.start[0];
    for (let r = 0; r < n; r++) {
      const s = compact ? next : index.start[r];
      if (compact) index.start[r] = s;
      let m = 0;
      for (let k = 0; k < K; k++) {
        const x = A[r * lda + k];
        if (x !== 0) index.idx[s + m++] = k;
        if (x !== 0 && x !== 1) bad++;
      }
      index.count[r] = m;
      next = s + m;
    }
    return bad;
  },

  columnIndex(A, lda, n, k0, k1, index) {
    let bad = 0;
    for (let k = k0; k < k1; k++) index.count[k] = 0;
    for (let r = 0; r < n; r++) {
      for (let k = k0; k < k1; k++) {
        const x = A[r * lda + k];
        if (x !== 0) index.idx[index.start[k] + index.count[k]++] = r;
        if (x !== 0 && x !== 1) bad++;
      }
    }
    return bad;
  },

  transposeIndex(rows, n, k0, k1, cols) {
    for (let k = k0; k < k1; k++) cols.count[k] = 0;
    for (let r = 0; r < n; r++) {
      for (let q = rows.start[r]; q < rows.start[r] + rows.count[r]; q++) {
        const k = rows.idx[q];
        if (k >= k0 && k < k1) cols.idx[cols.start[k] + cols.count[k]++] = r;
      }
    }
  },

  rowSums(index, n, B, ldb, N, init, C, ldc) {
    const f = rounder(C);
    for (let r = 0; r < n; r++) {
      const s = index.start[r];
      const e = s + index.count[r];
      for (let j = 0; j < N; j++) {
        let acc = init ? init[j] : 0;
        for (let q = s; q < e; q++) acc = f(acc + B[index.idx[q] * ldb + j]);
        C[r * ldc + j] = acc;
      }
    }
  },

  rowUpdate(pos, BP, neg, BN, ldb, n, N, rho, alpha, decay, C, ldc, V, ldv, mu) {
    const f = rounder(C);
    const [a, p, d, m] = [alpha, rho, decay, mu].map(f);
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < N; j++) {
        let acc = 0;
        for (let q = pos.start[r]; q < pos.start[r] + pos.count[r]; q++) acc = f(acc + BP[pos.idx[q] * ldb + j]);
        acc = f(acc * p);
        for (let q = neg.start[r]; q < neg.start[r] + neg.count[r]; q++) acc = f(acc - BN[neg.idx[q] * ldb + j]);
        const c = C[r * ldc + j];
        const g = f(f(a * acc) - f(d * c));
        if (V) {
          const v = f(f(m * V[r * ldv + j]) + g);
          V[r * ldv + j] = v;
          C[r * ldc + j] = f(c + v);
        } else C[r * ldc + j] = f(c + g);
      }
    }
  },

  sigmoidBernoulli(A, lda, n, N, U, ldu, P, ldp, S, lds) {
    const f = rounder(A);
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < N; j++) {
        const p = f(sigmoidRef(A[r * lda + j]));
        if (S && U) S[r * lds + j] = +(U[r * ldu + j] < p);
        if (P) P[r * ldp + j] = p;
      }
    }
  },

  sigmoidBernoulliIndex(A, lda, n, N, U, ldu, P, ldp, draws, beta = 1, offset = null) {
    const f = rounder(A);
    const bt = f(beta);
    for (let r = 0; r < n; r++) {
      let m = 0;
      for (let j = 0; j < N; j++) {
        const x = offset ? f(f(bt * A[r * lda + j]) + offset[j]) : f(bt * A[r * lda + j]);
        const p = f(sigmoidRef(x));
        if (U[r * ldu + j] < p) draws.idx[draws.start[r] + m++] = j;
        if (P) P[r * ldp + j] = p;
      }
      draws.count[r] = m;
    }
  },

  bernoulliIndex(P, ldp, n, N, U, ldu, draws) {
    for (let r = 0; r < n; r++) {
      let m = 0;
      for (let j = 0; j < N; j++) if (U[r * ldu + j] < P[r * ldp + j]) draws.idx[draws.start[r] + m++] = j;
      draws.count[r] = m;
    }
  },

  softplusRowSums(A, lda, n, N, out, beta = 1) {
    const f = rounder(A);
    const bt = f(beta);
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let j = 0; j < N; j++) s += softplusRef(f(bt * A[r * lda + j]));
      out[r] = s;
    }
  },

  logSumExpRows(A, lda, n, N, out) {
    for (let r = 0; r < n; r++) {
      let m = -Infinity;
      let nan = false;
      for (let j = 0; j < N; j++) {
        const x = A[r * lda + j];
        if (x !== x) nan = true;
        if (x > m) m = x;
      }
      if (nan || m === Infinity || m === -Infinity) {
        out[r] = nan ? NaN : m;
        continue;
      }
      let s = 0;
      for (let j = 0; j < N; j++) s += Math.exp(A[r * lda + j] - m);
      out[r] = m + Math.log(s);
    }
  },

  gemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc) {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let p = 0; p < K; p++) s += (transA ? A[p * lda + i] : A[i * lda + p]) * (transB ? B[j * ldb + p] : B[p * ldb + j]);
        C[i * ldc + j] = (beta === 0 ? 0 : beta * C[i * ldc + j]) + alpha * s;
      }
    }
  },

  transpose(A, lda, rows, cols, B, ldb) {
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) B[j * ldb + i] = A[i * lda + j];
  },

  columnSums(A, lda, n, N, alpha, out) {
    const f = rounder(out);
    const a = f(alpha);
    for (let j = 0; j < N; j++) {
      let acc = 0;
      for (let r = 0; r < n; r++) acc = f(acc + A[r * lda + j]);
      out[j] = f(out[j] + f(a * acc));
    }
  },

  uniforms(state, out, n) {
    const g = xor4096("", { state: { X: Array.from(state.subarray(0, 128)), i: state[128], w: state[129] } });
    const f32 = out instanceof Float32Array;
    for (let k = 0; k < n; k++) {
      const v = g.int32() >>> 0;
      out[k] = f32 ? (v >>> 8) * 2 ** -24 : v / 0x100000000;
    }
    const st = g.state();
    state.set(st.X, 0);
    state[128] = st.i;
    state[129] = st.w;
  },

  exp(X, n, out) {
    for (let i = 0; i < n; i++) out[i] = Math.exp(X[i]);
  },

  log(X, n, out) {
    for (let i = 0; i < n; i++) out[i] = Math.log(X[i]);
  },
};
