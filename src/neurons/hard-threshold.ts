/**
 * Hard threshold with injected noise (Bengio 2013, arXiv 1305.2982, §4, the unit the noisy
 * rectifier is contrasted with): h = 1[a + z > 0], z ~ N(0, s²). E[h] = Φ(a/s) is smooth in a,
 * but the pathwise derivative ∂h/∂a = 0 almost everywhere, so back-propagation through the
 * sampled unit gives a zero (biased) gradient. P(h = 0) = Φ(−a/s).
 */
import { normalCdf } from "../stats/tests.js";
import { GaussianNoiseUnit } from "./gaussian-noise.js";

export class HardThreshold extends GaussianNoiseUnit {
  readonly type = "hard-threshold" as const;
  readonly continuous = false;
  /** h = 1[a + z > 0] */
  forward(a: number, z: number): number {
    return +(a + z > 0);
  }
  /** ∂h/∂a = 0 (a.e.; the jump at z = −a has probability 0) */
  derivative(): number {
    return 0;
  }
  /** P(h = 0) = Φ(−a/s) */
  zeroProbability(a: number): number {
    return normalCdf(-a / this.s);
  }
  /** jump at z = −a */
  breakpoints(a: number): number[] {
    return [-a];
  }
}
