/**
 * Block Gibbs sampling of a Bernoulli–Bernoulli RBM on the compute core (the kernels of
 * src/linalg, the worker pool of src/parallel). `RbmCore` holds the model's parameters in the
 * shared WebAssembly memory in the working precision — W (nV×nH), its transpose Wt (nH×nV), b, c —
 * and runs each conditional of a batch as one pool job:
 *   hiddenProbabilities  H = σ(V·W + c)        hidden column chunks  (row lists of V)
 *   drawHidden           h ~ Bernoulli(H)       row chunks of DRAW_ROWS (stream c for chunk c)
 *   sampleVisible        L = h·Wᵀ + b           visible column chunks (row lists of h), then
 *                        v ~ Bernoulli(σ(L))    row chunks of DRAW_ROWS (stream c for chunk c)
 * Every product has a 0/1 operand (the data, sampled h, sampled v) and runs as row additions over
 * index lists (`rowSums`); draws are written straight into the lists the next product reads.
 *
 * Determinism: each output element of a product is summed whole inside one chunk, in the kernel's
 * fixed order, so the column chunks may follow the number of workers (one block per participant,
 * scheduled "static" so a core keeps its block of W from phase to phase) without changing a bit. Draws are chunked by rows with the fixed DRAW_ROWS, and row chunk c draws from
 * state c of the caller's `ChunkStreams`, so the noise, and every result, is the same for any
 * number of workers.
 *
 * Layout: batches are sample-major (row r = sample r); lists of a batch of n rows have room for
 * N + 1 entries each (`lists`). Sources: Hinton 2002 (block Gibbs in an RBM, CD-k); Tieleman 2008 (PCD).
 */
import { InputError } from "../errors.js";
import { binaryIndex, type BinaryIndex, type FloatArray } from "../linalg/kernels.js";
import { wasmCore, type WasmArena } from "../linalg/wasm.js";
import type { ChunkStreams } from "../parallel/chunk-streams.js";
import type { WorkerPool } from "../parallel/pool.js";
import { defineTask, type TaskContext } from "../parallel/task.js";
import type { Rbm } from "./rbm.js";

/** The working precisions of training. */
export type Dtype = "float64" | "float32";

/** Rows per draw chunk: chunk c of a draw covers rows [c·DRAW_ROWS, …) and owns stream state c. */
export const DRAW_ROWS = 10;

/** Column chunks per participant of a pooled product or parameter step (any value gives the same bytes). */
export const COLUMN_CHUNKS_PER_WORKER = 2;


const es = (f32: number) => (f32 ? 4 : 8);
/** Vectors per tile of the row-addition kernels (TILE in src/linalg/assembly/rows.ts): a pass over the lists covers up to this many 16-byte vectors. */
const TILE_VECTORS = 6;

/**
 * Column range [j0, j1) of chunk c of `chunks` over N columns. One chunk: all of them. Otherwise
 * chunks = COLUMN_CHUNKS_PER_WORKER · R for R participants (`RbmCore.columnChunks`); participant
 * p = ⌊c / COLUMN_CHUNKS_PER_WORKER⌋ owns the p-th of R near-equal runs of whole 16-byte vectors,
 * and its chunks split that run at whole tiles from its start, so splitting adds at most one
 * partial kernel pass per participant (a pass over the lists has a fixed cost, rows.ts) and the
 * participants' runs differ by at most one vector. Every kernel computes each column on
 * its own (lane-wise IEEE operations, the same σ for a ragged lane), so any split gives the same bytes.
 */
export function columnRange(N: number, chunks: number, c: number, f32: number): [number, number] {
  if (chunks === 1) return [0, N];
  const per = COLUMN_CHUNKS_PER_WORKER;
  if (chunks % per !== 0) throw new RangeError(`columnRange: ${chunks} chunks is not a multiple of ${per} (chunks per participant)`);
  const L = 16 / es(f32);
  const V = Math.ceil(N / L);
  const R = chunks / per;
  const p = Math.floor(c / per);
  const k = c % per;
  const v0 = Math.floor((p * V) / R);
  const m = Math.floor(((p + 1) * V) / R) - v0;
  const tiles = Math.ceil(m / TILE_VECTORS);
  const at = (q: number) => v0 + Math.min(m, Math.floor((q * tiles) / per) * TILE_VECTORS);
  return [Math.min(N, at(k) * L), Math.min(N, at(k + 1) * L)];
}

