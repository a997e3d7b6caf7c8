// The WebAssembly kernels against the TypeScript reference (src/linalg/kernels.ts): bit for bit
// where the contract says so, within the stated bounds elsewhere, on random shapes with ragged
// edges (widths that are not multiples of the 2/4-lane vectors or of the 6-vector tiles).
import { describe, expect, it } from "vitest";
import { BOUNDS, binaryIndex, kernels, sigmoidTolerance, type BinaryIndex, type FloatArray } from "../../src/linalg/kernels.js";
import { referenceKernels as ref } from "../../src/linalg/reference.js";
import { wasmKernels as wasm } from "../../src/linalg/wasm-kernels.js";
import { wasmCore } from "../../src/linalg/wasm.js";
import { Stream } from "../../src/random/stream.js";

type Ctor = Float64ArrayConstructor | Float32ArrayConstructor;
const TYPES: [string, Ctor][] = [
  ["float64", Float64Array],
  ["float32", Float32Array],
];
/**
 * Widths around the vector (2, 4) and tile (12, 24) sizes, and the RBM's; they include every tail
 * of the row-addition kernels: 0–5 whole vectors past the last 6-vector tile, then 0–3 lanes.
 */
const WIDTHS = [1, 2, 3, 5, 7, 8, 9, 11, 12, 13, 16, 19, 23, 24, 25, 37, 50, 101];

function binary(T: Ctor, n: number, K: number, lda: number, density: number, s: Stream): FloatArray {
  const A = new T(n * lda);
  for (let r = 0; r < n; r++) for (let k = 0; k < K; k++) A[r * lda + k] = +(s.uniform() < density);
  return A;
}

function dense(T: Ctor, len: number, s: Stream, scale = 1): FloatArray {
  const A = new T(len);
  for (let i = 0; i < len; i++) A[i] = scale * (2 * s.uniform() - 1);
  return A;
}

/** Same bytes (so −0 ≠ 0 and NaN payloads count). */
function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function cloneIndex(ix: BinaryIndex): BinaryIndex {
  return { idx: ix.idx.slice(), start: ix.start.slice(), count: ix.count.slice() };
}

describe("binary index lists", () => {
  for (const [name, T] of TYPES) {
    it(`row and column lists equal the reference bit for bit (${name}, random shapes, strides, compact)`, () => {
      const s = Stream.fromSeed(`linalg/index/${name}`);
      for (const K of WIDTHS) {
        const n = 1 + s.int(9);
        const lda = K + s.int(3);
        const A = binary(T, n, K, lda, [0.05, 0.2, 0.5, 0.95][s.int(4)], s);
        for (const compact of [false, true]) {
          const a = binaryIndex(n, K);
          const b = cloneIndex(a);
          expect(wasm.rowIndex(A, lda, n, K, a, compact)).toBe(0);
          expect(ref.rowIndex(A, lda, n, K, b, compact)).toBe(0);
          expect(Array.from(a.count)).toEqual(Array.from(b.count));
          expect(Array.from(a.start)).toEqual(Array.from(b.start));
          for (let r = 0; r < n; r++) {
            const got = Array.from(a.idx.subarray(a.start[r], a.start[r] + a.count[r]));
            expect(got).toEqual(Array.from(b.idx.subarray(b.start[r], b.start[r] + b.count[r])));
            expect(got).toEqual([...Array(K).keys()].filter((k) => A[r * lda + k] === 1));
          }
        }
        const c = binaryIndex(K, n);
        const d = cloneIndex(c);
        const k0 = s.int(K);
        expect(wasm.columnIndex(A, lda, n, k0, K, c)).toBe(0);
        ref.columnIndex(A, lda, n, k0, K, d);
        for (let k = k0; k < K; k++) {
          const got = Array.from(c.idx.subarray(c.start[k], c.start[k] + c.count[k]));
          expect(got).toEqual(Array.from(d.idx.subarray(d.start[k], d.start[k] + d.count[k])));
          expect(got).toEqual([...Array(n).keys()].filter((r) => A[r * lda + k] === 1));
        }
      }
    });

    it(`transposeIndex turns row lists into the column lists of columnIndex, any column range (${name})`, () => {
      const s = Stream.fromSeed(`linalg/transpose-index/${name}`);
      for (const K of WIDTHS) {
        const n = 1 + s.int(30);
        const A = binary(T, n, K, K, [0.05, 0.3, 0.9][s.int(3)], s);
        const rows = binaryIndex(n, K);
        wasm.rowIndex(A, K, n, K, rows, false);
        const want = binaryIndex(K, n);
        wasm.columnIndex(A, K, n, 0, K, want);
        const got = binaryIndex(K, n);
        const cut = s.int(K + 1);
        wasm.transposeIndex(rows, n, 0, cut, got);
        wasm.transposeIndex(rows, n, cut, K, got);
        const r2 = binaryIndex(K, n);
        ref.transposeIndex(rows, n, 0, K, r2);
        for (let k = 0; k < K; k++) {
          const g = Array.from(got.idx.subarray(got.start[k], got.start[k] + got.count[k]));
          expect(g).toEqual(Array.from(want.idx.subarray(want.start[k], want.start[k] + want.count[k])));
          expect(g).toEqual(Array.from(r2.idx.subarray(r2.start[k], r2.start[k] + r2.count[k])));
        }
      }
    });

    it(`entries other than 0 and 1 are counted, not silently treated as ones (${name})`, () => {
      const A = new T([1, 0, 0.5, 1, 2, 0]);
      expect(wasm.rowIndex(A, 3, 2, 3, binaryIndex(2, 3), false)).toBe(2);
      expect(wasm.columnIndex(A, 3, 2, 0, 3, binaryIndex(3, 2))).toBe(2);
      expect(ref.rowIndex(A, 3, 2, 3, binaryIndex(2, 3), false)).toBe(2);
    });
  }
});

