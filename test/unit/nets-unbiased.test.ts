// The unbiased layer estimators of a Bernoulli latent layer, checked exactly on a tiny binary VAE
// (3 pixels → 2 latents → 3, two rows): the expectation of each estimator's parameter gradient
// over its noise equals ∇θ E_q[J], the exact objective by enumeration of the latents,
// differentiated by Richardson-extrapolated central differences. The noise of both rows is the
// same vector (the expectation of a sum over rows does not care), so the expectation is an
// integral over the layer's noise row: piecewise affine in each uniform between the breakpoints
// σ(a_rj), 1 − σ(a_rj) for the estimators that read u only through h, h̃ and u itself (exact by
// the cells' midpoints), smooth inside those cells for RELAX (nested adaptive Gauss–Kronrod with
// its propagated error). Each check has a negative control, a plausible slip, that it rejects.
import { describe, expect, it } from "vitest";
import { integrateVector } from "../../src/exact/quadrature.js";
import { binaryVae, type BinaryVae } from "../../src/nets/binary-vae.js";
import { AntitheticPair } from "../../src/nets/estimators/antithetic.js";
import { LeaveOneOutSamples } from "../../src/nets/estimators/leave-one-out.js";
import { createLayerMuprop } from "../../src/nets/estimators/muprop.js";
import { createLayerRelax } from "../../src/nets/estimators/relax.js";
import { layerEstimators } from "../../src/nets/estimators/registry.js";
import type { LayerEstimator, LayerEstimatorSpec } from "../../src/nets/estimators/types.js";
import type { Batch } from "../../src/nets/layers.js";
import { Stream } from "../../src/random/stream.js";

const X = Float64Array.from([1, 0, 1, 0, 1, 1]);
const BATCH: Batch = { n: 2, x: X };

/** A tiny VAE with θ uniform in ±1.5 (so that some logits are negative), from a fixed seed. */
function tiny(spec: LayerEstimatorSpec, latents = 2, options: Record<string, number> = {}): BinaryVae {
  const vae = binaryVae({ pixels: 3, latents, estimator: spec, estimatorOptions: options, maxRows: 2 });
  const s = Stream.fromSeed(`tiny-vae/${latents}`);
  const th = vae.network.theta;
  for (let k = 0; k < th.length; k++) th[k] = 1.5 * (2 * s.uniform() - 1);
  return vae;
}

/** A spec with another estimator behind it (controls and replaced internals). */
function withEstimator(spec: LayerEstimatorSpec, create: (width: number) => LayerEstimator): LayerEstimatorSpec {
  return { ...spec, create: (w) => create(w) };
}

/** σ(a) of the latent layer for the batch (n×N). */
function probabilities(vae: BinaryVae): Float64Array {
  const net = vae.network;
  net.fillNoise(Stream.fromSeed("any"), BATCH.n);
  net.forward(BATCH);
  return vae.latent.prob(0).slice(0, BATCH.n * vae.latent.width);
}

/** E_q[J] by enumeration of the latents of each row. */
function exactObjective(vae: BinaryVae): number {
  const net = vae.network;
  const N = vae.latent.width;
  const S = vae.latent.noiseStride;
  const n = BATCH.n;
  const p = probabilities(vae);
  let J = 0;
  for (let c = 0; c < 1 << N; c++) {
    for (let r = 0; r < n; r++) for (let j = 0; j < N; j++) vae.latent.noise[r * S + j] = (c >> j) & 1 ? p[r * N + j] / 2 : (1 + p[r * N + j]) / 2;
    net.forward(BATCH);
    for (let r = 0; r < n; r++) {
      let q = 1;
      for (let j = 0; j < N; j++) q *= (c >> j) & 1 ? p[r * N + j] : 1 - p[r * N + j];
      J += (q * net.f[r]) / n;
    }
  }
  return J;
}

