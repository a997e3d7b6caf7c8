/**
 * The unit kinds of a stochastic layer, a typed record (no switch on strings). A layer of width N
 * maps its logits a (n×N, sample-major) and explicit noise u to its output h:
 *   bernoulli        h = 1[u < σ(a)]                     (Bengio 2013, arXiv 1305.2982, §3)
 *   sts              h = b·√σ(a), b = 1[u < √σ(a)]        (Bengio, Léonard & Courville 2013, arXiv 1308.3432, §3)
 *   noisy-rectifier  h = max(0, a + z), z = s·Φ⁻¹(u)      (1305.2982, §4)
 * The injected-noise kinds reuse the scalar units of src/neurons (the same noise maps as the
 * project's `noisy-net` problems, so a layer and a NoisyNet given the same uniforms sample the
 * same h). Every kind reports P(h ≠ 0) — the probability that a gate is on, which the sparsity
 * target constrains — and its derivative, and the mean E[h] for mean-field passes.
 */
import { NoisyRectifier } from "../neurons/noisy-rectifier.js";
import { StochasticTimesSmooth } from "../neurons/sts.js";
import type { NoisyUnit } from "../neurons/types.js";
import { sigmoid } from "../numerics.js";
import { normalCdf, normalPdf } from "../stats/tests.js";
import { FieldError } from "../errors.js";
import { sigmoidBernoulli } from "./ops.js";

export type UnitKind = "bernoulli" | "sts" | "noisy-rectifier";

/** A unit kind with its (validated) parameters; one instance serves a whole layer. */
export interface LayerUnit {
  readonly kind: UnitKind;
  /** "uniform": 32-bit uniforms in [0, 1) suffice (discrete draws); "double": 53-bit uniforms in (0, 1) (z = s·Φ⁻¹(u) must stay finite) */
  readonly noise: "uniform" | "double";
  /** the noise takes finitely many values given a (Bernoulli, STS): expectations can be enumerated */
  readonly discrete: boolean;
  /** noise scale s of Gaussian-noise units (z ~ N(0, s²)); NaN for the others */
  readonly s: number;
  /**
   * Sample the layer: P[r,j] = P(h ≠ 0 | a), E[r,j] = the unit's noise value (h for Bernoulli, b for
   * STS, z for the noisy rectifier), H[r,j] = h. Shapes: A, P, E, H n×N; row r's uniforms are
   * U[uOff + r·ldu …].
   */
  sample(A: Float64Array, n: number, N: number, U: Float64Array, uOff: number, ldu: number, P: Float64Array, E: Float64Array, H: Float64Array): void;
  /** H = E[h | a] over len entries (the mean-field value: σ(a), σ(a), a·Φ(a/s) + s·φ(a/s)). */
  mean(A: Float64Array, len: number, H: Float64Array): void;
  /** d E[h | a]/da over len entries (the slope of the mean-field value). */
  meanSlope(A: Float64Array, len: number, D: Float64Array): void;
  /**
   * D = ∂h/∂a with the noise e held fixed, over len entries: 0 for Bernoulli units (flat almost
   * everywhere), b·√σ(a)(1 − σ(a))/2 for STS (the smooth factor), 1[a + z > 0] for the noisy rectifier.
   */
  noiseSlope(A: Float64Array, E: Float64Array, len: number, D: Float64Array): void;
  /** P(h ≠ 0 | a) */
  onProbability(a: number): number;
  /** dP(h ≠ 0 | a)/da */
  onProbabilityDerivative(a: number): number;
  /** JSON form for records */
  toJSON(): { kind: UnitKind; s?: number };
}

/** H = σ(A): the mean of a Bernoulli unit and of an STS unit. */
function sigmoidMean(A: Float64Array, len: number, H: Float64Array): void {
  for (let k = 0; k < len; k++) H[k] = sigmoid(A[k]);
}

/** D = σ(A)(1 − σ(A)), the slope of sigmoidMean. */
function sigmoidSlope(A: Float64Array, len: number, D: Float64Array): void {
  for (let k = 0; k < len; k++) {
    const p = sigmoid(A[k]);
    D[k] = p * (1 - p);
  }
}

class BernoulliUnit implements LayerUnit {
  readonly kind = "bernoulli" as const;
  readonly s = Number.NaN;
  readonly noise = "uniform" as const;
  readonly discrete = true;
  sample(A: Float64Array, n: number, N: number, U: Float64Array, uOff: number, ldu: number, P: Float64Array, E: Float64Array, H: Float64Array): void {
    sigmoidBernoulli(A, n, N, U, uOff, ldu, P, H);
    E.set(H.subarray(0, n * N));
  }
  mean(A: Float64Array, len: number, H: Float64Array): void {
    sigmoidMean(A, len, H);
  }
  meanSlope(A: Float64Array, len: number, D: Float64Array): void {
    sigmoidSlope(A, len, D);
  }
  noiseSlope(_A: Float64Array, _E: Float64Array, len: number, D: Float64Array): void {
    D.fill(0, 0, len);
  }
  onProbability(a: number): number {
    return sigmoid(a);
  }
  onProbabilityDerivative(a: number): number {
    const p = sigmoid(a);
    return p * (1 - p);
  }
  toJSON() {
    return { kind: this.kind };
  }
}

