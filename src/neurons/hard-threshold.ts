/**
 * Hard threshold with injected noise (Bengio 2013, arXiv 1305.2982, §4, the unit the noisy
 * rectifier is contrasted with): h = 1[a + z > 0], z ~ N(0, s²). E[h] = Φ(a/s) is smooth in a,
 * but the pathwise derivative ∂h/∂a = 0 almost everywhere, so back-propagation through the
 * sampled unit gives a zero (biased) gradient. P(h = 0) = Φ(−a/s).
 */
import { normalCdf } from "../stats/tests.js";
import { standardNormalFromUniform } from "./gaussian-noise.js";
import { requireNoiseScale, type NoisyUnit } from "./types.js";

export class HardThreshold implements NoisyUnit {
  readonly type = "hard-threshold" as const;
  readonly noise = "gaussian" as const;
  readonly continuous = false;
  readonly s: number;
  constructor(s: number, where = "unit.s") {
    this.s = requireNoiseScale(s, where);
  }
  /** z = s·Φ⁻¹(u) (Acklam, relative error < 1.15e-9; see gaussian-noise.ts) */
  noiseFromUniform(_a: number, u: number): number {
    return this.s * standardNormalFromUniform(u);
  }
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
  toJSON() {
    return { type: this.type, s: this.s };
  }
}
