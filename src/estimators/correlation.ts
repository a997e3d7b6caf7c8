/**
 * The correlation estimator of Bengio (2013), arXiv 1305.2982, Theorem 1 ("unbiased estimator
 * of the gradient for binary stochastic neurons"):
 *   ĝ = Σᵢ (hᵢ − σ(aᵢ)) · (L − bᵢ) · ∂aᵢ/∂θ,     hᵢ = 1[uᵢ < σ(aᵢ)],
 * unbiased for ∇θ E[L] for any baseline bᵢ that does not depend on hᵢ (nor on units after it),
 * with no small-perturbation assumption, and for a delayed non-differentiable reward L.
 * The variance-minimising per-unit baseline is L̄ᵢ = E[(hᵢ−σᵢ)² L] / E[(hᵢ−σᵢ)²].
 */
import { addAllLogitGradients, requireBernoulliUnits, unitResidual, type BinaryProblem, type Workspace } from "../problems/types.js";
import { enumerateConfigurations } from "../exact/enumerate.js";
import type { EstimatorInstance, EstimatorOptions, EstimatorSpec, OptionDomain } from "./types.js";
import { resolveOptions } from "./options.js";

/**
 * out = Σᵢ (hᵢ − σᵢ)(L − bᵢ) ∂aᵢ/∂θ after sampling h from u. Shapes: θ (nParams), u (nUnits),
 * baseline b (nUnits), out (nParams). Returns L. No allocation.
 */
export function correlationEstimate(problem: BinaryProblem, theta: Float64Array, u: Float64Array, ws: Workspace, baseline: Float64Array, out: Float64Array, coef = new Float64Array(problem.nUnits)): number {
  const L = problem.forward(theta, u, ws);
  correlationAt(problem, theta, ws, L, baseline, out, coef);
  return L;
}

