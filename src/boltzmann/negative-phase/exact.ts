/**
 * The exact negative phase: E[v], E[h], E[v hᵀ] under the model by enumerating the smaller layer
 * (`rbmModelStats`, ../exact.ts; Salakhutdinov & Murray 2008 §3 for exact Z with ≤ 25 hidden
 * units). With it the trainer follows the exact log-likelihood gradient of the batch. No noise,
 * no state; the enumeration runs in float64 on the model's current parameters.
 */
import { InputError } from "../../errors.js";
import { MAX_EXACT_LAYER, rbmModelStats } from "../exact.js";
import { Rbm } from "../rbm.js";
import type { NegativePhaseSpec } from "./types.js";

export const exact: NegativePhaseSpec = {
  id: "exact",
  title: "exact",
  source: "enumeration of the smaller layer (Salakhutdinov & Murray 2008, §3)",
  applicable: ({ nVisible, nHidden }) =>
    Math.min(nVisible, nHidden) > MAX_EXACT_LAYER ? `exact enumerates the smaller layer; needs min(nVisible, nHidden) ≤ ${MAX_EXACT_LAYER}, got ${nVisible}×${nHidden}` : null,
  create(core) {
    const model = new Rbm(core.nV, core.nH);
    return {
      sample() {
        core.store(model);
        const m = rbmModelStats(model);
        return { kind: "expectations", v: m.v, h: m.h, vh: m.vh };
      },
      toJSON: () => undefined,
      restore(state, where) {
        if (state !== undefined) throw new InputError(`${where}: unexpected (the exact negative phase keeps no state)`);
      },
    };
  },
};