describe("0/1 × dense products as row additions", () => {
  for (const [name, T] of TYPES) {
    it(`rowSums equals the reference bit for bit and A·B exactly on integer data (${name})`, () => {
      const s = Stream.fromSeed(`linalg/rowsums/${name}`);
      for (const N of WIDTHS) {
        const n = 1 + s.int(7);
        const K = 1 + s.int(40);
        const A = binary(T, n, K, K, 0.3, s);
        const ix = binaryIndex(n, K);
        wasm.rowIndex(A, K, n, K, ix, false);
        const ldb = N + s.int(3);
        const ldc = N + s.int(3);
        const B = dense(T, K * ldb, s);
        const init = s.uniform() < 0.5 ? dense(T, N, s) : null;
        const C1 = new T(n * ldc).fill(NaN);
        const C2 = C1.slice();
        wasm.rowSums(ix, n, B, ldb, N, init, C1, ldc);
        ref.rowSums(ix, n, B, ldb, N, init, C2, ldc);
        expect(sameBytes(C1, C2)).toBe(true);
        // semantics on small integers (every sum exact in either precision): C = init + A·B
        const Bi = new T(K * ldb).map((_, i) => ((i * 7) % 11) - 5);
        wasm.rowSums(ix, n, Bi, ldb, N, null, C1, ldc);
        for (let r = 0; r < n; r++) {
          for (let j = 0; j < N; j++) {
            let e = 0;
            for (let k = 0; k < K; k++) e += A[r * K + k] * Bi[k * ldb + j];
            expect(C1[r * ldc + j]).toBe(e);
          }
        }
        // the transposed product through a column index: Aᵀ·H
        const H = dense(T, n * ldb, s);
        const cix = binaryIndex(K, n);
        wasm.columnIndex(A, K, n, 0, K, cix);
        const G1 = new T(K * N);
        const G2 = new T(K * N);
        wasm.rowSums(cix, K, H, ldb, N, null, G1, N);
        ref.rowSums(cix, K, H, ldb, N, null, G2, N);
        expect(sameBytes(G1, G2)).toBe(true);
      }
    });

    it(`rowUpdate (Δ ← μΔ + α(ρv⁺ᵀh⁺ − v⁻ᵀh⁻) − δW, W += Δ) equals the reference bit for bit, with and without momentum (${name})`, () => {
      const s = Stream.fromSeed(`linalg/rowupdate/${name}`);
      for (const N of WIDTHS) {
        const n = 1 + s.int(6);
        const K = 1 + s.int(30);
        const Vp = binary(T, n, K, K, 0.2, s);
        const Vn = binary(T, n, K, K, 0.5, s);
        const Hp = dense(T, n * N, s);
        const Hn = dense(T, n * N, s);
        const pos = binaryIndex(K, n);
        const neg = binaryIndex(K, n);
        wasm.columnIndex(Vp, K, n, 0, K, pos);
        wasm.columnIndex(Vn, K, n, 0, K, neg);
        const ldv = N + s.int(3);
        for (const [rho, decay, mu, momentum] of [
          [1, 0, 0, false],
          [0.7, 1e-3, 0.9, true],
          [1.3, 0.02, 0, false],
        ] as const) {
          const W1 = dense(T, K * N, s);
          const W2 = W1.slice();
          const V1 = momentum ? dense(T, K * ldv, s, 0.01) : null;
          const V2 = V1 ? V1.slice() : null;
          const alpha = 0.05 / n;
          wasm.rowUpdate(pos, Hp, neg, Hn, N, K, N, rho, alpha, decay, W1, N, V1, ldv, mu);
          ref.rowUpdate(pos, Hp, neg, Hn, N, K, N, rho, alpha, decay, W2, N, V2, ldv, mu);
          expect(sameBytes(W1, W2)).toBe(true);
          if (V1 && V2) expect(sameBytes(V1, V2)).toBe(true);
        }
      }
    });

    it(`rowUpdate with ρ = 1, no decay and no momentum is the plain step W += α(v⁺ᵀh⁺ − v⁻ᵀh⁻) (${name})`, () => {
      const s = Stream.fromSeed(`linalg/rowupdate-plain/${name}`);
      const n = 5;
      const K = 17;
      const N = 29;
      const pos = binaryIndex(K, n);
      const neg = binaryIndex(K, n);
      wasm.columnIndex(binary(T, n, K, K, 0.3, s), K, n, 0, K, pos);
      wasm.columnIndex(binary(T, n, K, K, 0.3, s), K, n, 0, K, neg);
      const Hp = dense(T, n * N, s);
      const Hn = dense(T, n * N, s);
      const W = dense(T, K * N, s);
      const want = W.slice();
      const f = T === Float32Array ? Math.fround : (x: number) => x;
      for (let k = 0; k < K; k++) {
        for (let j = 0; j < N; j++) {
          let acc = 0;
          for (let q = 0; q < pos.count[k]; q++) acc = f(acc + Hp[pos.idx[pos.start[k] + q] * N + j]);
          for (let q = 0; q < neg.count[k]; q++) acc = f(acc - Hn[neg.idx[neg.start[k] + q] * N + j]);
          want[k * N + j] = f(want[k * N + j] + f(f(0.01) * acc));
        }
      }
      wasm.rowUpdate(pos, Hp, neg, Hn, N, K, N, 1, 0.01, 0, W, N, null, 0, 0);
      expect(sameBytes(W, want)).toBe(true);
    });
  }
});

