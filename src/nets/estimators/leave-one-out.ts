/**
 * K samples of one layer with leave-one-out baselines (Kool, van Hoof & Welling 2019, eq. 8),
 * shared by the layer forms of RLOO (Bernoulli score h − σ) and of the score-function estimator
 * for Gaussian noise (score z/s²): sample 0 is the main pass; samples 1 … K−1 read the layer's
 * extra noise (row layout [u⁽⁰⁾ | u⁽¹⁾ | …], width each) and re-run the downstream network:
 *   ∂J/∂a_rj ≈ w·Σ_k c_rk·score_k(r, j),   c_rk = (f_r⁽ᵏ⁾ − mean_{i≠k} f_r⁽ⁱ⁾)/K.
 */
import type { LayerSignals } from "./types.js";

export class LeaveOneOutSamples {
  private cap = 0;
  private P = new Float64Array(0);
  /** per sample: the layer's output h⁽ᵏ⁾ and noise values e⁽ᵏ⁾ (n×width), and f⁽ᵏ⁾ (n) */
  H: Float64Array[] = [];
  E: Float64Array[] = [];
  F: Float64Array[] = [];
  constructor(readonly K: number) {}

  /** Draw samples 1 … K−1 and their losses (sample 0 copied from the main pass). */
  draw(s: LayerSignals): void {
    const N = s.width;
    const n = s.n;
    const len = n * N;
    const K = this.K;
    if (this.cap < len) {
      this.cap = len;
      this.P = new Float64Array(len);
      this.H = Array.from({ length: K }, () => new Float64Array(len));
      this.E = Array.from({ length: K }, () => new Float64Array(len));
      this.F = Array.from({ length: K }, () => new Float64Array(n));
    }
    this.H[0].set(s.h.subarray(0, len));
    this.E[0].set(s.e.subarray(0, len));
    this.F[0].set(s.losses.subarray(0, n));
    for (let k = 1; k < K; k++) {
      s.unit.sample(s.logits, n, N, s.noise, k * N, s.noiseStride, this.P, this.E[k], this.H[k]);
      s.rerun(this.H[k], this.F[k]);
    }
  }

  /** out (n×width) ← w·Σ_k c_rk·score(k, r·width + j) after draw(). */
  combine(s: LayerSignals, score: (k: number, idx: number) => number, out: Float64Array): void {
    const N = s.width;
    const K = this.K;
    out.fill(0, 0, s.n * N);
    for (let r = 0; r < s.n; r++) {
      let sum = 0;
      for (let k = 0; k < K; k++) sum += this.F[k][r];
      for (let k = 0; k < K; k++) {
        const c = (this.F[k][r] - (sum - this.F[k][r]) / (K - 1)) / K;
        if (c === 0) continue;
        for (let j = 0; j < N; j++) out[r * N + j] += s.weight * c * score(k, r * N + j);
      }
    }
  }
}