/** Units with injected noise, through the scalar unit of src/neurons. */
abstract class InjectedUnit implements LayerUnit {
  abstract readonly kind: UnitKind;
  abstract readonly noise: "uniform" | "double";
  abstract readonly discrete: boolean;
  abstract readonly s: number;
  constructor(readonly unit: NoisyUnit) {}
  sample(A: Float64Array, n: number, N: number, U: Float64Array, uOff: number, ldu: number, P: Float64Array, E: Float64Array, H: Float64Array): void {
    const unit = this.unit;
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < N; j++) {
        const k = r * N + j;
        const a = A[k];
        const e = unit.noiseFromUniform(a, U[uOff + r * ldu + j]);
        E[k] = e;
        H[k] = unit.forward(a, e);
        P[k] = this.onProbability(a);
      }
    }
  }
  noiseSlope(A: Float64Array, E: Float64Array, len: number, D: Float64Array): void {
    for (let k = 0; k < len; k++) D[k] = this.unit.derivative(A[k], E[k]);
  }
  abstract mean(A: Float64Array, len: number, H: Float64Array): void;
  abstract meanSlope(A: Float64Array, len: number, D: Float64Array): void;
  abstract onProbability(a: number): number;
  abstract onProbabilityDerivative(a: number): number;
  abstract toJSON(): { kind: UnitKind; s?: number };
}

class StsUnit extends InjectedUnit {
  readonly kind = "sts" as const;
  readonly noise = "uniform" as const;
  readonly discrete = true;
  readonly s = Number.NaN;
  constructor() {
    super(new StochasticTimesSmooth());
  }
  /** E[h] = √σ(a)·√σ(a) = σ(a) */
  mean(A: Float64Array, len: number, H: Float64Array): void {
    sigmoidMean(A, len, H);
  }
  meanSlope(A: Float64Array, len: number, D: Float64Array): void {
    sigmoidSlope(A, len, D);
  }
  /** P(b = 1) = √σ(a) (the unit's noise probability) */
  onProbability(a: number): number {
    return this.unit.noiseProbability!(a);
  }
  /** d√σ(a)/da = √σ(a)(1 − σ(a))/2 */
  onProbabilityDerivative(a: number): number {
    return this.unit.noiseProbabilityDerivative!(a);
  }
  toJSON() {
    return { kind: this.kind };
  }
}

class NoisyRectifierUnit extends InjectedUnit {
  readonly kind = "noisy-rectifier" as const;
  readonly noise = "double" as const;
  readonly discrete = false;
  readonly s: number;
  constructor(s: number) {
    const unit = new NoisyRectifier(s, "s");
    super(unit);
    this.s = unit.s;
  }
  /** E[max(0, a + z)] = a·Φ(a/s) + s·φ(a/s) */
  mean(A: Float64Array, len: number, H: Float64Array): void {
    const s = this.s;
    for (let k = 0; k < len; k++) {
      const t = A[k] / s;
      H[k] = A[k] * normalCdf(t) + s * normalPdf(t);
    }
  }
  /** dE[h]/da = Φ(a/s) */
  meanSlope(A: Float64Array, len: number, D: Float64Array): void {
    for (let k = 0; k < len; k++) D[k] = normalCdf(A[k] / this.s);
  }
  /** P(a + z > 0) = Φ(a/s) */
  onProbability(a: number): number {
    return normalCdf(a / this.s);
  }
  /** φ(a/s)/s */
  onProbabilityDerivative(a: number): number {
    return normalPdf(a / this.s) / this.s;
  }
  toJSON() {
    return { kind: this.kind, s: this.s };
  }
}

/** Options of a unit kind: the noise scale s of the noisy rectifier. */
export interface UnitOptions {
  s?: number;
}

/** Every unit kind, keyed by the name layers and records use. */
export const unitKinds: Record<UnitKind, (o: UnitOptions) => LayerUnit> = {
  bernoulli: () => new BernoulliUnit(),
  sts: () => new StsUnit(),
  "noisy-rectifier": (o) => new NoisyRectifierUnit(o.s ?? 1),
};

/** A unit kind by name; an unknown name is a FieldError on `unit` listing the known ones. */
export function layerUnit(kind: string, options: UnitOptions = {}): LayerUnit {
  if (!Object.prototype.hasOwnProperty.call(unitKinds, kind)) throw new FieldError("unit", `unknown unit kind "${kind}" (known: ${Object.keys(unitKinds).join(", ")})`);
  return unitKinds[kind as UnitKind](options);
}
