/**
 * Monte Carlo moments of an estimator: n draws of ĝ(θ, noise), noise from a keyed stream.
 * Draws are grouped in fixed chunks of `chunk` draws; chunk c uses stream.fork(`chunk/${c}`) and
 * its own accumulator, and the chunks are merged in chunk order (Chan) — so the result is the
 * same however the chunks are scheduled: sequentially here, or across the workers of a pool
 * (`{ pool }`), byte for byte. A chunk's state (its MomentAccumulator, `sampleChunks`) is plain
 * data, mergeable in chunk order (`mergeChunks`).
 *
 * Within a chunk, an estimator with a batched path (`accumulate`) adds all its draws to shifted
 * sums at once (ShiftedSums), reduced to the chunk's moments at its end; others push each draw
 * (Welford). Both read the very same noise: the chunk's uniforms in order, `noiseSize` per draw.
 */
import type { Stream } from "../random/stream.js";
import { MomentAccumulator } from "../stats/accumulator.js";
import { toFiniteVector, type VectorInput } from "../ndarray.js";
import { checkedParams, isOnline, uncheckedInstance, type EstimatorInstance } from "./types.js";
import { FieldError } from "../errors.js";
import type { WorkerPool } from "../parallel/pool.js";
import { chunkMoments, poolChunks, type ChunkJob } from "./sample-chunks.js";

export const DEFAULT_CHUNK = 4096;

export interface SampleMoments {
  n: number;
  mean: Float64Array;
  /** unbiased sample variance per coordinate */
  variance: Float64Array;
  /** standard error of the mean per coordinate */
  standardError: Float64Array;
  /** the accumulator itself (mergeable) */
  acc: MomentAccumulator;
}

/** How `sampleMoments` runs: progress, chunk size, and the pool whose workers compute chunks. */
export interface SampleOptions {
  /** hears (draws done, n) after each chunk (with a pool: after each wave of chunks) */
  onChunk?: (done: number, total: number) => void;
  /** draws per chunk (default 4096); part of the sampling layout, so it changes the numbers */
  chunk?: number;
  /**
   * workers for the chunks of an offline registry instance (`recipeText`); the result is the same
   * bytes for any number of workers, and the same as without a pool. Online instances and
   * instances the registry did not make run on the calling thread.
   */
  pool?: WorkerPool;
}

/**
 * n i.i.d. draws of a vector statistic of length `dim`, in fixed chunks: chunk c draws from
 * stream.fork(`chunk/${c}`) into its own accumulator, merged in chunk order (Chan). Any
 * seeded Monte Carlo of a vector (estimators, phase statistics) goes through here.
 * `draw(s, out)` writes one draw to out (length dim) using only the stream s.
 */
export function sampleDraws(dim: number, n: number, stream: Stream, draw: (s: Stream, out: Float64Array) => void, onChunk?: (done: number, total: number) => void, chunk = DEFAULT_CHUNK): SampleMoments {
  requireDraws(n);
  if (!Number.isInteger(dim) || dim < 0) throw new FieldError("dim", `expected an integer ≥ 0, got ${dim}`);
  requireChunk(chunk);
  const total = new MomentAccumulator(dim);
  const part = new MomentAccumulator(dim);
  const g = new Float64Array(dim);
  const chunks = Math.ceil(n / chunk);
  for (let c = 0; c < chunks; c++) {
    const s = stream.fork(`chunk/${c}`);
    part.n = 0;
    part.mean.fill(0);
    part.m2.fill(0);
    const m = Math.min(chunk, n - c * chunk);
    for (let k = 0; k < m; k++) {
      draw(s, g);
      part.push(g);
    }
    total.merge(part);
    onChunk?.(Math.min(n, (c + 1) * chunk), n);
  }
  return momentsOf(total);
}

/**
 * Whether sampling takes the instance's batched path: it has `accumulate`, and, if online, the
 * observe() its callers see is its own (a face whose observe was replaced or removed, to freeze
 * it, samples draw by draw so that the replacement is what runs).
 */
export function usesBatchedPath(instance: EstimatorInstance): boolean {
  const raw = uncheckedInstance(instance);
  return typeof raw.accumulate === "function" && (!isOnline(raw) || instance.observe === raw.observe);
}

/**
 * Draw n estimates ĝ(θ, noise). Shapes: θ (nParams; a Float64Array or an ndarray); each draw reads
 * `instance.noiseSize` uniforms. If the instance is online (`observe`), its state advances after
 * every draw. The fifth argument is the options, or (as before) the progress callback, with the
 * chunk size sixth.
 */
export function sampleMoments(instance: EstimatorInstance, thetaIn: VectorInput, n: number, stream: Stream, options?: SampleOptions | ((done: number, total: number) => void), chunk?: number): SampleMoments {
  const o: SampleOptions = typeof options === "function" ? { onChunk: options, chunk } : { chunk, ...(options ?? {}) };
  return momentsOf(mergeChunks(sampleChunks(instance, thetaIn, n, stream, o)));
}

/**
 * The chunk accumulators of `sampleMoments(instance, θ, n, stream, options)` in chunk order
 * (chunk c holds draws c·chunk … min(n, (c+1)·chunk) − 1, from stream.fork(`chunk/${c}`)): each is
 * plain data (`toJSON`), and `mergeChunks` of all of them is that call's accumulator, bit for bit.
 */
