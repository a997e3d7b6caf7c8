/**
 * Benchmark: Monte Carlo mean and variance of all 330 gradient coordinates of the correlation
 * estimator (Theorem 1, no baseline), ARM and DisARM on the 10-10-10 belief net with 10 inputs,
 * as `stochgrad estimate` computes them (`sampleMoments`: the batched WebAssembly path, fixed
 * chunks of 4096 draws merged in chunk order), with 1 and 2 workers — and, back to back for each
 * estimator, the numpy peer bench/mc_sbn_numpy.py on the same net (sufficient statistics by matrix
 * products Cᵀ·P, 1 and 2 BLAS threads, its BLAS kernel printed; the faster thread count is the
 * headline). Wall clock; the load average is printed beside every measurement (the machine may
 * be shared). Targets: correlation ≥ 2× the peer, ARM and DisARM ≥ 1.5×, 2 workers ≥ 1.8× one.
 * Usage: node dist/bench/mc-correlation.js [samples=2000000] [--no-peers]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { estimators, type EstimatorId } from "../src/estimators/registry.js";
import { sampleMoments } from "../src/estimators/sample.js";
import { WorkerPool } from "../src/parallel/pool.js";
import { randomSbn } from "../src/problems/reference.js";
import { Stream } from "../src/random/stream.js";
import { pick, printBlas, runPeer } from "./lib/peer.js";

const NET = () => randomSbn([10, 10, 10, 10], "bench/mc-10-10-10");
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(" ");

/** Samples/s of sampleMoments on `pool` (best of `repeats`), and the mean of the last run. */
export function benchMc(id: EstimatorId, n: number, pool: WorkerPool, repeats = 2): { samplesPerSecond: number; mean: Float64Array; params: number } {
  const p = NET();
  const th = p.initialParams();
  const inst = estimators[id].create(p, th, {});
  sampleMoments(inst, th, 100_000, Stream.fromSeed("warm-up"), { pool });
  let best = 0;
  let mean: Float64Array = new Float64Array(0);
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    const m = sampleMoments(inst, th, n, Stream.fromSeed("bench"), { pool });
    best = Math.max(best, n / ((performance.now() - t0) / 1000));
    mean = m.mean;
  }
  return { samplesPerSecond: best, mean, params: p.nParams };
}

/** The numpy peer's best samples/s over its BLAS thread counts; null when it cannot run. */
export function numpyPeer(id: EstimatorId, n: number): { samplesPerSecond: number; threads: number } | null {
  const file = path.join(os.tmpdir(), `stochgrad-bench-sbn-${process.pid}.json`);
  fs.writeFileSync(file, JSON.stringify(NET().toJSON()));
  try {
    const run = runPeer("mc_sbn_numpy.py", [file, id, String(n)]);
    if (!run) return null;
    printBlas("  numpy peer", run);
    let best: { samplesPerSecond: number; threads: number } | null = null;
    for (const r of pick(run, { estimator: id })) {
      const sps = Number(r.samples_per_second);
      console.log(`  numpy ${id}, ${String(r.threads)} BLAS thread(s): ${(sps / 1e6).toFixed(3)} M samples/s`);
      if (!best || sps > best.samplesPerSecond) best = { samplesPerSecond: sps, threads: Number(r.threads) };
    }
    return best;
  } finally {
    fs.rmSync(file, { force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  const n = Number(argv.find((a) => /^\d+$/.test(a)) ?? 2_000_000);
  const peers = !argv.includes("--no-peers");
  const pools = [new WorkerPool({ workers: 1 }), new WorkerPool({ workers: 2 })];
  const targets: Record<string, number> = { correlation: 2, arm: 1.5, disarm: 1.5 };
  try {
    for (const id of ["correlation", "arm", "disarm"] as EstimatorId[]) {
      const [one, two] = pools.map((pool) => benchMc(id, n, pool));
      const same = one.mean.every((x, k) => Object.is(x, two.mean[k]));
      console.log(`${id} MC, 10-10-10 belief net (${one.params} coordinates, mean and variance), ${n} samples (load ${load()}):`);
      console.log(`  stochgrad 1 worker: ${(one.samplesPerSecond / 1e6).toFixed(3)} M samples/s; 2 workers: ${(two.samplesPerSecond / 1e6).toFixed(3)} M samples/s; scaling ${(two.samplesPerSecond / one.samplesPerSecond).toFixed(2)}× (target ≥ 1.8×); same bytes: ${same ? "yes" : "NO"}`);
      const peer = peers ? numpyPeer(id, n) : null;
      if (peer) {
        const t = targets[id];
        const r1 = one.samplesPerSecond / peer.samplesPerSecond;
        const r2 = two.samplesPerSecond / peer.samplesPerSecond;
        console.log(`  ratio vs numpy (${peer.threads} BLAS thread(s), the faster): 1 worker ${r1.toFixed(2)}×, 2 workers ${r2.toFixed(2)}× (target ≥ ${t}×: ${r2 >= t ? "met" : "NOT met"}) (load ${load()})`);
      }
    }
  } finally {
    for (const p of pools) p.close();
  }
}
