/**
 * GS-bias and STG-bias: the Gumbel-Softmax (binary Concrete) and straight-through Gumbel
 * estimators are biased for ∇E[f(b)] at every temperature τ > 0 (Jang et al. 2017 §2;
 * Maddison et al. 2017 §3.3: unbiased only for the relaxed objective). The exact bias
 * E[ĝ] − ∇E[f(b)] is computed by adaptive quadrature over u for τ ∈ {0.1, 0.25, 0.5, 1, 2} on the
 * single-unit toy and reported. Check: a seeded Monte Carlo mean at τ = 0.5 agrees with the
 * quadrature mean (z-test at α). Control: the same draws tested against the exact gradient (the
 * "unbiased" hypothesis) must be rejected; n is set by power for the exact bias.
 */
import { createGumbelSoftmax } from "../../src/estimators/gumbel-softmax.js";
import { createStGumbel } from "../../src/estimators/st-gumbel.js";
import { singleUnitMoments } from "../../src/estimators/single-unit-quadrature.js";
import type { EstimatorInstance } from "../../src/estimators/types.js";
import type { BinaryProblem } from "../../src/problems/types.js";
import { sampleMoments } from "../../src/estimators/sample.js";
import { monteCarloMeanCheck } from "./checks.js";
import { exactGradient, powerSampleSize } from "./estimator-checks.js";
import { singleUnitToy } from "./toys.js";
import type { Claim, ClaimOutcome } from "./types.js";

export const TAUS = [0.1, 0.25, 0.5, 1, 2];

/** Exact bias and variance of a relaxation estimator vs τ on a one-unit problem (quadrature). */
export function biasVersusTemperature(problem: BinaryProblem, make: (p: BinaryProblem, tau: number) => EstimatorInstance, split: boolean, taus = TAUS): { tau: number; mean: number; bias: number; variance: number; quadratureError: number }[] {
  const theta = problem.initialParams();
  const grad = exactGradient(problem, theta)[0];
  return taus.map((tau) => {
    const m = singleUnitMoments(problem, make(problem, tau), theta, split);
    return { tau, mean: m.mean[0], bias: m.mean[0] - grad, variance: m.variance[0], quadratureError: m.error };
  });
}

function biasClaim(id: string, statement: string, source: string, make: (p: BinaryProblem, tau: number) => EstimatorInstance, split: boolean): Claim {
  return {
    id,
    statement,
    source,
    control: "the same Monte Carlo draws tested against the exact gradient (the hypothesis 'unbiased')",
    run(ctx): ClaimOutcome {
      const p = ctx.problem("single unit p=0.3, f=(b−0.45)²", singleUnitToy(0.3, 0.45));
      const theta = p.initialParams();
      const grad = exactGradient(p, theta);
      const table = biasVersusTemperature(p, make, split);
      const at = table.find((r) => r.tau === 0.5)!;
      const n = powerSampleSize([at.bias], [at.variance], ctx.alpha);
      const m = sampleMoments(make(p, 0.5), theta, n, ctx.stream.fork("mc"));
      const check = monteCarloMeanCheck(`τ=0.5: Monte Carlo mean (n = ${n}) vs quadrature E[ĝ], max |z| vs z* at α`, m, [at.mean], ctx.alpha);
      const control = monteCarloMeanCheck(`τ=0.5: same Monte Carlo mean vs exact ∇E[L] (hypothesis 'unbiased')`, m, grad, ctx.alpha);
      ctx.progress(1, 1);
      return {
        reference: "exact ∇E[f(b)] by enumeration; E[ĝ] and Var[ĝ] by adaptive quadrature over u",
        checks: [check],
        controls: [control],
        data: { problem: p.toJSON(), gradient: grad[0], biasVersusTemperature: table, samples: n, monteCarloMean: m.mean[0], monteCarloVariance: m.variance[0] },
      };
    },
  };
}

export const gsBias = biasClaim(
  "GS-bias",
  "The Gumbel-Softmax / binary Concrete pathwise gradient is a biased estimator of ∇E[f(b)] for every τ > 0; its exact bias as a function of τ.",
  "Jang, Gu & Poole 2017, ICLR §2; Maddison, Mnih & Teh 2017, ICLR §3.3",
  (p, tau) => createGumbelSoftmax(p, tau),
  false,
);

export const stgBias = biasClaim(
  "STG-bias",
  "The straight-through Gumbel-Softmax estimator is biased for ∇E[f(b)]; its exact bias as a function of τ.",
  "Jang, Gu & Poole 2017, ICLR §2 (Straight-Through Gumbel-Softmax)",
  (p, tau) => createStGumbel(p, tau),
  true,
);
