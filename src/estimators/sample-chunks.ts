/**
 * One chunk of a Monte Carlo run (`sampleMoments`), the same computation on any thread: chunk c
 * of n draws reads the uniforms of Stream.fromSeed(`${seed}/chunk/${c}`) (= stream.fork(`chunk/${c}`))
 * in order, `noiseSize` per draw, and reduces its draws to one MomentAccumulator:
 *   - per draw (Welford), as before the batched paths existed: those estimators' numbers are unchanged;
 *   - batched (`accumulate`): the chunk's draws go to shifted sums in blocks of at most
 *     BLOCK_NOISE uniforms (drawn by the WebAssembly xor4096, bit for bit the stream's), reduced at
 *     the chunk's end (ShiftedSums.toMoments).
 * `sampleChunkTask` runs chunks on a worker pool: each thread rebuilds the instance from its
 * recipe (recipe.ts), writes its chunks' (n, mean, M2) into their own slots, and the caller merges
 * the slots in chunk order.
 */
import { wasmCore } from "../linalg/wasm.js";
import { kernels } from "../linalg/kernels.js";
import type { WorkerPool } from "../parallel/pool.js";
import { defineTask } from "../parallel/task.js";
import { putText, readText } from "../parallel/text.js";
import { Stream } from "../random/stream.js";
import { MomentAccumulator, ShiftedSums } from "../stats/accumulator.js";
import { instanceFor, keepInstance, recipeText } from "./recipe.js";
import type { EstimatorInstance } from "./types.js";

/** Uniforms per batched block (1 MiB of float64): chunks of cheap draws go in one call. */
export const BLOCK_NOISE = 1 << 17;

/** Chunks per pool job: progress is reported between jobs (the layout does not depend on it). */
const WAVE = 64;

/** The layout of a run: n draws in chunks of `chunk`, chunk c from `${seed}/chunk/${c}`. */
export interface ChunkJob {
  n: number;
  chunk: number;
  seed: string;
  batched: boolean;
}

/** Draws of chunk c. */
export function chunkSize(job: ChunkJob, c: number): number {
  return Math.min(job.chunk, job.n - c * job.chunk);
}

/**
 * The accumulator of chunk c of `job` for the (unchecked) instance `raw` at θ. `observe` runs
 * after each draw on the per-draw path (the caller's observe()); the batched path of an online
 * instance advances it itself.
 */
export function chunkMoments(raw: EstimatorInstance, theta: Float64Array, job: ChunkJob, c: number, observe?: () => void): MomentAccumulator {
  const P = theta.length;
  const m = chunkSize(job, c);
  const s = Stream.fromSeed(`${job.seed}/chunk/${c}`);
  const part = new MomentAccumulator(P);
  const ns = raw.noiseSize;
  if (!job.batched) {
    const noise = new Float64Array(ns);
    const g = new Float64Array(P);
    for (let k = 0; k < m; k++) {
      s.uniforms(noise);
      raw.estimate(theta, noise, g);
      observe?.();
      part.push(g);
    }
    return part;
  }
  const sums = new ShiftedSums(P);
  const arena = wasmCore().arena();
  try {
    const block = Math.max(1, Math.min(m, Math.floor(BLOCK_NOISE / Math.max(1, ns))));
    const noise = arena.f64Scratch(Math.max(1, block * ns));
    const st = s.toJSON().state;
    const state = arena.i32(130);
    state.set(st.X);
    state[128] = st.i;
    state[129] = st.w;
    for (let done = 0; done < m; ) {
      const b = Math.min(block, m - done);
      if (b * ns > 0) kernels.uniforms(state, noise, b * ns);
      raw.accumulate!(theta, noise, b, sums);
      done += b;
    }
  } finally {
    arena.release();
  }
  return sums.toMoments(part);
}

/**
 * Chunk `first + c` of a run (see chunkMoments), on whichever thread claims it: the instance of
 * the recipe at (recipe, recipeLen), θ (P float64 at theta), the job's seed at (seed, seedLen);
 * writes n, mean (P), M2 (P) into slot c of out.
 */
export const sampleChunkTask = defineTask(import.meta.url, "sampleChunkTask", ["recipe", "recipeLen", "seed", "seedLen", "theta", "P", "n", "chunk", "batched", "first", "out"], (a, c, ctx) => {
  const raw = instanceFor(readText(ctx.core, a.recipe, a.recipeLen));
  const theta = new Float64Array(ctx.core.buffer, a.theta, a.P).slice();
  const job: ChunkJob = { n: a.n, chunk: a.chunk, seed: readText(ctx.core, a.seed, a.seedLen), batched: a.batched === 1 };
  const part = chunkMoments(raw, theta, job, a.first + c);
  const slot = new Float64Array(ctx.core.buffer, a.out + c * (2 * a.P + 1) * 8, 2 * a.P + 1);
  slot[0] = part.n;
  slot.set(part.mean, 1);
  slot.set(part.m2, 1 + a.P);
});

/**
 * Every chunk of `job` on the pool's workers, in chunk order; null (nothing run) when the
 * instance cannot be rebuilt on another thread (see recipeText), so the caller runs it here.
 */
export function poolChunks(pool: WorkerPool, instance: EstimatorInstance, theta: Float64Array, job: ChunkJob, onChunk?: (done: number, total: number) => void): MomentAccumulator[] | null {
  const text = recipeText(instance);
  if (text === null) return null;
  keepInstance(text, instance);
  const P = theta.length;
  const chunks = Math.ceil(job.n / job.chunk);
  const arena = wasmCore().arena();
  try {
    const recipe = putText(arena, text);
    const seed = putText(arena, job.seed);
    const th = arena.f64(Math.max(1, P));
    th.set(theta);
    const wave = Math.min(WAVE, chunks);
    const out = arena.f64(wave * (2 * P + 1));
    const parts: MomentAccumulator[] = [];
    for (let first = 0; first < chunks; first += wave) {
      const w = Math.min(wave, chunks - first);
      pool.run(sampleChunkTask, { recipe: recipe.ptr, recipeLen: recipe.len, seed: seed.ptr, seedLen: seed.len, theta: th.byteOffset, P, n: job.n, chunk: job.chunk, batched: job.batched ? 1 : 0, first, out: out.byteOffset }, w);
      for (let c = 0; c < w; c++) {
        const slot = out.subarray(c * (2 * P + 1), (c + 1) * (2 * P + 1));
        const part = new MomentAccumulator(P);
        part.n = slot[0];
        part.mean.set(slot.subarray(1, 1 + P));
        part.m2.set(slot.subarray(1 + P));
        parts.push(part);
      }
      onChunk?.(Math.min(job.n, (first + w) * job.chunk), job.n);
    }
    return parts;
  } finally {
    arena.release();
  }
}
