/**
 * The layer-estimator registry: one typed record, no switch on strings. A new layer estimator is
 * one file exporting a LayerEstimatorSpec and one line here.
 */
import { FieldError } from "../../errors.js";
import { arm } from "./arm.js";
import { correlation, correlationMovingAverage, correlationOptimalOnline } from "./correlation.js";
import { disarm } from "./disarm.js";
import { gumbelSoftmax } from "./gumbel-softmax.js";
import { muprop } from "./muprop.js";
import { nvil } from "./nvil.js";
import { pathwise, sts } from "./pathwise.js";
import { relax } from "./relax.js";
import { rloo } from "./rloo.js";
import { scoreInjected } from "./score-injected.js";
import { straightThrough, straightThroughSigmoid } from "./straight-through.js";
import type { LayerEstimatorSpec } from "./types.js";

export const layerEstimators = {
  correlation,
  "correlation-ma": correlationMovingAverage,
  "correlation-optimal-online": correlationOptimalOnline,
  "straight-through": straightThrough,
  "straight-through-sigmoid": straightThroughSigmoid,
  sts,
  pathwise,
  "score-injected": scoreInjected,
  rloo,
  arm,
  disarm,
  muprop,
  nvil,
  relax,
  "gumbel-softmax": gumbelSoftmax,
} satisfies Record<string, LayerEstimatorSpec>;

export type LayerEstimatorId = keyof typeof layerEstimators;

/** A layer estimator by id; an unknown id is a FieldError on `estimator` listing the known ones. */
export function getLayerEstimator(id: string): LayerEstimatorSpec {
  if (!Object.prototype.hasOwnProperty.call(layerEstimators, id)) throw new FieldError("estimator", `unknown layer estimator "${id}" (known: ${Object.keys(layerEstimators).join(", ")})`);
  return layerEstimators[id as LayerEstimatorId];
}
