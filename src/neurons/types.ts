import { describeValue, InputError } from "../errors.js";
/**
 * Units with injected noise (Bengio 2013, arXiv 1305.2982, §4 "noisy rectifier"; Bengio,
 * Léonard & Courville 2013, arXiv 1308.3432, §3 "stochastic times smooth"). A unit maps its
 * pre-activation a and an explicit noise value e to its output h = f(a, e):
 *   noisy-rectifier  h = max(0, a + z),   z ~ N(0, s²)
 *   noisy-sigmoid    h = σ(a + z),        z ~ N(0, s²)
 *   hard-threshold   h = 1[a + z > 0],    z ~ N(0, s²)
 *   sts              h = b·√σ(a),         b ~ Bernoulli(√σ(a))      (E[h] = σ(a))
 * Noise is explicit: the caller supplies a uniform u ∈ (0,1) and `noiseFromUniform` maps it
 * (z = s·Φ⁻¹(u); b = 1[u < √σ(a)]), so sampling, common random numbers and quadrature all
 * see the same function h = f(a, e).
 */

export type UnitType = "noisy-rectifier" | "noisy-sigmoid" | "hard-threshold" | "sts";

export interface NoisyUnit {
  readonly type: UnitType;
  /** "gaussian": e = z ~ N(0, s²); "bernoulli": e = b ∈ {0,1} with P(b=1) = noiseProbability(a) */
  readonly noise: "gaussian" | "bernoulli";
  /** noise standard deviation s (gaussian units); NaN for bernoulli-noise units */
  readonly s: number;
  /** true when h = f(a, e) is continuous in a for fixed e (then the pathwise gradient is unbiased) */
  readonly continuous: boolean;
  /** e from a uniform u ∈ (0,1): z = s·Φ⁻¹(u), or b = 1[u < q(a)] */
  noiseFromUniform(a: number, u: number): number;
  /** h = f(a, e) */
  forward(a: number, e: number): number;
  /** pathwise derivative ∂f(a, e)/∂a with the noise e held fixed */
  derivative(a: number, e: number): number;
  /** P(h = 0) exactly (the fraction of exact zeros) */
  zeroProbability(a: number): number;
  /** values of the noise where f(a, ·) has a kink or a jump (quadrature breakpoints) */
  breakpoints(a: number): number[];
  /** bernoulli units: q(a) = P(b = 1), 1 − q(a) (computed without cancellation) and dq/da */
  noiseProbability?(a: number): number;
  noiseComplement?(a: number): number;
  noiseProbabilityDerivative?(a: number): number;
  /** bernoulli units: the score ∂ log P(b)/∂a = q'/q (b = 1) or −q'/(1 − q) (b = 0), finite for every a */
  noiseScore?(a: number, b: number): number;
  /** the noise value with the most mass (0 for Gaussian noise; b = 1[q ≥ ½]): a centre for exact sums */
  modeNoise(a: number): number;
  toJSON(): { type: UnitType; s?: number };
}

/** Throws InputError unless s is a finite number > 0 (the noise scale of a Gaussian unit). */
export function requireNoiseScale(s: unknown, where: string): number {
  if (typeof s !== "number" || !Number.isFinite(s) || !(s > 0)) {
    throw new InputError(`${where}: noise scale s must be a finite number > 0, got ${describeValue(s)}`);
  }
  return s;
}
