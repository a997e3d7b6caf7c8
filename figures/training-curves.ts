/**
 * Training curves of a small sigmoid belief net on a toy task, one per gradient estimator:
 * plain SGD θ ← θ − η·ĝ from the same start, with the exact expected loss E[L](θ_t) (by
 * enumeration) on the y-axis. Estimators: exact gradient, correlation (Theorem 1 of 1305.2982)
 * with and without a moving-average baseline, both straight-through forms (1308.3432), and the
 * online learned predictor (1305.2982 §3).
 */
import { expectedLoss } from "../src/exact/dual.js";
import { estimators, type EstimatorId } from "../src/estimators/registry.js";
import { problemFromJSON } from "../src/problems/json.js";
import type { Figure } from "./types.js";

const IDS: EstimatorId[] = ["exact", "correlation", "correlation-ma", "straight-through", "straight-through-sigmoid", "learned-predictor-online"];

/** Toy task: constant input x = [1, 1] → 3 hidden → 2 outputs; reach the pattern y = [1, 0]. */
export function toyNet() {
  return problemFromJSON({
    kind: "sbn",
    input: [1, 1],
    layers: [
      { weights: [[0.1, -0.1], [-0.2, 0.1], [0.05, 0.2]], bias: [0, 0, 0] },
      { weights: [[0.1, -0.1, 0.1], [0.2, 0.1, -0.1]], bias: [0, 0] },
    ],
    loss: { kind: "squared", target: [1, 0] },
  });
}

export const trainingCurves: Figure = {
  id: "training-curves",
  title: "Training a small sigmoid belief net with each estimator",
  caption: "Exact expected loss E[L](θ_t) along SGD (step 0.1, same start, one seeded run per estimator) on a 2→3→2 sigmoid belief net whose outputs should be [1, 0]. The exact-gradient curve is the reference: unbiased noisy estimators (correlation, learned predictor) track it with noise; straight-through curves differ by their bias (either faster or stalled, depending on the form). Flat stretches are draws with h = target, where the sampled gradient is zero.",
  run(ctx) {
    const problem = toyNet();
    const steps = ctx.quick ? 150 : 600;
    const lr = 0.1;
    const every = ctx.quick ? 5 : 10;
    const curves: { label: string; points: [number, number][] }[] = [];
    const finals: Record<string, number> = {};
    IDS.forEach((id, j) => {
      const spec = estimators[id];
      const theta = problem.initialParams();
      const inst = spec.create(problem, theta);
      const noise = new Float64Array(inst.noiseSize);
      const g = new Float64Array(problem.nParams);
      const st = ctx.stream.fork(`train/${id}`);
      const pts: [number, number][] = [[0, expectedLoss(problem, theta)]];
      for (let t = 1; t <= steps; t++) {
        st.uniforms(noise);
        inst.estimate(theta, noise, g);
        inst.observe?.();
        for (let k = 0; k < theta.length; k++) theta[k] -= lr * g[k];
        if (t % every === 0) pts.push([t, expectedLoss(problem, theta)]);
      }
      finals[id] = pts[pts.length - 1][1];
      curves.push({ label: id, points: pts });
      ctx.progress(j + 1, IDS.length);
    });
    return {
      data: { problem: problem.toJSON(), steps, learningRate: lr, finalExpectedLoss: finals, curves },
      charts: [
        {
          name: "",
          spec: {
            title: "SGD on a 2→3→2 sigmoid belief net: exact E[L] per step",
            x: { label: "SGD step t" },
            y: { label: "exact expected loss E[L](θ_t) (log scale)", log: true },
            series: curves.map((c) => ({ label: c.label, points: c.points, style: "line" as const })),
            legend: "right",
          },
        },
      ],
    };
  },
};
