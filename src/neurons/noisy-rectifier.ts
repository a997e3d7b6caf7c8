/**
 * Noisy rectifier (Bengio 2013, arXiv 1305.2982, §4): h = max(0, a + z), z ~ N(0, s²).
 * Pathwise derivative ∂h/∂a = 1[a + z > 0] (defined a.e.); the back-propagated gradient is
 * unbiased for ∂E[L]/∂a because h is continuous and piecewise linear in a. Exact zeros occur
 * with probability P(h = 0) = Φ(−a/s): the rate is set by a/s.
 */
import { normalCdf } from "../stats/tests.js";
import { GaussianNoiseUnit } from "./gaussian-noise.js";

export class NoisyRectifier extends GaussianNoiseUnit {
  readonly type = "noisy-rectifier" as const;
  readonly continuous = true;
  /** h = max(0, a + z) */
  forward(a: number, z: number): number {
    const y = a + z;
    return y > 0 ? y : 0;
  }
  /** ∂h/∂a = 1[a + z > 0] */
  derivative(a: number, z: number): number {
    return +(a + z > 0);
  }
  /** P(h = 0) = Φ(−a/s) */
  zeroProbability(a: number): number {
    return normalCdf(-a / this.s);
  }
  /** kink at z = −a */
  breakpoints(a: number): number[] {
    return [-a];
  }
}
