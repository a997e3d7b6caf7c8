/**
 * Every reproduction, a typed record: `stochgrad reproduce <id>` runs one. A new reproduction is
 * one file in analysis/reproductions/ exporting a Reproduction and one line here.
 */
import { binaryVaeReproduction } from "./binary-vae.js";
import { conditionalComputation } from "./conditional-computation.js";
import { rbmMnist } from "./rbm-mnist.js";
import type { Reproduction } from "./types.js";

export const reproductions = {
  "conditional-computation": conditionalComputation,
  "rbm-mnist": rbmMnist,
  "binary-vae": binaryVaeReproduction,
} satisfies Record<string, Reproduction>;
