/** Every figure `stochgrad verify` renders, in report order. A new figure adds one line here. */
import { beliefNetCostFigure } from "./belief-net-cost.js";
import { bmFigures } from "./bm.js";
import { lpMseVsBatch } from "./lp-mse-vs-batch.js";
import { nrZeroRate } from "./nr-zero-rate.js";
import { relaxationBiasFigure } from "./relaxation-bias.js";
import { spsaRbmFigure } from "./spsa-rbm.js";
import { spsaFigures } from "./spsa.js";
import { spsa2ConditioningFigure } from "./spsa2-conditioning.js";
import { t1Figures } from "./t1.js";
import { toyOptimisationFigure } from "./toy-optimisation.js";
import { toyVarianceFigure } from "./toy-variance.js";
import { trainingCurves } from "./training-curves.js";
import type { Figure } from "../analysis/figures/types.js";
import { unitBiasVariance } from "./unit-bias-variance.js";

export const figures: Figure[] = [
  ...t1Figures,
  ...bmFigures,
  ...spsaFigures,
  spsa2ConditioningFigure,
  spsaRbmFigure,
  unitBiasVariance,
  nrZeroRate,
  lpMseVsBatch,
  trainingCurves,
  toyVarianceFigure,
  toyOptimisationFigure,
  beliefNetCostFigure,
  relaxationBiasFigure,
];
