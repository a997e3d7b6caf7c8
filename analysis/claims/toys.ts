/**
 * Problems shared by the claims, figures and tests of RLOO, the antithetic estimators (AR, ARM,
 * DisARM) and the relaxations (Concrete, REBAR, RELAX).
 */
import { problemFromJSON } from "../../src/problems/json.js";
import type { BinaryProblem } from "../../src/problems/types.js";

/** logit(p) = log p − log(1 − p) */
export function logit(p: number): number {
  return Math.log(p) - Math.log1p(-p);
}

/** The single-unit toy of Tucker et al. 2017 §5.1 / Grathwohl et al. 2018 §6.1: f(b) = (b − t)², p = σ(a). */
export function singleUnitToy(p: number, t: number): BinaryProblem {
  return problemFromJSON({ kind: "single", logit: logit(p), loss: { kind: "squared", target: t } });
}

/** A factorised belief-net layer: input x (2), 3 binary units, a non-separable table loss. */
export function oneLayerNet(): BinaryProblem {
  return problemFromJSON({
    kind: "sbn",
    input: [1, -0.5],
    layers: [{ weights: [[0.3, -0.2], [0.5, 0.1], [-0.4, 0.7]], bias: [0.1, -0.3, -0.6] }],
    loss: { kind: "table", table: [0.3, 1.2, -0.5, 2, 0.7, -1, 0.4, 1.5] },
  });
}

/** A two-layer belief net (2 → 3 → 2 units) with a squared loss: units depend on their parents. */
export function twoLayerNet(): BinaryProblem {
  return problemFromJSON({
    kind: "sbn",
    input: [1, 0.5],
    layers: [
      { weights: [[0.4, -0.3], [-0.6, 0.2], [0.1, 0.8]], bias: [0.2, -0.1, -0.4] },
      { weights: [[1.1, -0.7, 0.5], [-0.9, 0.6, 1.2]], bias: [-0.2, 0.3] },
    ],
    loss: { kind: "squared", target: [0.8, 0.1] },
  });
}