export function sampleChunks(instance: EstimatorInstance, thetaIn: VectorInput, n: number, stream: Stream, options: SampleOptions = {}): MomentAccumulator[] {
  requireDraws(n);
  const chunk = options.chunk ?? DEFAULT_CHUNK;
  requireChunk(chunk);
  // validated once here; the draws then run the unchecked instance (observe stays the caller's)
  const theta = toFiniteVector(thetaIn, "θ", checkedParams(instance));
  const job: ChunkJob = { n, chunk, seed: stream.seed, batched: usesBatchedPath(instance) };
  const chunks = Math.ceil(n / chunk);
  const pool = options.pool;
  if (pool && pool.workers > 1 && chunks > 1) {
    const parts = poolChunks(pool, instance, theta, job, options.onChunk);
    if (parts) return parts;
  }
  const raw = uncheckedInstance(instance);
  const observe = instance.observe ? () => instance.observe!() : undefined;
  const parts: MomentAccumulator[] = [];
  for (let c = 0; c < chunks; c++) {
    parts.push(chunkMoments(raw, theta, job, c, observe));
    options.onChunk?.(Math.min(n, (c + 1) * chunk), n);
  }
  return parts;
}

/**
 * The accumulators of the chunks `ids` (ascending, each in [0, ⌈n/chunk⌉)) of
 * `sampleChunks(instance, θ, n, stream, { chunk })`, computed here alone: a shard's share, bit for
 * bit the same as those chunks of the whole run. An online instance is refused (its state after a
 * chunk depends on every earlier draw, so no chunk can be computed apart).
 */
export function sampleChunksOf(instance: EstimatorInstance, thetaIn: VectorInput, n: number, stream: Stream, ids: readonly number[], chunk = DEFAULT_CHUNK): MomentAccumulator[] {
  requireDraws(n);
  requireChunk(chunk);
  if (isOnline(uncheckedInstance(instance))) throw new FieldError("instance", "an online estimator (its state advances with every draw) cannot be sampled in separate chunks; run it unsharded");
  const chunks = Math.ceil(n / chunk);
  for (const c of ids) if (!Number.isInteger(c) || c < 0 || c >= chunks) throw new FieldError("ids", `chunk ${c} is not one of the ${chunks} chunks of ${n} draws`);
  const theta = toFiniteVector(thetaIn, "θ", checkedParams(instance));
  const job: ChunkJob = { n, chunk, seed: stream.seed, batched: usesBatchedPath(instance) };
  const raw = uncheckedInstance(instance);
  return ids.map((c) => chunkMoments(raw, theta, job, c));
}

/** Chunk accumulators merged in chunk order (Chan): what `sampleMoments` returns, from `sampleChunks`. */
export function mergeChunks(parts: MomentAccumulator[]): MomentAccumulator {
  if (parts.length === 0) throw new FieldError("parts", "expected at least one chunk");
  const total = new MomentAccumulator(parts[0].dim);
  for (const p of parts) total.merge(p);
  return total;
}

/** The moments of chunk accumulators merged in chunk order: `sampleMoments`' result from its chunks (a sharded run's merge). */
export function momentsOfChunks(parts: MomentAccumulator[]): SampleMoments {
  return momentsOf(mergeChunks(parts));
}

function momentsOf(total: MomentAccumulator): SampleMoments {
  return { n: total.n, mean: total.mean.slice(), variance: total.variance(), standardError: total.standardError(), acc: total };
}

/** FieldError on n unless it is an integer number of draws ≥ 2 (one draw has no variance). */
function requireDraws(n: number): void {
  if (!Number.isInteger(n) || n < 2) throw new FieldError("n", `expected an integer number of draws ≥ 2, got ${n}`);
}

function requireChunk(chunk: number): void {
  if (!Number.isInteger(chunk) || chunk < 1) throw new FieldError("chunk", `expected an integer ≥ 1, got ${chunk}`);
}

/** Largest warm-up accepted by `warmUp` (draws). */
export const MAX_WARMUP = 1e8;

/**
 * Advance an online instance (one with observe()) by n seeded draws, as a training run would:
 * each draw fills the noise from `stream`, estimates at θ, then observes. Offline
 * instances are left alone. Returns the number of draws observed (n, or 0 when offline).
 * The exact engine then reports the moments of that frozen state. Shapes: θ (nParams).
 */
export function warmUp(instance: EstimatorInstance, thetaIn: VectorInput, n: number, stream: Stream, onDraw?: (done: number, total: number) => void): number {
  if (!Number.isInteger(n) || n < 0 || n > MAX_WARMUP) throw new FieldError("warmup", `expected a number of draws, an integer in [0, ${MAX_WARMUP}], got ${n}`);
  const theta = toFiniteVector(thetaIn, "θ", checkedParams(instance));
  if (!instance.observe || n === 0) return 0;
  const raw = uncheckedInstance(instance);
  const noise = new Float64Array(instance.noiseSize);
  const g = new Float64Array(theta.length);
  for (let k = 0; k < n; k++) {
    stream.uniforms(noise);
    raw.estimate(theta, noise, g);
    instance.observe();
    if (onDraw && (k & 1023) === 1023) onDraw(k + 1, n);
  }
  return n;
}
