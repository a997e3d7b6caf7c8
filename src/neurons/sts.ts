/**
 * Stochastic-times-smooth unit (Bengio, Léonard & Courville 2013, arXiv 1308.3432, §3):
 *   h = b·√p,  p = σ(a),  b ~ Bernoulli(√p),  so E[h] = p = σ(a).
 * The STS gradient back-propagates through the smooth factor only, treating b as constant:
 *   ∂h/∂a := b·d√σ(a)/da = b·√σ(a)σ(−a)/2,
 * which ignores the dependence of b's distribution on a and is therefore biased in general.
 * Exact zeros: P(h = 0) = 1 − √σ(a). The noise b is binary, so moments are exact by summation.
 *
 * Every quantity is written without the cancellation of 1 − σ(a) (0 in float64 for a ≥ 37):
 * 1 − √σ(a) = σ(−a)/(1 + √σ(a)), and the score of b is σ(−a)/2 for b = 1 and
 * −√σ(a)(1 + √σ(a))/2 for b = 0 (the form (b − q)q'/(q(1 − q)) is 0/0 there).
 */
import { sigmoid } from "../numerics.js";
import type { NoisyUnit } from "./types.js";

export class StochasticTimesSmooth implements NoisyUnit {
  readonly type = "sts" as const;
  readonly noise = "bernoulli" as const;
  readonly continuous = false;
  readonly s = Number.NaN;
  /** b = 1[u < √σ(a)] (branch-free) */
  noiseFromUniform(a: number, u: number): number {
    return +(u < Math.sqrt(sigmoid(a)));
  }
  /** h = b·√σ(a) */
  forward(a: number, b: number): number {
    return b * Math.sqrt(sigmoid(a));
  }
  /** STS pathwise derivative b·√σ(a)σ(−a)/2 (b held fixed) */
  derivative(a: number, b: number): number {
    return 0.5 * b * Math.sqrt(sigmoid(a)) * sigmoid(-a);
  }
  /** P(h = 0) = 1 − √σ(a) = σ(−a)/(1 + √σ(a)) */
  zeroProbability(a: number): number {
    return this.noiseComplement(a);
  }
  breakpoints(): number[] {
    return [];
  }
  /** q(a) = √σ(a) */
  noiseProbability(a: number): number {
    return Math.sqrt(sigmoid(a));
  }
  /** 1 − q(a) = σ(−a)/(1 + √σ(a)) */
  noiseComplement(a: number): number {
    return sigmoid(-a) / (1 + Math.sqrt(sigmoid(a)));
  }
  /** dq/da = √σ(a)σ(−a)/2 */
  noiseProbabilityDerivative(a: number): number {
    return 0.5 * Math.sqrt(sigmoid(a)) * sigmoid(-a);
  }
  /** ∂ log P(b)/∂a: q'/q = σ(−a)/2 (b = 1), −q'/(1 − q) = −√σ(a)(1 + √σ(a))/2 (b = 0) */
  noiseScore(a: number, b: number): number {
    if (b === 1) return 0.5 * sigmoid(-a);
    const q = Math.sqrt(sigmoid(a));
    return -0.5 * q * (1 + q);
  }
  /** b = 1[√σ(a) ≥ ½] */
  modeNoise(a: number): number {
    return +(Math.sqrt(sigmoid(a)) >= 0.5);
  }
  toJSON() {
    return { type: this.type };
  }
}
