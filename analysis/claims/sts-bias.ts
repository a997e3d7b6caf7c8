/**
 * STS-bias (Bengio, Léonard & Courville 2013, arXiv 1308.3432, §3): the stochastic-times-smooth
 * unit h = b·√σ(a), b ~ Bernoulli(√σ(a)), has E[h] = σ(a); its gradient back-propagated through
 * the smooth factor √σ(a) with b held fixed ignores how b's distribution moves with a, so it is
 * a biased estimator of the gradient of its own expected loss. Exact bias and variance by
 * summation over b (binary noise, exact); the reference gradient adds the Bernoulli score term.
 * Checks: the exact reference is confirmed by Richardson-extrapolated differences of E[L] and by
 * sampling the unbiased score estimator,
 * the STS bias is beyond rounding, and sampled STS means converge to the exact STS mean.
 * Control: the score (likelihood-ratio) estimator, unbiased, under the same bias and z checks.
 */
import { formatAlpha } from "../format.js";
import { sampleMoments } from "../../src/estimators/sample.js";
import { estimators } from "../../src/estimators/registry.js";
import { StochasticTimesSmooth } from "../../src/neurons/index.js";
import { SquaredLoss } from "../../src/problems/loss.js";
import { NoisyNet, noisySingle } from "../../src/problems/noisy-net.js";
import { zCritical } from "../../src/stats/tests.js";
import { monteCarloMeanCheck, samplesForPower } from "./checks.js";
import { exactWith, r6 } from "./exact-helpers.js";
import { verdict, type Claim } from "./types.js";
import { maxRelativeError } from "../../src/numerics.js";

export function stsNet(): NoisyNet {
  const u = new StochasticTimesSmooth();
  return new NoisyNet([1, -1], [{ unit: u, weights: [[0.6, 0.2], [-0.4, 0.7]], bias: [0.1, -0.3] }, { unit: u, weights: [[1.2, -0.8]], bias: [0.2] }], new SquaredLoss([0.9]));
}

export const stsBias: Claim = {
  id: "STS-bias",
  statement: "The stochastic-times-smooth gradient (back-propagation through √σ(a) with b fixed) is a biased estimator of the gradient of the STS unit's own expected loss.",
  source: "Bengio, Léonard & Courville 2013, arXiv 1308.3432, §3",
  control: "the score-function estimator for the same STS units (unbiased) under the same checks",
  run(ctx) {
    const rows: Record<string, unknown>[] = [];
    const cases: { label: string; net: NoisyNet }[] = [];
    for (const a of [-2, 0, 2]) for (const t of [0.1, 0.9]) cases.push({ label: `single a=${a} L=(h−${t})²`, net: noisySingle(new StochasticTimesSmooth(), a, new SquaredLoss([t])) });
    cases.push({ label: "STS net 2→2→1, L=(h−0.9)²", net: stsNet() });
    let worstSTS = Infinity;
    let scoreAsControl = 0;
    for (const c of cases) {
      ctx.problem(c.label, c.net);
      const r = exactWith(c.net, c.net.initialParams(), { sts: ["sts"], score: ["score-injected"] });
      const relSTS = maxRelativeError(r.estimators.sts.mean, r.gradient);
      const relScore = maxRelativeError(r.estimators.score.mean, r.gradient);
      worstSTS = Math.min(worstSTS, relSTS);
      scoreAsControl = Math.max(scoreAsControl, relScore);
      rows.push({ case: c.label, gradient: Array.from(r.gradient, r6), stsMean: Array.from(r.estimators.sts.mean, r6), stsBias: Array.from(r.estimators.sts.mean, (v, k) => r6(v - r.gradient[k])), stsVariance: Array.from(r.estimators.sts.variance, r6), scoreVariance: Array.from(r.estimators.score.variance, r6), stsRelativeBias: r6(relSTS) });
    }
    // Monte Carlo on the net: STS samples converge to the exact STS mean, not to ∇E[L].
    const net = stsNet();
    const theta = net.initialParams();
    const ex = exactWith(net, theta, { sts: ["sts"], score: ["score-injected"] });
    let minBias = Infinity;
    let maxSd = 0;
    for (let k = 0; k < net.nParams; k++) {
      const b = Math.abs(ex.estimators.sts.mean[k] - ex.gradient[k]);
      if (b > 1e-3) minBias = Math.min(minBias, b);
      maxSd = Math.max(maxSd, Math.sqrt(ex.estimators.sts.variance[k]));
    }
    const zc = zCritical(ctx.alpha, net.nParams);
    // power: detect the smallest STS bias above 1e-3 at the largest per-draw sd, capped; at least 2·10⁴ draws
    const n = Math.max(ctx.quick ? 20000 : 100000, Math.min(ctx.quick ? 100000 : 400000, samplesForPower(minBias, maxSd, zc)));
    // Independent check of the reference: Richardson-extrapolated central differences of the
    // exactly summed E[L] (truncation O(ε⁴) ≈ 1e-12 at ε = 1e-3; rounding ≈ 1e-16/ε = 1e-13).
    const EL = (t: Float64Array) => exactWith(net, t, {}).expectedLoss;
    const fd = new Float64Array(net.nParams);
    for (let k = 0; k < net.nParams; k++) {
      const d = (e: number) => {
        const tp = theta.slice();
        const tm = theta.slice();
        tp[k] += e;
        tm[k] -= e;
        return (EL(tp) - EL(tm)) / (2 * e);
      };
      fd[k] = (4 * d(5e-4) - d(1e-3)) / 3;
    }
    const sampled = (id: "sts" | "score-injected", key: string) => sampleMoments(estimators[id].create(net, theta), theta, n, ctx.stream.fork(key));
    const mSTS = sampled("sts", "mc/sts");
    const mScore = sampled("score-injected", "mc/score");
    // rounding-level tolerance: sums of ≤ 2⁵ exactly weighted terms
    return {
      reference: "exact ∇E[L] by summation over the Bernoulli noise b (score term + smooth path); E[ĝ_STS], Var[ĝ_STS] by the same summation",
      checks: [
        verdict("max relative error of the reference ∇E[L] vs Richardson central differences of E[L] (STS net)", maxRelativeError(ex.gradient, fd), 1e-8, "exact", "relative-error"),
        verdict("−min over cases of the relative bias of E[ĝ_STS] (≤ −1e-6: biased beyond rounding)", -worstSTS, -1e-6, "exact", "negated-relative-error"),
        monteCarloMeanCheck(`z-test at α = ${formatAlpha(ctx.alpha)}: sampled STS mean vs its exact mean`, mSTS, ex.estimators.sts.mean, ctx.alpha),
        monteCarloMeanCheck(`z-test at α = ${formatAlpha(ctx.alpha)}: sampled score mean vs ∇E[L]`, mScore, ex.gradient, ctx.alpha),
      ],
      controls: [
        verdict("−max relative bias of the score estimator (control: unbiased)", -scoreAsControl, -1e-6, "exact", "negated-relative-error"),
        monteCarloMeanCheck(`z-test at α = ${formatAlpha(ctx.alpha)}: sampled STS mean vs ∇E[L] (control: STS is biased; minimum detectable bias ${r6(minBias)})`, mSTS, ex.gradient, ctx.alpha),
      ],
      data: { table: rows },
    };
  },
};
