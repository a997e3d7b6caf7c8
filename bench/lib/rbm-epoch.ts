/**
 * Feasibility prototype (issue 11, phase A): one RBM training epoch (CD-1 or PCD-1, scikit-learn's
 * BernoulliRBM settings) run directly on the WebAssembly kernels and the worker pool, without
 * src/boltzmann. Phase B moves this schedule into the RBM trainer.
 *
 * Per minibatch of B rows (B = 100), with W (nV×nH, visible-major) and its transpose Wt kept in
 * step, every product has a 0/1 operand and runs as row additions (src/linalg/assembly/rows.ts):
 *   1  h⁺ = σ(v⁺W + c)                       hidden column chunks   (row lists of the data)
 *   1b CD: h⁰ ~ Bernoulli(h⁺) as row lists    row chunks
 *   2  ℓ = h⁰Wᵀ + b  (PCD: h⁰ = the chains)   visible column chunks
 *   3  v⁻ ~ Bernoulli(σ(ℓ)) as row lists      row chunks
 *   4  h⁻ = σ(v⁻W + c)                        hidden column chunks
 *   5  W += α(v⁺ᵀh⁺ − v⁻ᵀh⁻), b += α(v⁺ − v⁻) summed, Wt = Wᵀ   W-row chunks (column lists of v⁺, v⁻)
 *      c += α Σ(h⁺ − h⁻)                      hidden column chunks (same job)
 *      PCD: chains ~ Bernoulli(h⁻)            row chunks (same job)
 * α = learning rate / B. h⁺ and h⁻ are probabilities (as in scikit-learn and Hinton's guide).
 * Uniforms: each row chunk of each draw owns one xor4096 state for the whole run (seeded from
 * the run's Stream by key), so the noise is the same for any number of workers; chunk
 * boundaries are fixed (below) and every product element is summed whole inside one chunk.
 */
import { binaryIndex, type BinaryIndex, type FloatArray } from "../../src/linalg/kernels.js";
import { wasmCore, type WasmArena } from "../../src/linalg/wasm.js";
import type { WorkerPool } from "../../src/parallel/pool.js";
import { defineTask, type TaskContext } from "../../src/parallel/task.js";
import { Stream } from "../../src/random/stream.js";

/** Fixed chunking (independent of the number of workers). */
export const HIDDEN_COLS = 48;
export const VISIBLE_COLS = 48;
export const ROWS = 10;
export const W_ROWS = 49;
const STATE_BYTES = 520;

const es = (f32: number) => (f32 ? 4 : 8);
const chunks = (total: number, per: number) => Math.ceil(total / per);

/** Fill `count` uniforms from the xor4096 state of row chunk `c` into U rows [r0, …). */
function uniforms(ctx: TaskContext, states: number, c: number, U: number, r0: number, m: number, N: number, f32: number): number {
  const at = U + r0 * N * es(f32);
  ctx.k.xor4096Fill(states + c * STATE_BYTES, at, m * N, f32);
  return at;
}

/** 1 and 4: H = σ(V·W + c) for hidden columns [c·HIDDEN_COLS, …). */
export const hiddenProbabilities = defineTask(import.meta.url, "hiddenProbabilities", ["idx", "start", "cnt", "n", "W", "nH", "c", "H", "f32"], (a, ch, ctx) => {
  const j0 = ch * HIDDEN_COLS;
  const w = Math.min(HIDDEN_COLS, a.nH - j0);
  const o = j0 * es(a.f32);
  if (a.f32) {
    ctx.k.rowSumsF32(a.idx, a.start, a.cnt, a.n, a.W + o, a.nH, w, a.c + o, a.H + o, a.nH);
    ctx.k.sigmoidBernoulliF32(a.H + o, a.nH, a.n, w, 0, 0, a.H + o, a.nH, 0, 0);
  } else {
    ctx.k.rowSumsF64(a.idx, a.start, a.cnt, a.n, a.W + o, a.nH, w, a.c + o, a.H + o, a.nH);
    ctx.k.sigmoidBernoulliF64(a.H + o, a.nH, a.n, w, 0, 0, a.H + o, a.nH, 0, 0);
  }
});

