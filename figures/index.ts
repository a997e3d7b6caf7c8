/** Every figure `stochgrad verify` renders, in report order. Each issue adds its figures here. */
import { spsaFigures } from "./spsa.js";
import { spsaRbmFigure } from "./spsa-rbm.js";
import { t1Figures } from "./t1.js";
import { bmFigures } from "./bm.js";
import type { Figure } from "./types.js";

export const figures: Figure[] = [...t1Figures, ...bmFigures, ...spsaFigures, spsaRbmFigure];