describe("vectorised exp, log, σ, softplus within their stated bounds", () => {
  for (const [name, T] of TYPES) {
    const b = BOUNDS[name as "float64" | "float32"];
    const n = 200_000;
    const s = Stream.fromSeed(`linalg/bounds/${name}`);
    const lo = name === "float64" ? -708 : -86.5;
    /** max over i of |got − want| / max(|want|, floor), in units u */
    const worst = (got: FloatArray, want: (i: number) => number, floor = 0) => {
      let w = 0;
      for (let i = 0; i < got.length; i++) w = Math.max(w, Math.abs(got[i] - want(i)) / Math.max(Math.abs(want(i)), floor) / b.unit);
      return w;
    };

    it(`e^x on [${lo}, 0] within ${b.exp}u; an error of ${2 * b.exp}u is rejected by the same check (${name})`, () => {
      const X = new T(n).map(() => lo * s.uniform());
      const Y = new T(n);
      kernels.exp(X, n, Y);
      const w = worst(Y, (i) => Math.exp(X[i]));
      expect(w).toBeLessThanOrEqual(b.exp);
      expect(w).toBeGreaterThan(0); // the check can see an error at all
      const bad = Y.map((y) => y * (1 + 2 * b.exp * b.unit));
      expect(worst(bad, (i) => Math.exp(X[i]))).toBeGreaterThan(b.exp);
    });

    it(`log x on [1, 2] and [1, big] within ${b.log}u of max(1, |log x|) (${name})`, () => {
      const X = new T(n).map((_, i) => (i % 2 ? 1 + s.uniform() : Math.exp(s.uniform() * (name === "float64" ? 690 : 80))));
      const Y = new T(n);
      kernels.log(X, n, Y);
      expect(worst(Y, (i) => Math.log(X[i]), 1)).toBeLessThanOrEqual(b.log);
    });

    it(`σ within ${b.sigmoid}u (+ floor ${b.floor}) on a wide range, ragged rows, in place (${name})`, () => {
      const w = name === "float64" ? 760 : 100;
      const cols = 37;
      const rows = Math.floor(n / cols);
      const A = new T(rows * cols).map(() => (2 * s.uniform() - 1) * (s.uniform() < 0.5 ? w : 30));
      const P = new T(rows * cols);
      kernels.sigmoidBernoulli(A, cols, rows, cols, null, 0, P, cols, null, 0);
      const want = (i: number) => 1 / (1 + Math.exp(-A[i]));
      expect(worst(P, want, b.floor / b.unit)).toBeLessThanOrEqual(b.sigmoid);
      const inPlace = A.slice();
      kernels.sigmoidBernoulli(inPlace, cols, rows, cols, null, 0, inPlace, cols, null, 0);
      expect(sameBytes(inPlace, P)).toBe(true);
      const edge = new T([Infinity, -Infinity, 0, NaN, -0]);
      const pe = new T(5);
      kernels.sigmoidBernoulli(edge, 5, 1, 5, null, 0, pe, 5, null, 0);
      expect(Array.from(pe)).toEqual([1, 0, 0.5, NaN, 0.5]);
    });

    it(`softplus sums within ${b.softplus}u per term plus the rounding of the sum; ±∞ (${name})`, () => {
      const cols = 50;
      const rows = 400;
      const A = new T(rows * cols).map(() => (2 * s.uniform() - 1) * (s.uniform() < 0.3 ? 200 : 20));
      const got = new T(rows);
      const want = new Float64Array(rows);
      kernels.softplusRowSums(A, cols, rows, cols, got);
      ref.softplusRowSums(A, cols, rows, cols, want);
      for (let r = 0; r < rows; r++) {
        let abs = 0;
        for (let j = 0; j < cols; j++) abs += Math.log1p(Math.exp(-Math.abs(A[r * cols + j]))) + Math.max(A[r * cols + j], 0);
        // per-term bound plus the sum's rounding (cols terms, cols·u·Σ|terms|)
        expect(Math.abs(got[r] - want[r])).toBeLessThanOrEqual((b.softplus + cols) * b.unit * abs + cols * b.floor);
      }
      const each = new T(A.length);
      kernels.softplusRowSums(A, 1, A.length, 1, each);
      expect(worst(each, (i) => Math.max(A[i], 0) + Math.log1p(Math.exp(-Math.abs(A[i]))), b.floor / b.unit)).toBeLessThanOrEqual(b.softplus);
      // at inverse temperature β: the reference on fl(β·a)
      const gotB = new T(rows);
      const wantB = new Float64Array(rows);
      kernels.softplusRowSums(A, cols, rows, cols, gotB, 0.37);
      ref.softplusRowSums(A, cols, rows, cols, wantB, 0.37);
      for (let r = 0; r < rows; r++) {
        let abs = 0;
        for (let j = 0; j < cols; j++) abs += Math.log1p(Math.exp(-Math.abs(0.37 * A[r * cols + j]))) + Math.max(0.37 * A[r * cols + j], 0);
        expect(Math.abs(gotB[r] - wantB[r])).toBeLessThanOrEqual((b.softplus + cols) * b.unit * abs + cols * b.floor);
      }
      expect(sameBytes(gotB, got)).toBe(false);
      const edge = new T([Infinity, -Infinity, 0]);
      const pe = new T(3);
      kernels.softplusRowSums(edge, 1, 3, 1, pe);
      expect(pe[0]).toBe(Infinity);
      expect(pe[1]).toBe(0);
      expect(Math.abs(pe[2] - Math.LN2)).toBeLessThanOrEqual(b.softplus * b.unit);
    });

    it(`log-sum-exp rows: stable, within the bound, ±∞/NaN/empty rows (${name})`, () => {
      for (const N of WIDTHS) {
        const rows = 7;
        const A = new T(rows * N).map(() => 800 * (s.uniform() - 0.5) * (name === "float64" ? 1 : 0.1));
        const got = new T(rows);
        const want = new Float64Array(rows);
        kernels.logSumExpRows(A, N, rows, N, got);
        ref.logSumExpRows(A, N, rows, N, want);
        for (let r = 0; r < rows; r++) expect(Math.abs(got[r] - want[r])).toBeLessThanOrEqual((b.exp + b.log + 2 * N) * b.unit * Math.max(1, Math.abs(want[r])));
      }
      const E = new T([-Infinity, -Infinity, 1, Infinity, NaN, 0, 3, -Infinity]);
      const o = new T(4);
      kernels.logSumExpRows(E, 2, 4, 2, o);
      expect(Array.from(o.subarray(0, 3))).toEqual([-Infinity, Infinity, NaN]);
      expect(o[3]).toBe(3); // log(e³ + 0)
      const empty = new T(1);
      kernels.logSumExpRows(E, 0, 1, 0, empty);
      expect(empty[0]).toBe(-Infinity);
    });
  }
});