/** 2: L = H⁰·Wᵀ + b for visible columns [c·VISIBLE_COLS, …). */
export const visibleLogits = defineTask(import.meta.url, "visibleLogits", ["idx", "start", "cnt", "n", "Wt", "nV", "b", "L", "f32"], (a, ch, ctx) => {
  const j0 = ch * VISIBLE_COLS;
  const w = Math.min(VISIBLE_COLS, a.nV - j0);
  const o = j0 * es(a.f32);
  (a.f32 ? ctx.k.rowSumsF32 : ctx.k.rowSumsF64)(a.idx, a.start, a.cnt, a.n, a.Wt + o, a.nV, w, a.b + o, a.L + o, a.nV);
});

/** 3: v⁻ ~ Bernoulli(σ(L)) as row lists, rows [c·ROWS, …), uniforms from state c. */
export const visibleDraws = defineTask(import.meta.url, "visibleDraws", ["L", "n", "nV", "U", "states", "idx", "start", "cnt", "f32"], (a, ch, ctx) => {
  const r0 = ch * ROWS;
  const m = Math.min(ROWS, a.n - r0);
  const u = uniforms(ctx, a.states, ch, a.U, r0, m, a.nV, a.f32);
  const l = a.L + r0 * a.nV * es(a.f32);
  (a.f32 ? ctx.k.sigmoidBernoulliIndexF32 : ctx.k.sigmoidBernoulliIndexF64)(l, a.nV, m, a.nV, u, a.nV, 0, 0, a.idx, a.start + 4 * r0, a.cnt + 4 * r0);
});

/** 1b (CD) and the PCD chains: h ~ Bernoulli(H) as row lists, rows [c·ROWS, …), uniforms from state c. */
function hiddenDraws(a: { H: number; n: number; nH: number; U: number; states: number; idx: number; start: number; cnt: number; f32: number }, ch: number, ctx: TaskContext): void {
  const r0 = ch * ROWS;
  const m = Math.min(ROWS, a.n - r0);
  const u = uniforms(ctx, a.states, ch, a.U, r0, m, a.nH, a.f32);
  const h = a.H + r0 * a.nH * es(a.f32);
  (a.f32 ? ctx.k.bernoulliIndexF32 : ctx.k.bernoulliIndexF64)(h, a.nH, m, a.nH, u, a.nH, a.idx, a.start + 4 * r0, a.cnt + 4 * r0);
}

export const hiddenSamples = defineTask(import.meta.url, "hiddenSamples", ["H", "n", "nH", "U", "states", "idx", "start", "cnt", "f32"], hiddenDraws);

/**
 * 5: chunks [0, kW): rows of W — column lists of v⁺ and v⁻ for the chunk's visible units, the
 * two-phase update, b, and the transposed block of Wt; chunks [kW, kW + kC): hidden columns of c;
 * chunks [kW + kC, …) (PCD): the chains from h⁻.
 */
export const update = defineTask(
  import.meta.url,
  "update",
  ["pIdx", "pStart", "pCnt", "nIdx", "nStart", "nCnt", "n", "nV", "nH", "Hp", "Hn", "W", "Wt", "b", "c", "alpha", "pcIdx", "pcStart", "pcCnt", "ncIdx", "ncStart", "ncCnt", "kW", "kC", "U", "states", "chIdx", "chStart", "chCnt", "f32"],
  (a, ch, ctx) => {
    const e = es(a.f32);
    if (ch < a.kW) {
      const k0 = ch * W_ROWS;
      const k1 = Math.min(a.nV, k0 + W_ROWS);
      ctx.k.transposeIndex(a.pIdx, a.pStart, a.pCnt, a.n, k0, k1, a.pcIdx, a.pcStart, a.pcCnt);
      ctx.k.transposeIndex(a.nIdx, a.nStart, a.nCnt, a.n, k0, k1, a.ncIdx, a.ncStart, a.ncCnt);
      const q = 4 * k0;
      const upd = a.f32 ? ctx.k.rowUpdateF32 : ctx.k.rowUpdateF64;
      upd(a.pcIdx, a.pcStart + q, a.pcCnt + q, a.Hp, a.ncIdx, a.ncStart + q, a.ncCnt + q, a.Hn, a.nH, k1 - k0, a.nH, a.alpha, a.W + k0 * a.nH * e, a.nH);
      const pc = new Int32Array(ctx.core.buffer, a.pcCnt + q, k1 - k0);
      const nc = new Int32Array(ctx.core.buffer, a.ncCnt + q, k1 - k0);
      const b = a.f32 ? new Float32Array(ctx.core.buffer, a.b + k0 * e, k1 - k0) : new Float64Array(ctx.core.buffer, a.b + k0 * e, k1 - k0);
      const al = a.f32 ? Math.fround(a.alpha) : a.alpha;
      for (let k = 0; k < k1 - k0; k++) b[k] += al * (pc[k] - nc[k]); // the difference of two counts is exact
      (a.f32 ? ctx.k.transposeF32 : ctx.k.transposeF64)(a.W + k0 * a.nH * e, a.nH, k1 - k0, a.nH, a.Wt + k0 * e, a.nV);
      return;
    }
    if (ch < a.kW + a.kC) {
      const j0 = (ch - a.kW) * HIDDEN_COLS;
      const w = Math.min(HIDDEN_COLS, a.nH - j0);
      const sums = a.f32 ? ctx.k.columnSumsF32 : ctx.k.columnSumsF64;
      sums(a.Hp + j0 * e, a.nH, a.n, w, a.alpha, a.c + j0 * e);
      sums(a.Hn + j0 * e, a.nH, a.n, w, -a.alpha, a.c + j0 * e);
      return;
    }
    hiddenDraws({ H: a.Hn, n: a.n, nH: a.nH, U: a.U, states: a.states, idx: a.chIdx, start: a.chStart, cnt: a.chCnt, f32: a.f32 }, ch - a.kW - a.kC, ctx);
  },
);

