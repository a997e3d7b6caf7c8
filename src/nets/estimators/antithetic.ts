/**
 * The antithetic pair of a Bernoulli layer (Yin & Zhou 2019, ARM, §2; Dong, Mnih & Tucker 2020,
 * DisARM, §3), shared by the layer forms of ARM and DisARM: with the main sample h = 1[u < σ(a)],
 * the antithetic sample is h̃ = 1[1 − u < σ(a)] (same uniforms), and f̃ = f(h̃) re-runs the
 * downstream network with later stochastic layers re-sampled from their own noise — the
 * "multiple stochastic layers" construction of both papers and of src/estimators/antithetic.ts.
 */
import type { LayerSignals } from "./types.js";

/** Scratch for the antithetic pass of one layer, grown on first use. */
export class AntitheticPair {
  private cap = 0;
  /** h̃ (n×width) */
  hTilde = new Float64Array(0);
  /** f̃ (n) */
  fTilde = new Float64Array(0);
  /** h̃ and f̃ = f(h̃) for the signals' minibatch. */
  run(s: LayerSignals): void {
    const N = s.width;
    const len = s.n * N;
    if (this.cap < len) {
      this.cap = len;
      this.hTilde = new Float64Array(len);
      this.fTilde = new Float64Array(s.n);
    }
    const ht = this.hTilde;
    for (let r = 0; r < s.n; r++) {
      const u = r * s.noiseStride;
      for (let j = 0; j < N; j++) ht[r * N + j] = +(1 - s.noise[u + j] < s.prob[r * N + j]);
    }
    s.rerun(ht, this.fTilde);
  }
}