describe("fused σ → Bernoulli draws on the caller's uniforms", () => {
  for (const [name, T] of TYPES) {
    it(`draws equal the reference's except where |u − σ(a)| is within the σ bound (${name})`, () => {
      const s = Stream.fromSeed(`linalg/draws/${name}`);
      const prec = name as "float64" | "float32";
      let differ = 0;
      let total = 0;
      for (const N of WIDTHS) {
        const n = 40;
        const A = dense(T, n * N, s, 12);
        const U = new T(n * N);
        s.uniforms(U as Float64Array);
        if (T === Float32Array) for (let i = 0; i < U.length; i++) U[i] = Math.floor(U[i] * 2 ** 24) * 2 ** -24;
        const S1 = new T(n * N);
        const S2 = new T(n * N);
        const P1 = new T(n * N);
        kernels.sigmoidBernoulli(A, N, n, N, U, N, P1, N, S1, N);
        ref.sigmoidBernoulli(A, N, n, N, U, N, null, 0, S2, N);
        for (let i = 0; i < n * N; i++) {
          total++;
          expect(S1[i]).toBe(+(U[i] < P1[i])); // the draw reads the σ it wrote
          if (S1[i] !== S2[i]) {
            differ++;
            const p = 1 / (1 + Math.exp(-A[i]));
            expect(Math.abs(U[i] - p)).toBeLessThanOrEqual(sigmoidTolerance(p, prec));
          }
        }
      }
      expect(total).toBeGreaterThan(10_000);
      expect(differ).toBeLessThanOrEqual(1);
    });

    it(`draws as row lists (from logits or from probabilities) equal the row index of the 0/1 draws, and P is the same σ̂ (${name})`, () => {
      const s = Stream.fromSeed(`linalg/draw-index/${name}`);
      for (const N of WIDTHS) {
        const n = 9;
        const A = dense(T, n * N, s, 6);
        const U = new T(n * N).map(() => Math.floor(s.uniform() * 2 ** 24) * 2 ** -24);
        const S = new T(n * N);
        const P1 = new T(n * N);
        kernels.sigmoidBernoulli(A, N, n, N, U, N, P1, N, S, N);
        const draws = binaryIndex(n, N + 1);
        const P2 = new T(n * N);
        kernels.sigmoidBernoulliIndex(A, N, n, N, U, N, P2, N, draws);
        expect(sameBytes(P1, P2)).toBe(true);
        const fromS = binaryIndex(n, N + 1);
        kernels.rowIndex(S, N, n, N, fromS, false);
        expect(Array.from(draws.count)).toEqual(Array.from(fromS.count));
        for (let r = 0; r < n; r++) expect(Array.from(draws.idx.subarray(draws.start[r], draws.start[r] + draws.count[r]))).toEqual(Array.from(fromS.idx.subarray(fromS.start[r], fromS.start[r] + fromS.count[r])));
        const fromP = binaryIndex(n, N + 1);
        kernels.bernoulliIndex(P1, N, n, N, U, N, fromP);
        expect(sameBytes(fromP.count, draws.count)).toBe(true);
        expect(sameBytes(fromP.idx, draws.idx)).toBe(true);
        const fromPref = binaryIndex(n, N + 1);
        ref.bernoulliIndex(P1, N, n, N, U, N, fromPref);
        expect(sameBytes(fromPref.count, draws.count)).toBe(true);
        const refDraws = binaryIndex(n, N + 1);
        ref.sigmoidBernoulliIndex(A, N, n, N, U, N, null, 0, refDraws);
        let differ = 0;
        for (let r = 0; r < n; r++) differ += Math.abs(refDraws.count[r] - draws.count[r]);
        expect(differ).toBeLessThanOrEqual(1);
      }
    });

    it(`annealed draws σ(β·a + o): P within the σ bound of the reference on fl(fl(β·a) + o), lists read that P, β = 1 without offset is the plain draw (${name})`, () => {
      const s = Stream.fromSeed(`linalg/draw-annealed/${name}`);
      const prec = name as "float64" | "float32";
      for (const N of WIDTHS) {
        const n = 7;
        const A = dense(T, n * N, s, 6);
        const O = dense(T, N, s, 3);
        const U = new T(n * N).map(() => Math.floor(s.uniform() * 2 ** 24) * 2 ** -24);
        const beta = 0.3 + 0.6 * s.uniform();
        const P = new T(n * N);
        const draws = binaryIndex(n, N + 1);
        kernels.sigmoidBernoulliIndex(A, N, n, N, U, N, P, N, draws, beta, O);
        const Pref = new T(n * N);
        const refDraws = binaryIndex(n, N + 1);
        ref.sigmoidBernoulliIndex(A, N, n, N, U, N, Pref, N, refDraws, beta, O);
        for (let i = 0; i < n * N; i++) expect(Math.abs(P[i] - Pref[i])).toBeLessThanOrEqual(sigmoidTolerance(Pref[i], prec));
        const fromP = binaryIndex(n, N + 1);
        kernels.bernoulliIndex(P, N, n, N, U, N, fromP);
        expect(sameBytes(fromP.count, draws.count)).toBe(true);
        expect(sameBytes(fromP.idx, draws.idx)).toBe(true);
        const plain = binaryIndex(n, N + 1);
        const P1 = new T(n * N);
        const Pb = new T(n * N);
        kernels.sigmoidBernoulliIndex(A, N, n, N, U, N, P1, N, plain);
        kernels.sigmoidBernoulliIndex(A, N, n, N, U, N, Pb, N, binaryIndex(n, N + 1), 1, null);
        expect(sameBytes(P1, Pb)).toBe(true);
        expect(sameBytes(P1, P)).toBe(false);
      }
    });

    it(`a draw is 1[u < σ̂(a)] on the σ̂ the kernel reports: u = σ̂ gives 0, u just below gives 1 (${name})`, () => {
      const A = new T([-3, -0.25, 0, 0.7, 4.5]);
      const P = new T(5);
      kernels.sigmoidBernoulli(A, 5, 1, 5, null, 0, P, 5, null, 0);
      const S = new T(5);
      // u = σ̂ exactly: 1[u < σ̂] = 0; the next representable uniform below gives 1
      kernels.sigmoidBernoulli(A, 5, 1, 5, P, 5, null, 0, S, 5);
      expect(Array.from(S)).toEqual([0, 0, 0, 0, 0]);
      const below = P.map((p) => p * (1 - 2 * BOUNDS[name as "float64"].sigmoid * BOUNDS[name as "float64"].unit));
      kernels.sigmoidBernoulli(A, 5, 1, 5, below, 5, null, 0, S, 5);
      expect(Array.from(S)).toEqual([1, 1, 1, 1, 1]);
    });
  }
});

