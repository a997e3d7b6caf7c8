/**
 * The negative-phase samplers of RBM training, a typed record (no switch on strings): the key is
 * the value of `RbmTrainOptions.method` and of `stochgrad rbm train --method`. Parallel tempering
 * (Desjardins et al. 2010) goes here as `pt` when it lands.
 */
import { InputError, quote } from "../../errors.js";
import { cd } from "./cd.js";
import { exact } from "./exact.js";
import { pcd } from "./pcd.js";
import type { NegativePhaseSpec } from "./types.js";

export const negativePhases = {
  cd,
  pcd,
  exact,
} satisfies Record<string, NegativePhaseSpec>;

/** How the negative phase is sampled: a key of `negativePhases`. */
export type NegativePhaseId = keyof typeof negativePhases;

export function isNegativePhaseId(id: string): id is NegativePhaseId {
  return Object.prototype.hasOwnProperty.call(negativePhases, id);
}

/** Look up a sampler; an unknown id is one clear error listing the known ones. */
export function getNegativePhase(id: string): NegativePhaseSpec {
  if (!isNegativePhaseId(id)) throw new InputError(`unknown negative phase ${quote(id)} (known: ${Object.keys(negativePhases).join(", ")})`);
  return negativePhases[id];
}