/**
 * ∇θ E_q[J] by central differences at ε, ε/2, ε/4, Richardson-extrapolated twice (R₁ from ε, ε/2;
 * R₂ from ε/2, ε/4); |R₂ − R₁| is the error estimate (R₂'s error is of order (ε/2)⁴).
 */
function exactGradient(vae: BinaryVae): { g: Float64Array; error: number } {
  const th = vae.network.theta;
  const g = new Float64Array(th.length);
  let error = 0;
  const eps = 4e-3;
  const diff = (k: number, e: number) => {
    const t = th[k];
    th[k] = t + e;
    const up = exactObjective(vae);
    th[k] = t - e;
    const down = exactObjective(vae);
    th[k] = t;
    return (up - down) / (2 * e);
  };
  for (let k = 0; k < th.length; k++) {
    const d1 = diff(k, eps);
    const d2 = diff(k, eps / 2);
    const d3 = diff(k, eps / 4);
    const r1 = (4 * d2 - d1) / 3;
    g[k] = (4 * d3 - d2) / 3;
    error = Math.max(error, Math.abs(g[k] - r1));
  }
  return { g, error };
}

/** The network's gradient with the (shared) noise row u, every row. */
function gradientAt(vae: BinaryVae, u: ArrayLike<number>, out: Float64Array): void {
  const S = vae.latent.noiseStride;
  for (let r = 0; r < BATCH.n; r++) for (let k = 0; k < S; k++) vae.latent.noise[r * S + k] = u[k];
  vae.network.forward(BATCH);
  vae.network.backward();
  out.set(vae.network.grad);
}

/** Breakpoints of noise coordinate k (unit k mod N): σ(a_rj) and 1 − σ(a_rj) of every row, with 0 and 1. */
function cells(p: Float64Array, N: number, k: number): number[] {
  const j = k % N;
  const pts = [0, 1];
  for (let r = 0; r < BATCH.n; r++) pts.push(p[r * N + j], 1 - p[r * N + j]);
  return [...new Set(pts)].sort((a, b) => a - b);
}

/** E[ĝ] for estimators piecewise affine in each uniform between the breakpoints: the cells' midpoints, weighted by their volumes (exact). */
function expectationByCells(vae: BinaryVae): Float64Array {
  const p = probabilities(vae);
  const N = vae.latent.width;
  const S = vae.latent.noiseStride;
  const P = vae.network.nParams;
  const mean = new Float64Array(P);
  const g = new Float64Array(P);
  const u = new Float64Array(S);
  const grids = Array.from({ length: S }, (_, k) => cells(p, N, k));
  const walk = (k: number, w: number) => {
    if (k === S) {
      gradientAt(vae, u, g);
      for (let i = 0; i < P; i++) mean[i] += w * g[i];
      return;
    }
    const pts = grids[k];
    for (let c = 0; c + 1 < pts.length; c++) {
      u[k] = (pts[c] + pts[c + 1]) / 2;
      walk(k + 1, w * (pts[c + 1] - pts[c]));
    }
  };
  walk(0, 1);
  return mean;
}

/** E[ĝ] by nested adaptive Gauss–Kronrod over the noise row (split at the breakpoints), with the propagated error bound. */
function expectationByQuadrature(vae: BinaryVae): { mean: Float64Array; error: number } {
  const p = probabilities(vae);
  const N = vae.latent.width;
  const S = vae.latent.noiseStride;
  const P = vae.network.nParams;
  const u = new Float64Array(S);
  const g = new Float64Array(P);
  const noise = Array.from({ length: 2 * P }, (_, d) => (d < P ? P + d : d));
  // level k integrates coordinates k … S−1: values (P) then the inner levels' errors (P)
  const level = (k: number, out: Float64Array) => {
    if (k === S) {
      gradientAt(vae, u, g);
      out.set(g);
      out.fill(0, P);
      return;
    }
    const inner = new Float64Array(2 * P);
    const r = integrateVector(
      (x, o) => {
        u[k] = x;
        level(k + 1, inner);
        o.set(inner);
      },
      2 * P,
      0,
      1,
      out,
      { breakpoints: cells(p, N, k), relTol: 1e-10, absTol: 1e-12, controlled: P, noise },
    );
    if (!r.converged) throw new Error(`quadrature over noise coordinate ${k} did not converge`);
    for (let d = 0; d < P; d++) out[P + d] += r.errors![d];
  };
  const out = new Float64Array(2 * P);
  level(0, out);
  return { mean: out.slice(0, P), error: Math.max(...out.slice(P)) };
}

