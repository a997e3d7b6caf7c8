/**
 * NR-unbiased (Bengio 2013, arXiv 1305.2982, §4): back-propagating through a noisy rectifier
 * h = max(0, a + z), z ~ N(0, s²), gives an unbiased estimator of ∂E[L]/∂a — the unit is not
 * flat, so the pathwise derivative 1[a + z > 0] carries the gradient. Control: the same rule on
 * the hard threshold 1[a + z > 0], whose derivative is 0 almost everywhere.
 */
import { sampleMoments } from "../../src/estimators/sample.js";
import { estimators } from "../../src/estimators/registry.js";
import { HardThreshold, NoisyRectifier } from "../../src/neurons/index.js";
import { SquaredLoss } from "../../src/problems/loss.js";
import { NoisyNet, noisySingle } from "../../src/problems/noisy-net.js";
import { zCritical } from "../../src/stats/tests.js";
import { monteCarloMeanCheck, samplesForPower } from "./checks.js";
import { exactWith, r6 } from "./exact-helpers.js";
import { verdict, type Claim } from "./types.js";
import { maxRelativeError } from "../../src/numerics.js";

/** The cases: single units (a, s, t) and a two-layer rectifier net. */
function cases(kind: "rectifier" | "threshold"): { label: string; net: NoisyNet }[] {
  const unit = (s: number) => (kind === "rectifier" ? new NoisyRectifier(s) : new HardThreshold(s));
  const singles: [number, number, number][] = [[0.3, 0.7, 0.45], [-1, 0.5, 0.2], [1.5, 1.2, 2]];
  const out = singles.map(([a, s, t]) => ({ label: `single a=${a} s=${s} L=(h−${t})²`, net: noisySingle(unit(s), a, new SquaredLoss([t])) }));
  out.push({
    label: "net x=[1,−0.5] → 1 unit → 1 unit, L=(h−0.8)²",
    net: new NoisyNet([1, -0.5], [{ unit: unit(0.6), weights: [[0.8, 0.3]], bias: [-0.2] }, { unit: unit(0.5), weights: [[1.1]], bias: [0.1] }], new SquaredLoss([0.8])),
  });
  return out;
}

export const nrUnbiased: Claim = {
  id: "NR-unbiased",
  statement: "Noise injected into a non-flat non-linearity such as the rectifier gives an unbiased back-propagated gradient: E[∂L/∂a through max(0, a+z)] = ∂E[L]/∂a.",
  source: "Bengio 2013, arXiv 1305.2982, §4",
  control: "pathwise gradient through the hard threshold 1[a+z>0] (0 almost everywhere) on the same cases",
  run(ctx) {
    const rows: Record<string, unknown>[] = [];
    const run = (kind: "rectifier" | "threshold") => {
      const id = kind === "rectifier" ? "pathwise" : "pathwise-threshold";
      let worst = 0;
      for (const c of cases(kind)) {
        const theta = c.net.initialParams();
        const r = exactWith(c.net, theta, { g: [id] });
        const err = maxRelativeError(r.estimators.g.mean, r.gradient);
        worst = Math.max(worst, err);
        rows.push({ unit: kind, case: c.label, exactGradient: Array.from(r.gradient, r6), pathwiseMean: Array.from(r.estimators.g.mean, r6), pathwiseVariance: Array.from(r.estimators.g.variance, r6), relativeError: err });
      }
      // Tolerance 1e-9: both sides are adaptive Gauss–Kronrod
      // integrals with 1e-12 relative targets per nesting level (≤ 2 levels here).
      return verdict(`max relative error of the exact (quadrature) mean of the ${id} gradient vs the exact ∇E[L], over ${cases(kind).length} cases`, worst, 1e-9, "exact");
    };
    const exactCheck = run("rectifier");
    const exactControl = run("threshold");
    // Monte Carlo on the first single-unit case: sampled pathwise mean converges to ∇E[L].
    const mc = (kind: "rectifier" | "threshold") => {
      const c = cases(kind)[0];
      const theta = c.net.initialParams();
      const ref = exactWith(c.net, theta, {});
      const rect = exactWith(cases("rectifier")[0].net, theta, { g: ["pathwise"] });
      // power: detect an offset of 10% of |∇| at the rectifier's sd, at the Bonferroni z*
      const n = Math.min(ctx.quick ? 20000 : 200000, Math.max(2000, samplesForPower(0.1 * Math.abs(ref.gradient[0]), Math.sqrt(rect.estimators.g.variance[0]), zCritical(ctx.alpha, 1))));
      const inst = estimators[kind === "rectifier" ? "pathwise" : "pathwise-threshold"].create(c.net, theta);
      const m = sampleMoments(inst, theta, n, ctx.stream.fork(`mc/${kind}`));
      return monteCarloMeanCheck(`z-test at α=${ctx.alpha} of the sampled ${kind} pathwise mean vs exact ∂E[L]/∂a`, m, ref.gradient, ctx.alpha);
    };
    // Larger net (3→3→1, 4 noisy units: beyond nested quadrature's budget): two-sample z-test of
    // the pathwise mean against the unbiased score-function estimator, independent seeded streams,
    // Bonferroni over coordinates at α.
    const large = (kind: "rectifier" | "threshold") => {
      const unit = (sd: number) => (kind === "rectifier" ? new NoisyRectifier(sd) : new HardThreshold(sd));
      const net = new NoisyNet(
        [1, -0.5, 0.25],
        [
          { unit: unit(0.5), weights: [[0.6, -0.4, 0.3], [-0.2, 0.5, 0.7], [0.4, 0.4, -0.6]], bias: [0.1, -0.1, 0.2] },
          { unit: unit(0.5), weights: [[0.9, -0.7, 0.5]], bias: [0.2] },
        ],
        new SquaredLoss([0.7]),
      );
      const theta = net.initialParams();
      const n = ctx.quick ? 100000 : 400000;
      const a = sampleMoments(estimators[kind === "rectifier" ? "pathwise" : "pathwise-threshold"].create(net, theta), theta, n, ctx.stream.fork(`large/${kind}/pathwise`));
      const b = sampleMoments(estimators["score-injected"].create(net, theta), theta, n, ctx.stream.fork(`large/${kind}/score`));
      let maxZ = 0;
      for (let k = 0; k < net.nParams; k++) {
        const se = Math.hypot(a.standardError[k], b.standardError[k]);
        const d = Math.abs(a.mean[k] - b.mean[k]);
        maxZ = Math.max(maxZ, se > 0 ? d / se : d === 0 ? 0 : Infinity);
      }
      return verdict(`two-sample z-test at α=${ctx.alpha} (Bonferroni over ${net.nParams}): sampled ${kind} pathwise mean vs sampled score-function mean on a 3→3→1 net (n = ${n} each)`, maxZ, zCritical(ctx.alpha, net.nParams), "statistical");
    };
    return {
      reference: "∂E[L]/∂θ by nested adaptive Gauss–Kronrod quadrature of the score form E[L·Σ z/s²·∂a/∂θ], added level by level against the baseline V(z = 0) (no pathwise derivative), over z/s split at each unit's kink and around the Gaussian mass, certified to 1e-9; for a 4-unit net, seeded Monte Carlo of the unbiased score-function estimator",
      checks: [exactCheck, mc("rectifier"), large("rectifier")],
      controls: [exactControl, mc("threshold"), large("threshold")],
      data: { cases: rows },
    };
  },
};
