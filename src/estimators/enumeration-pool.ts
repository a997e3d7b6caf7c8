/**
 * Enumeration blocks of the exact engine on a worker pool (`poolBlockRunner(pool)`, passed as
 * ExactOptions.blockRunner): every thread computes whole blocks (src/exact/enumeration-blocks.ts)
 * of the same fixed cut, writes each block's state into the slot of its index, and the caller
 * reads the slots back in block order; the engine merges them in that order. So the analysis is
 * byte-identical for no pool and 1, 2 or 8 workers (test/unit/parallel-enumeration.test.ts).
 *
 * The worker threads rebuild the problem from its JSON and each instance from its recipe
 * (recipe.ts), once per thread and job text; the calling thread keeps the originals under that
 * text, so the blocks it takes run the caller's own objects. The runner declines (returns null:
 * the engine then runs every block on the calling thread, with the same bytes) when a worker
 * could not rebuild the same job: a problem outside PROBLEM_KINDS, an instance the registry did
 * not make, an online (frozen) instance, or one made for another problem.
 *
 * Slot layout of a block (float64): states, Σp, E[L − L(h*)], M2 of L, the gradient sum (P), then
 * per estimator in key order: weight, mean (P), M2 (P).
 */
import { wasmCore } from "../linalg/wasm.js";
import type { WorkerPool } from "../parallel/pool.js";
import { defineTask } from "../parallel/task.js";
import { putText, readText } from "../parallel/text.js";
import { problemFromJSON } from "../problems/json.js";
import type { BinaryProblem } from "../problems/types.js";
import { enumerationBlock } from "../exact/enumeration-blocks.js";
import type { BlockRunner, EnumerationBlockState, EnumerationJob } from "../exact/types.js";
import { WeightedMoments } from "../stats/accumulator.js";
import { instanceFor, keepInstance, problemText, recipeText } from "./recipe.js";
import { recipeOf, type EstimatorEntry, type NoiseKind } from "./types.js";

/** Blocks per pool job: progress is reported between jobs (the cut does not depend on it). */
const WAVE = 64;
/** How many jobs a thread keeps rebuilt. */
const CACHE = 4;

interface ThreadJob {
  problem: BinaryProblem;
  entries: [string, EstimatorEntry][];
}

const jobs = new Map<string, ThreadJob>();

function remember(text: string, job: ThreadJob): ThreadJob {
  jobs.delete(text);
  jobs.set(text, job);
  while (jobs.size > CACHE) jobs.delete(jobs.keys().next().value!);
  return job;
}

/** The problem and (unchecked) instances of a job text on this thread: kept, or rebuilt and kept. */
function jobFor(text: string): ThreadJob {
  const hit = jobs.get(text);
  if (hit) return remember(text, hit);
  const j = JSON.parse(text) as { problem: unknown; entries: [string, NoiseKind, string][] };
  return remember(text, { problem: problemFromJSON(j.problem), entries: j.entries.map(([key, noise, recipe]) => [key, { noise, instance: instanceFor(recipe) }]) });
}

/** Floats in a block's slot. */
function slotSize(P: number, E: number): number {
  return 4 + P + E * (1 + 2 * P);
}

/**
 * Block `ranges[first + c]` of the job at (spec, specLen), on whichever thread claims chunk c:
 * θ is P float64 at theta, ranges holds [first, end) pairs (float64); writes the block's state
 * into slot c of out (layout in the file comment).
 */
