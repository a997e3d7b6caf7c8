/**
 * Throughput and cost of every estimator (the belief-net cost table).
 *   node dist/bench/estimators.js [--quick]
 * For the single-unit toy, the one-layer net (3 units) and the two-layer net (5 units): µs per
 * estimate, loss evaluations per estimate, exact Σ Var[ĝ] (or seeded Monte Carlo where the noise
 * is not enumerable), and Σ Var × µs — the variance at equal wall-clock. If numpy is installed
 * under /usr/bin/python3, ARM and DisARM on the one-layer net are timed in vectorised numpy on
 * the same work (best of 3 runs) and the ratio is printed. Timings live here, never in records.
 */
import { spawnSync } from "node:child_process";
import { compareEstimators } from "../analysis/compare.js";
import { oneLayerNet, singleUnitToy, twoLayerNet } from "../analysis/claims/toys.js";
import { estimators, type EstimatorId } from "../src/estimators/registry.js";
import type { BinaryProblem } from "../src/problems/types.js";
import { Stream } from "../src/random/stream.js";

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

const PEER = String.raw`
import numpy as np, time, sys
x = np.array([1.0, -0.5]); W = np.array([[0.3,-0.2],[0.5,0.1],[-0.4,0.7]]); c = np.array([0.1,-0.3,-0.6])
table = np.array([0.3,1.2,-0.5,2,0.7,-1,0.4,1.5]); n = int(sys.argv[1])
s = 1/(1+np.exp(-(W@x+c))); u = np.random.default_rng(1).random((n,3)); w = np.array([1,2,4])
def run(kind):
    b = (u < s); bt = (1-u < s); fb = table[b@w]; fbt = table[bt@w]
    if kind == "arm": ga = (fbt-fb)[:,None]*(u-0.5)
    else: ga = 0.5*(fb-fbt)[:,None]*np.where(b!=bt, 1-2*bt, 0)*(1/(1+np.exp(-np.abs(W@x+c))))
    return np.concatenate([ga[:,:,None]*x[None,None,:], ga[:,:,None]], axis=2)
for kind in ("arm","disarm"):
    run(kind); best = float("inf")
    for _ in range(3):
        t=time.perf_counter(); run(kind); best = min(best, time.perf_counter()-t)
    print(kind, best*1e6/n)
`;

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
  const probe = spawnSync("/usr/bin/python3", ["-c", "import numpy"], { encoding: "utf8" });
  if (probe.status !== 0) {
    process.stdout.write("\nnumpy peer: not installed under /usr/bin/python3 — no ratio printed\n");
    return;
  }
  const n = quick ? 100000 : 1000000;
  const r = spawnSync("/usr/bin/python3", ["-c", PEER, String(n)], { encoding: "utf8" });
  for (const line of r.stdout.trim().split("\n")) {
    const [kind, t] = line.split(" ");
    const mine = us[`one-layer net (3 units)/${kind}`];
    process.stdout.write(`numpy ${kind}: ${Number(t).toFixed(3)} µs/estimate vectorised; stochgrad ${mine.toFixed(3)} µs → ratio ${(Number(t) / mine).toFixed(2)}× (>1: stochgrad faster)\n`);
  }
}

main();
