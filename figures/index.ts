/** Every figure `stochgrad verify` renders, in report order. Each issue adds its figures here. */
import type { Figure } from "./types.js";

export const figures: Figure[] = [];
