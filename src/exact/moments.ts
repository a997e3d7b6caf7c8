/**
 * The exact-moment engine: one Gray-code pass over every configuration gives
 *   E[L], Var[L], ∇θE[L] (forward-mode product rule), and for every "units"-noise estimator
 *   E[ĝ] and Var[ĝ] per coordinate (weighted West/Welford accumulation).
 *
 * Gradient (no score identity): with p(h) = Πᵢ qᵢ and every θₖ entering factor i only through aᵢ,
 *   ∂E[L]/∂θ = Σ_h L(h) Σᵢ (Π_{j<i} qⱼ)(Π_{j>i} qⱼ) · (2hᵢ−1)σ'(aᵢ) · ∂aᵢ/∂θ
 * using prefix/suffix products (no division by qᵢ), with qᵢ = σ(−aᵢ) read from ws.c for hᵢ = 0 and
 * L centred at the most likely configuration (L − L(h*), see enumerate.ts modeLoss), so that the
 * relative error stays at rounding level for saturated units (|a| up to 700). Cross-checked against dual numbers
 * (exactGradientDual) and central finite differences in test/unit.
 *
 * Block path (layered nets): when each θₖ enters one unit's logit and the last m units are
 * parents of none, ∂aᵢ/∂θ is constant while those m units run through their 2^m configurations
 * (one aligned Gray-code block). Per configuration only the nUnits coefficients are accumulated
 * (ĝ = Σᵢ coefᵢ ∂aᵢ/∂θ); per block the moments are expanded to all coordinates with Chan's merge
 * (ĝₖ = coef_{unit(k)}·Dₖ, Dₖ = ∂a_{unit(k)}/∂θₖ fixed in the block). Same numbers as the
 * general path up to rounding (tested), O(nUnits) instead of O(nParams) per configuration.
 */
import { addAllLogitGradients, type BinaryProblem, type UnitNoise, type Workspace } from "../problems/types.js";
import { WeightedMoments } from "../stats/accumulator.js";
import { enumerateConfigurations, modeLoss, MAX_ENUMERABLE_UNITS } from "./enumerate.js";
import { noisyExactAnalysis, quadratureApplicable, requireNoisyNet } from "./noisy.js";
import type { ExactAnalysis, ExactEngine, ExactOptions } from "./types.js";
import { ExactRefusal, InputError, requireFiniteResult } from "../errors.js";
import { toFiniteVector, type VectorInput } from "../ndarray.js";
import { uncheckedInstance, type EstimatorEntry, type ExactMoments } from "../estimators/types.js";

/**
 * The exact engine of each unit-noise kind (typed record, no string switch): Bernoulli units are
 * enumerated here; injected noise is integrated by nested quadrature (noisy.ts). A new noise kind
 * adds one engine file and one line.
 */
const ENGINES: { readonly [K in UnitNoise]: ExactEngine } = {
  bernoulli: enumerationAnalysis,
  injected: (problem, theta, instances, options) => noisyExactAnalysis(requireNoisyNet(problem), theta, instances, options.quadrature, options.onProgress),
};

/**
 * null when `exactAnalysis` can run on this problem within its limits (enumeration of at most
 * 2^MAX_ENUMERABLE_UNITS states; nested quadrature within MAX_QUADRATURE_COST), else the reason,
 * stating the size and the limit. Lets callers refuse an exact request before any work or output.
 */
export function exactAnalysisUnavailable(problem: BinaryProblem): string | null {
  if (problem.unitNoise === "injected") return quadratureApplicable(requireNoisyNet(problem));
  return problem.nUnits > MAX_ENUMERABLE_UNITS ? `the problem has ${problem.nUnits} binary units; exact enumeration supports at most ${MAX_ENUMERABLE_UNITS} (2^${MAX_ENUMERABLE_UNITS} states)` : null;
}

/**
 * Exact analysis of `problem` at θ for the given estimator instances (keyed by any name),
 * dispatched on the problem's unit noise (`problem.unitNoise`, default "bernoulli").
 * Instances with custom noise contribute through their own `exactMoments`; others with
 * non-enumerable noise are omitted from `estimators`. Shapes: θ (nParams; a Float64Array or an ndarray).
 *
 * No result leaves with NaN or ±∞ (`requireFiniteAnalysis`): E[L], Var[L], ∇E[L] and the unit facts
 * are an ExactRefusal naming the quantity; an estimator whose own moments are not finite moves to
 * `unavailable` with the reason.
 */
export function exactAnalysis(problem: BinaryProblem, theta: VectorInput, instances: Record<string, EstimatorEntry> = {}, options: ExactOptions = {}): ExactAnalysis {
  // θ validated once; the engines then run the instances behind their checked faces
  const raw: Record<string, EstimatorEntry> = {};
  for (const [key, e] of Object.entries(instances)) raw[key] = { noise: e.noise, instance: uncheckedInstance(e.instance) };
  const r = ENGINES[problem.unitNoise ?? "bernoulli"](problem, toFiniteVector(theta, "θ", problem.nParams), raw, options);
  return requireFiniteAnalysis(problem, r);
}

