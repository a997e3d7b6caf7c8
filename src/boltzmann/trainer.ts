/**
 * Minibatch training of a Bernoulli–Bernoulli RBM (rbm.ts) on the compute core (gibbs.ts: the
 * kernels of src/linalg over the worker pool of src/parallel): one update = one gradient estimate
 * ∇̂ = X⁺ − X⁻ (positive phase from the batch, negative phase from a sampler in
 * `negative-phase/registry.ts`: CD-k, PCD-k or exact) and one momentum SGD step
 *   Δ ← μΔ + η(∇̂ − λW),  θ ← θ + Δ   (no decay on the biases; Hinton 2010, §9–10).
 *
 * One update of a batch of n rows, as pool jobs with fixed chunks (gibbs.ts explains why the bytes
 * do not depend on the number of workers):
 *   positive phase   H⁺ = σ(v⁺W + c)                               hidden column chunks
 *                    h⁺ ~ Bernoulli(H⁺) (meanFieldHidden off only)  row chunks, own streams
 *   negative phase   the sampler's jobs (v⁻ as row lists, H⁻ = p(h|v⁻) or sampled h)
 *   parameter step   two jobs: `visibleStep`, visible blocks build the column lists of v⁺ and
 *                    v⁻ for their units and step b; `hiddenBlockStep`, hidden blocks run the
 *                    fused step of W[:, block] and its velocity (`rowUpdate`: α(ρΣ⁺ − Σ⁻) − δW
 *                    with α = η/n⁻, ρ = n⁻/n⁺, δ = ηλ), step c and write their rows of Wᵀ.
 * The hidden blocks are those of the products (`RbmCore.columnChunks`, scheduled "static"), so a
 * core reads and writes the same block of W in every phase and its cache keeps it; W and Wt cross
 * between cores once per update (the Wᵀ product's visible blocks read every hidden block's rows).
 * The positive hidden H⁺ and the negative H⁻ are probabilities unless meanFieldHidden is off
 * (scikit-learn and Hinton's guide use probabilities). Parameters, Wᵀ, velocities and chains live in
 * the shared memory in the working precision (`dtype`, default float64); the `Rbm` is read at the
 * start of every call (`epoch`, `step`, `estimate`) and written at the end of `epoch` and `step`.
 *
 * Extension points: a new negative phase is one sampler file + one registry line: it runs its own
 * jobs on the core and hands back samples or expectations. With `centering` (Melchior, Fischer &
 * Wiskott 2016; centering.ts) the model stays in plain form, so every conditional and sampler is
 * unchanged; the parameter step is the same job into gradient buffers, then the centered step
 * ∇̃W = ∇W − μ∇cᵀ − ∇bλᵀ written back as the equivalent plain step on the calling thread
 * (O(nV·nH) per update), then the offsets' moving averages.
 *
 * Hyperparameters live in `RbmTrainOptions`; the sampler state (persistent chains, generator
 * positions), the velocity, the positive-phase streams and the shuffling stream serialise with
 * `toJSON`/`restore`, so training resumes bit for bit. Validation errors name option fields
 * (`learningRate`, `batchSize`, …); the CLI maps them to flags.
 * Source: Hinton 2002 (CD-k); Tieleman 2008 (PCD); scikit-learn `neural_network/_rbm.py`.
 */
import { describeValue, FieldError, InputError, requireFinite } from "../errors.js";
import { requireArray, requireInteger, requireNumbers, requireRecord } from "../validate.js";
import { Stream, type StreamSnapshot } from "../random/stream.js";
import { getNegativePhase, negativePhases, type NegativePhaseId } from "./negative-phase/registry.js";
import { requireMemory } from "../limits.js";
import { binaryIndex, type BinaryIndex, type FloatArray } from "../linalg/kernels.js";
import { wasmCore } from "../linalg/wasm.js";
import { toMatrix, type MatrixInput } from "../ndarray.js";
import { ChunkStreams } from "../parallel/chunk-streams.js";
import { WorkerPool } from "../parallel/pool.js";
import { defineTask } from "../parallel/task.js";
import { BinaryRows } from "./binary-rows.js";
import { columnRange, drawStreams, floatView, ptr, RbmCore, type Dtype } from "./gibbs.js";
import { DEFAULT_BETA_MIN, DEFAULT_TEMPERATURES, temperingLadder } from "./negative-phase/pt.js";
import type { NegativePhaseSampler, NegativeStatistics } from "./negative-phase/types.js";
import { zeroGradient, type Rbm, type RbmGradient } from "./rbm.js";

/** How the negative phase is sampled: a key of `negativePhases` ("cd" | "pcd" | "pt" | "exact"). */
export type RbmMethod = NegativePhaseId;

