/**
 * The kernels of kernels.ts as chunk tasks for the worker pool (src/parallel). Arrays are byte
 * addresses in the shared WebAssembly memory (views from a `WasmArena`: `a.byteOffset`), and
 * `f32` (0 or 1) selects the precision. Each task splits its output so that every element is
 * computed whole by one chunk, in the kernel's fixed order, or writes a per-chunk partial that the
 * caller merges in chunk order:
 *   rowSumsByColumns    C = init + A·B (row index of A), chunk c = output columns [c·width, …)
 *   rowUpdateByRows     W += α(ρv⁺ᵀh⁺ − v⁻ᵀh⁻) − δW, with momentum V (column indexes), chunk c = rows of W [c·rows, …)
 *   rowIndexByRows      row index lists, chunk c = rows [c·rows, …); throws on entries ∉ {0, 1}
 *   columnIndexByColumns column index lists, chunk c = columns [c·width, …)
 *   sigmoidBernoulliByRows  P = σ(A), S = 1[U < P], chunk c = rows [c·rows, …)
 *   gemmByColumns       C = α·op(A)·op(B) + β·C, chunk c = columns [c·width, …) (any width: the
 *                       summation order depends on the K blocking only)
 *   columnSumsPartials  partial c (row c of `out`) = Σ of rows [c·rows, …) of A; merge in chunk order
 * Chunk boundaries come from `width`/`rows`, which the caller fixes from the problem, never from
 * the number of workers: the outputs are the same bytes for any pool.
 */
import { defineTask } from "../parallel/task.js";

const es = (f32: number) => (f32 ? 4 : 8);

/** Chunks needed to cover `total` items `per` chunk. */
export function chunkCount(total: number, per: number): number {
  return total <= 0 ? 0 : Math.ceil(total / per);
}

export const rowSumsByColumns = defineTask(import.meta.url, "rowSumsByColumns", ["idx", "start", "cnt", "n", "B", "ldb", "N", "init", "C", "ldc", "width", "f32"], (a, c, ctx) => {
  const j0 = c * a.width;
  const w = Math.min(a.width, a.N - j0);
  const o = j0 * es(a.f32);
  const f = a.f32 ? ctx.k.rowSumsF32 : ctx.k.rowSumsF64;
  f(a.idx, a.start, a.cnt, a.n, a.B + o, a.ldb, w, a.init ? a.init + o : 0, a.C + o, a.ldc);
});

export const rowUpdateByRows = defineTask(import.meta.url, "rowUpdateByRows", ["idxP", "startP", "cntP", "BP", "idxN", "startN", "cntN", "BN", "ldb", "n", "N", "rho", "alpha", "decay", "C", "ldc", "V", "ldv", "mu", "rows", "f32"], (a, c, ctx) => {
  const r0 = c * a.rows;
  const m = Math.min(a.rows, a.n - r0);
  const f = a.f32 ? ctx.k.rowUpdateF32 : ctx.k.rowUpdateF64;
  const q = 4 * r0;
  const e = es(a.f32);
  f(a.idxP, a.startP + q, a.cntP + q, a.BP, a.idxN, a.startN + q, a.cntN + q, a.BN, a.ldb, m, a.N, a.rho, a.alpha, a.decay, a.C + r0 * a.ldc * e, a.ldc, a.V ? a.V + r0 * a.ldv * e : 0, a.ldv, a.mu);
});

export const rowIndexByRows = defineTask(import.meta.url, "rowIndexByRows", ["A", "lda", "n", "K", "idx", "start", "cnt", "rows", "f32"], (a, c, ctx) => {
  const r0 = c * a.rows;
  const m = Math.min(a.rows, a.n - r0);
  const f = a.f32 ? ctx.k.rowIndexF32 : ctx.k.rowIndexF64;
  const bad = f(a.A + r0 * a.lda * es(a.f32), a.lda, m, a.K, a.idx, a.start + 4 * r0, a.cnt + 4 * r0, 0);
  if (bad > 0) throw new Error(`rows ${r0}…${r0 + m - 1}: ${bad} entries are neither 0 nor 1`);
});

export const columnIndexByColumns = defineTask(import.meta.url, "columnIndexByColumns", ["A", "lda", "n", "K", "idx", "start", "cnt", "width", "f32"], (a, c, ctx) => {
  const k0 = c * a.width;
  const k1 = Math.min(a.K, k0 + a.width);
  const f = a.f32 ? ctx.k.columnIndexF32 : ctx.k.columnIndexF64;
  const bad = f(a.A, a.lda, a.n, k0, k1, a.idx, a.start, a.cnt);
  if (bad > 0) throw new Error(`columns ${k0}…${k1 - 1}: ${bad} entries are neither 0 nor 1`);
});

export const sigmoidBernoulliByRows = defineTask(import.meta.url, "sigmoidBernoulliByRows", ["A", "lda", "n", "N", "U", "ldu", "P", "ldp", "S", "lds", "rows", "f32"], (a, c, ctx) => {
  const r0 = c * a.rows;
  const m = Math.min(a.rows, a.n - r0);
  const e = es(a.f32);
  const at = (p: number, ld: number) => (p ? p + r0 * ld * e : 0);
  const f = a.f32 ? ctx.k.sigmoidBernoulliF32 : ctx.k.sigmoidBernoulliF64;
  f(at(a.A, a.lda), a.lda, m, a.N, at(a.U, a.ldu), a.ldu, at(a.P, a.ldp), a.ldp, at(a.S, a.lds), a.lds);
});

export const gemmByColumns = defineTask(import.meta.url, "gemmByColumns", ["transA", "transB", "M", "N", "K", "alpha", "A", "lda", "B", "ldb", "beta", "C", "ldc", "width", "f32"], (a, c, ctx) => {
  if (ctx.scratchBytes < ctx.k.gemmScratchElements() * 8) throw new Error("gemmByColumns: pool scratch is smaller than the GEMM's packing buffers");
  const j0 = c * a.width;
  const w = Math.min(a.width, a.N - j0);
  const e = es(a.f32);
  // op(B) columns j0…: B stored K×N (offset j0) or N×K (offset j0 rows)
  const b = a.B + (a.transB ? j0 * a.ldb : j0) * e;
  const f = a.f32 ? ctx.k.gemmF32 : ctx.k.gemmF64;
  f(a.transA, a.transB, a.M, w, a.K, a.alpha, a.A, a.lda, b, a.ldb, a.beta, a.C + j0 * e, a.ldc, ctx.scratch);
});

export const columnSumsPartials = defineTask(import.meta.url, "columnSumsPartials", ["A", "lda", "n", "N", "out", "rows", "f32"], (a, c, ctx) => {
  const r0 = c * a.rows;
  const m = Math.min(a.rows, a.n - r0);
  const e = es(a.f32);
  const out = a.out + c * a.N * e;
  new Uint8Array(ctx.core.buffer, out, a.N * e).fill(0);
  (a.f32 ? ctx.k.columnSumsF32 : ctx.k.columnSumsF64)(a.A + r0 * a.lda * e, a.lda, m, a.N, 1, out);
});
