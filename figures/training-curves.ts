/**
 * Training curves of a small sigmoid belief net on a toy task, one per gradient estimator:
 * plain SGD θ ← θ − η·ĝ from the same start, with the exact expected loss E[L](θ_t) (by
 * enumeration) on the y-axis. Estimators: exact gradient, correlation (Theorem 1 of 1305.2982)
 * with and without a moving-average baseline, both straight-through forms (1308.3432), and the
 * online learned predictor (1305.2982 §3).
 */
import { expectedLoss } from "../src/exact/dual.js";
import { integrateNoise } from "../src/exact/noisy.js";
import type { NoisyNet } from "../src/problems/noisy-net.js";
import { estimators, type EstimatorId } from "../src/estimators/registry.js";
import { problemFromJSON } from "../src/problems/json.js";
import type { Figure } from "../analysis/figures/types.js";

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

/**
 * Noisy toy task: two examples (x = [1, −1] → t = 0.9, x = [−1, 1] → t = 0.1) sharing θ; one
 * hidden unit of the given type (s = 0.5) → noisy-sigmoid output (s = 0.3). The output bias
 * alone cannot fit both targets: the hidden unit's weights must learn to separate the inputs.
 */
export function noisyToyTask(hidden: "noisy-rectifier" | "hard-threshold"): NoisyNet[] {
  return [
    { x: [1, -1], t: 0.9 },
    { x: [-1, 1], t: 0.1 },
  ].map(
    (e) =>
      problemFromJSON({
        kind: "noisy-net",
        input: e.x,
        layers: [
          { unit: { type: hidden, s: 0.5 }, weights: [[0.1, -0.05]], bias: [0.2] },
          { unit: { type: "noisy-sigmoid", s: 0.3 }, weights: [[0.5]], bias: [0] },
        ],
        loss: { kind: "squared", target: [e.t] },
      }) as NoisyNet,
  );
}

/** E[L](θ) of a noisy net by nested quadrature (relative target 1e-10: plenty for a curve). */
function noisyExpectedLoss(net: NoisyNet, theta: Float64Array): number {
  const out = new Float64Array(1);
  integrateNoise(net, theta, 1, (_ws, L, o) => (o[0] = L), out, { relTol: 1e-10, absTol: 1e-12 });
  return out[0];
}

export const trainingCurves: Figure = {
  id: "training-curves",
  title: "Training a small sigmoid belief net with each estimator",
  caption: "Exact expected loss E[L](θ_t) along SGD (step 0.1, same start, one seeded run per estimator) on a 2→3→2 sigmoid belief net whose outputs should be [1, 0]. The exact-gradient curve is the reference: unbiased noisy estimators (correlation, learned predictor) track it with noise; straight-through curves differ by their bias (either faster or stalled, depending on the form). Flat stretches are draws with h = target, where the sampled gradient is zero. Second chart: a two-example task (x = [1,−1] → 0.9, x = [−1,1] → 0.1) on a net with one noisy hidden unit (rectifier or hard threshold, s = 0.5) and a noisy-sigmoid output; the output bias alone cannot fit both, so the hidden weights must learn — which the pathwise rule cannot do through the threshold. E[L] by nested quadrature every 10 steps.",
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
    // Noisy-unit net: pathwise and score gradients on a rectifier hidden unit, and the pathwise
    // rule on a hard-threshold hidden unit (its hidden-layer gradient is 0 a.e.).
    const noisySteps = ctx.quick ? 100 : 300;
    const noisyEvery = 10;
    const noisyRuns: { label: string; hidden: "noisy-rectifier" | "hard-threshold"; id: EstimatorId }[] = [
      { label: "pathwise (rectifier hidden)", hidden: "noisy-rectifier", id: "pathwise" },
      { label: "score-injected (rectifier hidden)", hidden: "noisy-rectifier", id: "score-injected" },
      { label: "pathwise-threshold (threshold hidden)", hidden: "hard-threshold", id: "pathwise-threshold" },
    ];
    const noisyCurves: { label: string; points: [number, number][] }[] = [];
    for (const run of noisyRuns) {
      const task = noisyToyTask(run.hidden);
      const theta = task[0].initialParams();
      const insts = task.map((net) => estimators[run.id].create(net, theta));
      const noise = new Float64Array(insts[0].noiseSize);
      const g = new Float64Array(theta.length);
      const st = ctx.stream.fork(`train-noisy/${run.id}/${run.hidden}`);
      const EL = () => task.reduce((acc, net) => acc + noisyExpectedLoss(net, theta) / task.length, 0);
      const pts: [number, number][] = [[0, EL()]];
      for (let t = 1; t <= noisySteps; t++) {
        const e = st.int(task.length);
        st.uniforms(noise);
        insts[e].estimate(theta, noise, g);
        for (let k = 0; k < theta.length; k++) theta[k] -= 0.2 * g[k];
        if (t % noisyEvery === 0) pts.push([t, EL()]);
      }
      noisyCurves.push({ label: run.label, points: pts });
    }
    return {
      data: { problem: problem.toJSON(), steps, learningRate: lr, finalExpectedLoss: finals, curves, noisy: { task: noisyToyTask("noisy-rectifier").map((n) => n.toJSON()), steps: noisySteps, learningRate: 0.2, curves: noisyCurves } },
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
        {
          name: "noisy",
          spec: {
            title: "SGD on a net with injected-noise units: exact E[L] (quadrature) per step",
            x: { label: "SGD step t" },
            y: { label: "exact expected loss, mean over the 2 examples (log scale)", log: true },
            series: noisyCurves.map((c) => ({ label: c.label, points: c.points, style: "line" as const })),
            legend: "bottom",
          },
        },
      ],
    };
  },
};
