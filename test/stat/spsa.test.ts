/**
 * Seeded statistical checks of the SPSA/FDSA estimators and claims. Each z-test states its
 * family-wise false-alarm rate α = 1e-6 (Bonferroni over coordinates); seeds are fixed, so the
 * outcome is deterministic, and a failure would be a 1e-6 event under a correct implementation.
 */
import { describe, expect, it } from "vitest";
import { claims } from "../../analysis/claims/index.js";
import { runClaim } from "../../analysis/claims/runner.js";
import { fdsaCentral, fdsaForward } from "../../src/estimators/finite-difference.js";
import { sampleMoments } from "../../src/estimators/sample.js";
import { spsa, spsaOne } from "../../src/estimators/spsa.js";
import { problemFromJSON } from "../../src/problems/json.js";
import { Stream } from "../../src/random/stream.js";
import { zTest } from "../../src/stats/tests.js";

const ALPHA = 1e-6;
const net = () => problemFromJSON({ kind: "sbn", input: [1, -0.5], layers: [{ weights: [[0.3, -0.2], [0.5, 0.1]], bias: [0.1, -0.3] }, { weights: [[0.7, -0.4]], bias: [0.2] }], loss: { kind: "squared", target: [0.3] } });

describe("SPSA/FDSA Monte Carlo means converge to the exact means (α = 1e-6, Bonferroni)", () => {
  const cases: [string, () => ReturnType<typeof spsa.create>][] = [];
  const p = net();
  const t = p.initialParams();
  cases.push(["spsa independent, m = 2", () => spsa.create(p, t, { c: 0.3, perturbations: 2 })]);
  cases.push(["spsa CRN", () => spsa.create(p, t, { c: 0.3, crn: 1 })]);
  cases.push(["spsa-one", () => spsaOne.create(p, t, { c: 0.3 })]);
  cases.push(["fdsa-forward CRN", () => fdsaForward.create(p, t, { c: 0.3, crn: 1 })]);
  cases.push(["fdsa-central independent", () => fdsaCentral.create(p, t, { c: 0.3 })]);
  for (const [name, make] of cases) {
    it(name, () => {
      const inst = make();
      const ex = inst.exactMoments!(t);
      const n = 100_000;
      const m = sampleMoments(inst, t, n, Stream.fromSeed(`stat/${name}`));
      expect(zTest(m.mean, m.standardError, ex.mean, ALPHA).pass).toBe(true);
      // variance: z-test of the squared deviations d² = (ĝ − exact mean)², whose mean is the exact
      // variance; their standard error comes from a second seeded pass (same α, Bonferroni).
      const P = t.length;
      const g = new Float64Array(P);
      const u = new Float64Array(inst.noiseSize);
      const s = Stream.fromSeed(`stat/var/${name}`);
      const acc = { n: 0, mean: new Float64Array(P), m2: new Float64Array(P) };
      for (let r = 0; r < n; r++) {
        inst.estimate(t, s.uniforms(u), g);
        acc.n++;
        for (let k = 0; k < P; k++) {
          const d2 = (g[k] - ex.mean[k]) ** 2;
          const dd = d2 - acc.mean[k];
          acc.mean[k] += dd / acc.n;
          acc.m2[k] += dd * (d2 - acc.mean[k]);
        }
      }
      const se = acc.m2.map((v) => Math.sqrt(v / (n - 1) / n));
      expect(zTest(acc.mean, se, ex.variance, ALPHA).pass).toBe(true);
    });
  }
});

describe("SPSA-* claims hold in quick mode (claims as regression tests)", () => {
  for (const id of ["SPSA-bias-c2", "SPSA-vs-correlation", "SPSA-efficiency", "SPSA2-conditioning"]) {
    it(id, async () => {
      const claim = claims.find((c) => c.id === id)!;
      const r = await runClaim(claim, { seed: "stochgrad", quick: true, alpha: ALPHA });
      expect(r.error).toBeUndefined();
      expect(r.checksPass).toBe(true);
      expect(r.controlsRejected).toBe(true);
      expect(r.verdict).toBe("pass");
    });
  }
});
