/**
 * Feasibility prototype (issue 11, phase A): Monte Carlo mean and variance of the correlation
 * estimator (Bengio 2013, Theorem 1, no baseline) on a layered sigmoid belief net with a squared
 * loss, by batched sufficient statistics in WebAssembly (src/linalg/assembly/sbn.ts) and the
 * worker pool. It follows `sampleMoments`' schedule exactly: chunk c of `chunk` samples draws
 * its uniforms from stream.fork(`chunk/${c}`) in the estimator's noise layout, so every sample
 * is the one `sampleMoments` would draw; each chunk keeps Σĝ and Σĝ² per coordinate, and the
 * chunks are merged in chunk order (Chan) — the same numbers for any number of workers.
 * Phase B turns this into the estimator's `accumulate(θ, noise, B, stats)`.
 */
import { wasmCore, type WasmArena } from "../../src/linalg/wasm.js";
import type { WorkerPool } from "../../src/parallel/pool.js";
import { defineTask } from "../../src/parallel/task.js";
import type { SigmoidBeliefNet } from "../../src/problems/sbn.js";
import type { Stream } from "../../src/random/stream.js";
import { MomentAccumulator } from "../../src/stats/accumulator.js";

const BLOCK = 256;

export const correlationChunk = defineTask(import.meta.url, "correlationChunk", ["dims", "a1", "WT", "bias", "t", "states", "n", "chunk", "stats", "statsBytes", "nu"], (a, c, ctx) => {
  const m = Math.min(a.chunk, a.n - c * a.chunk);
  const work = ctx.scratch;
  const workBytes = ctx.k.sbnCorrelationWorkBytes(a.dims, BLOCK);
  const U = work + ((workBytes + 63) & ~63);
  if (U - work + BLOCK * a.nu * 8 > ctx.scratchBytes) throw new Error("correlationChunk: scratch too small");
  const out = a.stats + c * a.statsBytes;
  new Uint8Array(ctx.core.buffer, out, a.statsBytes).fill(0);
  ctx.k.sbnCorrelationChunk(a.dims, a.a1, a.WT, a.bias, a.t, a.states + c * 520, m, BLOCK, U, work, out);
});

/** The net's layout in shared memory for sbn.ts (constant over a run at fixed θ). */
class NetLayout {
  readonly dims: Int32Array;
  readonly a1: Float64Array;
  readonly WT: Float64Array;
  readonly bias: Float64Array;
  readonly t: Float64Array;
  readonly np: number[];
  readonly statsDoubles: number;
  constructor(readonly net: SigmoidBeliefNet, theta: Float64Array, arena: WasmArena) {
    const w = net.widths; // [n0, n1, …, nL]
    const L = w.length - 1;
    const loss = net.loss as unknown as { target?: Float64Array };
    if (!loss.target) throw new Error("prototype: squared loss only");
    this.np = w.map((n) => (n + 1) & ~1);
    this.dims = arena.i32(L + 1);
    this.dims[0] = L;
    for (let l = 1; l <= L; l++) this.dims[l] = w[l];
    this.a1 = arena.f64(this.np[1]);
    for (let i = 0; i < w[1]; i++) {
      let a = theta[net.biasOffset[0] + i];
      for (let j = 0; j < w[0]; j++) a += theta[net.weightOffset[0] + i * w[0] + j] * net.input[j];
      this.a1[i] = a;
    }
    let wt = 0;
    let bs = 0;
    for (let l = 2; l <= L; l++) {
      wt += w[l - 1] * this.np[l];
      bs += this.np[l];
    }
    this.WT = arena.f64(Math.max(1, wt));
    this.bias = arena.f64(Math.max(1, bs));
    let o = 0;
    let ob = 0;
    for (let l = 2; l <= L; l++) {
      for (let j = 0; j < w[l - 1]; j++) for (let i = 0; i < w[l]; i++) this.WT[o + j * this.np[l] + i] = theta[net.weightOffset[l - 1] + i * w[l - 1] + j];
      for (let i = 0; i < w[l]; i++) this.bias[ob + i] = theta[net.biasOffset[l - 1] + i];
      o += w[l - 1] * this.np[l];
      ob += this.np[l];
    }
    this.t = arena.f64(this.np[L]);
    this.t.set(loss.target);
    let sd = 0;
    for (let l = 1; l <= L; l++) sd += 2 * this.np[l] + (l >= 2 ? 2 * w[l - 1] * this.np[l] : 0);
    this.statsDoubles = sd;
  }

