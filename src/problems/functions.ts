import { InputError, quote, requireFinite } from "../errors.js";
/**
 * Deterministic test objectives for SPSA / FDSA / SGD and an additive measurement-noise model.
 *
 * An `Objective` is a smooth function L: ℝᵖ → ℝ with an optional analytic gradient (the exact
 * reference for bias claims). The stochastic-approximation kernels (src/estimators/spsa.ts,
 * finite-difference.ts) never call `gradient`; they only *measure* L, possibly with noise:
 *   y(θ) = L(θ) + σ·ε,  ε ~ N(0, 1)  (Spall 1992, §2: measurements y = L + noise).
 */

/** A deterministic objective L: ℝᵖ → ℝ. */
export interface Objective {
  /** "skewed-quartic" | "quadratic" | "rosenbrock" | user ids */
  readonly id: string;
  /** p, the length of θ */
  readonly dimension: number;
  /** L(θ). Shapes: θ (p). */
  value(theta: Float64Array): number;
  /** ∇L(θ) written to out (p). Optional; test functions provide it as the exact reference. */
  gradient?(theta: Float64Array, out: Float64Array): void;
  /** Conventional starting point θ₀ (a fresh copy). */
  initialParams(): Float64Array;
  /** Minimum value L* when known (for L(θ̂) − L* reporting). */
  readonly minimum?: number;
  /** Plain-data description for records. */
  toJSON(): unknown;
}

/** Throws InputError unless θ has the objective's dimension. */
export function requireDimension(theta: ArrayLike<number>, p: number, where = "theta"): void {
  if (theta.length !== p) throw new InputError(`${where}: dimension mismatch: got ${theta.length} entries, the objective has p = ${p}`);
}

function requireDim(p: number, where: string, min = 1): number {
  if (!Number.isInteger(p) || p < min) throw new InputError(`${where}: expected an integer ≥ ${min}, got ${p}`);
  return p;
}

/**
 * Spall's skewed quartic (Spall 1998, "Implementation of the simultaneous perturbation
 * algorithm", Johns Hopkins APL Tech. Digest 19(4), §"Numerical example"):
 *   L(θ) = θᵀBᵀBθ + 0.1 Σᵢ (Bθ)ᵢ³ + 0.01 Σᵢ (Bθ)ᵢ⁴,  B upper triangular, Bᵢⱼ = 1/p for j ≥ i.
 * Minimum L* = 0 at θ* = 0 (each yᵢ² + 0.1yᵢ³ + 0.01yᵢ⁴ has its only stationary point at 0).
 * ∇L = Bᵀ(2y + 0.3y² + 0.04y³), y = Bθ. Shapes: θ (p). Default θ₀ = (1, …, 1).
 */
export class SkewedQuartic implements Objective {
  readonly id = "skewed-quartic";
  readonly dimension: number;
  readonly minimum = 0;
  private readonly y: Float64Array;
  constructor(p = 10) {
    this.dimension = requireDim(p, "skewed-quartic dimension");
    this.y = new Float64Array(p);
  }
  /** y = Bθ: yᵢ = (1/p) Σ_{j≥i} θⱼ (suffix sums, O(p)). */
  private By(theta: Float64Array): Float64Array {
    const p = this.dimension;
    let s = 0;
    for (let i = p - 1; i >= 0; i--) {
      s += theta[i];
      this.y[i] = s / p;
    }
    return this.y;
  }
  value(theta: Float64Array): number {
    const y = this.By(theta);
    let L = 0;
    for (let i = 0; i < this.dimension; i++) {
      const v = y[i];
      const v2 = v * v;
      L += v2 + 0.1 * v2 * v + 0.01 * v2 * v2;
    }
    return L;
  }
  gradient(theta: Float64Array, out: Float64Array): void {
    const p = this.dimension;
    const y = this.By(theta);
    // out_j = Σ_{i≤j} Bᵢⱼ fᵢ'(yᵢ) = (1/p) Σ_{i≤j} fᵢ' (prefix sums)
    let s = 0;
    for (let j = 0; j < p; j++) {
      const v = y[j];
      s += 2 * v + 0.3 * v * v + 0.04 * v * v * v;
      out[j] = s / p;
    }
  }
  initialParams(): Float64Array {
    return new Float64Array(this.dimension).fill(1);
  }
  toJSON(): unknown {
    return { kind: "skewed-quartic", dimension: this.dimension };
  }
}

/**
 * Diagonal quadratic L(θ) = ½ Σᵢ hᵢ (θᵢ − θ*ᵢ)², hᵢ = scale^{i/(p−1)} (condition number
 * `scale`), θ* = 0 by default. ∇L = h ⊙ (θ − θ*). Two-sided SPSA and central differences are
 * exactly unbiased on it (no third derivative). Default θ₀ = (1, …, 1).
 */