export const enumerationBlockTask = defineTask(import.meta.url, "enumerationBlockTask", ["spec", "specLen", "theta", "P", "E", "centre", "general", "ranges", "first", "out"], (a, c, ctx) => {
  const { problem, entries } = jobFor(readText(ctx.core, a.spec, a.specLen));
  const theta = new Float64Array(ctx.core.buffer, a.theta, a.P).slice();
  const r = new Float64Array(ctx.core.buffer, a.ranges + 16 * (a.first + c), 2);
  const st = enumerationBlock(problem, theta, entries, { first: r[0], end: r[1] }, a.centre, a.general === 1);
  const size = slotSize(a.P, a.E);
  const slot = new Float64Array(ctx.core.buffer, a.out + 8 * c * size, size);
  slot[0] = st.states;
  slot[1] = st.loss.w;
  slot[2] = st.loss.mean[0];
  slot[3] = st.loss.m2[0];
  slot.set(st.gradient, 4);
  let o = 4 + a.P;
  for (const [key] of entries) {
    const m = st.estimators[key];
    slot[o] = m.w;
    slot.set(m.mean, o + 1);
    slot.set(m.m2, o + 1 + a.P);
    o += 1 + 2 * a.P;
  }
});

/** The state of a block from its slot. */
function readSlot(slot: Float64Array, range: { first: number; end: number }, centre: number, keys: string[], P: number): EnumerationBlockState {
  const loss = new WeightedMoments(1);
  loss.w = slot[1];
  loss.mean[0] = slot[2];
  loss.m2[0] = slot[3];
  const estimators: Record<string, WeightedMoments> = {};
  let o = 4 + P;
  for (const key of keys) {
    const m = new WeightedMoments(P);
    m.w = slot[o];
    m.mean.set(slot.subarray(o + 1, o + 1 + P));
    m.m2.set(slot.subarray(o + 1 + P, o + 1 + 2 * P));
    estimators[key] = m;
    o += 1 + 2 * P;
  }
  return { first: range.first, end: range.end, centre, states: slot[0], gradient: slot.slice(4, 4 + P), loss, estimators };
}

/** The job's text for the worker threads, or null when they could not rebuild the same job. */
function jobText(job: EnumerationJob): string | null {
  const problem = problemText(job.problem);
  if (problem === null) return null;
  const entries: [string, NoiseKind, string][] = [];
  for (const [key, e] of job.entries) {
    const recipe = recipeText(e.instance);
    if (recipe === null || problemText(recipeOf(e.instance)!.problem) !== problem) return null;
    entries.push([key, e.noise, recipe]);
  }
  return JSON.stringify({ problem: JSON.parse(problem) as unknown, entries });
}

/**
 * A BlockRunner on `pool` (see the file comment): blocks in waves of up to 64 pool chunks, states
 * returned in the job's block order. Null (the engine runs the blocks itself) for a pool of one
 * worker, a job of one block, or a job the workers could not rebuild.
 */
export function poolBlockRunner(pool: WorkerPool): BlockRunner {
  return (job, onBlocks) => {
    const nb = job.blocks.length;
    if (pool.workers < 2 || nb < 2) return null;
    const text = jobText(job);
    if (text === null) return null;
    remember(text, { problem: job.problem, entries: job.entries });
    for (const [, e] of job.entries) keepInstance(recipeText(e.instance)!, e.instance);
    const P = job.theta.length;
    const keys = job.entries.map(([key]) => key);
    const E = keys.length;
    const size = slotSize(P, E);
    const arena = wasmCore().arena();
    try {
      const spec = putText(arena, text);
      const th = arena.f64(Math.max(1, P));
      th.set(job.theta);
      const ranges = arena.f64(2 * nb);
      job.blocks.forEach((r, j) => {
        ranges[2 * j] = r.first;
        ranges[2 * j + 1] = r.end;
      });
      const wave = Math.min(WAVE, nb);
      const out = arena.f64(wave * size);
      const states: EnumerationBlockState[] = [];
      for (let first = 0; first < nb; first += wave) {
        const w = Math.min(wave, nb - first);
        pool.run(enumerationBlockTask, { spec: spec.ptr, specLen: spec.len, theta: th.byteOffset, P, E, centre: job.centre, general: job.general ? 1 : 0, ranges: ranges.byteOffset, first, out: out.byteOffset }, w);
        for (let c = 0; c < w; c++) states.push(readSlot(out.subarray(c * size, (c + 1) * size), job.blocks[first + c], job.centre, keys, P));
        if (first + w < nb) onBlocks?.(first + w, nb);
      }
      return states;
    } finally {
      arena.release();
    }
  };
}
