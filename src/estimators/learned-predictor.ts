/**
 * Learning to predict the unbiased estimator (Bengio 2013, arXiv 1305.2982, §3, "approximating
 * this unbiased but high-variance estimator by learning to predict it using a biased
 * estimator"). Per parameter θₖ (owned by unit i, whose logit it enters):
 *   target   yₖ = ĝ_corr,k = (hᵢ − σᵢ)(L − b)·∂aᵢ/∂θₖ          (Theorem 1, unbiased, noisy)
 *   features xₖ = [ĝ_ST,k, ĝ_STσ,k, hᵢ·∂aᵢ/∂θₖ, σᵢ·∂aᵢ/∂θₖ]    (straight-through, identity and
 *                                                               sigmoid-adjusted; unit quantities)
 *   predictor ĝ_pred,k = β₀ₖ + βₖᵀxₖ,  (β₀ₖ, βₖ) by least squares with an intercept.
 * With an intercept the residuals have mean zero on the fitting distribution, so the
 * predictor's mean equals the mean of ĝ_corr there: the batch mean for a batch fit, and the
 * exact E[ĝ_corr] = ∇E[L] for the exact (enumeration-weighted) fit. Fitted once, the predictor
 * reads the noise only through h, so the exact engine gives its exact bias² and variance.
 *
 * Collinear features (e.g. σᵢ is constant for first-layer units) are dropped by a pivoted
 * solve of the centred normal equations.
 */
import { enumerateConfigurations } from "../exact/enumerate.js";
import { Stream } from "../random/stream.js";
import { requireBernoulliUnits, unitResidual, type BinaryProblem, type Workspace } from "../problems/types.js";
import type { EstimatorInstance, EstimatorOptions, EstimatorSpec, OptionDomain } from "./types.js";
import { InputError } from "../errors.js";
import { resolveOptions } from "./options.js";
import { formatCount, requireTime, samplingSeconds } from "../limits.js";

/** Number of features per coordinate (excluding the intercept). */
export const N_FEATURES = 4;
const F = N_FEATURES;

/**
 * The unit owning each parameter (whose logit it enters directly), or the reason there is no
 * such map (a parameter shared by several units, or none). Shapes: returns Int32Array(nParams).
 */
export function parameterOwners(problem: BinaryProblem): Int32Array | string {
  const P = problem.nParams;
  const owner = new Int32Array(P).fill(-1);
  const ws = problem.createWorkspace();
  ws.h.fill(1);
  const theta = problem.initialParams();
  problem.evaluate(theta, ws);
  const g = new Float64Array(P);
  for (let i = 0; i < problem.nUnits; i++) {
    g.fill(0);
    problem.addLogitGradient(theta, ws, i, 1, g);
    for (let k = 0; k < P; k++) {
      if (g[k] === 0) continue;
      if (owner[k] !== -1 && owner[k] !== i) return `parameter ${k} enters the logits of units ${owner[k]} and ${i}; the per-unit predictor needs each parameter owned by one unit`;
      owner[k] = i;
    }
  }
  return owner;
}

/** Reason the predictor cannot be used on this problem, or null. */
export function learnedPredictorApplicable(problem: BinaryProblem): string | null {
  const nb = requireBernoulliUnits(problem);
  if (nb) return nb;
  if (!problem.backpropSurrogate) return `problem kind "${problem.kind}" has no differentiable path from h to L (the straight-through features need back-propagation)`;
  const o = parameterOwners(problem);
  return typeof o === "string" ? o : null;
}

/**
 * Computes, for one noise draw, the target ĝ_corr and the features. No allocation per call.
 * Shapes: y (nParams), x (nParams × N_FEATURES, row-major).
 */
