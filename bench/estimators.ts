/**
 * Throughput and cost of every estimator (the belief-net cost table).
 *   node dist/bench/estimators.js [--quick]
 * For the single-unit toy, the one-layer net (3 units) and the two-layer net (5 units): µs per
 * estimate, loss evaluations per estimate, exact Σ Var[ĝ] (or seeded Monte Carlo where the noise
 * is not enumerable), and Σ Var × µs — the variance at equal wall-clock. ARM and DisARM on the
 * one-layer net are also timed in vectorised numpy on the same work (bench/estimators_numpy.py,
 * best of 3, via bench/lib/peer.ts) and the ratio is printed. Timings live here, never in records.
 */
import { compareEstimators } from "../analysis/compare.js";
import { oneLayerNet, singleUnitToy, twoLayerNet } from "../analysis/claims/toys.js";
import { estimators, type EstimatorId } from "../src/estimators/registry.js";
import type { BinaryProblem } from "../src/problems/types.js";
import { Stream } from "../src/random/stream.js";
import { printBlas, runPeer } from "./lib/peer.js";

const IDS: EstimatorId[] = ["correlation", "rloo", "ar", "arm", "disarm", "straight-through-sigmoid", "gumbel-softmax", "st-gumbel", "rebar", "relax"];
const quick = process.argv.includes("--quick");

/** µs per estimate of one estimator (noise drawn outside the timed loop in blocks). */
function timeEstimator(problem: BinaryProblem, id: EstimatorId): number {
  const theta = problem.initialParams();
  const inst = estimators[id].create(problem, theta, {});
  const block = 4096;
  const noise = new Float64Array(block * inst.noiseSize);
  Stream.fromSeed(`bench/${id}`).uniforms(noise);
  const g = new Float64Array(problem.nParams);
  const run = (reps: number) => {
    for (let r = 0; r < reps; r++) for (let k = 0; k < block; k++) inst.estimate(theta, noise.subarray(k * inst.noiseSize, (k + 1) * inst.noiseSize), g);
  };
  run(1); // warm-up
  let reps = 1;
  for (;;) {
    const t0 = process.hrtime.bigint();
    run(reps);
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    if (s > (quick ? 0.05 : 0.3) || reps > 1 << 12) return (s * 1e6) / (reps * block);
    reps *= 2;
  }
}

function main(): void {
  const problems: [string, BinaryProblem][] = [
    ["single unit (p=0.3, t=0.45)", singleUnitToy(0.3, 0.45)],
    ["one-layer net (3 units)", oneLayerNet()],
    ["two-layer net (5 units)", twoLayerNet()],
  ];
  const us: Record<string, number> = {};
  for (const [name, p] of problems) {
    const ids = IDS.filter((id) => !estimators[id].applicable(p));
    const rec = compareEstimators(p, ids.map((id) => estimators[id]), { exact: true, samples: quick ? 4000 : 20000, seed: "bench", alpha: 1e-6, options: {}, stream: Stream.fromSeed("bench") });
    process.stdout.write(`\n${name}\n${"estimator".padEnd(26)} ${"method".padEnd(11)} evals  µs/estimate  estimates/s   Σ Var[ĝ]     Σ Var × evals  Σ Var × µs\n`);
    for (const e of rec.estimators) {
      const t = timeEstimator(p, e.id as EstimatorId);
      us[`${name}/${e.id}`] = t;
      process.stdout.write(`${e.id.padEnd(26)} ${e.method.padEnd(11)} ${String(e.lossEvaluations).padStart(5)}  ${t.toFixed(3).padStart(11)}  ${(1e6 / t).toExponential(2).padStart(11)}   ${e.totalVariance.toExponential(3).padEnd(11)}  ${e.varianceTimesCost.toExponential(3).padEnd(13)}  ${(e.totalVariance * t).toExponential(3)}\n`);
    }
  }
  const n = quick ? 100000 : 1000000;
  const peer = runPeer("estimators_numpy.py", [String(n)]);
  if (!peer) return;
  printBlas("\nnumpy peer", peer);
  for (const r of peer.records) {
    const kind = String(r.estimator);
    const t = Number(r.us_per_estimate);
    const mine = us[`one-layer net (3 units)/${kind}`];
    process.stdout.write(`numpy ${kind}: ${t.toFixed(3)} µs/estimate vectorised; stochgrad ${mine.toFixed(3)} µs → ratio ${(t / mine).toFixed(2)}× (>1: stochgrad faster; single estimates, see mc-correlation for moments)\n`);
  }
}

main();