/** max_k |E[ĝ]_k − ∇_k| / max_k |∇_k| */
function relativeGap(mean: Float64Array, ref: Float64Array): number {
  let d = 0;
  let m = 0;
  for (let k = 0; k < ref.length; k++) {
    d = Math.max(d, Math.abs(mean[k] - ref[k]));
    m = Math.max(m, Math.abs(ref[k]));
  }
  return d / m;
}

// Tolerance: the extrapolated differences' own error estimate is below 1e-9 of the gradient's
// scale (asserted below), the cell rule is exact, and the quadrature's error is propagated; 1e-7
// leaves a margin of 100 over those. Every control misses by more than 1e-3.
const TOL = 1e-7;

/** The check: build the net, compare E[ĝ] with ∇E[J]; returns the relative gap. */
function gap(spec: LayerEstimatorSpec, setup: (vae: BinaryVae) => void = () => {}, latents = 2, quadrature = false): number {
  const vae = tiny(spec, latents);
  setup(vae);
  try {
    const ref = exactGradient(vae);
    const scale = Math.max(...ref.g.map(Math.abs));
    expect(ref.error / scale).toBeLessThan(1e-9);
    if (!quadrature) return relativeGap(expectationByCells(vae), ref.g);
    const q = expectationByQuadrature(vae);
    expect(q.error / scale).toBeLessThan(TOL / 100);
    return relativeGap(q.mean, ref.g);
  } finally {
    vae.network.release();
  }
}

/** Control of the score-function family: the baseline reads the row's own sample h (b = 3·Σ_j h_j). */
const peekingBaseline = withEstimator(layerEstimators["correlation-ma"], (N) => ({
  logitGradient(s, out) {
    for (let r = 0; r < s.n; r++) {
      let b = 0;
      for (let j = 0; j < N; j++) b += 3 * s.h[r * N + j];
      for (let j = 0; j < N; j++) out[r * N + j] = s.weight * (s.h[r * N + j] - s.prob[r * N + j]) * (s.losses[r] - b);
    }
  },
}));

/** Control of RLOO: the sample's own loss included in its baseline (the mean over all K). */
const rlooOwnTerm = withEstimator(layerEstimators.rloo, (N) => {
  const loo = new LeaveOneOutSamples(2);
  return {
    logitGradient(s, out) {
      loo.draw(s);
      out.fill(0, 0, s.n * N);
      for (let r = 0; r < s.n; r++) {
        const m = (loo.F[0][r] + loo.F[1][r]) / 2;
        for (let k = 0; k < 2; k++) for (let j = 0; j < N; j++) out[r * N + j] += (s.weight * (loo.F[k][r] - m) * (loo.H[k][r * N + j] - s.prob[r * N + j])) / 2;
      }
    },
  };
});

/**
 * Control of ARM: the antithetic draw's uniform coupled the wrong way, h̃ = 1[u < 1 − σ(a)] instead
 * of 1[1 − u < σ(a)] (centring u at σ(a) instead of ½ would be no control: E[f̃ − f] = 0 makes any
 * constant centre unbiased).
 */
