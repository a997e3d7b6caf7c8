/**
 * The typed estimator registry: one Record, no switch on strings. A new estimator adds its
 * spec here: one import and one line.
 */
import { correlation, correlationConstant, correlationHDependent, correlationMovingAverage, correlationOptimal, correlationOptimalOnline } from "./correlation.js";
import { exact } from "./exact.js";
import { learnedPredictor, learnedPredictorOnline } from "./learned-predictor.js";
import { pathwise, pathwiseThreshold, scoreInjected, sts } from "./noisy.js";
import { fdsaCentral, fdsaForward } from "./finite-difference.js";
import { spsa, spsaOne } from "./spsa.js";
import { straightThrough, straightThroughSigmoid } from "./straight-through.js";
import type { EstimatorInstance, EstimatorOptions, EstimatorSpec } from "./types.js";
import type { BinaryProblem } from "../problems/types.js";
import { toFiniteVector } from "../ndarray.js";
import { checkedInstance } from "./checked.js";
import { rloo } from "./rloo.js";
import { ar } from "./ar.js";
import { arm } from "./arm.js";
import { disarm } from "./disarm.js";
import { gumbelSoftmax } from "./gumbel-softmax.js";
import { stGumbel } from "./st-gumbel.js";
import { rebar } from "./rebar.js";
import { relax } from "./relax.js";
import { InputError, quote } from "../errors.js";
import { muprop } from "./muprop.js";
import { nvil } from "./nvil.js";
import { vimco } from "./vimco.js";

/**
 * The spec as the public registry hands it out: `create` reads θ through toFiniteVector (nParams
 * finite entries) and returns the instance's checked face (checked.ts), whose estimate and
 * exactMoments validate their arguments once per call.
 */
function publicSpec<S extends EstimatorSpec>(spec: S): S {
  return {
    ...spec,
    create(problem: BinaryProblem, theta: Float64Array, options?: EstimatorOptions): EstimatorInstance {
      return checkedInstance(spec.id, problem, spec.create(problem, toFiniteVector(theta, "θ", problem.nParams), options));
    },
  };
}

const specs = {
  exact,
  correlation,
  "correlation-constant": correlationConstant,
  "correlation-ma": correlationMovingAverage,
  "correlation-optimal": correlationOptimal,
  "correlation-optimal-online": correlationOptimalOnline,
  "correlation-hdep": correlationHDependent,
  "straight-through": straightThrough,
  "straight-through-sigmoid": straightThroughSigmoid,
  "learned-predictor": learnedPredictor,
  "learned-predictor-online": learnedPredictorOnline,
  pathwise,
  "pathwise-threshold": pathwiseThreshold,
  sts,
  "score-injected": scoreInjected,
  rloo,
  ar,
  arm,
  disarm,
  "gumbel-softmax": gumbelSoftmax,
  "st-gumbel": stGumbel,
  rebar,
  relax,
  muprop,
  nvil,
  vimco,
  spsa,
  "spsa-one": spsaOne,
  "fdsa-forward": fdsaForward,
  "fdsa-central": fdsaCentral,
} satisfies Record<string, EstimatorSpec>;

/** Every estimator, by id (a typed record; each spec's instances come with checked arguments). */
export const estimators = Object.fromEntries(Object.entries(specs).map(([id, s]) => [id, publicSpec(s)])) as { readonly [K in keyof typeof specs]: (typeof specs)[K] };

export type EstimatorId = keyof typeof specs;

export function isEstimatorId(id: string): id is EstimatorId {
  return Object.prototype.hasOwnProperty.call(estimators, id);
}

/** Look up an estimator; unknown ids get one clear error listing the known ones. */
export function getEstimator(id: string): EstimatorSpec {
  if (!isEstimatorId(id)) throw new InputError(`unknown estimator ${quote(id)} (known: ${Object.keys(estimators).join(", ")})`);
  return estimators[id];
}

/** Parse "a,b,c" into specs, failing on the first unknown id. */
export function parseEstimatorList(list: string): EstimatorSpec[] {
  const ids = list.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
  if (ids.length === 0) throw new InputError("--estimators: expected a comma-separated list of estimator ids");
  return ids.map(getEstimator);
}