/**
 * The guard at the exact-result boundary: throws ExactRefusal (naming the quantity and, for
 * vectors, the parameter) unless E[L], Var[L], ∇E[L] and the per-unit facts are finite; moves any
 * estimator with a non-finite exact mean or variance to `unavailable` with the reason. Var[L] is
 * checked first: a loss whose spread overflows float64 makes every other sum overflow with it.
 * Returns r.
 */
export function requireFiniteAnalysis(problem: BinaryProblem, r: ExactAnalysis): ExactAnalysis {
  const labels = problem.paramLabels();
  requireFiniteResult(r.lossVariance, "Var[L]");
  requireFiniteResult(r.expectedLoss, "E[L]");
  requireFiniteResult(r.gradient, "∇E[L]", labels);
  for (const u of r.units ?? []) {
    requireFiniteResult(u.zeroProbability, `P(h${u.index} = 0)`);
    requireFiniteResult(u.meanOutput, `E[h${u.index}]`);
  }
  for (const [key, m] of Object.entries(r.estimators)) {
    try {
      requireFiniteResult(m.mean, `E[ĝ] of ${key}`, labels);
      requireFiniteResult(m.variance, `Var[ĝ] of ${key}`, labels);
    } catch (e) {
      if (!(e instanceof ExactRefusal)) throw e;
      delete r.estimators[key];
      (r.unavailable ??= {})[key] = e.message;
    }
  }
  return r;
}

/**
 * The enumeration engine for Bernoulli units: one Gray-code pass (see the file comment); the
 * block path when the problem is layered and every enumerated instance has `coefficientsAt`.
 */
export function enumerationAnalysis(problem: BinaryProblem, thetaIn: Float64Array, instances: Record<string, EstimatorEntry> = {}, options: ExactOptions = {}): ExactAnalysis {
  const theta = toFiniteVector(thetaIn, "θ", problem.nParams);
  const enumerated = Object.entries(instances).filter(([, e]) => e.noise === "units" || e.noise === "none");
  const blockable = !options.general && (problem.leafUnits ?? 0) > 0 && typeof problem.paramUnit === "function" && enumerated.every(([, e]) => typeof e.instance.coefficientsAt === "function");
  const custom = Object.entries(instances).filter(([, e]) => e.noise === "custom" && e.instance.exactMoments);
  const phases = 1 + custom.length;
  const report = options.onProgress;
  const onStates = report ? (k: number, total: number) => report(k / total, phases, `enumerating 2^${problem.nUnits} configurations`) : undefined;
  const res = blockable ? blockPath(problem, theta, enumerated, onStates) : generalPath(problem, theta, enumerated, onStates);
  custom.forEach(([key, e], j) => {
    report?.(1 + j, phases, `exact moments of ${key}`);
    try {
      res.estimators[key] = e.instance.exactMoments!(theta);
    } catch (err) {
      // an estimator's own exact engine may decline an unaffordable enumeration
      if (!(err instanceof InputError)) throw err;
      (res.unavailable ??= {})[key] = err.message;
    }
  });
  report?.(phases, phases, "done");
  return res;
}

/**
 * p-weighted product-rule coefficients of the gradient: cᵢ = L·Π_{j<i}qⱼ·Π_{j>i}qⱼ·(2hᵢ−1)σ'(aᵢ),
 * qⱼ = σ(aⱼ) or σ(−aⱼ), σ'(aᵢ) = σ(aᵢ)σ(−aᵢ). L is the centred loss L − L(h*) (see modeLoss).
 */
function gradientCoefficients(ws: Workspace, n: number, L: number, pre: Float64Array, suf: Float64Array, coef: Float64Array): void {
  const h = ws.h;
  const s = ws.s;
  const c = ws.c;
  pre[0] = 1;
  for (let i = 0; i < n; i++) pre[i + 1] = pre[i] * (h[i] * s[i] + (1 - h[i]) * c[i]);
  suf[n] = 1;
  for (let i = n - 1; i >= 0; i--) suf[i] = suf[i + 1] * (h[i] * s[i] + (1 - h[i]) * c[i]);
  for (let i = 0; i < n; i++) coef[i] = L * pre[i] * suf[i + 1] * (2 * h[i] - 1) * s[i] * c[i];
}

