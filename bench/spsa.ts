/**
 * Benchmark: SPSA steps per second (Spall gains, two-sided, one perturbation) on the skewed
 * quartic (p = 10, with and without N(0,1) measurement noise) and on the exact negative
 * log-likelihood of a 64-parameter RBM (nV = 4, nH = 12, 2×2 bars-and-stripes), plus the CPU
 * seconds per gradient estimate of every estimator in the RBM comparison (analysis/rbm-comparison.ts):
 * the "cost in seconds" that figure records cannot hold. The same SPSA loop in numpy
 * (bench/spsa_numpy.py, one run and 200 runs vectorised, via bench/lib/peer.ts) is timed and the
 * ratio printed.
 */
import { rbmComparisonModel, rbmEstimators } from "../analysis/rbm-comparison.js";
import { objectiveOracle, type LossOracle } from "../src/estimators/oracle.js";
import { spsaOptimize } from "../src/optim/spsa.js";
import { SkewedQuartic } from "../src/problems/functions.js";
import { Stream } from "../src/random/stream.js";
import { printBlas, runPeer } from "./lib/peer.js";

function cpuSeconds<T>(f: () => T): [T, number] {
  const c0 = process.cpuUsage();
  const r = f();
  const c = process.cpuUsage(c0);
  return [r, (c.user + c.system) / 1e6];
}

/** best-of-3 SPSA steps/s on an oracle (no monitoring inside the loop). */
export function spsaStepsPerSecond(oracle: LossOracle, theta0: Float64Array, iterations: number, c: number): number {
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const [, s] = cpuSeconds(() => spsaOptimize(oracle, theta0, { a: 0.01, c, iterations, recordEvery: iterations }, Stream.fromSeed(`bench/${r}`)));
    best = Math.min(best, s);
  }
  return iterations / best;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const f = new SkewedQuartic(10);
  const nQ = 1_000_000;
  const q0 = spsaStepsPerSecond(objectiveOracle(f), f.initialParams(), nQ, 0.1);
  const q1 = spsaStepsPerSecond(objectiveOracle(f, 1), f.initialParams(), nQ, 0.1);
  console.log(`SPSA on the skewed quartic (p = 10), noise-free: ${(q0 / 1e6).toFixed(2)} M steps/s (2 loss evaluations per step)`);
  console.log(`SPSA on the skewed quartic (p = 10), N(0,1) noise: ${(q1 / 1e6).toFixed(2)} M steps/s`);
  const nll = rbmComparisonModel();
  const r = spsaStepsPerSecond(objectiveOracle(nll), nll.initialParams(), 100_000, 0.05);
  console.log(`SPSA on the exact log-likelihood of a ${nll.dimension}-parameter RBM (4×12, 6 rows): ${(r / 1e3).toFixed(1)} k steps/s`);
  const theta = nll.initialParams();
  const out = new Float64Array(nll.dimension);
  console.log("CPU seconds per gradient estimate, 64-parameter RBM (cost column of the spsa-rbm figure):");
  for (const e of rbmEstimators(nll, Stream.fromSeed("bench/rbm"))) {
    const reps = e.id === "fdsa" ? 2000 : e.id === "exact" ? 20000 : 50000;
    if (e.id === "pcd1") for (let b = 0; b < 200; b++) e.estimate(theta, out);
    const [, s] = cpuSeconds(() => {
      for (let k = 0; k < reps; k++) e.estimate(theta, out);
    });
    console.log(`  ${e.label.padEnd(40)} ${((s / reps) * 1e6).toFixed(2).padStart(9)} µs   (${e.lossEvaluations} likelihood evaluations, ${e.gibbsSweeps} Gibbs sweeps)${e.id === "x-exact-samples" ? " — 2^nV marginal cached at fixed θ; +1 enumeration per θ change" : ""}`);
  }
  const peer = runPeer("spsa_numpy.py", [String(200_000), "1,200", "1"]);
  if (peer) {
    printBlas("numpy peer", peer);
    for (const r of peer.records) {
      const np = Number(r.run_steps_per_second);
      console.log(`numpy peer (same SPSA loop on the noise-free quartic, ${String(r.runs)} run(s) vectorised): ${(np / 1e6).toFixed(3)} M run-steps/s → stochgrad (one run) is ${(q0 / np).toFixed(2)}× as fast`);
    }
  }
}
