/** Every figure `stochgrad verify` renders, in report order. Each issue adds its figures here. */
import { lpMseVsBatch } from "./lp-mse-vs-batch.js";
import { nrZeroRate } from "./nr-zero-rate.js";
import { t1Figures } from "./t1.js";
import { bmFigures } from "./bm.js";
import { trainingCurves } from "./training-curves.js";
import type { Figure } from "./types.js";
import { unitBiasVariance } from "./unit-bias-variance.js";

import { beliefNetCostFigure } from "./belief-net-cost.js";
import { toyOptimisationFigure } from "./toy-optimisation.js";
import { toyVarianceFigure } from "./toy-variance.js";
import { relaxationBiasFigure } from "./relaxation-bias.js";

export const figures: Figure[] = [
  ...t1Figures,
  unitBiasVariance,
  nrZeroRate,
  lpMseVsBatch,
  trainingCurves,
  toyVarianceFigure,
  toyOptimisationFigure,
  beliefNetCostFigure,
  relaxationBiasFigure,
  ...bmFigures,
];
