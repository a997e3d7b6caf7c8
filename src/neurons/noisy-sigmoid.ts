/**
 * Noisy sigmoid (Bengio 2013, arXiv 1305.2982, §4; additive noise injected before a smooth
 * non-linearity): h = σ(a + z), z ~ N(0, s²). Pathwise ∂h/∂a = σ'(a + z), unbiased; never an
 * exact zero (P(h = 0) = 0), which is what the noisy rectifier improves on.
 */
import { sigmoid } from "../numerics.js";
import { standardNormalFromUniform } from "./gaussian-noise.js";
import { requireNoiseScale, type NoisyUnit } from "./types.js";

export class NoisySigmoid implements NoisyUnit {
  readonly type = "noisy-sigmoid" as const;
  readonly noise = "gaussian" as const;
  readonly continuous = true;
  readonly s: number;
  constructor(s: number, where = "unit.s") {
    this.s = requireNoiseScale(s, where);
  }
  /** z = s·Φ⁻¹(u) (Acklam, relative error < 1.15e-9; see gaussian-noise.ts) */
  noiseFromUniform(_a: number, u: number): number {
    return this.s * standardNormalFromUniform(u);
  }
  /** h = σ(a + z) */
  forward(a: number, z: number): number {
    return sigmoid(a + z);
  }
  /** ∂h/∂a = σ(a+z)(1 − σ(a+z)) */
  derivative(a: number, z: number): number {
    const p = sigmoid(a + z);
    return p * (1 - p);
  }
  /** P(h = 0) = 0 */
  zeroProbability(): number {
    return 0;
  }
  breakpoints(): number[] {
    return [];
  }
  toJSON() {
    return { type: this.type, s: this.s };
  }
}
