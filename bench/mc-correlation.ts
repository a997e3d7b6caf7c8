/**
 * Benchmark: Monte Carlo throughput (wall clock) of the correlation estimator (Theorem 1, no
 * baseline), ARM and DisARM on a 10-10-10 belief net with 10 inputs: per sample, 30 uniforms, the
 * forward pass(es), the estimator over all 330 parameters, and a Welford update of mean and
 * variance (what `stochgrad estimate` does). Compares in the same run with
 * bench/mc_sbn_numpy.py on the same net (sufficient statistics by matrix products, 1 and 2 BLAS
 * threads, its BLAS kernel printed; the faster thread count is the headline peer).
 * Usage: node dist/bench/mc-correlation.js [samples]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { estimators, type EstimatorId } from "../src/estimators/registry.js";
import { sampleMoments } from "../src/estimators/sample.js";
import { randomSbn } from "../src/problems/reference.js";
import { Stream } from "../src/random/stream.js";
import { pick, printBlas, runPeer } from "./lib/peer.js";

const NET = () => randomSbn([10, 10, 10, 10], "bench/mc-10-10-10");

export function benchMc(id: EstimatorId, n = 1_000_000): { samples: number; seconds: number; samplesPerSecond: number; params: number } {
  const p = NET();
  const th = p.initialParams();
  const inst = estimators[id].create(p, th, {});
  sampleMoments(inst, th, 50_000, Stream.fromSeed("warmup"));
  const t0 = performance.now();
  sampleMoments(inst, th, n, Stream.fromSeed("bench"));
  const s = (performance.now() - t0) / 1000;
  return { samples: n, seconds: s, samplesPerSecond: n / s, params: p.nParams };
}

/** The numpy peer's best samples/s over its BLAS thread counts, per estimator; null when it cannot run. */
export function numpyPeer(ids: EstimatorId[], n = 1_000_000): Map<string, { samplesPerSecond: number; threads: number }> | null {
  const file = path.join(os.tmpdir(), `stochgrad-bench-sbn-${process.pid}.json`);
  fs.writeFileSync(file, JSON.stringify(NET().toJSON()));
  try {
    const run = runPeer("mc_sbn_numpy.py", [file, ids.join(","), String(n)]);
    if (!run) return null;
    printBlas("numpy peer", run);
    const best = new Map<string, { samplesPerSecond: number; threads: number }>();
    for (const id of ids) {
      for (const r of pick(run, { estimator: id })) {
        const sps = Number(r.samples_per_second);
        console.log(`  numpy ${id}, ${String(r.threads)} BLAS thread(s): ${(sps / 1e6).toFixed(3)} M samples/s`);
        if (sps > (best.get(id)?.samplesPerSecond ?? 0)) best.set(id, { samplesPerSecond: sps, threads: Number(r.threads) });
      }
    }
    return best;
  } finally {
    fs.rmSync(file, { force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 1_000_000);
  const ids: EstimatorId[] = ["correlation", "arm", "disarm"];
  const mine = new Map<string, number>();
  for (const id of ids) {
    const r = benchMc(id, n);
    mine.set(id, r.samplesPerSecond);
    console.log(`${id} MC, 10-10-10 belief net (${r.params} parameters): ${n} samples in ${r.seconds.toFixed(3)} s wall = ${(r.samplesPerSecond / 1e6).toFixed(3)} M samples/s`);
  }
  const peer = numpyPeer(ids, n);
  if (peer) {
    for (const id of ids) {
      const p = peer.get(id);
      if (p) console.log(`${id}: stochgrad / numpy (matrix-product sufficient statistics, ${p.threads} BLAS thread(s)) = ${((mine.get(id) ?? 0) / p.samplesPerSecond).toFixed(2)}× (target ${id === "correlation" ? "≥ 2×" : "≥ 1.5×"})`);
    }
  }
}