export interface EpochOptions {
  nV: number;
  nH: number;
  batch: number;
  method: "cd" | "pcd";
  float32: boolean;
  learningRate: number;
  seed: string;
}

/** Data as row lists (compressed): what every product reads; built once from 0/1 pixels. */
export interface BinaryRows {
  index: BinaryIndex;
  rows: number;
  cols: number;
}

/** Row lists of the first `rows` images thresholded at 128 (MNIST pixels, row-major bytes). */
export function thresholdRows(pixels: Uint8Array, rows: number, cols: number, arena: WasmArena): BinaryRows {
  let nnz = 0;
  for (let i = 0; i < rows * cols; i++) nnz += +(pixels[i] >= 128);
  const idx = arena.i32(nnz + 1);
  const start = arena.i32(rows);
  const count = arena.i32(rows);
  let q = 0;
  for (let r = 0; r < rows; r++) {
    start[r] = q;
    for (let k = 0; k < cols; k++) if (pixels[r * cols + k] >= 128) idx[q++] = k;
    count[r] = q - start[r];
  }
  return { index: { idx, start, count }, rows, cols };
}

const ptr = (a: ArrayBufferView) => a.byteOffset;

/** The state of one training run on the kernels (see the module comment). */
export class RbmEpochEngine {
  readonly arena: WasmArena;
  readonly W: FloatArray;
  readonly Wt: FloatArray;
  readonly b: FloatArray;
  readonly c: FloatArray;
  private readonly Hp: FloatArray;
  private readonly Hn: FloatArray;
  private readonly L: FloatArray;
  private readonly Uv: FloatArray;
  private readonly Uh: FloatArray;
  private readonly vNeg: BinaryIndex;
  private readonly h0: BinaryIndex;
  private readonly chains: BinaryIndex;
  private readonly pCols: BinaryIndex;
  private readonly nCols: BinaryIndex;
  private readonly vStates: Int32Array;
  private readonly hStates: Int32Array;
  private readonly cStates: Int32Array;
  private readonly f32: number;
  /** ones drawn per phase over the last epoch (for the density report) */
  readonly ones = { data: 0, hidden: 0, visible: 0, batches: 0 };

  constructor(readonly o: EpochOptions, private readonly pool: WorkerPool) {
    this.arena = wasmCore().arena();
    const f = (n: number) => (o.float32 ? this.arena.f32(n) : this.arena.f64(n));
    this.f32 = o.float32 ? 1 : 0;
    const { nV, nH, batch: B } = o;
    const s = Stream.fromSeed(o.seed);
    this.W = f(nV * nH);
    const init = s.fork("W");
    for (let i = 0; i < this.W.length; i++) this.W[i] = 0.01 * init.normal();
    this.Wt = f(nH * nV);
    wasmCore().k[o.float32 ? "transposeF32" : "transposeF64"](ptr(this.W), nH, nV, nH, ptr(this.Wt), nV);
    this.b = f(nV);
    this.c = f(nH);
    this.Hp = f(B * nH);
    this.Hn = f(B * nH);
    this.L = f(B * nV);
    this.Uv = f(B * nV);
    this.Uh = f(B * nH);
    this.vNeg = binaryIndex(B, nV + 1, this.arena);
    this.h0 = binaryIndex(B, nH + 1, this.arena);
    this.chains = binaryIndex(B, nH + 1, this.arena); // all chains start at h = 0 (scikit-learn's h_samples_)
    this.pCols = binaryIndex(nV, B, this.arena);
    this.nCols = binaryIndex(nV, B, this.arena);
    const states = (key: string, n: number) => {
      const st = this.arena.i32(n * 130);
      for (let c = 0; c < n; c++) {
        const snap = s.fork(`${key}/${c}`).toJSON().state;
        st.set(snap.X, c * 130);
        st[c * 130 + 128] = snap.i;
        st[c * 130 + 129] = snap.w;
      }
      return st;
    };
    this.vStates = states("v", chunks(B, ROWS));
    this.hStates = states("h0", chunks(B, ROWS));
    this.cStates = states("chains", chunks(B, ROWS));
  }

