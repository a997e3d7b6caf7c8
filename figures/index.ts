/** Every figure `stochgrad verify` renders, in report order. Each issue adds its figures here. */
import { t1Figures } from "./t1.js";
import type { Figure } from "./types.js";
import { beliefNetCostFigure } from "./belief-net-cost.js";
import { toyOptimisationFigure } from "./toy-optimisation.js";
import { toyVarianceFigure } from "./toy-variance.js";
import { relaxationBiasFigure } from "./relaxation-bias.js";

export const figures: Figure[] = [...t1Figures, toyVarianceFigure, toyOptimisationFigure, beliefNetCostFigure, relaxationBiasFigure];