/** Training hyperparameters (scikit-learn style: options separate from learned state). */
export interface RbmTrainOptions {
  /** the negative-phase sampler: "cd" (CD-k, chains start at the batch), "pcd" (persistent chains), "pt" (parallel tempering: `chains` ladders of `temperatures` tempered chains), "exact" (enumeration, ≤ 24 units in the smaller layer) */
  method: RbmMethod;
  /** Gibbs steps per update (CD-k, PCD-k) */
  k: number;
  /** number of persistent chains (PCD) or of tempered ladders (PT); CD uses one chain per batch row */
  chains: number;
  learningRate: number;
  momentum: number;
  /** L2 penalty λ on W: the update uses ∇ − λW */
  weightDecay: number;
  batchSize: number;
  /** use p(h|v) for hPos/hNeg (Rao–Blackwellised, as scikit-learn) rather than sampled h */
  meanFieldHidden: boolean;
  /** learning-rate decay d: epoch e (0-based) uses η/(1 + d·e); 0 = constant (Tieleman 2008 decays η for PCD) */
  lrDecay?: number;
  /** working precision of the parameters, chains and products (default "float64"); likelihoods are always float64 */
  dtype?: Dtype;
  /** the centered gradient (Melchior, Fischer & Wiskott 2016; centering.ts) with offsets μ, λ following moving averages of the data means; the model stays stored in plain form */
  centering?: boolean;
  /** centering: the moving-average rate ν ∈ [0, 1] of the offsets, μ ← (1 − ν)μ + ν⟨v⟩⁺, λ ← (1 − ν)λ + ν⟨h⟩⁺ (default 0.01; 0 keeps them fixed) */
  offsetDecay?: number;
  /** parallel tempering ("pt"): temperatures K ≥ 2 per ladder, `chains` ladders (default 5) */
  temperatures?: number;
  /** parallel tempering ("pt"): lowest inverse temperature βmin ∈ (0, 1] of the geometric ladder βmin^{t/(K−1)} (default 0.5) */
  betaMin?: number;
}

export const DEFAULT_TRAIN_OPTIONS: RbmTrainOptions = { method: "pcd", k: 1, chains: 100, learningRate: 0.05, momentum: 0, weightDecay: 0, batchSize: 100, meanFieldHidden: true, dtype: "float64" };

const DTYPES: readonly Dtype[] = ["float64", "float32"];

const orList = (xs: readonly string[]) => (xs.length < 2 ? xs.join("") : `${xs.slice(0, -1).join(", ")} or ${xs[xs.length - 1]}`);

/** Validate options; each error is a FieldError naming the option field. */
export function validateTrainOptions(o: RbmTrainOptions): RbmTrainOptions {
  if (o === null || typeof o !== "object") throw new InputError(`training options: expected an object, got ${describeValue(o)}`);
  // values from a file must be numbers, not strings that compare as numbers ("0.5" < 1 is true)
  for (const k of ["k", "chains", "learningRate", "momentum", "weightDecay", "batchSize"] as const) if (typeof o[k] !== "number") throw new FieldError(k, `expected a number, got ${describeValue(o[k])}`);
  if (o.lrDecay !== undefined && typeof o.lrDecay !== "number") throw new FieldError("lrDecay", `expected a number, got ${describeValue(o.lrDecay)}`);
  if (typeof o.meanFieldHidden !== "boolean") throw new FieldError("meanFieldHidden", `expected true or false, got ${describeValue(o.meanFieldHidden)}`);
  if (typeof o.method !== "string" || !Object.prototype.hasOwnProperty.call(negativePhases, o.method)) throw new FieldError("method", `expected ${orList(Object.keys(negativePhases))}, got ${describeValue(o.method)}`);
  if (!Number.isInteger(o.k) || o.k < 1) throw new FieldError("k", `expected an integer ≥ 1, got ${o.k}`);
  if (!Number.isInteger(o.chains) || o.chains < 1) throw new FieldError("chains", `expected an integer ≥ 1, got ${o.chains}`);
  if (!Number.isSafeInteger(o.chains)) throw new FieldError("chains", `expected an integer below 2^53, got ${o.chains}`);
  if (!(o.learningRate > 0) || !Number.isFinite(o.learningRate)) throw new FieldError("learningRate", `expected a finite learning rate > 0, got ${o.learningRate}`);
  if (!(o.momentum >= 0 && o.momentum < 1)) throw new FieldError("momentum", `expected a number in [0, 1), got ${o.momentum}`);
  if (o.lrDecay !== undefined && (!(o.lrDecay >= 0) || !Number.isFinite(o.lrDecay))) throw new FieldError("lrDecay", `expected a finite number ≥ 0, got ${o.lrDecay}`);
  if (!(o.weightDecay >= 0) || !Number.isFinite(o.weightDecay)) throw new FieldError("weightDecay", `expected a finite number ≥ 0, got ${o.weightDecay}`);
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw new FieldError("batchSize", `expected an integer ≥ 1, got ${o.batchSize}`);
  if (!Number.isSafeInteger(o.batchSize)) throw new FieldError("batchSize", `expected an integer below 2^53, got ${o.batchSize}`);
  if (o.dtype !== undefined && !DTYPES.includes(o.dtype)) throw new FieldError("dtype", `expected ${orList(DTYPES)}, got "${o.dtype}"`);
  if (o.centering !== undefined && typeof o.centering !== "boolean") throw new FieldError("centering", `expected true or false, got ${JSON.stringify(o.centering)}`);
  if (o.offsetDecay !== undefined) {
    if (!o.centering) throw new FieldError("offsetDecay", "applies to the centered RBM only (centering on)");
    if (!(o.offsetDecay >= 0 && o.offsetDecay <= 1)) throw new FieldError("offsetDecay", `expected a moving-average rate ν in [0, 1] (μ ← (1 − ν)μ + ν⟨v⟩), got ${o.offsetDecay}`);
  }
  if (o.temperatures !== undefined || o.betaMin !== undefined) {
    if (o.method !== "pt") throw new FieldError(o.temperatures !== undefined ? "temperatures" : "betaMin", `applies to parallel tempering only (method "pt"), the method is "${o.method}"`);
    temperingLadder(o.temperatures ?? DEFAULT_TEMPERATURES, o.betaMin ?? DEFAULT_BETA_MIN);
  }
  return o;
}