export class Quadratic implements Objective {
  readonly id = "quadratic";
  readonly dimension: number;
  readonly minimum = 0;
  readonly curvature: Float64Array;
  readonly center: Float64Array;
  constructor(p = 10, conditionNumber = 10, center?: ArrayLike<number>) {
    this.dimension = requireDim(p, "quadratic dimension");
    if (!(conditionNumber >= 1) || !Number.isFinite(conditionNumber)) throw new InputError(`quadratic condition number: expected a finite number ≥ 1, got ${conditionNumber}`);
    this.curvature = new Float64Array(p);
    for (let i = 0; i < p; i++) this.curvature[i] = p === 1 ? 1 : conditionNumber ** (i / (p - 1));
    this.center = new Float64Array(p);
    if (center) {
      requireDimension(center, p, "quadratic center");
      for (let i = 0; i < p; i++) this.center[i] = requireFinite(center[i], `quadratic center[${i}]`);
    }
  }
  value(theta: Float64Array): number {
    let L = 0;
    for (let i = 0; i < this.dimension; i++) {
      const d = theta[i] - this.center[i];
      L += 0.5 * this.curvature[i] * d * d;
    }
    return L;
  }
  gradient(theta: Float64Array, out: Float64Array): void {
    for (let i = 0; i < this.dimension; i++) out[i] = this.curvature[i] * (theta[i] - this.center[i]);
  }
  initialParams(): Float64Array {
    return new Float64Array(this.dimension).fill(1);
  }
  toJSON(): unknown {
    return { kind: "quadratic", dimension: this.dimension, curvature: Array.from(this.curvature), center: Array.from(this.center) };
  }
}

/**
 * Generalised Rosenbrock L(θ) = Σ_{i<p−1} [100(θᵢ₊₁ − θᵢ²)² + (1 − θᵢ)²], L* = 0 at θ* = 1.
 * ∂L/∂θᵢ = −400θᵢ(θᵢ₊₁ − θᵢ²) − 2(1 − θᵢ) + 200(θᵢ − θᵢ₋₁²). Default θ₀ = (−1.2, 1, −1.2, 1, …).
 * Source: Rosenbrock (1960), Comput. J. 3(3).
 */
export class Rosenbrock implements Objective {
  readonly id = "rosenbrock";
  readonly dimension: number;
  readonly minimum = 0;
  constructor(p = 2) {
    this.dimension = requireDim(p, "rosenbrock dimension", 2);
  }
  value(theta: Float64Array): number {
    let L = 0;
    for (let i = 0; i + 1 < this.dimension; i++) {
      const a = theta[i + 1] - theta[i] * theta[i];
      const b = 1 - theta[i];
      L += 100 * a * a + b * b;
    }
    return L;
  }
  gradient(theta: Float64Array, out: Float64Array): void {
    const p = this.dimension;
    out.fill(0);
    for (let i = 0; i + 1 < p; i++) {
      const a = theta[i + 1] - theta[i] * theta[i];
      out[i] += -400 * theta[i] * a - 2 * (1 - theta[i]);
      out[i + 1] += 200 * a;
    }
  }
  initialParams(): Float64Array {
    const t = new Float64Array(this.dimension);
    for (let i = 0; i < t.length; i++) t[i] = i % 2 === 0 ? -1.2 : 1;
    return t;
  }
  toJSON(): unknown {
    return { kind: "rosenbrock", dimension: this.dimension };
  }
}

/** Built-in objectives by id (a typed record; the CLI's --function). */
export const objectives = {
  "skewed-quartic": (p?: number) => new SkewedQuartic(p ?? 10),
  quadratic: (p?: number) => new Quadratic(p ?? 10),
  rosenbrock: (p?: number) => new Rosenbrock(p ?? 2),
} satisfies Record<string, (p?: number) => Objective>;

export type ObjectiveId = keyof typeof objectives;

/** Look up a built-in objective; unknown ids get one clear InputError listing the known ones. */
export function getObjective(id: string, dimension?: number): Objective {
  if (!Object.prototype.hasOwnProperty.call(objectives, id)) {
    throw new InputError(`--function: unknown function ${quote(id)} (known: ${Object.keys(objectives).join(", ")}, or a problem .json file)`);
  }
  return objectives[id as ObjectiveId](dimension);
}

/**
 * Additive Gaussian measurement noise: y(θ, ε) = L(θ) + σ·ε, ε ~ N(0,1) (Spall 1992, §2).
 * ε is built from two explicit uniforms by Box–Muller, ε = √(−2 ln(1−u₁))·cos(2πu₂), so the
 * noise stays an explicit input (common random numbers reuse the same u₁, u₂).
 */
export class MeasurementNoise {
  /** uniforms consumed per measurement */
  static readonly noisePerEvaluation = 2;
  readonly sigma: number;
  constructor(readonly objective: Objective, sigma: number) {
    if (!(sigma >= 0) || !Number.isFinite(sigma)) throw new InputError(`noise: expected a finite standard deviation ≥ 0, got ${sigma}`);
    this.sigma = sigma;
  }
  /** y = L(θ) + σ·ε(u[off], u[off+1]). Shapes: θ (p), u (≥ off+2). */
  measure(theta: Float64Array, u: Float64Array, off: number): number {
    const L = this.objective.value(theta);
    if (this.sigma === 0) return L;
    return L + this.sigma * boxMuller(u[off], u[off + 1]);
  }
}

/** ε = √(−2 ln(1−u₁))·cos(2πu₂): a standard normal from two uniforms in [0,1). */
export function boxMuller(u1: number, u2: number): number {
  return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
}