export class PredictorFeatures {
  readonly P: number;
  readonly owner: Int32Array;
  readonly ws: Workspace;
  readonly y: Float64Array;
  readonly x: Float64Array;
  private readonly dadt: Float64Array;
  private readonly gst: Float64Array;
  private readonly dhda: Float64Array;
  /**
   * @param mask bit a set ⇒ feature a is used (bit 0 ĝ_ST, 1 ĝ_STσ, 2 h·∂a/∂θ, 3 σ·∂a/∂θ);
   *             unused features are set to 0 (constant, so the pivoted solve drops them)
   */
  constructor(readonly problem: BinaryProblem, readonly baseline = 0, readonly mask = 0b1111) {
    const o = parameterOwners(problem);
    if (typeof o === "string") throw new Error(o);
    this.owner = o;
    this.P = problem.nParams;
    this.ws = problem.createWorkspace();
    this.y = new Float64Array(this.P);
    this.x = new Float64Array(this.P * F);
    this.dadt = new Float64Array(this.P);
    this.gst = new Float64Array(this.P);
    this.dhda = new Float64Array(problem.nUnits);
  }

  /** Sample with uniforms u, then fill y and x. Returns L. */
  sample(theta: Float64Array, u: Float64Array): number {
    const L = this.problem.forward(theta, u, this.ws);
    this.fill(theta, L);
    return L;
  }

  /** Fill y and x for the configuration already in ws (h, a, s set) with loss L. */
  fill(theta: Float64Array, L: number): void {
    const { problem, ws, P, owner, x, y, dadt, gst, dhda } = this;
    const back = problem.backpropSurrogate!;
    dadt.fill(0);
    for (let i = 0; i < problem.nUnits; i++) problem.addLogitGradient(theta, ws, i, 1, dadt);
    dhda.fill(1);
    back.call(problem, theta, ws, dhda, gst);
    for (let k = 0; k < P; k++) x[k * F] = gst[k];
    for (let i = 0; i < dhda.length; i++) dhda[i] = ws.s[i] * ws.c[i];
    back.call(problem, theta, ws, dhda, gst);
    const c = L - this.baseline;
    for (let k = 0; k < P; k++) {
      const i = owner[k];
      const hi = i >= 0 ? ws.h[i] : 0;
      const si = i >= 0 ? ws.s[i] : 0;
      x[k * F + 1] = gst[k];
      x[k * F + 2] = hi * dadt[k];
      x[k * F + 3] = si * dadt[k];
      y[k] = (i >= 0 ? unitResidual(ws, i) : 0) * c * dadt[k];
    }
    if (this.mask !== 0b1111) for (let k = 0; k < P; k++) for (let a = 0; a < F; a++) if (!((this.mask >> a) & 1)) x[k * F + a] = 0;
  }
}

/**
 * Weighted sufficient statistics for P independent least-squares problems with intercept:
 * Σw, Σw·x, Σw·y, Σw·xxᵀ, Σw·xy per coordinate. `decay` < 1 makes them exponentially weighted
 * (online version). Shapes: x (P × F), y (P).
 */