/** The version of `RbmTrainerState` this trainer writes (2: chunked generator states on the compute core). */
export const TRAINER_STATE_FORMAT = 2;

/** Serialisable trainer state, so training resumes bit for bit. */
export interface RbmTrainerState {
  format: typeof TRAINER_STATE_FORMAT;
  /** the shuffling stream */
  stream: StreamSnapshot;
  updates: number;
  /** [W (nV·nH), b, c] velocities, present when momentum > 0 */
  velocity?: number[];
  /** the positive phase's generator states, present when meanFieldHidden is off */
  positive?: number[][];
  /** the sampler's state (`NegativePhaseSampler.toJSON`: chains, generator positions), present when it keeps one */
  sampler?: unknown;
  /** the centering offsets μ (nV) and λ (nH), present with centering */
  offsets?: { visible: number[]; hidden: number[] };
}

/** Default moving-average rate of the centering offsets (PyDeep's update_offsets). */
export const DEFAULT_OFFSET_DECAY = 0.01;

/**
 * First job of the parameter step (see the module comment), chunk q of kV over visible units
 * [k0, k1): the column lists of v⁺ and v⁻ for those units (which units each row switches on →
 * which rows switch each unit on), and the step of b there, Δb = α(ρ·#⁺ − #⁻) from the lists'
 * lengths (with velocity: Vb ← μVb + Δb, b ← b + Vb). The target b may be a gradient buffer at 0.
 */
export const visibleStep = defineTask(
  import.meta.url,
  "visibleStep",
  ["pIdx", "pStart", "pCnt", "nIdx", "nStart", "nCnt", "nPos", "nNeg", "nV", "b", "Vb", "rho", "alpha", "mu", "pcIdx", "pcStart", "pcCnt", "ncIdx", "ncStart", "ncCnt", "kV", "f32"],
  (a, ch, ctx) => {
    const [k0, k1] = columnRange(a.nV, a.kV, ch, a.f32);
    if (k1 <= k0) return;
    const e = a.f32 ? 4 : 8;
    const buf = ctx.core.buffer;
    const view = (p: number, n: number) => floatView(buf, a.f32, p, n);
    ctx.k.transposeIndex(a.pIdx, a.pStart, a.pCnt, a.nPos, k0, k1, a.pcIdx, a.pcStart, a.pcCnt);
    ctx.k.transposeIndex(a.nIdx, a.nStart, a.nCnt, a.nNeg, k0, k1, a.ncIdx, a.ncStart, a.ncCnt);
    const m = k1 - k0;
    const pc = new Int32Array(buf, a.pcCnt + 4 * k0, m);
    const nc = new Int32Array(buf, a.ncCnt + 4 * k0, m);
    const b = view(a.b + k0 * e, m);
    const vb = a.Vb ? view(a.Vb + k0 * e, m) : null;
    for (let k = 0; k < m; k++) {
      const g = a.alpha * (a.rho * pc[k] - nc[k]); // counts: the positive and negative means of v
      if (vb) {
        vb[k] = a.mu * vb[k] + g;
        b[k] += vb[k];
      } else b[k] += g;
    }
  },
);

/**
 * Second job of the parameter step, chunk q of kH over the hidden units [j0, j1) (the block that
 * participant q also owns in `RbmCore`'s products, so W stays in its cache): the fused step of
 * W[:, j0:j1) and its velocity from the column lists of `visibleStep` (`rowUpdate`: α(ρΣ⁺ − Σ⁻) − δW
 * with α = η/n⁻, ρ = n⁻/n⁺, δ = ηλ), then c on [j0, j1), then rows j0 … j1−1 of Wt. The targets
 * W, c may be gradient buffers at 0 (with decay 0, no velocity and Wt = 0) to get α(ρΣ⁺ − Σ⁻) itself.
 */