  /** Σĝ and Σĝ² in θ's layout from one chunk's statistics (layout of sbn.ts). */
  unpack(stats: Float64Array, s1: Float64Array, s2: Float64Array): void {
    const net = this.net;
    const w = net.widths;
    const L = w.length - 1;
    let p = 0;
    for (let l = 1; l <= L; l++) {
      const np = this.np[l];
      const B1 = p;
      const B2 = p + np;
      p += 2 * np;
      for (let i = 0; i < w[l]; i++) {
        s1[net.biasOffset[l - 1] + i] = stats[B1 + i];
        s2[net.biasOffset[l - 1] + i] = stats[B2 + i];
      }
      const wo = net.weightOffset[l - 1];
      if (l === 1) {
        for (let i = 0; i < w[1]; i++) {
          for (let j = 0; j < w[0]; j++) {
            const x = net.input[j];
            s1[wo + i * w[0] + j] = stats[B1 + i] * x;
            s2[wo + i * w[0] + j] = stats[B2 + i] * x * x;
          }
        }
      } else {
        const S1 = p;
        const S2 = p + w[l - 1] * np;
        for (let i = 0; i < w[l]; i++) {
          for (let j = 0; j < w[l - 1]; j++) {
            s1[wo + i * w[l - 1] + j] = stats[S1 + j * np + i];
            s2[wo + i * w[l - 1] + j] = stats[S2 + j * np + i];
          }
        }
        p += 2 * w[l - 1] * np;
      }
    }
  }
}

/**
 * n draws of the correlation estimator at θ, as `sampleMoments(estimators.correlation…)` draws
 * them (chunk c from stream.fork(`chunk/${c}`)), reduced from per-chunk sums in chunk order.
 */
export function correlationMoments(net: SigmoidBeliefNet, theta: Float64Array, n: number, stream: Stream, pool: WorkerPool, chunk = 4096): { mean: Float64Array; variance: Float64Array; acc: MomentAccumulator } {
  const arena = wasmCore().arena();
  try {
    const lay = new NetLayout(net, theta, arena);
    const chunks = Math.ceil(n / chunk);
    const states = arena.i32(chunks * 130);
    for (let c = 0; c < chunks; c++) {
      const st = stream.fork(`chunk/${c}`).toJSON().state;
      states.set(st.X, c * 130);
      states[c * 130 + 128] = st.i;
      states[c * 130 + 129] = st.w;
    }
    const stats = arena.f64(chunks * lay.statsDoubles);
    const nu = net.widths.slice(1).reduce((s, x) => s + x, 0);
    pool.run(correlationChunk, { dims: lay.dims.byteOffset, a1: lay.a1.byteOffset, WT: lay.WT.byteOffset, bias: lay.bias.byteOffset, t: lay.t.byteOffset, states: states.byteOffset, n, chunk, stats: stats.byteOffset, statsBytes: lay.statsDoubles * 8, nu }, chunks);
    const P = net.nParams;
    const total = new MomentAccumulator(P);
    const part = new MomentAccumulator(P);
    const s1 = new Float64Array(P);
    const s2 = new Float64Array(P);
    for (let c = 0; c < chunks; c++) {
      const m = Math.min(chunk, n - c * chunk);
      lay.unpack(stats.subarray(c * lay.statsDoubles, (c + 1) * lay.statsDoubles), s1, s2);
      part.n = m;
      for (let k = 0; k < P; k++) {
        const mean = s1[k] / m;
        part.mean[k] = mean;
        part.m2[k] = Math.max(0, s2[k] - s1[k] * mean);
      }
      total.merge(part);
    }
    return { mean: total.mean.slice(), variance: total.variance(), acc: total };
  } finally {
    arena.release();
  }
}
