/**
 * Seeded statistical checks of 2-SPSA's Hessian estimate and of the calibration's noise level.
 * Each z-test states its family-wise false-alarm rate α = 1e-6 (Bonferroni over coordinates);
 * seeds are fixed, so the outcome is deterministic, and a failure would be a 1e-6 event under a
 * correct implementation.
 */
import { describe, expect, it } from "vitest";
import { objectiveOracle } from "../../src/estimators/oracle.js";
import { SpsaHessianKernel } from "../../src/estimators/spsa-hessian.js";
import { lossSpread } from "../../src/optim/calibration.js";
import { SkewedQuartic } from "../../src/problems/functions.js";
import { Stream } from "../../src/random/stream.js";
import { MomentAccumulator } from "../../src/stats/accumulator.js";
import { zTest } from "../../src/stats/tests.js";

const ALPHA = 1e-6;

describe("SP Hessian estimate: Monte Carlo mean → exact E[Ĥ] (enumeration of Δ, Δ̃), α = 1e-6", () => {
  for (const crn of [false, true]) {
    it(`noisy skewed quartic (p = 3, σ = 0.1), ${crn ? "common random numbers" : "independent noise"}, R = 2`, () => {
      const f = new SkewedQuartic(3);
      const k = new SpsaHessianKernel(objectiveOracle(f, 0.1), { c: 0.4, cTilde: 0.6, resamplings: 2, crn });
      const t = Float64Array.from([1, -0.5, 0.8]);
      const exact = k.exactHessianMean(t);
      // the six distinct entries (upper triangle), tested jointly
      const idx = [0, 1, 2, 4, 5, 8];
      const acc = new MomentAccumulator(idx.length);
      const u = new Float64Array(k.noiseSize);
      const g = new Float64Array(3);
      const H = new Float64Array(9);
      const row = new Float64Array(idx.length);
      const s = Stream.fromSeed(`stat/hessian/${crn}`);
      const n = 100_000;
      for (let r = 0; r < n; r++) {
        k.estimate(t, s.uniforms(u), g, H);
        idx.forEach((j, m) => (row[m] = H[j]));
        acc.push(row);
      }
      const se = acc.variance().map((v) => Math.sqrt(v / n));
      const z = zTest(acc.mean, se, idx.map((j) => exact[j]), ALPHA);
      expect(z.pass).toBe(true);
      // and the estimate is not trivially centred: the entries differ from 0 by many standard errors
      expect(Math.max(...idx.map((j, m) => Math.abs(exact[j]) / se[m]))).toBeGreaterThan(50);
    });
  }
});

describe("calibration's noise level: E[σ̂²] = σ² for 25 measurements (α = 1e-6)", () => {
  it("skewed quartic with N(0, 0.3²) measurement noise, 4000 calibrations", () => {
    const f = new SkewedQuartic(5);
    const o = objectiveOracle(f, 0.3);
    const acc = new MomentAccumulator(1);
    const row = new Float64Array(1);
    const s = Stream.fromSeed("stat/spread");
    const n = 4000;
    for (let r = 0; r < n; r++) {
      row[0] = lossSpread(o, f.initialParams(), 25, s.fork(`rep/${r}`)) ** 2;
      acc.push(row);
    }
    const se = Math.sqrt(acc.variance()[0] / n);
    expect(zTest(acc.mean, [se], [0.09], ALPHA).pass).toBe(true);
  });
});