export const hiddenBlockStep = defineTask(
  import.meta.url,
  "hiddenBlockStep",
  ["nPos", "nNeg", "nV", "nH", "Hp", "Hn", "W", "Wt", "c", "VW", "Vc", "gc", "rho", "alpha", "decay", "mu", "pcIdx", "pcStart", "pcCnt", "ncIdx", "ncStart", "ncCnt", "kH", "f32"],
  (a, ch, ctx) => {
    const [j0, j1] = columnRange(a.nH, a.kH, ch, a.f32);
    if (j1 <= j0) return;
    const e = a.f32 ? 4 : 8;
    const buf = ctx.core.buffer;
    const view = (p: number, n: number) => floatView(buf, a.f32, p, n);
    const w = j1 - j0;
    const o = j0 * e;
    (a.f32 ? ctx.k.rowUpdateF32 : ctx.k.rowUpdateF64)(a.pcIdx, a.pcStart, a.pcCnt, a.Hp + o, a.ncIdx, a.ncStart, a.ncCnt, a.Hn + o, a.nH, a.nV, w, a.rho, a.alpha, a.decay, a.W + o, a.nH, a.VW ? a.VW + o : 0, a.nH, a.mu);
    const g = view(a.gc + o, w).fill(0);
    const sums = a.f32 ? ctx.k.columnSumsF32 : ctx.k.columnSumsF64;
    sums(a.Hp + o, a.nH, a.nPos, w, a.alpha * a.rho, a.gc + o);
    sums(a.Hn + o, a.nH, a.nNeg, w, -a.alpha, a.gc + o);
    const c = view(a.c + o, w);
    const vc = a.Vc ? view(a.Vc + o, w) : null;
    for (let j = 0; j < w; j++) {
      if (vc) {
        vc[j] = a.mu * vc[j] + g[j];
        c[j] += vc[j];
      } else c[j] += g[j];
    }
    if (a.Wt) (a.f32 ? ctx.k.transposeF32 : ctx.k.transposeF64)(a.W + o, a.nH, a.nV, w, a.Wt + j0 * a.nV * e, a.nV);
  },
);

/** Where a parameter step writes: the model (a training update) or gradient buffers at 0 (`estimate`). */
type Target = "params" | "gradient";

/**
 * Minibatch trainer on the compute core (see the module comment). `pool` runs the jobs (default:
 * an in-process pool of one); the bytes of every result are the same for any pool. Call
 * `release()` when done: the trainer's arrays live in the shared WebAssembly memory.
 */
export class RbmTrainer {
  readonly rbm: Rbm;
  readonly options: RbmTrainOptions;
  stream: Stream;
  updates = 0;
  /** multiplies the learning rate (set per epoch from `lrDecay`) */
  learningRateScale = 1;
  /** the last gradient estimate of `estimate` (float64, the `Rbm` shapes) */
  readonly grad: RbmGradient;
  /** the negative-phase sampler of `options.method` */
  readonly sampler: NegativePhaseSampler;
  /** the model on the compute core (parameters in the working precision) */
  readonly core: RbmCore;
  private readonly pool: WorkerPool;
  private readonly ownPool: boolean;
  private readonly Hp: FloatArray;
  private readonly hp: BinaryIndex | null;
  private readonly positive: ChunkStreams | null;
  private readonly batch: BinaryIndex;
  /** row lists of a batch given as a matrix (`step`, `estimate`) */
  private readonly given: BinaryIndex;
  private readonly pCols: BinaryIndex;
  private readonly nCols: BinaryIndex;
  private readonly gc: FloatArray;
  private readonly velocity: { W: FloatArray; b: FloatArray; c: FloatArray } | null;
  private gradBuffers: { W: FloatArray; b: FloatArray; c: FloatArray } | null = null;
  /**
   * The centering offsets μ (visible, nV) and λ (hidden, nH), float64, or null without centering.
   * They start at ½; set `visible` to the data mean before training (as `rbm train` does).
   */
  readonly offsets: { visible: Float64Array; hidden: Float64Array } | null;
  /** centering scratch: ΔWᵀμ (nH) and the batch's visible counts (nV) */
  private readonly centerScratch: { dc: Float64Array; vm: Float64Array } | null;