export class LeastSquaresStats {
  w = 0;
  readonly sx: Float64Array;
  readonly sy: Float64Array;
  readonly sxx: Float64Array;
  readonly sxy: Float64Array;
  constructor(readonly P: number) {
    this.sx = new Float64Array(P * F);
    this.sy = new Float64Array(P);
    this.sxx = new Float64Array(P * F * F);
    this.sxy = new Float64Array(P * F);
  }
  /** Add one draw with weight w after multiplying the past by `decay`: S ← decay·S + w·(x, y) terms. Shapes: x (P × F), y (P). */
  push(x: Float64Array, y: Float64Array, weight = 1, decay = 1): void {
    const { P, sx, sy, sxx, sxy } = this;
    if (decay !== 1) {
      this.w *= decay;
      for (const arr of [sx, sy, sxx, sxy]) for (let j = 0; j < arr.length; j++) arr[j] *= decay;
    }
    this.w += weight;
    for (let k = 0; k < P; k++) {
      const yk = y[k];
      sy[k] += weight * yk;
      for (let a = 0; a < F; a++) {
        const xa = x[k * F + a];
        sx[k * F + a] += weight * xa;
        sxy[k * F + a] += weight * xa * yk;
        for (let b = 0; b < F; b++) sxx[(k * F + a) * F + b] += weight * xa * x[k * F + b];
      }
    }
  }
  /**
   * Coefficients (P × (F+1)): [β₀, β₁..β_F] per coordinate from the centred normal equations
   * C β = c (C = Σw(x−x̄)(x−x̄)ᵀ), solved with symmetric pivoting; directions with pivot
   * ≤ 1e-10·max diag (collinear or constant features) get β = 0. β₀ = ȳ − βᵀx̄.
   */
  solve(out: Float64Array = new Float64Array(this.P * (F + 1))): Float64Array {
    const { P, w } = this;
    const C = new Float64Array(F * F);
    const c = new Float64Array(F);
    const mx = new Float64Array(F);
    const beta = new Float64Array(F);
    for (let k = 0; k < P; k++) {
      if (w <= 0) {
        out.fill(0, k * (F + 1), (k + 1) * (F + 1));
        continue;
      }
      const my = this.sy[k] / w;
      for (let a = 0; a < F; a++) mx[a] = this.sx[k * F + a] / w;
      for (let a = 0; a < F; a++) {
        c[a] = this.sxy[k * F + a] - w * mx[a] * my;
        for (let b = 0; b < F; b++) C[a * F + b] = this.sxx[(k * F + a) * F + b] - w * mx[a] * mx[b];
      }
      solvePivoted(C, c, beta);
      let b0 = my;
      for (let a = 0; a < F; a++) b0 -= beta[a] * mx[a];
      out[k * (F + 1)] = b0;
      for (let a = 0; a < F; a++) out[k * (F + 1) + 1 + a] = beta[a];
    }
    return out;
  }
}

/**
 * Solve the symmetric positive semi-definite system C β = c (F × F) by Gauss–Jordan with
 * diagonal pivoting (largest remaining diagonal first); directions whose pivot is ≤ 1e-10 of
 * the largest initial diagonal are left at β = 0 (minimum-norm-like solution for collinear
 * features). C and c are overwritten.
 */
export function solvePivoted(C: Float64Array, c: Float64Array, beta: Float64Array): void {
  const n = c.length;
  beta.fill(0);
  let maxDiag = 0;
  for (let a = 0; a < n; a++) maxDiag = Math.max(maxDiag, C[a * n + a]);
  const tol = 1e-10 * maxDiag;
  const used = new Uint8Array(n);
  const order: number[] = [];
  for (let step = 0; step < n; step++) {
    let p = -1;
    for (let a = 0; a < n; a++) if (!used[a] && (p < 0 || C[a * n + a] > C[p * n + p])) p = a;
    if (p < 0 || !(C[p * n + p] > tol)) break;
    used[p] = 1;
    order.push(p);
    const piv = C[p * n + p];
    // eliminate p from every other row (Gauss–Jordan on the symmetric system)
    for (let r = 0; r < n; r++) {
      if (r === p) continue;
      const f = C[r * n + p] / piv;
      if (f === 0) continue;
      for (let col = 0; col < n; col++) C[r * n + col] -= f * C[p * n + col];
      c[r] -= f * c[p];
    }
  }
  for (const p of order) {
    let v = c[p];
    for (const q of order) if (q !== p) v -= C[p * n + q] * beta[q];
    beta[p] = v / C[p * n + p];
  }
}

/** Apply coefficients: out_k = β₀ₖ + Σ_a βₖₐ xₖₐ. Shapes: coef (P × (F+1)), x (P × F), out (P). */
export function predict(coef: Float64Array, x: Float64Array, out: Float64Array): void {
  const P = out.length;
  for (let k = 0; k < P; k++) {
    let v = coef[k * (F + 1)];
    for (let a = 0; a < F; a++) v += coef[k * (F + 1) + 1 + a] * x[k * F + a];
    out[k] = v;
  }
}