const armWrongCoupling = withEstimator(layerEstimators.arm, (N) => {
  let ht = new Float64Array(0);
  let ft = new Float64Array(0);
  return {
    logitGradient(s, out) {
      if (ht.length < s.n * N) {
        ht = new Float64Array(s.n * N);
        ft = new Float64Array(s.n);
      }
      for (let r = 0; r < s.n; r++) for (let j = 0; j < N; j++) ht[r * N + j] = +(s.noise[r * s.noiseStride + j] < 1 - s.prob[r * N + j]);
      s.rerun(ht, ft);
      for (let r = 0; r < s.n; r++) for (let j = 0; j < N; j++) out[r * N + j] = s.weight * (ft[r] - s.losses[r]) * (s.noise[r * s.noiseStride + j] - 0.5);
    },
  };
});

/** Control of DisARM: the sign (−1)^h where (−1)^{h̃} belongs. */
const disarmSignSlip = withEstimator(layerEstimators.disarm, (N) => {
  const pair = new AntitheticPair();
  return {
    logitGradient(s, out) {
      pair.run(s);
      for (let r = 0; r < s.n; r++) {
        for (let j = 0; j < N; j++) {
          const k = r * N + j;
          const bt = pair.hTilde[k];
          out[k] = s.h[k] === bt ? 0 : s.weight * 0.5 * (s.losses[r] - pair.fTilde[r]) * (1 - 2 * s.h[k]) * (1 / (1 + Math.exp(-Math.abs(s.logits[k]))));
        }
      }
    },
  };
});

/** Control of NVIL: the baseline reads h instead of the input (b = ψᵀ[h; 1]). */
const nvilPeeks = withEstimator(layerEstimators.nvil, (N) => ({
  logitGradient(s, out) {
    for (let r = 0; r < s.n; r++) {
      let b = 0.4;
      for (let j = 0; j < N; j++) b += (j + 1) * s.h[r * N + j];
      for (let j = 0; j < N; j++) out[r * N + j] = s.weight * (s.h[r * N + j] - s.prob[r * N + j]) * (s.losses[r] - b);
    }
  },
}));

const RELAX_OPTIONS = { eta: 0.7, temperature: 0.5, hidden: 3, lr: 1e-3, seed: 1 };
/** A RELAX state with a non-zero r_ρ (w2 ≠ 0). */
function relaxState(phi: Float64Array): void {
  const s = Stream.fromSeed("relax-state");
  for (let k = 1; k < phi.length; k++) phi[k] = 2 * s.uniform() - 1;
}