  constructor(rbm: Rbm, options: RbmTrainOptions, stream: Stream, pool?: WorkerPool) {
    validateTrainOptions(options);
    // the batch and chain matrices (B × (nV + nH) and C × (nV + nH), plus W-sized scratch) are
    // priced before any is allocated, so a huge batch is one error, not a RangeError from a typed array
    requireMemory((options.batchSize + options.chains) * (rbm.nVisible + rbm.nHidden) + 2 * rbm.nVisible * rbm.nHidden, `batchSize = ${options.batchSize}, chains = ${options.chains}`, "the training matrices");
    const spec = getNegativePhase(options.method);
    const why = spec.applicable(rbm, options);
    if (why) throw new FieldError("method", why);
    this.rbm = rbm;
    this.options = {
      ...options,
      dtype: options.dtype ?? "float64",
      ...(options.method === "pt" ? { temperatures: options.temperatures ?? DEFAULT_TEMPERATURES, betaMin: options.betaMin ?? DEFAULT_BETA_MIN } : {}),
      ...(options.centering ? { offsetDecay: options.offsetDecay ?? DEFAULT_OFFSET_DECAY } : {}),
    };
    this.stream = stream;
    this.ownPool = !pool;
    this.pool = pool ?? new WorkerPool({ workers: 1, scratchBytes: 0 });
    const { nVisible: nV, nHidden: nH } = rbm;
    const B = options.batchSize;
    const core = (this.core = new RbmCore(nV, nH, this.options.dtype!, this.pool));
    this.grad = zeroGradient(rbm);
    this.Hp = core.matrix(B, nH);
    this.hp = options.meanFieldHidden ? null : core.lists(B, nH);
    this.positive = options.meanFieldHidden ? null : ChunkStreams.fromStream(stream, "positive", drawStreams(B), core.arena);
    this.batch = { idx: core.arena.i32(1), start: core.arena.i32(B), count: core.arena.i32(B) };
    this.given = core.lists(B, nV);
    this.pCols = binaryIndex(nV, B, core.arena);
    this.nCols = binaryIndex(nV, Math.max(B, options.chains), core.arena);
    this.gc = core.matrix(1, nH);
    this.velocity = options.momentum > 0 ? { W: core.matrix(nV, nH), b: core.matrix(1, nV), c: core.matrix(1, nH) } : null;
    this.sampler = spec.create(core, this.options, stream.fork("negative-phase"));
    this.offsets = options.centering ? { visible: new Float64Array(nV).fill(0.5), hidden: new Float64Array(nH).fill(0.5) } : null;
    this.centerScratch = options.centering ? { dc: new Float64Array(nH), vm: new Float64Array(nV) } : null;
  }

  /**
   * Estimate ∇ log-likelihood on the batch V (n×nV rows of 0/1, n ≤ batchSize; a Float64Array or
   * an ndarray n×nV) into `this.grad`: W = v⁺ᵀh⁺/n⁺ − v⁻ᵀh⁻/n⁻ (or − E[vhᵀ]), b, c likewise, with
   * h⁺ = p(h|v⁺) (sampled unless meanFieldHidden) and the negative phase from the sampler (whose
   * chains advance). The model is not changed.
   */
  estimate(batch: MatrixInput, rows?: number): RbmGradient {
    const g = this.gradientBuffers();
    this.withBatch(batch, rows, (v, n) => {
      this.core.load(this.rbm);
      g.W.fill(0);
      g.b.fill(0);
      g.c.fill(0);
      this.update(v, n, "gradient");
    });
    this.grad.W.set(g.W);
    this.grad.b.set(g.b);
    this.grad.c.set(g.c);
    return this.grad;
  }

  /** One SGD-with-momentum update from the batch (0/1 rows, n ≤ batchSize): Δ ← μΔ + η(∇̂ − λW); θ ← θ + Δ. */
  step(batch: MatrixInput, rows?: number): void {
    this.withBatch(batch, rows, (v, n) => {
      this.core.load(this.rbm);
      this.update(v, n, "params");
      this.core.store(this.rbm);
    });
  }

  /**
   * One epoch over `data` (nRows×nV of 0/1: a Float64Array, an ndarray, or `BinaryRows` built once
   * for many epochs) in minibatches of `batchSize`, rows visited in an order shuffled by
   * `this.stream`. Calls onBatch(done, total) after each update (the `Rbm` is written at the end).
   */
  epoch(data: MatrixInput | BinaryRows, nRowsIn?: number, onBatch?: (done: number, total: number) => void): void {
    const nV = this.rbm.nVisible;
    const own = data instanceof BinaryRows ? null : BinaryRows.fromMatrix(data, nRowsIn, nV);
    try {
      const rows = own ?? (data as BinaryRows);
      if (rows.cols !== nV) throw new InputError(`data: ${rows.cols} columns, the model has ${nV} visible units`);
      const nRows = own ? rows.rows : (nRowsIn ?? rows.rows);
      if (!Number.isInteger(nRows) || nRows < 1 || nRows > rows.rows) throw new InputError(`data: expected 1 … ${rows.rows} rows, got ${nRows}`);
      const B = this.options.batchSize;
      const order = new Int32Array(nRows);
      for (let r = 0; r < nRows; r++) order[r] = r;
      this.stream.shuffle(order);
      const ix = rows.index;
      const batch: BinaryIndex = { idx: ix.idx, start: this.batch.start, count: this.batch.count };
      const total = Math.ceil(nRows / B);
      this.core.load(this.rbm);
      try {
        for (let t = 0; t < total; t++) {
          const n = Math.min(B, nRows - t * B);
          for (let r = 0; r < n; r++) {
            const row = order[t * B + r];
            batch.start[r] = ix.start[row];
            batch.count[r] = ix.count[row];
          }
          this.update(batch, n, "params");
          onBatch?.(t + 1, total);
        }
      } finally {
        this.core.store(this.rbm);
      }
    } finally {
      own?.release();
    }
    this.requireFiniteParameters();
  }

