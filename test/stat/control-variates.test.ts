/**
 * Seeded statistical tests of MuProp, NVIL and VIMCO. Their claims run in quick mode and must
 * pass (α = 1e-6 family-wise per claim, as in `stochgrad verify`). MuProp's Monte Carlo variance
 * converges to its exact variance: z-test of the sample variance per coordinate, with the
 * standard error from the exact σ² and fourth central moment μ₄, Bonferroni over coordinates and
 * problems at α = 1e-6.
 */
import { describe, expect, it } from "vitest";
import { exactMomentsWithFourth, monteCarloVarianceCheck } from "../../analysis/claims/checks.js";
import { mupropUnbiased } from "../../analysis/claims/muprop-unbiased.js";
import { nvilUnbiased } from "../../analysis/claims/nvil-unbiased.js";
import { runClaim } from "../../analysis/claims/runner.js";
import { oneLayerNet, singleUnitToy, twoLayerNet } from "../../analysis/claims/toys.js";
import { vimcoUnbiased } from "../../analysis/claims/vimco-unbiased.js";
import { createMuprop } from "../../src/estimators/muprop.js";
import { sampleMoments } from "../../src/estimators/sample.js";
import { Stream } from "../../src/random/stream.js";

describe("claims of MuProp, NVIL and VIMCO hold in quick mode", () => {
  for (const c of [mupropUnbiased, nvilUnbiased, vimcoUnbiased]) {
    it(c.id, async () => {
      const r = await runClaim(c, { seed: "stochgrad", quick: true, alpha: 1e-6 });
      expect(r.error).toBeUndefined();
      expect(r.verdict).toBe("pass");
    });
  }
});

describe("MuProp's Monte Carlo variance converges to its exact variance", () => {
  it("single unit, one-layer and two-layer nets: 50 000 draws each (α = 1e-6, Bonferroni over problems and coordinates)", () => {
    const problems = [singleUnitToy(0.3, 0.45), oneLayerNet(), twoLayerNet()];
    for (const [k, p] of problems.entries()) {
      const th = p.initialParams();
      const inst = createMuprop(p);
      const ex = exactMomentsWithFourth(p, th, inst);
      const m = sampleMoments(inst, th, 50_000, Stream.fromSeed("muprop-variance").fork(`problem/${k}`));
      const v = monteCarloVarianceCheck(`problem ${k}`, m, ex.variance, ex.mu4, 1e-6 / problems.length);
      expect(v.pass, `${v.description}: |z| = ${v.measured} vs ${v.tolerance}`).toBe(true);
    }
  });
});
