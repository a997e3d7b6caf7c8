/**
 * Seeded statistical tests of RLOO, the antithetic estimators (AR, ARM, DisARM) and the relaxations
 * (Gumbel-Softmax, ST-Gumbel, REBAR, RELAX). Every claim of this module runs in
 * quick mode through runClaim and must pass (claims are regression tests; α = 1e-6 family-wise
 * per claim, as in `stochgrad verify`). Monte Carlo variances converge to the exact variances:
 * z-test of the sample variance at α = 1e-6 (Bonferroni over estimators) with the empirical
 * fourth moment in its standard error.
 */
import { describe, expect, it } from "vitest";
import { arUnbiased, armUnbiased, disarmUnbiased } from "../../analysis/claims/antithetic-unbiased.js";
import { rebarUnbiased, relaxUnbiased } from "../../analysis/claims/concrete-unbiased.js";
import { gsBias, stgBias } from "../../analysis/claims/relaxation-bias.js";
import { rlooUnbiased } from "../../analysis/claims/rloo-unbiased.js";
import { disarmVariance } from "../../analysis/claims/disarm-variance.js";
import { runClaim } from "../../analysis/claims/runner.js";
import { singleUnitToy } from "../../analysis/claims/toys.js";
import { estimators } from "../../src/estimators/registry.js";
import { Stream } from "../../src/random/stream.js";
import { zCritical } from "../../src/stats/tests.js";

describe("RLOO, antithetic and relaxation claims hold in quick mode", () => {
  for (const c of [rlooUnbiased, arUnbiased, armUnbiased, disarmUnbiased, disarmVariance, rebarUnbiased, relaxUnbiased, gsBias, stgBias]) {
    it(c.id, async () => {
      const r = await runClaim(c, { seed: "stochgrad", quick: true, alpha: 1e-6 });
      expect(r.error).toBeUndefined();
      expect(r.verdict).toBe("pass");
    });
  }
});

describe("Monte Carlo variance converges to the exact variance", () => {
  it("one unit p=0.3, t=0.45: every estimator (α = 1e-6, Bonferroni)", () => {
    const p = singleUnitToy(0.3, 0.45);
    const th = p.initialParams();
    const ids = ["rloo", "ar", "arm", "disarm", "gumbel-softmax", "st-gumbel", "rebar"] as const;
    const z = zCritical(1e-6, ids.length);
    const n = 40000;
    for (const id of ids) {
      const inst = estimators[id].create(p, th, {});
      const exact = inst.exactMoments!(th);
      const s = Stream.fromSeed("var").fork(id);
      const u = new Float64Array(inst.noiseSize);
      const g = new Float64Array(1);
      const xs = new Float64Array(n);
      for (let k = 0; k < n; k++) (s.uniforms(u), inst.estimate(th, u, g), (xs[k] = g[0]));
      const mean = xs.reduce((a, b) => a + b, 0) / n;
      let m2 = 0;
      let m4 = 0;
      for (const x of xs) ((m2 += (x - mean) ** 2), (m4 += (x - mean) ** 4));
      const v = m2 / (n - 1);
      const se = Math.sqrt((m4 / n - v * v) / n);
      expect(Math.abs(v - exact.variance[0]) / se, id).toBeLessThan(z);
    }
  });
});
