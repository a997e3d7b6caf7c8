/**
 * Seeded checks of the RBM-side estimators used in the SPSA comparison (α = 1e-6 per test,
 * Bonferroni over the 34 coordinates): X⁺ − X⁻ from exact samples is unbiased for ∇L; the
 * unrolled-chain estimator (B4) has the exact finite-T mean −(1/n)Σ_r ∂P_T(v_r)/∂θ / p(v_r).
 */
import { describe, expect, it } from "vitest";
import { rbmMarginalLogProbs } from "../../src/boltzmann/exact.js";
import { Rbm } from "../../src/boltzmann/rbm.js";
import { unrolledExact, visibleTransition } from "../../src/boltzmann/unrolled.js";
import { barsAndStripes } from "../../src/data/bars-and-stripes.js";
import { RbmExactSampleEstimator, RbmNegLogLikelihood, RbmUnrolledEstimator } from "../../src/boltzmann/rbm-objective.js";
import { Stream } from "../../src/random/stream.js";
import { MomentAccumulator } from "../../src/stats/accumulator.js";
import { zTest } from "../../src/stats/tests.js";

const ALPHA = 1e-6;

function model() {
  const bas = barsAndStripes(2);
  const rbm = Rbm.random(4, 6, Stream.fromSeed("test/rbm"), 0.7);
  return new RbmNegLogLikelihood(rbm, bas.data, bas.count);
}

function sample(est: { noiseSize: number; estimate(t: Float64Array, u: Float64Array, o: Float64Array): number }, theta: Float64Array, n: number, seed: string) {
  const acc = new MomentAccumulator(theta.length);
  const u = new Float64Array(est.noiseSize);
  const g = new Float64Array(theta.length);
  const s = Stream.fromSeed(seed);
  for (let k = 0; k < n; k++) {
    est.estimate(theta, s.uniforms(u), g);
    acc.push(g);
  }
  return acc;
}

describe("RBM estimators in the SPSA comparison", () => {
  it("the NLL objective's analytic gradient matches central differences of its value", () => {
    const nll = model();
    const t = nll.initialParams();
    const g = new Float64Array(nll.dimension);
    nll.gradient(t, g);
    const x = t.slice();
    for (let k = 0; k < t.length; k++) {
      x[k] = t[k] + 1e-5;
      const up = nll.value(x);
      x[k] = t[k] - 1e-5;
      const dn = nll.value(x);
      x[k] = t[k];
      expect(Math.abs((up - dn) / 2e-5 - g[k])).toBeLessThan(1e-8);
    }
  });
  it("X⁺ − X⁻ from exact samples: Monte Carlo mean equals the exact gradient (z-test at α)", () => {
    const nll = model();
    const t = nll.initialParams();
    const g = new Float64Array(nll.dimension);
    nll.gradient(t, g);
    const acc = sample(new RbmExactSampleEstimator(nll), t, 100_000, "stat/rbm/xs");
    expect(zTest(acc.mean, acc.standardError(), g, ALPHA).pass).toBe(true);
  });
  it("unrolled chain (B4, T = 3): Monte Carlo mean equals its exact finite-T expectation (z-test at α)", () => {
    const nll = model();
    const t = nll.initialParams();
    const T = 3;
    const rbm = nll.load(t);
    const tr = visibleTransition(rbm);
    const lp = rbmMarginalLogProbs(rbm);
    const ref = new Float64Array(nll.dimension);
    for (let r = 0; r < nll.n; r++) {
      let idx = 0;
      for (let i = 0; i < 4; i++) if (nll.data[r * 4 + i]) idx |= 1 << i;
      const ex = unrolledExact(tr, 0, idx, T);
      for (let k = 0; k < ref.length; k++) ref[k] -= ex.gradient[k] / Math.exp(lp[idx]) / nll.n;
    }
    const acc = sample(new RbmUnrolledEstimator(nll, T), t, 200_000, "stat/rbm/b4");
    expect(zTest(acc.mean, acc.standardError(), ref, ALPHA).pass).toBe(true);
  });
});
