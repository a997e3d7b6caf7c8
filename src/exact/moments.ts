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
 * The pass runs in fixed enumeration blocks (enumeration-blocks.ts): aligned Gray-code ranges
 * of 2^16 or more configurations, each reduced to a plain state and merged in block order, so
 * the result is the same bytes on one thread, on a worker pool (`blockRunner`), or from block
 * states computed by separate processes (`exactBlockStates`, `exactFromBlocks`).
 *
 * Leaf-block path (layered nets): when each θₖ enters one unit's logit and the last m units are
 * parents of none, ∂aᵢ/∂θ is constant while those m units run through their 2^m configurations
 * (one aligned Gray-code sub-block). Per configuration only the nUnits coefficients are accumulated
 * (ĝ = Σᵢ coefᵢ ∂aᵢ/∂θ); per sub-block the moments are expanded to all coordinates with Chan's merge
 * (ĝₖ = coef_{unit(k)}·Dₖ, Dₖ = ∂a_{unit(k)}/∂θₖ fixed in the sub-block). Same numbers as the
 * general path up to rounding (tested), O(nUnits) instead of O(nParams) per configuration.
 */
import type { BinaryProblem, UnitNoise } from "../problems/types.js";
import { assertEnumerable, modeLoss, MAX_ENUMERABLE_UNITS } from "./enumerate.js";
import { enumerationBlock, enumerationBlocks, mergeEnumerationBlocks } from "./enumeration-blocks.js";
import { noisyExactAnalysis, quadratureApplicable, requireNoisyNet } from "./noisy.js";
import type { EnumerationBlockState, ExactAnalysis, ExactEngine, ExactOptions } from "./types.js";
import { ExactRefusal, InputError, requireFiniteResult } from "../errors.js";
import { toFiniteVector, type VectorInput } from "../ndarray.js";
import { MAX_SHARDED_ENUMERATION_UNITS } from "../limits.js";
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
 * The enumeration engine for Bernoulli units: one Gray-code pass in fixed blocks
 * (enumeration-blocks.ts: the leaf-block path when the problem is layered and every enumerated
 * instance has `coefficientsAt`), on `options.blockRunner` when given (a worker pool), merged in
 * block order; then each custom instance's own exact moments.
 */
export function enumerationAnalysis(problem: BinaryProblem, thetaIn: Float64Array, instances: Record<string, EstimatorEntry> = {}, options: ExactOptions = {}): ExactAnalysis {
  const theta = toFiniteVector(thetaIn, "θ", problem.nParams);
  const custom = Object.entries(instances).filter(([, e]) => e.noise === "custom" && e.instance.exactMoments);
  const phases = 1 + custom.length;
  const report = options.onProgress;
  const onBlocks = report ? (done: number, total: number) => report(done / total, phases, `enumerating 2^${problem.nUnits} configurations`) : undefined;
  const res = analysisOfBlocks(mergeEnumerationBlocks(blockStates(problem, theta, instances, options, undefined, onBlocks)));
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
 * The enumeration block states of an exact analysis (enumeration-blocks.ts), for the blocks
 * numbered in `blocks` (default: all of `enumerationBlocks(problem)`, in order), so separate
 * processes can each compute some blocks and `exactFromBlocks` of all their states, in block
 * order, is `exactAnalysis`'s enumeration result byte for byte (custom instances' own exact
 * moments excepted: they are not enumerated). Only instances with "units" or "none" noise enter
 * the states. Shapes: θ (nParams).
 */
export function exactBlockStates(problem: BinaryProblem, theta: VectorInput, instances: Record<string, EstimatorEntry> = {}, options: ExactOptions = {}, blocks?: readonly number[]): EnumerationBlockState[] {
  const raw: Record<string, EstimatorEntry> = {};
  for (const [key, e] of Object.entries(instances)) raw[key] = { noise: e.noise, instance: uncheckedInstance(e.instance) };
  return blockStates(problem, toFiniteVector(theta, "θ", problem.nParams), raw, options, blocks);
}

/**
 * ∇E[L], E[L], Var[L] and the enumerated estimators' exact moments from the states of every
 * block of one analysis, in block order (a left fold: mergeEnumerationBlocks), checked finite
 * as exactAnalysis checks its results.
 */
export function exactFromBlocks(problem: BinaryProblem, states: readonly EnumerationBlockState[]): ExactAnalysis {
  const merged = mergeEnumerationBlocks(states);
  const total = 2 ** problem.nUnits;
  if (merged.first !== 0 || merged.end !== total) throw new InputError(`exactFromBlocks: the blocks cover [${merged.first}, ${merged.end}), not every configuration [0, ${total})`);
  return requireFiniteAnalysis(problem, analysisOfBlocks(merged));
}

function blockStates(problem: BinaryProblem, theta: Float64Array, instances: Record<string, EstimatorEntry>, options: ExactOptions, which?: readonly number[], onBlocks?: (done: number, total: number) => void): EnumerationBlockState[] {
  const max = options.maxUnits ?? MAX_ENUMERABLE_UNITS;
  if (!(Number.isInteger(max) && max >= 1 && max <= MAX_SHARDED_ENUMERATION_UNITS)) throw new InputError(`maxUnits: expected an integer in [1, ${MAX_SHARDED_ENUMERATION_UNITS}] (MAX_SHARDED_ENUMERATION_UNITS, src/limits.ts), got ${max}`);
  assertEnumerable(problem, max);
  const all = enumerationBlocks(problem);
  const blocks = which
    ? which.map((j) => {
        if (!(Number.isInteger(j) && j >= 0 && j < all.length)) throw new InputError(`enumeration block ${j}: expected an integer in [0, ${all.length})`);
        return all[j];
      })
    : all;
  const entries = Object.entries(instances).filter(([, e]) => e.noise === "units" || e.noise === "none");
  const general = options.general ?? false;
  const centre = modeLoss(problem, theta);
  const pooled = options.blockRunner?.({ problem, theta, entries, general, centre, blocks }, onBlocks);
  if (pooled) return pooled;
  return blocks.map((range, j) => {
    const st = enumerationBlock(problem, theta, entries, range, centre, general);
    if (j + 1 < blocks.length) onBlocks?.(j + 1, blocks.length);
    return st;
  });
}

/** The analysis of a merged state: ∇E[L] = Σ gradient / Σp, E[L] = L(h*) + E[L − L(h*)], population variances. */
function analysisOfBlocks(m: EnumerationBlockState): ExactAnalysis {
  const mass = m.loss.w;
  const gradient = m.gradient.slice();
  // normalise by the total mass so rounding in Σp does not bias the gradient
  for (let k = 0; k < gradient.length; k++) gradient[k] /= mass;
  const estimators: Record<string, ExactMoments> = {};
  for (const [key, acc] of Object.entries(m.estimators)) estimators[key] = { mean: acc.mean.slice(), variance: acc.variance() };
  return { expectedLoss: m.centre + m.loss.mean[0], lossVariance: m.loss.variance()[0], gradient, estimators, states: m.states, totalProbability: mass };
}
