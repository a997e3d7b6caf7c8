/**
 * Forward-mode dual numbers x + ẋε (ε² = 0), used for the exact gradient reference.
 * The reference must not use Theorem 1 (the score identity); it differentiates
 *   E[L](θ) = Σ_h L(h) Πᵢ qᵢ(θ)
 * by pushing duals through σ and the probability product.
 */
import { sigmoid, sigmoidDerivative } from "../numerics.js";
import type { BinaryProblem } from "../problems/types.js";
import { enumerateConfigurations } from "./enumerate.js";
import { toFiniteVector, type VectorInput } from "../ndarray.js";
import { InputError } from "../errors.js";

export interface Dual {
  v: number;
  d: number;
}

/** (x, ẋ)·(y, ẏ) = (xy, xẏ + ẋy) */
export function dualMul(x: Dual, y: Dual): Dual {
  return { v: x.v * y.v, d: x.v * y.d + x.d * y.v };
}

/** σ(x, ẋ) = (σ(x), σ(x)σ(−x)·ẋ) (σ(−x) rather than 1 − σ(x), which is 0 in float64 for x ≥ 37) */
export function dualSigmoid(x: Dual): Dual {
  return { v: sigmoid(x.v), d: sigmoidDerivative(x.v) * x.d };
}

/**
 * ∇θ E[L] by forward mode, one tangent direction per parameter (O(nParams · nUnits · 2ⁿ)):
 * for direction k, ȧᵢ = ∂aᵢ/∂θₖ (the problem's linear logit map, parents fixed), then
 * qᵢ = σ(aᵢ) or σ(−aᵢ) as duals, p = Π qᵢ as a dual product, and d/dθₖ E[L] = Σ_h L·ṗ.
 * Slow by design; the reference for tests and claims on small problems.
 */
export function exactGradientDual(problem: BinaryProblem, thetaIn: VectorInput): { expectedLoss: number; gradient: Float64Array } {
  const theta = toFiniteVector(thetaIn, "θ", problem.nParams);
  const n = problem.nUnits;
  const P = problem.nParams;
  const jac = new Float64Array(n * P); // ∂aᵢ/∂θ rows for the current configuration
  const grad = new Float64Array(P);
  let EL = 0;
  enumerateConfigurations(problem, theta, (ws, _u, _p, L) => {
    jac.fill(0);
    for (let i = 0; i < n; i++) problem.addLogitGradient(theta, ws, i, 1, jac.subarray(i * P, (i + 1) * P));
    let pv = 1;
    for (let k = 0; k < P; k++) {
      let prob: Dual = { v: 1, d: 0 };
      for (let i = 0; i < n; i++) {
        // qᵢ = σ(aᵢ) for hᵢ = 1, σ(−aᵢ) for hᵢ = 0
        const sgn = 2 * ws.h[i] - 1;
        prob = dualMul(prob, dualSigmoid({ v: sgn * ws.a[i], d: sgn * jac[i * P + k] }));
      }
      grad[k] += L * prob.d;
      pv = prob.v;
    }
    if (P === 0) for (let i = 0; i < n; i++) pv *= ws.h[i] === 1 ? ws.s[i] : ws.c[i];
    EL += L * pv;
  });
  return { expectedLoss: EL, gradient: grad };
}

/** Central finite differences of the exact E[L]: (E_{θ+εeₖ}[L] − E_{θ−εeₖ}[L]) / 2ε. */
export function exactGradientFiniteDifference(problem: BinaryProblem, thetaIn: VectorInput, eps = 1e-5): Float64Array {
  const theta = toFiniteVector(thetaIn, "θ", problem.nParams);
  if (!(eps > 0) || !Number.isFinite(eps)) throw new InputError(`eps: expected a finite step > 0, got ${eps}`);
  const P = problem.nParams;
  const g = new Float64Array(P);
  const t = theta.slice();
  for (let k = 0; k < P; k++) {
    t[k] = theta[k] + eps;
    const up = expectedLoss(problem, t);
    t[k] = theta[k] - eps;
    const down = expectedLoss(problem, t);
    t[k] = theta[k];
    g[k] = (up - down) / (2 * eps);
  }
  return g;
}

/** E_θ[L] = Σ_h p_θ(h) L(h), by enumeration. */
export function expectedLoss(problem: BinaryProblem, thetaIn: VectorInput): number {
  const theta = toFiniteVector(thetaIn, "θ", problem.nParams);
  let e = 0;
  enumerateConfigurations(problem, theta, (_ws, _u, p, L) => {
    e += p * L;
  });
  return e;
}