/** C = σ(A·B + init) (σ when `sigmoid` is 1) for the columns of chunk c; A as row lists. */
function rowSumsColumns(a: { idx: number; start: number; cnt: number; n: number; B: number; N: number; init: number; C: number; chunks: number; sigmoid: number; f32: number }, c: number, ctx: TaskContext): void {
  const [j0, j1] = columnRange(a.N, a.chunks, c, a.f32);
  if (j1 <= j0) return;
  const o = j0 * es(a.f32);
  const w = j1 - j0;
  if (a.f32) {
    ctx.k.rowSumsF32(a.idx, a.start, a.cnt, a.n, a.B + o, a.N, w, a.init + o, a.C + o, a.N);
    if (a.sigmoid) ctx.k.sigmoidBernoulliF32(a.C + o, a.N, a.n, w, 0, 0, a.C + o, a.N, 0, 0);
  } else {
    ctx.k.rowSumsF64(a.idx, a.start, a.cnt, a.n, a.B + o, a.N, w, a.init + o, a.C + o, a.N);
    if (a.sigmoid) ctx.k.sigmoidBernoulliF64(a.C + o, a.N, a.n, w, 0, 0, a.C + o, a.N, 0, 0);
  }
}

const ROW_SUM_FIELDS = ["idx", "start", "cnt", "n", "B", "N", "init", "C", "chunks", "sigmoid", "f32"] as const;

/** H = σ(V·W + c) (sigmoid = 1) or L = h·Wᵀ + b (sigmoid = 0), column chunks. */
export const rowSumsTask = defineTask(import.meta.url, "rowSumsTask", ROW_SUM_FIELDS, rowSumsColumns);

/** Fill m rows × N uniforms of row chunk c from its stream state into U (rows from r0). */
function chunkUniforms(ctx: TaskContext, states: number, c: number, U: number, r0: number, m: number, N: number, f32: number): number {
  const at = U + r0 * N * es(f32);
  ctx.k.xor4096Fill(states + c * 520, at, m * N, f32);
  return at;
}

/** v ~ Bernoulli(σ(L)) as row lists, rows of chunk c, uniforms from state c. */
export const visibleDrawsTask = defineTask(import.meta.url, "visibleDrawsTask", ["L", "n", "nV", "U", "states", "idx", "start", "cnt", "f32"], (a, c, ctx) => {
  const r0 = c * DRAW_ROWS;
  const m = Math.min(DRAW_ROWS, a.n - r0);
  const u = chunkUniforms(ctx, a.states, c, a.U, r0, m, a.nV, a.f32);
  const l = a.L + r0 * a.nV * es(a.f32);
  (a.f32 ? ctx.k.sigmoidBernoulliIndexF32 : ctx.k.sigmoidBernoulliIndexF64)(l, a.nV, m, a.nV, u, a.nV, 0, 0, a.idx, a.start + 4 * r0, a.cnt + 4 * r0, 1, 0);
});

/** h ~ Bernoulli(H) as row lists (and as 0/1 rows of `dense` when non-zero), rows of chunk c, uniforms from state c. */
export const hiddenDrawsTask = defineTask(import.meta.url, "hiddenDrawsTask", ["H", "n", "nH", "U", "states", "idx", "start", "cnt", "dense", "f32"], (a, c, ctx) => {
  const r0 = c * DRAW_ROWS;
  const m = Math.min(DRAW_ROWS, a.n - r0);
  const u = chunkUniforms(ctx, a.states, c, a.U, r0, m, a.nH, a.f32);
  const e = es(a.f32);
  (a.f32 ? ctx.k.bernoulliIndexF32 : ctx.k.bernoulliIndexF64)(a.H + r0 * a.nH * e, a.nH, m, a.nH, u, a.nH, a.idx, a.start + 4 * r0, a.cnt + 4 * r0);
  if (!a.dense) return;
  const buf = ctx.core.buffer;
  const D = a.f32 ? new Float32Array(buf, a.dense + r0 * a.nH * e, m * a.nH) : new Float64Array(buf, a.dense + r0 * a.nH * e, m * a.nH);
  const start = new Int32Array(buf, a.start + 4 * r0, m);
  const cnt = new Int32Array(buf, a.cnt + 4 * r0, m);
  const idx = new Int32Array(buf, a.idx);
  D.fill(0);
  for (let r = 0; r < m; r++) for (let q = start[r]; q < start[r] + cnt[r]; q++) D[r * a.nH + idx[q]] = 1;
});