/**
 * Fit on `batch` seeded draws at θ (batch ≥ 2), or on the exact distribution by enumeration
 * (batch = 0: weights p(h)). `problems` may be one problem or a data set of examples that share
 * θ (e.g. one sigmoid belief net per input x): each draw picks an example uniformly, so the
 * coefficients are shared across examples as in training (1305.2982 §3). Returns coefficients
 * (P × (F+1)).
 */
export function fitLearnedPredictor(problems: BinaryProblem | BinaryProblem[], theta: Float64Array, batch: number, stream: Stream | null, baseline = 0, mask = 0b1111): Float64Array {
  const list = Array.isArray(problems) ? problems : [problems];
  const P = list[0].nParams;
  for (const q of list) if (q.nParams !== P || q.nUnits !== list[0].nUnits) throw new Error("fitLearnedPredictor: every example must share the parameter and unit layout");
  const feats = list.map((q) => new PredictorFeatures(q, baseline, mask));
  const stats = new LeastSquaresStats(P);
  if (batch === 0) {
    list.forEach((q, e) => {
      const f = feats[e];
      enumerateConfigurations(q, theta, (ws, _u, p, L) => {
        f.ws.h.set(ws.h);
        f.ws.a.set(ws.a);
        f.ws.s.set(ws.s);
        f.ws.c.set(ws.c);
        f.fill(theta, L);
        stats.push(f.x, f.y, p / list.length);
      });
    });
  } else {
    if (!stream) throw new Error("fitLearnedPredictor: a stream is required for a sampled batch");
    const u = new Float64Array(list[0].nUnits);
    for (let r = 0; r < batch; r++) {
      const f = feats[list.length === 1 ? 0 : stream.int(list.length)];
      stream.uniforms(u);
      f.sample(theta, u);
      stats.push(f.x, f.y);
    }
  }
  return stats.solve();
}

function requireOption(v: number, name: string, ok: (v: number) => boolean, what: string): number {
  if (!ok(v)) throw new InputError(`learned-predictor option ${name}: expected ${what}, got ${v}`);
  return v;
}

/** The feature bit mask: 1 ĝ_ST, 2 ĝ_STσ, 4 h·∂a/∂θ, 8 σ·∂a/∂θ. */
const FEATURE_MASK: OptionDomain = { integer: true, min: 1, max: 15, why: "a bit mask: 1 ĝ_ST, 2 ĝ_STσ, 4 h·∂a/∂θ, 8 σ·∂a/∂θ" };

/**
 * Batch version. Options: batch (draws for the fit; 0 = exact enumeration-weighted fit),
 * seed (the fit's noise: Stream.fromSeed(`learned-predictor/${seed}`)), baseline (b in ĝ_corr),
 * fitShift (fit at θ + fitShift·1 instead of θ: the negative control of LP-variance-reduction),
 * features (bit mask: 1 ĝ_ST, 2 ĝ_STσ, 4 h·∂a/∂θ, 8 σ·∂a/∂θ; default 15 = all).
 */