describe("dense GEMM", () => {
  for (const [name, T] of TYPES) {
    it(`all four transposes, ragged shapes, α, β (β = 0 ignores NaN) within γ_K·|A||B| (${name})`, () => {
      const s = Stream.fromSeed(`linalg/gemm/${name}`);
      const u = BOUNDS[name as "float64"].unit;
      const shapes: [number, number, number][] = [[1, 1, 1], [3, 5, 7], [4, 8, 256], [5, 9, 257], [17, 13, 300], [100, 50, 78], [7, 600, 3]];
      for (const [M, N, K] of shapes) {
        for (const tA of [false, true]) {
          for (const tB of [false, true]) {
            const lda = (tA ? M : K) + s.int(2);
            const ldb = (tB ? K : N) + s.int(2);
            const ldc = N + s.int(2);
            const A = dense(T, (tA ? K : M) * lda, s);
            const B = dense(T, (tB ? N : K) * ldb, s);
            const beta = [0, 1, -0.5][s.int(3)];
            const alpha = [1, 0.37][s.int(2)];
            const C1 = beta === 0 ? new T(M * ldc).fill(NaN) : dense(T, M * ldc, s);
            const C2 = new Float64Array(C1);
            kernels.gemm(tA, tB, M, N, K, alpha, A, lda, B, ldb, beta, C1, ldc);
            ref.gemm(tA, tB, M, N, K, alpha, A, lda, B, ldb, beta, C2, ldc);
            const gamma = (K * u) / (1 - K * u);
            for (let i = 0; i < M; i++) {
              for (let j = 0; j < N; j++) {
                let abs = 0;
                for (let p = 0; p < K; p++) abs += Math.abs((tA ? A[p * lda + i] : A[i * lda + p]) * (tB ? B[j * ldb + p] : B[p * ldb + j]));
                const tol = 2 * gamma * Math.abs(alpha) * abs + 4 * u * (Math.abs(C2[i * ldc + j]) + 1e-300);
                expect(Math.abs(C1[i * ldc + j] - C2[i * ldc + j])).toBeLessThanOrEqual(tol);
              }
            }
          }
        }
      }
    });
  }
});

