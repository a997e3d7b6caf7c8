/**
 * REBAR-unbiased and RELAX-unbiased: the Concrete control variate with the conditional
 * reparameterisation z̃ ~ p(z | b) leaves the estimator unbiased for every η, λ and every
 * control-variate parameter φ (Tucker et al. 2017 §3; Grathwohl et al. 2018 §3.3).
 * Exact: nested adaptive quadrature over (u, v) on a single unit; Monte Carlo z-test at α on the
 * single unit and on a three-unit layer. RELAX is checked at a φ trained for 300 variance-gradient
 * steps (w2 ≠ 0), frozen while sampling.
 * Control: z̃ drawn from p(z | b) but differentiated as if u′ were fixed (dz̃/da := 1).
 */
import { createRebar } from "../../src/estimators/rebar.js";
import { createRelax } from "../../src/estimators/relax.js";
import type { EstimatorInstance } from "../../src/estimators/types.js";
import type { BinaryProblem } from "../../src/problems/types.js";
import type { Stream } from "../../src/random/stream.js";
import { frozen, monteCarloUnbiasedChecks, unbiasedChecks, warmUp } from "./estimator-checks.js";
import { oneLayerNet, singleUnitToy } from "./toys.js";
import type { Claim, ClaimOutcome } from "./types.js";

// Quadrature targets 1e-12 relative on each moment (QUAD_OPTIONS) in both nested levels; the
// inner error enters the outer integrand: 1e-10 covers both with margin.
const TOL = 1e-10;
const TOL_WHY = "1e-10: nested adaptive Gauss–Kronrod, 1e-12 relative target per level, 100× margin";

/** Train RELAX's φ for `steps` variance-gradient steps at θ (noise from `stream`), then freeze it. */
export function trainedRelax(problem: BinaryProblem, steps: number, stream: Stream, throughU = true): EstimatorInstance {
  const inst = createRelax(problem, { eta: 1, temperature: 0.5, hidden: 8, lr: 0.01, seed: 0 }, throughU);
  warmUp(inst, problem.initialParams(), steps, stream);
  return frozen(inst);
}

function concreteClaim(id: string, statement: string, source: string, make: (p: BinaryProblem, s: Stream, throughU: boolean) => EstimatorInstance): Claim {
  return {
    id,
    statement,
    source,
    control: "z̃ ~ p(z|b) differentiated with u′ held fixed (dz̃/da := 1), the common slip",
    run(ctx): ClaimOutcome {
      const out: ClaimOutcome = { reference: "exact ∇θE[L] by enumeration; E[ĝ] by nested adaptive quadrature over (u, v)", checks: [], controls: [], data: {} };
      const unit = ctx.problem("single unit p=0.3, f=(b−0.45)²", singleUnitToy(0.3, 0.45));
      const r = unbiasedChecks("single unit p=0.3, f=(b−0.45)²", unit, () => make(unit, ctx.stream.fork("train"), true), () => make(unit, ctx.stream.fork("train"), false), ctx.stream.fork("unit"), ctx.alpha, TOL, TOL_WHY);
      out.checks.push(...r.checks);
      out.controls.push(...r.controls);
      out.data.singleUnit = r.data;
      ctx.progress(1, 2);
      const net = ctx.problem("one-layer net (3 units, table loss)", oneLayerNet());
      const m = monteCarloUnbiasedChecks("one-layer net (3 units, table loss)", net, make(net, ctx.stream.fork("train-net"), true), make(net, ctx.stream.fork("train-net"), false), ctx.stream.fork("net"), ctx.alpha);
      out.checks.push(m.check);
      out.controls.push(m.control);
      out.data.oneLayerNet = m.data;
      ctx.progress(2, 2);
      return out;
    },
  };
}

export const rebarUnbiased = concreteClaim(
  "REBAR-unbiased",
  "REBAR, [f(b) − ηf(σ_λ(z̃))]∇log p(b) + η∇f(σ_λ(z)) − η∇f(σ_λ(z̃)) with z̃ ~ p(z|b), is unbiased for every η and λ.",
  "Tucker, Mnih, Maddison, Lawson & Sohl-Dickstein 2017, NeurIPS, §3 (eq. 6)",
  (p, _s, throughU) => createRebar(p, 1, 0.5, throughU),
);

export const relaxUnbiased = concreteClaim(
  "RELAX-unbiased",
  "RELAX, [f(b) − c_φ(z̃)]∇log p(b) + ∇c_φ(z) − ∇c_φ(z̃), is unbiased for any control variate c_φ (here after 300 variance-minimising steps).",
  "Grathwohl, Choi, Wu, Roeder & Duvenaud 2018, ICLR, §3.3 (eq. 8)",
  (p, s, throughU) => trainedRelax(p, 300, s, throughU),
);