function generalPath(problem: BinaryProblem, theta: Float64Array, enumerated: [string, EstimatorEntry][], onProgress?: (done: number, total: number) => void): ExactAnalysis {
  const n = problem.nUnits;
  const P = problem.nParams;
  const grad = new Float64Array(P);
  const pre = new Float64Array(n + 1);
  const suf = new Float64Array(n + 1);
  const coef = new Float64Array(n);
  const lossMoments = new WeightedMoments(1);
  const lossBuf = new Float64Array(1);
  const acc = enumerated.map(() => new WeightedMoments(P));
  const g = new Float64Array(P);
  const centre = modeLoss(problem, theta);
  const res = enumerateConfigurations(problem, theta, (ws, u, p, L) => {
    const Lc = L - centre;
    if (Lc !== 0) {
      gradientCoefficients(ws, n, Lc, pre, suf, coef);
      addAllLogitGradients(problem, theta, ws, coef, grad);
    }
    lossBuf[0] = Lc;
    lossMoments.push(lossBuf, p);
    for (let e = 0; e < enumerated.length; e++) {
      const inst = enumerated[e][1].instance;
      if (inst.estimateAt) inst.estimateAt(theta, ws, L, g);
      else inst.estimate(theta, u, g);
      acc[e].push(g, p);
    }
  }, onProgress);
  const estimators: Record<string, ExactMoments> = {};
  enumerated.forEach(([key], e) => {
    estimators[key] = { mean: acc[e].mean.slice(), variance: acc[e].variance() };
  });
  // Normalise by the total mass so rounding in Σp does not bias the gradient.
  for (let k = 0; k < P; k++) grad[k] /= res.totalProbability;
  return { expectedLoss: centre + lossMoments.mean[0], lossVariance: lossMoments.variance()[0], gradient: grad, estimators, states: res.states, totalProbability: res.totalProbability };
}

function blockPath(problem: BinaryProblem, theta: Float64Array, enumerated: [string, EstimatorEntry][], onProgress?: (done: number, total: number) => void): ExactAnalysis {
  const n = problem.nUnits;
  const P = problem.nParams;
  const m = problem.leafUnits!;
  const unitOf = problem.paramUnit!();
  const E = enumerated.length;
  const grad = new Float64Array(P);
  const pre = new Float64Array(n + 1);
  const suf = new Float64Array(n + 1);
  const gcoef = new Float64Array(n);
  const gsum = new Float64Array(n); // Σ over the block of gradient coefficients
  const ones = new Float64Array(n).fill(1);
  const D = new Float64Array(P); // ∂a_{unit(k)}/∂θₖ for the current block
  const lossMoments = new WeightedMoments(1);
  const lossBuf = new Float64Array(1);
  // per estimator: block West accumulators over coefficient vectors, and global per-coordinate moments
  const coef = enumerated.map(() => new Float64Array(n));
  const blk = enumerated.map(() => new WeightedMoments(n));
  const W = new Float64Array(E);
  const mean = enumerated.map(() => new Float64Array(P));
  const m2 = enumerated.map(() => new Float64Array(P));
  let block = -1;
  let open = false;

  const flush = () => {
    for (let k = 0; k < P; k++) grad[k] += gsum[unitOf[k]] * D[k];
    gsum.fill(0);
    for (let e = 0; e < E; e++) {
      const b = blk[e];
      const wb = b.w;
      if (wb > 0) {
        const w0 = W[e];
        const w1 = w0 + wb;
        const f = wb / w1;
        const f0 = w0 / w1;
        const g = (w0 * wb) / w1;
        const me = mean[e];
        const se = m2[e];
        // Chan's merge, from the heavier side (as WeightedMoments.push): a light accumulated mean
        // is not lost when f rounds to 1
        const fromBlock = f > 0.5;
        for (let k = 0; k < P; k++) {
          const i = unitOf[k];
          const d = D[k];
          const bm = d * b.mean[i];
          const delta = bm - me[k];
          me[k] = fromBlock ? bm - delta * f0 : me[k] + delta * f;
          se[k] += d * d * b.m2[i] + delta * delta * g;
        }
        W[e] = w1;
      }
      b.w = 0;
      b.mean.fill(0);
      b.m2.fill(0);
    }
  };

  const centre = modeLoss(problem, theta);
  const res = enumerateConfigurations(problem, theta, (ws, _u, p, L, step) => {
    const j = step >>> m;
    if (j !== block) {
      if (open) flush();
      block = j;
      open = true;
      D.fill(0);
      addAllLogitGradients(problem, theta, ws, ones, D);
    }
    const Lc = L - centre;
    if (Lc !== 0) {
      gradientCoefficients(ws, n, Lc, pre, suf, gcoef);
      for (let i = 0; i < n; i++) gsum[i] += gcoef[i];
    }
    lossBuf[0] = Lc;
    lossMoments.push(lossBuf, p);
    for (let e = 0; e < E; e++) {
      enumerated[e][1].instance.coefficientsAt!(theta, ws, L, coef[e]);
      blk[e].push(coef[e], p);
    }
  }, onProgress);
  if (open) flush();
  const estimators: Record<string, ExactMoments> = {};
  enumerated.forEach(([key], e) => {
    const v = new Float64Array(P);
    for (let k = 0; k < P; k++) v[k] = Math.max(0, m2[e][k] / W[e]);
    estimators[key] = { mean: mean[e].slice(), variance: v };
  });
  for (let k = 0; k < P; k++) grad[k] /= res.totalProbability;
  return { expectedLoss: centre + lossMoments.mean[0], lossVariance: lossMoments.variance()[0], gradient: grad, estimators, states: res.states, totalProbability: res.totalProbability };
}