describe("layout helpers and the uniform generator", () => {
  for (const [name, T] of TYPES) {
    it(`transpose and columnSums equal the reference bit for bit (${name})`, () => {
      const s = Stream.fromSeed(`linalg/layout/${name}`);
      for (const cols of WIDTHS) {
        const rows = 1 + s.int(40);
        const A = dense(T, rows * (cols + 1), s);
        const B1 = new T(cols * (rows + 2));
        const B2 = new T(cols * (rows + 2));
        wasm.transpose(A, cols + 1, rows, cols, B1, rows + 2);
        ref.transpose(A, cols + 1, rows, cols, B2, rows + 2);
        expect(sameBytes(B1, B2)).toBe(true);
        for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) expect(B1[j * (rows + 2) + i]).toBe(A[i * (cols + 1) + j]);
        const o1 = dense(T, cols, s);
        const o2 = o1.slice();
        wasm.columnSums(A, cols + 1, rows, cols, -0.01, o1);
        ref.columnSums(A, cols + 1, rows, cols, -0.01, o2);
        expect(sameBytes(o1, o2)).toBe(true);
      }
    });
  }

  it("xor4096 uniforms equal Stream.uniform() bit for bit and leave the same state", () => {
    const stream = Stream.fromSeed("linalg/xor4096");
    const snap = stream.toJSON().state;
    const state = new Int32Array(130);
    state.set(snap.X, 0);
    state[128] = snap.i;
    state[129] = snap.w;
    const n = 1003;
    const got = new Float64Array(n);
    kernels.uniforms(state, got, n);
    const want = new Float64Array(n);
    stream.uniforms(want);
    expect(sameBytes(got, want)).toBe(true);
    const after = stream.toJSON().state;
    expect(Array.from(state.subarray(0, 128))).toEqual(after.X);
    expect([state[128], state[129]]).toEqual([after.i, after.w]);
    // float32: (v >>> 8)·2⁻²⁴, the same 32-bit draws truncated; equal to the reference, and < 1
    const s2 = Int32Array.from(state);
    const f1 = new Float32Array(n);
    const f2 = new Float32Array(n);
    kernels.uniforms(state, f1, n);
    ref.uniforms(s2, f2, n);
    expect(sameBytes(f1, f2)).toBe(true);
    expect(sameBytes(state, s2)).toBe(true);
    expect(Math.max(...f1)).toBeLessThan(1);
    const next = new Float64Array(n);
    stream.uniforms(next);
    expect(Array.from(f1)).toEqual(Array.from(next, (x) => Math.floor(x * 2 ** 24) * 2 ** -24));
    // every length and starting phase of the circular array (vector and scalar steps mix)
    for (let len = 0; len < 300; len += 7) {
      const a = Int32Array.from(state);
      const b = Int32Array.from(state);
      const x = new Float64Array(len);
      const y = new Float64Array(len);
      kernels.uniforms(a, x, len);
      ref.uniforms(b, y, len);
      expect(sameBytes(x, y)).toBe(true);
      expect(sameBytes(a, b)).toBe(true);
      kernels.uniforms(state, x, len % 5); // move the phase
      ref.uniforms(s2, y, len % 5);
    }
  });
});

