/**
 * Stochastic-times-smooth unit (Bengio, Léonard & Courville 2013, arXiv 1308.3432, §3):
 *   h = b·√p,  p = σ(a),  b ~ Bernoulli(√p),  so E[h] = p = σ(a).
 * The STS gradient back-propagates through the smooth factor only, treating b as constant:
 *   ∂h/∂a := b·d√σ(a)/da = b·√σ(a)(1 − σ(a))/2,
 * which ignores the dependence of b's distribution on a and is therefore biased in general.
 * Exact zeros: P(h = 0) = 1 − √σ(a). The noise b is binary, so moments are exact by summation.
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
  /** STS pathwise derivative b·√σ(a)(1 − σ(a))/2 (b held fixed) */
  derivative(a: number, b: number): number {
    const p = sigmoid(a);
    return 0.5 * b * Math.sqrt(p) * (1 - p);
  }
  /** P(h = 0) = 1 − √σ(a) */
  zeroProbability(a: number): number {
    return 1 - Math.sqrt(sigmoid(a));
  }
  breakpoints(): number[] {
    return [];
  }
  /** q(a) = √σ(a) */
  noiseProbability(a: number): number {
    return Math.sqrt(sigmoid(a));
  }
  /** dq/da = √σ(a)(1 − σ(a))/2 */
  noiseProbabilityDerivative(a: number): number {
    const p = sigmoid(a);
    return 0.5 * Math.sqrt(p) * (1 - p);
  }
  toJSON() {
    return { type: this.type };
  }
}