describe("unbiased layer estimators of a Bernoulli latent layer: E[ĝ] = ∇E[J] exactly on a tiny VAE", () => {
  it("REINFORCE with a moving-average baseline (state: baseline 3.7); control: a baseline that reads h", () => {
    expect(gap(layerEstimators["correlation-ma"], (v) => v.latent.estimator.restore!({ baseline: 3.7 }))).toBeLessThan(TOL);
    expect(gap(peekingBaseline)).toBeGreaterThan(1e-3);
  });
  it("RLOO with K = 2; control: the sample's own term in its baseline", () => {
    expect(gap(layerEstimators.rloo)).toBeLessThan(TOL);
    expect(gap(rlooOwnTerm)).toBeGreaterThan(1e-3);
  });
  it("ARM; control: the antithetic uniform coupled as u < 1 − σ(a)", () => {
    expect(gap(layerEstimators.arm)).toBeLessThan(TOL);
    expect(gap(armWrongCoupling)).toBeGreaterThan(1e-3);
  });
  it("DisARM; control: the sign (−1)^h for (−1)^h̃", () => {
    expect(gap(layerEstimators.disarm)).toBeLessThan(TOL);
    expect(gap(disarmSignSlip)).toBeGreaterThan(1e-3);
  });
  it("MuProp, plain and with a baseline (state 1.3); control: the Taylor control variate without its analytic term", () => {
    expect(gap(layerEstimators.muprop)).toBeLessThan(TOL);
    const withBaseline = withEstimator(layerEstimators.muprop, (w) => createLayerMuprop(w, { baselineDecay: 0.5 }));
    expect(gap(withBaseline, (v) => v.latent.estimator.restore!({ baseline: 1.3 }))).toBeLessThan(TOL);
    expect(gap(withEstimator(layerEstimators.muprop, (w) => createLayerMuprop(w, { baselineDecay: 0 }, false)))).toBeGreaterThan(1e-3);
  });
  it("NVIL with a learned input baseline (ν = 1), and rescaled by 1/ν with ν = 2; control: a baseline that reads h", () => {
    const psi = [0.3, -0.8, 0.5, 1.1];
    expect(gap(layerEstimators.nvil, (v) => v.latent.estimator.restore!({ psi, c: 0.8, v: 0.5 }))).toBeLessThan(TOL);
    // v = 4 ⇒ ν = 2: E[ĝ] = ∇/2, so twice the estimate is unbiased
    const doubled = withEstimator(layerEstimators.nvil, () => {
      const inner = layerEstimators.nvil.create(2, layerEstimators.nvil.options());
      inner.restore!({ psi, c: 0.8, v: 4 });
      return {
        logitGradient(s, out) {
          inner.logitGradient(s, out);
          for (let k = 0; k < s.n * s.width; k++) out[k] *= 2;
        },
      };
    });
    expect(gap(doubled)).toBeLessThan(TOL);
    expect(gap(nvilPeeks)).toBeGreaterThan(1e-3);
  });
  it("RELAX with a non-zero learned control variate (one latent); control: dz̃/da := 1", () => {
    const relax = withEstimator(layerEstimators.relax, (w) => {
      const e = createLayerRelax(w, RELAX_OPTIONS);
      relaxState(e.phi);
      return e;
    });
    expect(gap(relax, () => {}, 1, true)).toBeLessThan(TOL);
    const slip = withEstimator(layerEstimators.relax, (w) => {
      const e = createLayerRelax(w, RELAX_OPTIONS, false);
      relaxState(e.phi);
      return e;
    });
    expect(gap(slip, () => {}, 1, true)).toBeGreaterThan(1e-3);
  });
});

describe("RELAX's control-variate training signal", () => {
  it("varianceGradient equals central differences of Σ_rj ĝ_rj² in φ (fixed noise, two latents)", () => {
    let est: ReturnType<typeof createLayerRelax> | null = null;
    const spec = withEstimator(layerEstimators.relax, (w) => (est = createLayerRelax(w, RELAX_OPTIONS)));
    const vae = tiny(spec, 2);
    try {
      const e = est!;
      relaxState(e.phi);
      const s = Stream.fromSeed("relax-noise");
      vae.network.fillNoise(s, BATCH.n);
      const second = () => {
        vae.network.forward(BATCH);
        vae.network.backwardTo(vae.latent);
        let q = 0;
        for (let k = 0; k < BATCH.n * 2; k++) q += (vae.latent.dLogits[k] * BATCH.n) ** 2;
        return q;
      };
      second();
      const analytic = new Float64Array(e.phi.length);
      e.varianceGradient(analytic);
      let worst = 0;
      let scale = 0;
      for (let k = 0; k < e.phi.length; k++) {
        const t = e.phi[k];
        const h = 1e-5;
        e.phi[k] = t + h;
        const up = second();
        e.phi[k] = t - h;
        const down = second();
        e.phi[k] = t;
        worst = Math.max(worst, Math.abs((up - down) / (2 * h) - analytic[k]));
        scale = Math.max(scale, Math.abs(analytic[k]));
      }
      // central differences at h = 1e-5: truncation ~h²·|∂³|, rounding ~1e-16·|Σĝ²|/h, both below 1e-7 of the scale here
      expect(worst / scale).toBeLessThan(1e-6);
      expect(scale).toBeGreaterThan(0);
    } finally {
      vae.network.release();
    }
  });
});