describe("shared-memory arrays", () => {
  it("arena arrays are passed by address, plain arrays through copies, with the same result", () => {
    const core = wasmCore();
    const arena = core.arena();
    try {
      const s = Stream.fromSeed("linalg/arena");
      const A = binary(Float64Array, 9, 31, 31, 0.3, s);
      const B = dense(Float64Array, 31 * 19, s);
      const ix = binaryIndex(9, 31);
      kernels.rowIndex(A, 31, 9, 31, ix, false);
      const plain = new Float64Array(9 * 19);
      kernels.rowSums(ix, 9, B, 19, 19, null, plain, 19);
      const iw = binaryIndex(9, 31, arena);
      const Aw = arena.f64(A.length);
      Aw.set(A);
      const Bw = arena.f64(B.length);
      Bw.set(B);
      const Cw = arena.f64(9 * 19);
      expect(core.isWasmArray(Cw)).toBe(true);
      expect(core.isWasmArray(plain)).toBe(false);
      kernels.rowIndex(Aw, 31, 9, 31, iw, false);
      kernels.rowSums(iw, 9, Bw, 19, 19, null, Cw, 19);
      expect(sameBytes(Cw, plain)).toBe(true);
      expect(() => kernels.rowSums(ix, 9, B, 19, 19, null, new Float32Array(9 * 19), 19)).toThrow(TypeError);
    } finally {
      arena.release();
    }
  });

  it("released blocks are reused and come back zeroed", () => {
    const core = wasmCore();
    const a = core.arena();
    const x = a.f64(1000);
    const at = x.byteOffset;
    x.fill(7);
    a.release();
    const b = core.arena();
    const y = b.f64(1000);
    expect(y.byteOffset).toBe(at);
    expect(y.every((v) => v === 0)).toBe(true);
    b.release();
  });
});