  /** FieldError on learningRate once an update has pushed a parameter out of float64 (divergence). */
  private requireFiniteParameters(): void {
    const rbm = this.rbm;
    for (const arr of [rbm.W, rbm.b, rbm.c]) {
      for (let k = 0; k < arr.length; k++) {
        if (!Number.isFinite(arr[k])) throw new FieldError("learningRate", `training diverged: after ${this.updates} updates a parameter is ${arr[k]} (learning rate ${this.options.learningRate * this.learningRateScale}); lower it`);
      }
    }
  }

  /** Trainer state for resuming (format 2: generator positions, chains, velocity, shuffling stream). */
  toJSON(): RbmTrainerState {
    // absent parts are left out (records hold no null)
    const v = this.velocity;
    const sampler = this.sampler.toJSON();
    return {
      format: TRAINER_STATE_FORMAT,
      stream: this.stream.toJSON(),
      updates: this.updates,
      ...(v ? { velocity: [...v.W, ...v.b, ...v.c] } : {}),
      ...(this.positive ? { positive: this.positive.toJSON() } : {}),
      ...(sampler === undefined ? {} : { sampler }),
      ...(this.offsets ? { offsets: { visible: Array.from(this.offsets.visible), hidden: Array.from(this.offsets.hidden) } } : {}),
    };
  }

  /** Restore the state written by `toJSON` (shapes validated; errors name `where`). */
  restore(s: RbmTrainerState, where = "training.state"): void {
    if (s === null || typeof s !== "object" || Array.isArray(s)) throw new InputError(`${where}: expected the trainer state object, got ${describeValue(s)}`);
    if (s.format !== TRAINER_STATE_FORMAT) throw new InputError(`${where}.format: expected ${TRAINER_STATE_FORMAT}, got ${describeValue(s.format)} (a state written before the compute-core trainer draws its noise in another layout and cannot resume bit for bit)`);
    // every key is known (a model file is untrusted input)
    requireRecord(s, where, ["format", "stream", "updates", "velocity", "positive", "sampler", "offsets"], "the trainer state object {format, stream, updates, velocity?, positive?, sampler?, offsets?}");
    const v = this.velocity;
    if (v) {
      const n = v.W.length + v.b.length + v.c.length;
      if (!Array.isArray(s.velocity) || s.velocity.length !== n) throw new InputError(`${where}.velocity: expected ${n} entries (momentum ${this.options.momentum} > 0)`);
      s.velocity.forEach((x, k) => requireFinite(x, `${where}.velocity[${k}]`));
      v.W.set(s.velocity.slice(0, v.W.length));
      v.b.set(s.velocity.slice(v.W.length, v.W.length + v.b.length));
      v.c.set(s.velocity.slice(v.W.length + v.b.length));
    } else if (s.velocity !== undefined) throw new InputError(`${where}.velocity: unexpected (momentum 0 keeps no velocity)`);
    if (this.positive) this.positive.restore(s.positive, `${where}.positive`);
    else if (s.positive !== undefined) throw new InputError(`${where}.positive: unexpected (meanFieldHidden draws no positive-phase samples)`);
    this.sampler.restore(s.sampler, `${where}.sampler`);
    const off = this.offsets;
    if (off) {
      for (const [key, arr] of [["visible", off.visible], ["hidden", off.hidden]] as const) {
        const x = s.offsets?.[key];
        if (!Array.isArray(x) || x.length !== arr.length) throw new InputError(`${where}.offsets.${key}: expected ${arr.length} offsets (centering is on)`);
        x.forEach((y, k) => requireFinite(y, `${where}.offsets.${key}[${k}]`));
        arr.set(x);
      }
    } else if (s.offsets !== undefined) throw new InputError(`${where}.offsets: unexpected (centering is off)`);
    try {
      this.stream = Stream.fromJSON(s.stream);
    } catch (e) {
      throw new InputError(`${where}.stream: ${(e as Error).message}`);
    }
    if (!Number.isInteger(s.updates) || s.updates < 0) throw new InputError(`${where}.updates: expected an integer ≥ 0, got ${JSON.stringify(s.updates)}`);
    this.updates = s.updates;
  }

  /** Free the trainer's shared memory (and its own pool); the trainer must not be used afterwards. */
  release(): void {
    this.core.release();
    if (this.ownPool) this.pool.close();
  }

