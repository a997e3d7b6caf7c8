/**
 * ST-bias (Bengio, Léonard & Courville 2013, arXiv 1308.3432, §4 "straight-through"): the
 * straight-through estimator, identity (∂h/∂a := 1) or sigmoid-adjusted (∂h/∂a := σ'(a)), is
 * biased. Exact bias by enumeration on single units and a net:
 *  - single unit, L = (h − t)²: ∇ = σ'(a)(1 − 2t) but E[ĝ_ST] = 2(σ(a) − t)·{1, σ'(a)}: the sign
 *    is wrong whenever σ(a) and ½ lie on different sides of t (p far from t on the wrong side);
 *  - single unit, L linear in h (c·h): the sigmoid-adjusted form is exactly unbiased, the
 *    identity form is not.
 * Controls: the correlation estimator (Theorem 1 of 1305.2982, unbiased) under the same checks,
 * and identity ST under the "exactly unbiased" check.
 */
import { problemFromJSON } from "../../src/problems/json.js";
import { lpProblem } from "./lp-variance-reduction.js";
import { exactWith, r6 } from "./exact-helpers.js";
import { verdict, type Claim } from "./types.js";
import { maxRelativeError } from "../../src/numerics.js";
import { cosine } from "../../src/numerics.js";

const single = (a: number, loss: unknown) => problemFromJSON({ kind: "single", logit: a, loss });

export const stBias: Claim = {
  id: "ST-bias",
  statement: "The straight-through estimator is biased: on a single unit with L = (h−t)² and p far from t its mean can have the wrong sign; the sigmoid-adjusted form is exactly unbiased when L is linear in h.",
  source: "Bengio, Léonard & Courville 2013, arXiv 1308.3432, §4 (straight-through); Hinton 2012 lectures",
  control: "correlation estimator (unbiased, 1305.2982 Theorem 1) under the wrong-sign and biased-on-a-net checks; identity ST under the exactly-unbiased check",
  run(ctx) {
    const rows: Record<string, unknown>[] = [];
    const ids = { st: ["straight-through"], stSig: ["straight-through-sigmoid"], corr: ["correlation"] } as const;
    const record = (label: string, r: ReturnType<typeof exactWith>) =>
      rows.push({
        case: label,
        gradient: Array.from(r.gradient, r6),
        biasST: Array.from(r.estimators.st.mean, (v, k) => r6(v - r.gradient[k])),
        biasSTsigmoid: Array.from(r.estimators.stSig.mean, (v, k) => r6(v - r.gradient[k])),
        varianceST: Array.from(r.estimators.st.variance, r6),
        varianceSTsigmoid: Array.from(r.estimators.stSig.variance, r6),
        cosST: r6(cosine(r.estimators.st.mean, r.gradient)),
        cosSTsigmoid: r6(cosine(r.estimators.stSig.mean, r.gradient)),
      });
    // grid of single units, squared loss
    for (const a of [-3, -1, 0, 1, 3]) for (const t of [0.2, 0.4, 0.6]) {
      const p = ctx.problem(`single a=${a} L=(h−${t})²`, single(a, { kind: "squared", target: t }));
      record(`single a=${a} (p=${r6(1 / (1 + Math.exp(-a)))}) L=(h−${t})²`, exactWith(p, p.initialParams(), { ...ids } as never));
    }
    // wrong sign: p = σ(−3) ≈ 0.047, t = 0.4 → ∇ = σ'(1−0.8) > 0, E[ĝ_ST] = 2(p−t) < 0
    const ws = single(-3, { kind: "squared", target: 0.4 });
    const rw = exactWith(ws, ws.initialParams(), { ...ids } as never);
    // linear loss L = 1.7·h
    const lin = ctx.problem("single a=0.8 L=1.7·h", single(0.8, { kind: "table", table: [0, 1.7] }));
    const rl = exactWith(lin, lin.initialParams(), { ...ids } as never);
    record("single a=0.8 L=1.7·h (linear)", rl);
    // net
    const net = ctx.problem("sbn 2→3→2, L=‖h−t‖²", lpProblem());
    const rn = exactWith(net, net.initialParams(), { ...ids } as never);
    record("sbn 2→3→2, L=‖h−t‖²", rn);
    // Rounding-level tolerance: these are sums of ≤ 32 exactly enumerated terms (~1e-16 each).
    const wrongSign = (key: "st" | "stSig" | "corr") => verdict(`cos(E[ĝ_${key}], ∇E[L]) on a=−3, t=0.4 (must be < 0: wrong sign)`, cosine(rw.estimators[key].mean, rw.gradient), -1e-12, "exact", "cosine");
    const unbiasedLinear = (key: "st" | "stSig") => verdict(`relative error of exact E[ĝ_${key}] vs ∇E[L], L linear in h`, maxRelativeError(rl.estimators[key].mean, rl.gradient), 1e-12, "exact", "relative-error");
    const biasedNet = (key: "st" | "stSig" | "corr") => verdict(`−(relative bias of exact E[ĝ_${key}]) on the net (≤ −1e-6 means biased beyond rounding)`, -maxRelativeError(rn.estimators[key].mean, rn.gradient), -1e-6, "exact", "negated-relative-error");
    return {
      reference: "exact ∇E[L] and exact E[ĝ], Var[ĝ] by enumeration (forward-mode product rule, no score identity)",
      checks: [wrongSign("st"), wrongSign("stSig"), unbiasedLinear("stSig"), biasedNet("st"), biasedNet("stSig")],
      controls: [wrongSign("corr"), unbiasedLinear("st"), biasedNet("corr")],
      data: { table: rows },
    };
  },
};