/** Byte address of an array in the shared memory (0: none). */
export const ptr = (a: ArrayBufferView | null): number => (a ? a.byteOffset : 0);

/** A typed-array view of n elements at byte offset p of the shared memory `buf`, in the working precision (f32: float32, else float64). */
export function floatView(buf: ArrayBufferLike, f32: number, p: number, n: number): FloatArray {
  return f32 ? new Float32Array(buf, p, n) : new Float64Array(buf, p, n);
}

/**
 * An RBM's parameters on the compute core and its block-Gibbs conditionals as pool jobs (see the
 * module comment). Arrays live in one arena, released by `release()`. The parameters are copied
 * from and to an `Rbm` (float64) by `load` and `store`; in float32 `load` rounds them to float32.
 */
export class RbmCore {
  readonly nV: number;
  readonly nH: number;
  readonly dtype: Dtype;
  /** 1 for float32, 0 for float64 (the kernels' selector) */
  readonly f32: number;
  readonly arena: WasmArena;
  readonly pool: WorkerPool;
  /** weights nV×nH row-major */
  readonly W: FloatArray;
  /** Wᵀ, nH×nV row-major (kept equal to W by `load` and by the parameter step) */
  readonly Wt: FloatArray;
  readonly b: FloatArray;
  readonly c: FloatArray;
  private L: FloatArray | null = null;
  private U: FloatArray | null = null;
  private scratchRows = 0;

  constructor(nV: number, nH: number, dtype: Dtype, pool: WorkerPool) {
    this.nV = nV;
    this.nH = nH;
    this.dtype = dtype;
    this.f32 = dtype === "float32" ? 1 : 0;
    this.pool = pool;
    this.arena = wasmCore().arena();
    this.W = this.matrix(nV, nH);
    this.Wt = this.matrix(nH, nV);
    this.b = this.matrix(1, nV);
    this.c = this.matrix(1, nH);
  }

  /** An r×m array of zeros in the working precision, in this core's arena. */
  matrix(r: number, m: number): FloatArray {
    return this.f32 ? this.arena.f32(r * m) : this.arena.f64(r * m);
  }

  /** Room for n row lists of up to N entries (N + 1 each, for the branch-free draws), in this core's arena. */
  lists(n: number, N: number): BinaryIndex {
    return binaryIndex(n, N + 1, this.arena);
  }

  /** Copy the parameters of `rbm` in (rounded to the working precision) and rebuild Wᵀ. */
  load(rbm: Rbm): void {
    this.W.set(rbm.W);
    this.b.set(rbm.b);
    this.c.set(rbm.c);
    const k = wasmCore().k;
    (this.f32 ? k.transposeF32 : k.transposeF64)(this.W.byteOffset, this.nH, this.nV, this.nH, this.Wt.byteOffset, this.nV);
  }

  /** Copy the parameters out to `rbm` (float32 values widen exactly). */
  store(rbm: Rbm): void {
    rbm.W.set(this.W);
    rbm.b.set(this.b);
    rbm.c.set(this.c);
  }

  /**
   * Column chunks of a job over a row of columns: COLUMN_CHUNKS_PER_WORKER per participant (`columnRange`
   * balances the participants' runs; a chunk may be empty when N is small), run `"static"`, so
   * participant p owns the same columns in every job of an update —
   * the same hidden units when it computes σ(V·W + c), steps W and c, and writes Wt (the trainer's
   * parameter step uses this split too), and its cache keeps that block of W between phases; a core
   * that falls behind has its last chunks taken by the others. One chunk in-process. Any split
   * gives the same bytes (see `columnRange`).
   */
  columnChunks(): number {
    const w = this.pool.workers;
    return w === 1 ? 1 : COLUMN_CHUNKS_PER_WORKER * w;
  }

  /** H = σ(V·W + c) for the n rows of V (row lists). Shapes: H n×nH. One job. */
  hiddenProbabilities(v: BinaryIndex, n: number, H: FloatArray): void {
    const chunks = this.columnChunks();
    this.pool.run(rowSumsTask, { idx: ptr(v.idx), start: ptr(v.start), cnt: ptr(v.count), n, B: ptr(this.W), N: this.nH, init: ptr(this.c), C: ptr(H), chunks, sigmoid: 1, f32: this.f32 }, chunks, "static");
  }