  /** Run `body` on the row lists of a batch of 0/1 rows (n ≤ batchSize), built in the trainer's own lists. */
  private withBatch(batch: MatrixInput, rows: number | undefined, body: (v: BinaryIndex, n: number) => void): void {
    const nV = this.rbm.nVisible;
    const { data, rows: n } = toMatrix(batch, nV, "batch", rows);
    if (n > this.options.batchSize) throw new InputError(`batch: ${n} rows exceed batchSize = ${this.options.batchSize}`);
    const { idx, start, count } = this.given;
    for (let r = 0; r < n; r++) {
      let m = start[r];
      const o = r * nV;
      for (let k = 0; k < nV; k++) {
        const x = data[o + k];
        if (x !== 0 && x !== 1) throw new InputError(`batch[${r}][${k}] = ${x}: RBM training reads 0/1 data (binarize probabilities first)`);
        idx[m] = k;
        m += x;
      }
      count[r] = m - start[r];
    }
    body(this.given, n);
  }

  private gradientBuffers(): { W: FloatArray; b: FloatArray; c: FloatArray } {
    const c = this.core;
    this.gradBuffers ??= { W: c.matrix(c.nV, c.nH), b: c.matrix(1, c.nV), c: c.matrix(1, c.nH) };
    return this.gradBuffers;
  }

  /** Positive phase, negative phase and parameter step of one batch (v: row lists of n rows). */
  private update(v: BinaryIndex, n: number, target: Target): void {
    const core = this.core;
    core.hiddenProbabilities(v, n, this.Hp);
    if (this.hp && this.positive) core.drawHidden(this.Hp, n, this.hp, this.positive, this.Hp);
    const neg = this.sampler.sample({ v, H: this.Hp, h: this.hp, n });
    if (this.offsets && target === "params") this.stepCentered(v, n, neg);
    else if (neg.kind === "samples") this.stepSamples(v, n, neg, target);
    else this.stepExpectations(v, n, neg, target);
    if (target === "params") this.updates++;
  }

  /**
   * The centered step (centering.ts): the plain gradient estimate into the gradient buffers, then
   * on the calling thread ∇̃W = ∇W − μ(∇c)ᵀ − (∇b)λᵀ, Δ̃ ← mΔ̃ + η(∇̃ − λ_wd W) on (W, b̃, c̃), written
   * as the plain step W += Δ̃W, b += Δ̃b − Δ̃W λ, c += Δ̃c − Δ̃Wᵀμ; then the offsets move to the
   * batch's data means (the model is unchanged by that).
   */
  private stepCentered(v: BinaryIndex, n: number, neg: NegativeStatistics): void {
    const core = this.core;
    const g = this.gradientBuffers();
    if (neg.kind === "samples") {
      g.W.fill(0);
      g.b.fill(0);
      g.c.fill(0);
      this.stepSamples(v, n, neg, "gradient");
    } else this.stepExpectations(v, n, neg, "gradient");
    const { visible: mu, hidden: lam } = this.offsets!;
    const { dc, vm } = this.centerScratch!;
    const { nV, nH } = core;
    const lr = this.options.learningRate * this.learningRateScale;
    const wd = this.options.weightDecay;
    const m = this.options.momentum;
    const vel = this.velocity;
    const { W, b, c } = core;
    dc.fill(0);
    for (let i = 0; i < nV; i++) {
      const o = i * nH;
      const mi = mu[i];
      const gbi = g.b[i];
      let s = 0;
      for (let j = 0; j < nH; j++) {
        let d = lr * (g.W[o + j] - mi * g.c[j] - gbi * lam[j] - wd * W[o + j]);
        if (vel) d = vel.W[o + j] = m * vel.W[o + j] + d;
        W[o + j] += d;
        s += d * lam[j];
        dc[j] += d * mi;
      }
      let db = lr * gbi;
      if (vel) db = vel.b[i] = m * vel.b[i] + db;
      b[i] += db - s;
    }
    for (let j = 0; j < nH; j++) {
      let d = lr * g.c[j];
      if (vel) d = vel.c[j] = m * vel.c[j] + d;
      c[j] += d - dc[j];
    }
    const k = wasmCore().k;
    (core.f32 ? k.transposeF32 : k.transposeF64)(W.byteOffset, nH, nV, nH, core.Wt.byteOffset, nV);
    // offsets: μ ← (1 − ν)μ + ν⟨v⁺⟩, λ ← (1 − ν)λ + ν⟨h⁺⟩
    const nu = this.options.offsetDecay!;
    vm.fill(0);
    for (let r = 0; r < n; r++) for (let q = v.start[r]; q < v.start[r] + v.count[r]; q++) vm[v.idx[q]] += 1;
    for (let i = 0; i < nV; i++) mu[i] = (1 - nu) * mu[i] + (nu * vm[i]) / n;
    const Hp = this.Hp;
    for (let j = 0; j < nH; j++) {
      let s = 0;
      for (let r = 0; r < n; r++) s += Hp[r * nH + j];
      lam[j] = (1 - nu) * lam[j] + (nu * s) / n;
    }
  }

