/**
 * The checked face of an estimator instance, as the registry hands it out (`estimators[id].create`):
 * it behaves exactly as the instance (prototype delegation: every method and property; writes,
 * such as freezing `observe`, stay on the face), but `estimate(θ, noise, out)` first checks, once
 * per call, that θ has nParams finite entries, noise at least `noiseSize` entries and out at least
 * nParams (a wrong length used to read undefined or write nowhere, and return NaN or plausible
 * garbage), and `exactMoments(θ)` checks θ. The library's own loops (sampleMoments, the exact
 * engine) validate once per call and then run the unchecked instance (`uncheckedInstance`, in
 * the contract so the engines can read it), so their per-sample cost is unchanged.
 */
import { InputError } from "../errors.js";
import { requireFiniteEntries } from "../ndarray.js";
import type { BinaryProblem } from "../problems/types.js";
import { CHECKED_PARAMS, UNCHECKED, type CheckedFace, type EstimatorInstance } from "./types.js";

/** The checked face of `inst` (estimator `id` on `problem`; see the file comment). */
export function checkedInstance<I extends EstimatorInstance>(id: string, problem: BinaryProblem, inst: I): I {
  const P = problem.nParams;
  const face = Object.create(inst) as I & CheckedFace;
  const where = `${id}.estimate`;
  const thetaWhere = `${where}: θ`;
  face[UNCHECKED] = inst;
  face[CHECKED_PARAMS] = P;
  face.estimate = (theta: Float64Array, noise: Float64Array, out: Float64Array) => {
    if (theta.length !== P) throw new InputError(`${where}: θ has ${theta.length} entries, the problem has ${P} parameters`);
    if (noise.length < inst.noiseSize) throw new InputError(`${where}: noise has ${noise.length} entries, the estimator reads ${inst.noiseSize}`);
    if (out.length < P) throw new InputError(`${where}: out has ${out.length} entries, the problem has ${P} parameters`);
    for (let k = 0; k < P; k++) if (!Number.isFinite(theta[k])) requireFiniteEntries(theta, thetaWhere);
    return inst.estimate(theta, noise, out);
  };
  if (inst.exactMoments) {
    const exact = inst.exactMoments;
    face.exactMoments = (theta: Float64Array) => {
      if (theta.length !== P) throw new InputError(`${id}.exactMoments: θ has ${theta.length} entries, the problem has ${P} parameters`);
      requireFiniteEntries(theta, `${id}.exactMoments: θ`);
      return exact.call(inst, theta);
    };
  }
  return face;
}
