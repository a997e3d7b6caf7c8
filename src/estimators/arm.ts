/**
 * ARM, the Augment-REINFORCE-Merge estimator (Yin & Zhou 2019, ICLR, §2 Theorem 1 / eq. 6 for a
 * factorised layer and §3 for multiple stochastic layers, in this library's convention
 * b = 1[u < σ(a)]): per layer l the antithetic pair shares u_l,
 *   ĝ = Σ_l Σ_{i∈l} (f(b⁽ˡ⁾) − f(b)) · (uᵢ − ½) · ∂aᵢ/∂θ,
 * b = forward(u) and b⁽ˡ⁾ = forward(u with u_l → 1 − u_l) (antithetic.ts: later layers re-sampled
 * from the same u_{>l}). Unbiased; 1 + L loss evaluations (2 for a single layer).
 *
 * Noise ("custom"): u, one uniform per unit (unit order); every branch reuses it.
 * `exactMoments`: ARM is affine in u on cells cut at σ(aᵢ), 1 − σ(aᵢ) and the re-sampled
 * branches' σ(aᵢ⁽ˡ⁾) — integrated exactly by src/exact/sequential-cells.ts.
 */
import { exactCostReason, sequentialCellMoments, MAX_SEQUENTIAL_CELLS } from "../exact/sequential-cells.js";
import { requireBernoulliUnits, type BinaryProblem } from "../problems/types.js";
import { AntitheticChains, antitheticCellBound } from "./antithetic.js";
import type { EstimatorInstance, EstimatorSpec } from "./types.js";
import { resolveOptions } from "./options.js";

/**
 * ARM instance. `shareNoise = false` is the negative control in which each branch's antithetic
 * layer is drawn from an independent u′ (noise 2n: u, then u′): b̃_l = 1[1 − u′_l < σ(a_l)],
 * which breaks the antithetic coupling (mean ∇/2 on a factorised layer).
 */
export function createArm(problem: BinaryProblem, shareNoise = true): EstimatorInstance {
  const ch = new AntitheticChains(problem);
  const n = ch.n;
  const L = ch.layers.length;
  const inst: EstimatorInstance = {
    noiseSize: shareNoise ? n : 2 * n,
    lossEvaluations: 1 + L,
    estimate(theta, u, out) {
      out.fill(0);
      // main chain once (its workspace is untouched by the branches)
      const f = ch.forwardMain(theta, u);
      for (let l = 0; l < L; l++) {
        const fl = ch.forwardBranch(theta, u, l, shareNoise ? 0 : n);
        const [s, e] = ch.layers[l];
        for (let i = s; i < e; i++) {
          const c = (fl - f) * (u[i] - 0.5);
          if (c !== 0) problem.addLogitGradient(theta, ch.main, i, c, out);
        }
      }
      return f;
    },
  };
  if (antitheticCellBound(ch, !shareNoise) <= MAX_SEQUENTIAL_CELLS) {
    // control: interleave u_i, u′_i so each branch's flipped layer is known before later units
    const order = shareNoise ? undefined : Array.from({ length: 2 * n }, (_, k) => (k % 2 === 0 ? k / 2 : n + (k - 1) / 2));
    inst.exactMoments = (theta) =>
      sequentialCellMoments(
        inst,
        theta,
        (d, w) => {
          if (d < n) return ch.breakpoints(theta, d, w, true, shareNoise);
          ch.forwardMain(theta, w);
          return [1 - ch.main.s[d - n]];
        },
        { order },
        shareNoise ? "arm" : "the ARM control",
      );
  } else inst.exactUnavailable = exactCostReason(antitheticCellBound(ch, !shareNoise), MAX_SEQUENTIAL_CELLS, "cells of the antithetic partition (bound)");
  return inst;
}

export const arm: EstimatorSpec = {
  id: "arm",
  title: "ARM (antithetic, Yin & Zhou)",
  formula: "Σ_l Σ_{i∈l} (f(b⁽ˡ⁾) − f(b))(uᵢ − ½) ∂aᵢ/∂θ, b⁽ˡ⁾: layer l from 1 − u_l",
  source: "Yin & Zhou 2019, ICLR, ARM paper §2 (Theorem 1, eq. 6) and §3 (multiple stochastic layers)",
  unbiased: true,
  noise: "custom",
  defaults: {},
  applicable: (p) => requireBernoulliUnits(p),
  create(problem, _theta, options) {
    resolveOptions(this, options);
    return createArm(problem);
  },
};