  /**
   * h ~ Bernoulli(H) for n rows as row lists `out` (room for nH + 1 each), and as 0/1 rows of
   * `dense` when given (it may be H itself). Row chunk c draws from state c of `streams`. One job.
   */
  drawHidden(H: FloatArray, n: number, out: BinaryIndex, streams: ChunkStreams, dense: FloatArray | null = null): void {
    const chunks = this.drawChunks(n, streams);
    this.pool.run(hiddenDrawsTask, { H: ptr(H), n, nH: this.nH, U: ptr(this.scratch(n).U), states: ptr(streams.states), idx: ptr(out.idx), start: ptr(out.start), cnt: ptr(out.count), dense: ptr(dense), f32: this.f32 }, chunks, "static");
  }

  /**
   * v ~ Bernoulli(σ(h·Wᵀ + b)) for the n rows of h (row lists) as row lists `out` (room for
   * nV + 1 each). Row chunk c draws from state c of `streams`. Two jobs (logits, draws).
   */
  sampleVisible(h: BinaryIndex, n: number, out: BinaryIndex, streams: ChunkStreams): void {
    const s = this.scratch(n);
    const chunks = this.columnChunks();
    this.pool.run(rowSumsTask, { idx: ptr(h.idx), start: ptr(h.start), cnt: ptr(h.count), n, B: ptr(this.Wt), N: this.nV, init: ptr(this.b), C: ptr(s.L), chunks, sigmoid: 0, f32: this.f32 }, chunks, "static");
    this.pool.run(visibleDrawsTask, { L: ptr(s.L), n, nV: this.nV, U: ptr(s.U), states: ptr(streams.states), idx: ptr(out.idx), start: ptr(out.start), cnt: ptr(out.count), f32: this.f32 }, this.drawChunks(n, streams), "static");
  }

  /** Return every array of this core (the core must not be used afterwards). */
  release(): void {
    this.arena.release();
  }

  private drawChunks(n: number, streams: ChunkStreams): number {
    const chunks = Math.ceil(n / DRAW_ROWS);
    if (chunks > streams.count) throw new RangeError(`gibbs: ${n} rows need ${chunks} stream states, the caller has ${streams.count}`);
    return chunks;
  }

  /** Visible logits (n×nV) and uniforms (n×max(nV, nH)) for n rows, grown on demand. */
  private scratch(n: number): { L: FloatArray; U: FloatArray } {
    if (n > this.scratchRows) {
      this.L = this.matrix(n, this.nV);
      this.U = this.matrix(n, Math.max(this.nV, this.nH));
      this.scratchRows = n;
    }
    return { L: this.L!, U: this.U! };
  }
}

/** How many stream states a draw over n rows needs (one per row chunk). */
export function drawStreams(n: number): number {
  return Math.ceil(n / DRAW_ROWS);
}

/** n row lists over N columns as a flat n×N array of 0/1 (the JSON form of persistent chains). */
export function listsToRows(x: BinaryIndex, n: number, N: number): number[] {
  const out = new Array<number>(n * N).fill(0);
  for (let r = 0; r < n; r++) for (let q = x.start[r]; q < x.start[r] + x.count[r]; q++) out[r * N + x.idx[q]] = 1;
  return out;
}

/** Inverse of `listsToRows` into the lists `x` (room for N + 1 each); errors name `where`. */
export function rowsToLists(json: unknown, x: BinaryIndex, n: number, N: number, where: string): void {
  if (!Array.isArray(json) || json.length !== n * N) throw new InputError(`${where}: expected ${n * N} entries (${n} chains × ${N} units of 0/1), got ${Array.isArray(json) ? json.length : typeof json}`);
  json.forEach((v: unknown, q: number) => {
    if (v !== 0 && v !== 1) throw new InputError(`${where}[${q}]: expected 0 or 1, got ${JSON.stringify(v)}`);
  });
  for (let r = 0; r < n; r++) {
    let m = 0;
    for (let j = 0; j < N; j++) if (json[r * N + j] === 1) x.idx[x.start[r] + m++] = j;
    x.count[r] = m;
  }
}
