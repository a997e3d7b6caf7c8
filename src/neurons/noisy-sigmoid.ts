/**
 * Noisy sigmoid (Bengio 2013, arXiv 1305.2982, §4; additive noise injected before a smooth
 * non-linearity): h = σ(a + z), z ~ N(0, s²). Pathwise ∂h/∂a = σ'(a + z), unbiased; never an
 * exact zero (P(h = 0) = 0), which is what the noisy rectifier improves on.
 */
import { sigmoid, sigmoidDerivative } from "../numerics.js";
import { GaussianNoiseUnit } from "./gaussian-noise.js";

export class NoisySigmoid extends GaussianNoiseUnit {
  readonly type = "noisy-sigmoid" as const;
  readonly continuous = true;
  /** h = σ(a + z) */
  forward(a: number, z: number): number {
    return sigmoid(a + z);
  }
  /** ∂h/∂a = σ(a+z)σ(−(a+z)) (not σ(1 − σ), which is 0 in float64 once a + z ≥ 37) */
  derivative(a: number, z: number): number {
    return sigmoidDerivative(a + z);
  }
  /** P(h = 0) = 0 */
  zeroProbability(): number {
    return 0;
  }
  breakpoints(): number[] {
    return [];
  }
}