export const learnedPredictor: EstimatorSpec = {
  id: "learned-predictor",
  title: "Learned predictor of ĝ_corr (batch LS)",
  formula: "β₀ + βᵀ[ĝ_ST, ĝ_STσ, h·∂a/∂θ, σ(a)·∂a/∂θ], (β₀, β) = LS fit of ĝ_corr on a batch",
  source: "Bengio 2013, arXiv 1305.2982, §3 (learning to predict the unbiased estimator)",
  unbiased: false,
  noise: "units",
  defaults: { batch: 1000, seed: 1, baseline: 0, fitShift: 0, features: 15 },
  domains: { batch: { integer: true, min: 0, why: "0 = exact fit, else draws ≥ 2" }, seed: {}, baseline: {}, fitShift: {}, features: FEATURE_MASK },
  applicable: learnedPredictorApplicable,
  create(problem: BinaryProblem, theta: Float64Array, options: EstimatorOptions = {}): EstimatorInstance {
    const opt = resolveOptions(this, options);
    const batch = requireOption(opt.batch, "batch", (v) => Number.isInteger(v) && (v === 0 || v >= 2), "0 (exact fit) or an integer ≥ 2");
    // the fit draws `batch` correlation and straight-through estimates before anything else runs
    requireTime(samplingSeconds(2 * batch * (problem.nUnits + problem.nParams)), "learned-predictor option batch", `fitting on ${formatCount(batch)} draws`);
    const mask = requireOption(opt.features, "features", (v) => Number.isInteger(v) && v >= 1 && v <= 15, "an integer bit mask in 1..15 (1 ĝ_ST, 2 ĝ_STσ, 4 h·∂a/∂θ, 8 σ·∂a/∂θ)");
    const fitTheta = theta.map((v) => v + opt.fitShift);
    const coef = fitLearnedPredictor(problem, fitTheta, batch, batch === 0 ? null : Stream.fromSeed(`learned-predictor/${opt.seed}`), opt.baseline, mask);
    const feats = new PredictorFeatures(problem, opt.baseline, mask);
    return {
      noiseSize: problem.nUnits,
      lossEvaluations: 1,
      estimate(t, u, out) {
        const L = feats.sample(t, u);
        predict(coef, feats.x, out);
        return L;
      },
      describeState: () => ({ coefficients: Array.from(coef), features: ["intercept", "g_ST", "g_STsigmoid", "h*da/dθ", "sigma*da/dθ"] }),
    };
  },
};

/**
 * Online version: exponentially weighted least-squares statistics (decay β per draw) updated by
 * `observe()` from the last draw's (x, ĝ_corr); outputs ĝ_corr itself until `warmup` draws have
 * been seen, then the current predictor. Coefficients are re-solved lazily after updates.
 */
export const learnedPredictorOnline: EstimatorSpec = {
  id: "learned-predictor-online",
  title: "Learned predictor of ĝ_corr (online LS)",
  formula: "β₀ + βᵀx with (β₀, β) from exponentially weighted LS on past (x, ĝ_corr)",
  source: "Bengio 2013, arXiv 1305.2982, §3 (predictor kept up to date during training)",
  unbiased: false,
  noise: "units",
  defaults: { decay: 0.999, warmup: 50, baseline: 0, features: 15 },
  domains: { decay: { min: 0, minOpen: true, max: 1 }, warmup: { integer: true, min: 0 }, baseline: {}, features: FEATURE_MASK },
  applicable: learnedPredictorApplicable,
  create(problem: BinaryProblem, _theta: Float64Array, options: EstimatorOptions = {}): EstimatorInstance {
    const opt = resolveOptions(this, options);
    requireOption(opt.decay, "decay", (v) => v > 0 && v <= 1, "in (0, 1]");
    const mask = requireOption(opt.features, "features", (v) => Number.isInteger(v) && v >= 1 && v <= 15, "an integer bit mask in 1..15");
    const feats = new PredictorFeatures(problem, opt.baseline, mask);
    const stats = new LeastSquaresStats(problem.nParams);
    let coef: Float64Array = new Float64Array(problem.nParams * (F + 1));
    let stale = false;
    let seen = 0;
    return {
      noiseSize: problem.nUnits,
      lossEvaluations: 1,
      estimate(t, u, out) {
        const L = feats.sample(t, u);
        if (seen < opt.warmup) {
          out.set(feats.y);
          return L;
        }
        if (stale) {
          coef = stats.solve(coef);
          stale = false;
        }
        predict(coef, feats.x, out);
        return L;
      },
      observe() {
        stats.push(feats.x, feats.y, 1, opt.decay);
        seen++;
        stale = true;
      },
      describeState: () => ({ seen, coefficients: Array.from(stale ? stats.solve() : coef) }),
    };
  },
};
