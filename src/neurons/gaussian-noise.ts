/**
 * Gaussian noise from explicit uniforms for injected-noise units: z = Φ⁻¹(u).
 *
 * Acklam's rational approximation (P. J. Acklam 2003, "An algorithm for computing the inverse
 * normal cumulative distribution function"), relative error < 1.15e-9 over (0, 1), without the
 * Newton refinement of stats/tests.ts `normalQuantile` (which costs ~0.6 µs per call through
 * erfc). The map only turns uniforms into noise for sampling: a 1e-9 relative perturbation of
 * the quantile changes the sampled distribution by far less than any Monte Carlo resolution
 * (it would take ~1e18 draws to see), while exact references integrate over z directly and never
 * use this map. Branch-light, no allocation.
 */
import { requireNoiseScale, type NoisyUnit, type UnitType } from "./types.js";

const A0 = -3.969683028665376e1, A1 = 2.209460984245205e2, A2 = -2.759285104469687e2, A3 = 1.38357751867269e2, A4 = -3.066479806614716e1, A5 = 2.506628277459239;
const B0 = -5.447609879822406e1, B1 = 1.615858368580409e2, B2 = -1.556989798598866e2, B3 = 6.680131188771972e1, B4 = -1.328068155288572e1;
const C0 = -7.784894002430293e-3, C1 = -3.223964580411365e-1, C2 = -2.400758277161838, C3 = -2.549732539343734, C4 = 4.374664141464968, C5 = 2.938163982698783;
const D0 = 7.784695709041462e-3, D1 = 3.224671290700398e-1, D2 = 2.445134137142996, D3 = 3.754408661907416;
const PLOW = 0.02425;

/** z ≈ Φ⁻¹(u) for u ∈ (0, 1) (relative error < 1.15e-9); ±∞ at u = 0, 1. */
export function standardNormalFromUniform(u: number): number {
  if (u < PLOW) {
    if (u <= 0) return -Infinity;
    const q = Math.sqrt(-2 * Math.log(u));
    return (((((C0 * q + C1) * q + C2) * q + C3) * q + C4) * q + C5) / ((((D0 * q + D1) * q + D2) * q + D3) * q + 1);
  }
  if (u > 1 - PLOW) {
    if (u >= 1) return Infinity;
    const q = Math.sqrt(-2 * Math.log(1 - u));
    return -(((((C0 * q + C1) * q + C2) * q + C3) * q + C4) * q + C5) / ((((D0 * q + D1) * q + D2) * q + D3) * q + 1);
  }
  const q = u - 0.5;
  const r = q * q;
  return ((((((A0 * r + A1) * r + A2) * r + A3) * r + A4) * r + A5) * q) / (((((B0 * r + B1) * r + B2) * r + B3) * r + B4) * r + 1);
}

/**
 * Shared part of the units with additive Gaussian noise, h = f(a + z), z ~ N(0, s²) (noisy
 * rectifier, noisy sigmoid, hard threshold; Bengio 2013, arXiv 1305.2982, §4): the validated
 * scale s, the noise map z = s·Φ⁻¹(u), and the JSON form. Subclasses give f, ∂f/∂a, P(h = 0)
 * and the kinks of f.
 */
export abstract class GaussianNoiseUnit implements NoisyUnit {
  abstract readonly type: UnitType;
  abstract readonly continuous: boolean;
  readonly noise = "gaussian" as const;
  readonly s: number;
  constructor(s: number, where = "unit.s") {
    this.s = requireNoiseScale(s, where);
  }
  /** z = s·Φ⁻¹(u) (Acklam, relative error < 1.15e-9) */
  noiseFromUniform(_a: number, u: number): number {
    return this.s * standardNormalFromUniform(u);
  }
  /** z = 0, the centre of the Gaussian */
  modeNoise(): number {
    return 0;
  }
  abstract forward(a: number, z: number): number;
  abstract derivative(a: number, z: number): number;
  abstract zeroProbability(a: number): number;
  abstract breakpoints(a: number): number[];
  toJSON(): { type: UnitType; s: number } {
    return { type: this.type, s: this.s };
  }
}
