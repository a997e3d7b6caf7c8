/**
 * The map from 2-SPSA's smoothed Hessian H̄ to a positive-definite preconditioner, and the
 * preconditioned direction (Spall 2000, IEEE TAC 45(10): the mapping fₖ of H̄ₖ):
 *
 *   H̿ = f(H̄) = (H̄ᵀH̄ + δI)^{1/2} = Q diag(√(λᵢ² + δ)) Qᵀ,   d = H̿⁻¹ĝ = Q diag(1/√(λᵢ² + δ)) Qᵀ ĝ
 *
 * for symmetric H̄ = Q diag(λ) Qᵀ (cyclic Jacobi below). Why this form rather than eigenvalue
 * clipping max(λᵢ, ε): early H̄ are averages of a few rank-two estimates, so eigenvalues of the
 * wrong sign are common. The square-root form keeps each direction's curvature magnitude |λᵢ|
 * (a direction estimated at −1000 is stepped as if its curvature were 1000), and its floor √δ
 * bounds every step by ‖ĝ‖/√δ. Clipping maps that direction to ε and steps 1/ε along it, which is
 * |λᵢ|/ε times too long. It is Spall's example of fₖ, and Qiskit's `_make_spd`, √(H̄²) + δI, is
 * the same map with δ added outside the root.
 */
import { InputError } from "../errors.js";

/** Largest number of Jacobi sweeps before symmetricEigen reports non-convergence. */
export const MAX_JACOBI_SWEEPS = 60;

/**
 * Eigen-decomposition of a symmetric p×p matrix by cyclic Jacobi rotations (Golub & Van Loan,
 * Matrix Computations, §8.5): A (row-major, overwritten) → eigenvalues w (p), eigenvectors in the
 * columns of V (p×p row-major), A = V diag(w) Vᵀ. Converges when the off-diagonal mass is below
 * 1e-30 of the Frobenius mass (each sweep is O(p³)). Returns the sweeps used. No allocation.
 * With `resetV` false the rotations multiply the V passed in (V ← V·J₁J₂⋯), so for A = QᵀMQ the
 * result holds the eigenvectors of M: the warm start HessianPreconditioner uses.
 */
export function symmetricEigen(A: Float64Array, p: number, w: Float64Array, V: Float64Array, resetV = true): number {
  if (resetV) {
    V.fill(0);
    for (let i = 0; i < p; i++) V[i * p + i] = 1;
  }
  let total = 0;
  for (let i = 0; i < p * p; i++) total += A[i] * A[i];
  let sweep = 0;
  for (; sweep < MAX_JACOBI_SWEEPS; sweep++) {
    let off = 0;
    for (let i = 0; i < p; i++) for (let j = i + 1; j < p; j++) off += A[i * p + j] * A[i * p + j];
    if (!(off > 1e-30 * total)) break;
    for (let r = 0; r < p; r++) {
      for (let s = r + 1; s < p; s++) {
        const ars = A[r * p + s];
        if (ars === 0) continue;
        const tau = (A[s * p + s] - A[r * p + r]) / (2 * ars);
        const t = (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const cs = 1 / Math.sqrt(1 + t * t);
        const sn = t * cs;
        // A ← Jᵀ A J and V ← V J with J the rotation in the (r, s) plane
        for (let k = 0; k < p; k++) {
          const akr = A[k * p + r];
          const aks = A[k * p + s];
          A[k * p + r] = cs * akr - sn * aks;
          A[k * p + s] = sn * akr + cs * aks;
        }
        for (let k = 0; k < p; k++) {
          const ark = A[r * p + k];
          const ask = A[s * p + k];
          A[r * p + k] = cs * ark - sn * ask;
          A[s * p + k] = sn * ark + cs * ask;
        }
        A[r * p + s] = 0;
        A[s * p + r] = 0;
        for (let k = 0; k < p; k++) {
          const vkr = V[k * p + r];
          const vks = V[k * p + s];
          V[k * p + r] = cs * vkr - sn * vks;
          V[k * p + s] = sn * vkr + cs * vks;
        }
      }
    }
  }
  if (sweep === MAX_JACOBI_SWEEPS) throw new Error(`symmetricEigen: no convergence after ${MAX_JACOBI_SWEEPS} sweeps (p = ${p})`);
  for (let i = 0; i < p; i++) w[i] = A[i * p + i];
  return sweep;
}

/** Throws InputError unless δ is a finite number > 0. */
export function requireRegularization(delta: number): number {
  if (!(delta > 0) || !Number.isFinite(delta)) throw new InputError(`regularization: δ in (H̄ᵀH̄ + δI)^½ must be a finite number > 0, got ${delta}`);
  return delta;
}

/**
 * d = f(H̄)⁻¹ĝ with f(H̄) = (H̄ᵀH̄ + δI)^{1/2} (see the file comment); δ is fixed at construction
 * or passed per call (a sequence δₖ). Successive H̄ of a run change little, so each call starts
 * Jacobi from the previous eigenvectors Q (it diagonalises QᵀH̄Q, typically in 2–3 sweeps instead
 * of 7–8). Buffers are allocated once per dimension. Shapes: H̄ (p×p row-major, symmetric; not
 * modified), ĝ (p), d (p).
 */
export class HessianPreconditioner {
  readonly delta: number;
  /** eigenvalues λ of the last H̄ (p) */
  readonly eigenvalues: Float64Array;
  /** Jacobi sweeps of the last call */
  sweeps = 0;
  private readonly A: Float64Array;
  private readonly V: Float64Array;
  private readonly T: Float64Array;
  private readonly y: Float64Array;
  private warm = false;

  constructor(readonly p: number, delta: number) {
    this.delta = requireRegularization(delta);
    this.eigenvalues = new Float64Array(p);
    this.A = new Float64Array(p * p);
    this.V = new Float64Array(p * p);
    this.T = new Float64Array(p * p);
    this.y = new Float64Array(p);
  }

  /** A ← QᵀH̄Q with Q = the previous eigenvectors (T = H̄Q as scratch). */
  private rotateIntoPreviousBasis(Hbar: Float64Array): void {
    const { p, A, V, T } = this;
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) {
        let s = 0;
        for (let k = 0; k < p; k++) s += Hbar[i * p + k] * V[k * p + j];
        T[i * p + j] = s;
      }
    }
    for (let i = 0; i < p; i++) {
      for (let j = i; j < p; j++) {
        let s = 0;
        for (let k = 0; k < p; k++) s += V[k * p + i] * T[k * p + j];
        A[i * p + j] = s;
        A[j * p + i] = s;
      }
    }
  }

  /** d = Q diag(1/√(λᵢ² + δ)) Qᵀ ĝ. */
  apply(Hbar: Float64Array, g: Float64Array, d: Float64Array, deltaK = this.delta): void {
    requireRegularization(deltaK);
    const { p, A, V, y, eigenvalues: w } = this;
    if (this.warm) this.rotateIntoPreviousBasis(Hbar);
    else A.set(Hbar);
    this.sweeps = symmetricEigen(A, p, w, V, !this.warm);
    this.warm = true;
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let i = 0; i < p; i++) s += V[i * p + j] * g[i];
      y[j] = s / Math.sqrt(w[j] * w[j] + deltaK);
    }
    for (let i = 0; i < p; i++) {
      let s = 0;
      for (let j = 0; j < p; j++) s += V[i * p + j] * y[j];
      d[i] = s;
    }
  }
}