  /** The parameter step from sampled negatives (one pool job). */
  private stepSamples(v: BinaryIndex, n: number, neg: Extract<NegativeStatistics, { kind: "samples" }>, target: Target): void {
    const core = this.core;
    const lr = this.options.learningRate * this.learningRateScale;
    const params = target === "params";
    const t = params ? { W: core.W, b: core.b, c: core.c } : this.gradientBuffers();
    const vel = params ? this.velocity : null;
    this.parameterStep({
      pos: v, neg: neg.v, nPos: n, nNeg: neg.n, Hn: neg.H, W: t.W, Wt: params ? core.Wt : null, b: t.b, c: t.c, vel,
      rho: neg.n / n, alpha: (params ? lr : 1) / neg.n, decay: params ? lr * this.options.weightDecay : 0, mu: params ? this.options.momentum : 0,
    });
  }

  /**
   * The parameter step as two pool jobs: `visibleStep` over visible blocks (column lists, b), then
   * `hiddenBlockStep` over the hidden blocks of `RbmCore.columnChunks` (W, c, Wt), static, so each
   * participant steps the block of W it reads in the products.
   */
  private parameterStep(s: { pos: BinaryIndex; neg: BinaryIndex; nPos: number; nNeg: number; Hn: FloatArray; W: FloatArray; Wt: FloatArray | null; b: FloatArray; c: FloatArray; vel: { W: FloatArray; b: FloatArray; c: FloatArray } | null; rho: number; alpha: number; decay: number; mu: number }): void {
    const core = this.core;
    const { pCols: pc, nCols: nc } = this;
    // plain literals: spreading a shared record into each was measured at 21 µs per update (V8's
    // object spread), against 0.5 µs for the literals
    const pcIdx = ptr(pc.idx), pcStart = ptr(pc.start), pcCnt = ptr(pc.count);
    const ncIdx = ptr(nc.idx), ncStart = ptr(nc.start), ncCnt = ptr(nc.count);
    const { nPos, nNeg, rho, alpha, mu } = s;
    const { nV, nH, f32 } = core;
    const k = core.columnChunks();
    this.pool.run(visibleStep, { pIdx: ptr(s.pos.idx), pStart: ptr(s.pos.start), pCnt: ptr(s.pos.count), nIdx: ptr(s.neg.idx), nStart: ptr(s.neg.start), nCnt: ptr(s.neg.count), nPos, nNeg, nV, b: ptr(s.b), Vb: ptr(s.vel?.b ?? null), rho, alpha, mu, pcIdx, pcStart, pcCnt, ncIdx, ncStart, ncCnt, kV: k, f32 }, k, "static");
    this.pool.run(hiddenBlockStep, { nPos, nNeg, nV, nH, Hp: ptr(this.Hp), Hn: ptr(s.Hn), W: ptr(s.W), Wt: ptr(s.Wt), c: ptr(s.c), VW: ptr(s.vel?.W ?? null), Vc: ptr(s.vel?.c ?? null), gc: ptr(this.gc), rho, alpha, decay: s.decay, mu, pcIdx, pcStart, pcCnt, ncIdx, ncStart, ncCnt, kH: k, f32 }, k, "static");
  }

  /**
   * The parameter step from exact expectations: the positive statistics by the same job (into
   * gradient buffers, no negatives), minus E[vhᵀ], E[v], E[h], then the momentum step in place.
   */
  private stepExpectations(v: BinaryIndex, n: number, neg: Extract<NegativeStatistics, { kind: "expectations" }>, target: Target): void {
    const core = this.core;
    const g = this.gradientBuffers();
    g.W.fill(0);
    g.b.fill(0);
    g.c.fill(0);
    this.parameterStep({ pos: v, neg: v, nPos: n, nNeg: 0, Hn: this.Hp, W: g.W, Wt: null, b: g.b, c: g.c, vel: null, rho: 1, alpha: 1 / n, decay: 0, mu: 0 });
    for (let q = 0; q < g.W.length; q++) g.W[q] -= neg.vh[q];
    for (let i = 0; i < g.b.length; i++) g.b[i] -= neg.v[i];
    for (let j = 0; j < g.c.length; j++) g.c[j] -= neg.h[j];
    if (target === "gradient") return;
    const lr = this.options.learningRate * this.learningRateScale;
    const wd = this.options.weightDecay;
    const mu = this.options.momentum;
    const vel = this.velocity;
    const apply = (p: FloatArray, gr: FloatArray, vp: FloatArray | null, decay: number) => {
      for (let q = 0; q < p.length; q++) {
        const d = lr * (gr[q] - decay * p[q]);
        if (vp) {
          vp[q] = mu * vp[q] + d;
          p[q] += vp[q];
        } else p[q] += d;
      }
    };
    apply(core.W, g.W, vel?.W ?? null, wd);
    apply(core.b, g.b, vel?.b ?? null, 0);
    apply(core.c, g.c, vel?.c ?? null, 0);
    const k = wasmCore().k;
    (core.f32 ? k.transposeF32 : k.transposeF64)(core.W.byteOffset, core.nH, core.nV, core.nH, core.Wt.byteOffset, core.nV);
  }
}