function sameTheta(a: Float64Array | null, b: Float64Array): boolean {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** out = Σᵢ (hᵢ − σᵢ)(L − bᵢ) ∂aᵢ/∂θ for the configuration already in ws (no forward pass). */
/** coef (nUnits) is caller-owned scratch, so per-sample loops allocate nothing. */
export function correlationAt(problem: BinaryProblem, theta: Float64Array, ws: Workspace, L: number, baseline: Float64Array, out: Float64Array, coef: Float64Array): void {
  out.fill(0);
  const n = problem.nUnits;
  for (let i = 0; i < n; i++) coef[i] = unitResidual(ws, i) * (L - baseline[i]);
  addAllLogitGradients(problem, theta, ws, coef, out);
}

/**
 * Exact variance-minimising per-unit baseline L̄ᵢ = E[(hᵢ−σᵢ)² L] / E[(hᵢ−σᵢ)²] by enumeration.
 * Shapes: returns nUnits. Source: 1305.2982, Theorem 1's corollary on the optimal baseline.
 */
export function optimalBaseline(problem: BinaryProblem, theta: Float64Array): Float64Array {
  const n = problem.nUnits;
  const num = new Float64Array(n);
  const den = new Float64Array(n);
  enumerateConfigurations(problem, theta, (ws, _u, p, L) => {
    for (let i = 0; i < n; i++) {
      const d = unitResidual(ws, i);
      num[i] += p * d * d * L;
      den[i] += p * d * d;
    }
  });
  for (let i = 0; i < n; i++) num[i] = den[i] > 0 ? num[i] / den[i] : 0;
  return num;
}

type BaselineKind = "none" | "constant" | "moving-average" | "optimal" | "optimal-online" | "h-dependent";

/** β of a moving average L̃ ← βL̃ + (1−β)L */
const DECAY: OptionDomain = { min: 0, max: 1, why: "a moving average βL̃ + (1−β)L needs β in [0, 1]" };
const FINITE: OptionDomain = {};

function makeSpec(id: string, kind: BaselineKind, title: string, formula: string, defaults: EstimatorOptions, unbiased = true): EstimatorSpec {
  return {
    // decay is a moving-average coefficient; baseline, initial and beta any finite number
    domains: Object.fromEntries(Object.keys(defaults).map((k) => [k, k === "decay" ? DECAY : FINITE])),
    id,
    title,
    formula,
    source: kind === "h-dependent" ? "negative control for 1305.2982 Theorem 1 (baseline violates its condition)" : "Bengio 2013, arXiv 1305.2982, Theorem 1 and its optimal-baseline corollary",
    unbiased,
    noise: "units",
    defaults,
    applicable: (problem) => requireBernoulliUnits(problem) ?? (kind === "optimal" && problem.nUnits > 24 ? `the exact optimal baseline enumerates 2^${problem.nUnits} states; use correlation-optimal-online` : null),
    create(problem: BinaryProblem, theta: Float64Array, options: EstimatorOptions = {}): EstimatorInstance {
      const opt = resolveOptions(this, options);
      const n = problem.nUnits;
      const ws = problem.createWorkspace();
      const b = new Float64Array(n);
      const num = new Float64Array(n);
      const den = new Float64Array(n);
      const coef = new Float64Array(n);
      let ma = opt.initial ?? 0;
      let lastL = Number.NaN;
      let cachedTheta: Float64Array | null = null;
      if (kind === "constant") b.fill(opt.baseline);
      if (kind === "moving-average") b.fill(ma);
      const refreshOptimal = (t: Float64Array) => {
        if (!sameTheta(cachedTheta, t)) {
          b.set(optimalBaseline(problem, t));
          cachedTheta = t.slice();
        }
      };
      if (kind === "optimal") refreshOptimal(theta);
      return {
        noiseSize: n,
        lossEvaluations: 1,
        estimate(t, u, out) {
          if (kind === "optimal") refreshOptimal(t);
          if (kind === "h-dependent") {
            // b_i = β·h_i uses the unit's own sample: forbidden by Theorem 1.
            lastL = problem.forward(t, u, ws);
            out.fill(0);
            for (let i = 0; i < n; i++) {
              const c = unitResidual(ws, i) * (lastL - opt.beta * ws.h[i]);
              if (c !== 0) problem.addLogitGradient(t, ws, i, c, out);
            }
            return lastL;
          }
          lastL = correlationEstimate(problem, t, u, ws, b, out, coef);
          return lastL;
        },
        estimateAt:
          kind === "h-dependent"
            ? undefined
            : (t, w, L, out) => {
                if (kind === "optimal") refreshOptimal(t);
                correlationAt(problem, t, w, L, b, out, coef);
              },
        coefficientsAt:
          kind === "h-dependent"
            ? undefined
            : (t, w, L, c) => {
                if (kind === "optimal") refreshOptimal(t);
                for (let i = 0; i < n; i++) c[i] = unitResidual(w, i) * (L - b[i]);
              },
        // only the online baselines have state to advance (an observe() marks an online estimator)
        observe:
          kind === "moving-average"
            ? () => {
                ma = opt.decay * ma + (1 - opt.decay) * lastL;
                b.fill(ma);
              }
            : kind === "optimal-online"
              ? () => {
                  const beta = opt.decay;
                  for (let i = 0; i < n; i++) {
                    const d = unitResidual(ws, i);
                    num[i] = beta * num[i] + (1 - beta) * d * d * lastL;
                    den[i] = beta * den[i] + (1 - beta) * d * d;
                    b[i] = den[i] > 0 ? num[i] / den[i] : 0;
                  }
                }
              : undefined,
        describeState: () => ({ baseline: Array.from(b) }),
      };
    },
  };
}

export const correlation = makeSpec("correlation", "none", "Correlation (Thm 1), no baseline", "Σᵢ (hᵢ−σ(aᵢ))·L·∂aᵢ/∂θ", {});
export const correlationConstant = makeSpec("correlation-constant", "constant", "Correlation, constant baseline", "Σᵢ (hᵢ−σ(aᵢ))·(L−b)·∂aᵢ/∂θ", { baseline: 0 });
export const correlationMovingAverage = makeSpec("correlation-ma", "moving-average", "Correlation, moving-average baseline", "Σᵢ (hᵢ−σ(aᵢ))·(L−L̃)·∂aᵢ/∂θ, L̃ ← βL̃ + (1−β)L", { decay: 0.9, initial: 0 });
export const correlationOptimal = makeSpec("correlation-optimal", "optimal", "Correlation, optimal baseline (exact)", "Σᵢ (hᵢ−σᵢ)·(L−L̄ᵢ)·∂aᵢ/∂θ, L̄ᵢ = E[(hᵢ−σᵢ)²L]/E[(hᵢ−σᵢ)²]", {});
export const correlationOptimalOnline = makeSpec("correlation-optimal-online", "optimal-online", "Correlation, optimal baseline (online)", "L̄ᵢ = MA[(hᵢ−σᵢ)²L] / MA[(hᵢ−σᵢ)²]", { decay: 0.9 });
export const correlationHDependent = makeSpec("correlation-hdep", "h-dependent", "Correlation, baseline β·hᵢ (control)", "Σᵢ (hᵢ−σᵢ)·(L−βhᵢ)·∂aᵢ/∂θ", { beta: 1 }, false);
