/**
 * Bias and variance against the pre-activation a for one unit, per estimator (exact):
 * pathwise and score gradients of a noisy rectifier (s = 1), the correlation and both
 * straight-through estimators of a binary unit, and the STS gradient of an STS unit, each
 * against the exact gradient of its own unit's expected loss L = (h − t)², t = 0.3.
 * Sources: 1305.2982 §3–4; 1308.3432 §3–4.
 */
import { exactWith } from "../analysis/claims/exact-helpers.js";
import type { EstimatorId } from "../src/estimators/registry.js";
import { NoisyRectifier, StochasticTimesSmooth } from "../src/neurons/index.js";
import { problemFromJSON } from "../src/problems/json.js";
import { SquaredLoss } from "../src/problems/loss.js";
import { noisySingle } from "../src/problems/noisy-net.js";
import type { BinaryProblem } from "../src/problems/types.js";
import type { Figure } from "../analysis/figures/types.js";

const T = 0.3;
const S = 1;

const series: { label: string; id: EstimatorId; unit: (a: number) => BinaryProblem }[] = [
  { label: "pathwise, noisy rectifier (s=1)", id: "pathwise", unit: (a) => noisySingle(new NoisyRectifier(S), a, new SquaredLoss([T])) },
  { label: "score, noisy rectifier (s=1)", id: "score-injected", unit: (a) => noisySingle(new NoisyRectifier(S), a, new SquaredLoss([T])) },
  { label: "correlation, binary unit", id: "correlation", unit: (a) => problemFromJSON({ kind: "single", logit: a, loss: { kind: "squared", target: T } }) },
  { label: "ST identity, binary unit", id: "straight-through", unit: (a) => problemFromJSON({ kind: "single", logit: a, loss: { kind: "squared", target: T } }) },
  { label: "ST sigmoid-adjusted, binary unit", id: "straight-through-sigmoid", unit: (a) => problemFromJSON({ kind: "single", logit: a, loss: { kind: "squared", target: T } }) },
  { label: "STS, STS unit", id: "sts", unit: (a) => noisySingle(new StochasticTimesSmooth(), a, new SquaredLoss([T])) },
];

export const unitBiasVariance: Figure = {
  id: "unit-bias-variance",
  claims: ["NR-unbiased", "ST-bias", "STS-bias"],
  title: "Bias and variance of single-unit gradient estimators against a",
  caption: `Exact bias E[ĝ] − ∂E[L]/∂a and variance Var[ĝ] for L = (h − ${T})², each estimator on its own unit type; the pathwise and score gradients of the noisy rectifier and the correlation estimator are unbiased (bias 0 up to rounding), ST and STS are not.`,
  run(ctx) {
    const as: number[] = [];
    for (let a = -4; a <= 4 + 1e-9; a += ctx.quick ? 0.5 : 0.25) as.push(Number(a.toFixed(2)));
    const rows: Record<string, unknown>[] = [];
    const bias: [number, number][][] = series.map(() => []);
    const variance: [number, number][][] = series.map(() => []);
    as.forEach((a, idx) => {
      series.forEach((s, j) => {
        const p = s.unit(a);
        const r = exactWith(p, p.initialParams(), { g: [s.id] });
        const b = r.estimators.g.mean[0] - r.gradient[0];
        const v = r.estimators.g.variance[0];
        bias[j].push([a, b]);
        variance[j].push([a, v]);
        rows.push({ a, estimator: s.id, unit: s.label, gradient: r.gradient[0], mean: r.estimators.g.mean[0], bias: b, variance: v });
      });
      ctx.progress(idx + 1, as.length);
    });
    return {
      data: { target: T, s: S, rows },
      charts: [
        { name: "bias", spec: { title: "Exact bias against a (L = (h − 0.3)²)", x: { label: "pre-activation a" }, y: { label: "bias E[ĝ] − ∂E[L]/∂a" }, series: series.map((s, j) => ({ label: s.label, points: bias[j], style: "line" as const })) } },
        { name: "variance", spec: { title: "Exact variance against a (L = (h − 0.3)²)", x: { label: "pre-activation a" }, y: { label: "Var[ĝ] (log scale)", log: true }, series: series.map((s, j) => ({ label: s.label, points: variance[j].filter(([, v]) => v > 0), style: "line" as const })) } },
      ],
    };
  },
};