  /** One pass over rows [0, data.rows) in order, minibatches of B (a ragged last batch is dropped, as 60 000 / 100 has none). */
  epoch(data: BinaryRows): void {
    const { nV, nH, batch: B, method } = this.o;
    const f32 = this.f32;
    const pool = this.pool;
    const alpha = this.o.learningRate / B;
    const ix = (x: BinaryIndex, off = 0) => ({ idx: ptr(x.idx), start: ptr(x.start) + 4 * off, cnt: ptr(x.count) + 4 * off });
    const kW = chunks(nV, W_ROWS);
    const kC = chunks(nH, HIDDEN_COLS);
    const kR = chunks(B, ROWS);
    for (let r0 = 0; r0 + B <= data.rows; r0 += B) {
      const pos = ix(data.index, r0);
      pool.run(hiddenProbabilities, { ...pos, n: B, W: ptr(this.W), nH, c: ptr(this.c), H: ptr(this.Hp), f32 }, kC);
      let h: { idx: number; start: number; cnt: number };
      if (method === "cd") {
        pool.run(hiddenSamples, { H: ptr(this.Hp), n: B, nH, U: ptr(this.Uh), states: ptr(this.hStates), ...ix(this.h0), f32 }, kR);
        h = ix(this.h0);
      } else h = ix(this.chains);
      pool.run(visibleLogits, { ...h, n: B, Wt: ptr(this.Wt), nV, b: ptr(this.b), L: ptr(this.L), f32 }, chunks(nV, VISIBLE_COLS));
      pool.run(visibleDraws, { L: ptr(this.L), n: B, nV, U: ptr(this.Uv), states: ptr(this.vStates), ...ix(this.vNeg), f32 }, kR);
      const neg = ix(this.vNeg);
      pool.run(hiddenProbabilities, { ...neg, n: B, W: ptr(this.W), nH, c: ptr(this.c), H: ptr(this.Hn), f32 }, kC);
      const pc = ix(this.pCols);
      const nc = ix(this.nCols);
      const ch = ix(this.chains);
      pool.run(
        update,
        {
          pIdx: pos.idx, pStart: pos.start, pCnt: pos.cnt, nIdx: neg.idx, nStart: neg.start, nCnt: neg.cnt, n: B, nV, nH,
          Hp: ptr(this.Hp), Hn: ptr(this.Hn), W: ptr(this.W), Wt: ptr(this.Wt), b: ptr(this.b), c: ptr(this.c), alpha,
          pcIdx: pc.idx, pcStart: pc.start, pcCnt: pc.cnt, ncIdx: nc.idx, ncStart: nc.start, ncCnt: nc.cnt, kW, kC,
          U: ptr(this.Uh), states: ptr(this.cStates), chIdx: ch.idx, chStart: ch.start, chCnt: ch.cnt, f32,
        },
        kW + kC + (method === "pcd" ? kR : 0),
      );
      this.ones.batches++;
      for (let r = 0; r < B; r++) {
        this.ones.data += data.index.count[r0 + r];
        this.ones.visible += this.vNeg.count[r];
        this.ones.hidden += (method === "cd" ? this.h0 : this.chains).count[r];
      }
    }
  }

  /** A digest of the parameters' bytes (to compare runs with different worker counts). */
  digest(): string {
    let h = 0x811c9dc5;
    for (const a of [this.W, this.b, this.c]) {
      const u = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
      for (let i = 0; i < u.length; i++) h = Math.imul(h ^ u[i], 0x01000193) >>> 0;
    }
    return h.toString(16).padStart(8, "0");
  }

  release(): void {
    this.arena.release();
  }
}
