/**
 * Benchmark: exact enumeration of belief nets with E[L], Var[L], the exact gradient, and the exact
 * mean and variance of every coordinate of the correlation estimator: a 20-unit net (inputs 4,
 * layers 7-7-6; 2^20 states) on one worker, and a 24-unit net (inputs 4, layers 8-8-8; 2^24
 * states, 184 coordinates) on 1 and 2 workers (enumeration blocks of 2^16 configurations on the
 * pool, merged in block order: the bytes are the same, checked). Wall clock, with the load
 * average beside it (the machine may be shared), and the process's CPU seconds (all threads), which
 * load from other processes inflates less. Target: the 24-unit net in ≤ 5 s wall with 2 workers.
 * Usage: node dist/bench/exact-enumeration.js [--quick] (quick: the 20-unit net only)
 */
import os from "node:os";
import { poolBlockRunner } from "../src/estimators/enumeration-pool.js";
import { estimators } from "../src/estimators/registry.js";
import { exactAnalysis } from "../src/exact/moments.js";
import type { ExactAnalysis } from "../src/exact/types.js";
import { WorkerPool } from "../src/parallel/pool.js";
import { randomSbn } from "../src/problems/reference.js";

const load = () => os.loadavg().map((x) => x.toFixed(2)).join(" ");

/** Wall seconds of one exact analysis (best of `repeats`) of the net with these widths, on `workers`. */
export function benchExact(widths: number[], workers: number, repeats = 2): { units: number; params: number; states: number; seconds: number; cpuSeconds: number; result: ExactAnalysis } {
  const p = randomSbn(widths, `bench/exact-${widths.join("-")}`);
  const th = p.initialParams();
  const pool = new WorkerPool({ workers });
  try {
    let best = Infinity;
    let cpu = Infinity;
    let result: ExactAnalysis | undefined;
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      result = exactAnalysis(p, th, { correlation: { noise: "units", instance: estimators.correlation.create(p, th) } }, { blockRunner: poolBlockRunner(pool) });
      const c = process.cpuUsage(c0);
      best = Math.min(best, (performance.now() - t0) / 1000);
      cpu = Math.min(cpu, (c.user + c.system) / 1e6);
    }
    return { units: p.nUnits, params: p.nParams, states: result!.states, seconds: best, cpuSeconds: cpu, result: result! };
  } finally {
    pool.close();
  }
}

function bytes(r: ExactAnalysis): string {
  return JSON.stringify([r.expectedLoss, r.lossVariance, Array.from(r.gradient), Array.from(r.estimators.correlation.mean), Array.from(r.estimators.correlation.variance)]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes("--quick");
  const small = benchExact([4, 7, 7, 6], 1, 3);
  console.log(`exact enumeration, 20-unit belief net (${small.params} coordinates), 1 worker: ${small.states} states in ${small.seconds.toFixed(3)} s wall (${small.cpuSeconds.toFixed(3)} s CPU) = ${(small.states / small.seconds / 1e6).toFixed(2)} M states/s (load ${load()})`);
  if (!quick) {
    const one = benchExact([4, 8, 8, 8], 1, 1);
    console.log(`exact enumeration, 24-unit belief net (${one.params} coordinates), 1 worker: ${one.seconds.toFixed(2)} s wall (${one.cpuSeconds.toFixed(2)} s CPU) = ${(one.states / one.seconds / 1e6).toFixed(2)} M states/s (load ${load()})`);
    const two = benchExact([4, 8, 8, 8], 2, 2);
    console.log(`exact enumeration, 24-unit belief net, 2 workers: ${two.seconds.toFixed(2)} s wall (${two.cpuSeconds.toFixed(2)} s CPU, all threads) = ${(two.states / two.seconds / 1e6).toFixed(2)} M states/s; scaling ${(one.seconds / two.seconds).toFixed(2)}×; same bytes as 1 worker: ${bytes(one.result) === bytes(two.result) ? "yes" : "NO"} — target ≤ 5 s: ${two.seconds <= 5 ? "met" : "NOT met"} (load ${load()})`);
  }
}
