import { describe, expect, it } from "vitest";
import { CovarianceAccumulator, MomentAccumulator, WeightedMoments } from "../../src/stats/accumulator.js";
import { erfc, normalCdf, normalQuantile, zCritical, zTest } from "../../src/stats/tests.js";

describe("accumulators", () => {
  const xs = [
    [1, 2],
    [3, -1],
    [4, 0.5],
    [-2, 7],
    [0.25, 3],
  ];
  it("Welford mean/variance match the two-pass formulas", () => {
    const a = new MomentAccumulator(2);
    xs.forEach((x) => a.push(x));
    for (let k = 0; k < 2; k++) {
      const col = xs.map((x) => x[k]);
      const m = col.reduce((s, v) => s + v, 0) / col.length;
      const v = col.reduce((s, x) => s + (x - m) ** 2, 0) / (col.length - 1);
      expect(a.mean[k]).toBeCloseTo(m, 14);
      expect(a.variance()[k]).toBeCloseTo(v, 13);
    }
  });
  it("Chan merge equals one pass", () => {
    const whole = new MomentAccumulator(2);
    xs.forEach((x) => whole.push(x));
    const a = new MomentAccumulator(2);
    const b = new MomentAccumulator(2);
    xs.slice(0, 2).forEach((x) => a.push(x));
    xs.slice(2).forEach((x) => b.push(x));
    a.merge(b);
    expect(a.n).toBe(5);
    for (let k = 0; k < 2; k++) {
      expect(a.mean[k]).toBeCloseTo(whole.mean[k], 14);
      expect(a.m2[k]).toBeCloseTo(whole.m2[k], 12);
    }
  });
  it("covariance accumulator merges and matches the definition", () => {
    const c = new CovarianceAccumulator(1, 1);
    const c1 = new CovarianceAccumulator(1, 1);
    const c2 = new CovarianceAccumulator(1, 1);
    xs.forEach((x, i) => {
      c.push([x[0]], [x[1]]);
      (i < 3 ? c1 : c2).push([x[0]], [x[1]]);
    });
    c1.merge(c2);
    const mx = xs.reduce((s, x) => s + x[0], 0) / 5;
    const my = xs.reduce((s, x) => s + x[1], 0) / 5;
    const cov = xs.reduce((s, x) => s + (x[0] - mx) * (x[1] - my), 0) / 4;
    expect(c.covariance()[0]).toBeCloseTo(cov, 13);
    expect(c1.covariance()[0]).toBeCloseTo(cov, 13);
  });
  it("weighted moments give the exact mean and population variance", () => {
    const w = new WeightedMoments(1);
    w.push(Float64Array.of(0), 0.25);
    w.push(Float64Array.of(1), 0.75);
    expect(w.mean[0]).toBeCloseTo(0.75, 15);
    expect(w.variance()[0]).toBeCloseTo(0.1875, 15);
  });
});

describe("normal distribution and z-tests", () => {
  it("erfc and Φ match reference values", () => {
    expect(erfc(0)).toBe(1);
    expect(erfc(1)).toBeCloseTo(0.15729920705028513, 15);
    expect(erfc(3)).toBeCloseTo(2.209049699858544e-5, 18);
    expect(normalCdf(-1.959963984540054)).toBeCloseTo(0.025, 14);
  });
  it("Φ⁻¹ inverts Φ to 1e-12, including the far tail", () => {
    for (const p of [1e-12, 1e-7, 0.001, 0.2, 0.5, 0.8, 0.999, 1 - 1e-9]) expect(Math.abs(normalCdf(normalQuantile(p)) - p) / Math.min(p, 1 - p)).toBeLessThan(1e-9);
  });
  it("Bonferroni critical values", () => {
    expect(zCritical(0.05)).toBeCloseTo(1.959963984540054, 10);
    expect(zCritical(1e-6, 10)).toBeCloseTo(normalQuantile(1 - 1e-6 / 20), 12);
  });
  it("zTest rejects a shifted mean and accepts the true one", () => {
    expect(zTest([0.01], [0.001], [0], 1e-6).pass).toBe(false);
    expect(zTest([0.001], [0.001], [0], 1e-6).pass).toBe(true);
    expect(zTest([1], [0], [1], 1e-6).pass).toBe(true);
    expect(zTest([1.1], [0], [1], 1e-6).pass).toBe(false);
  });
});

describe("critical values at small α", () => {
  it("z* satisfies 2m·P(Z > z*) = α down to α = 1e-300 (below 1e-16, 1 − α/2m rounded to 1 and z* was ∞)", async () => {
    const { normalSf } = await import("../../src/stats/tests.js");
    for (const m of [1, 1000]) {
      for (const alpha of [1e-3, 1e-6, 1e-9, 2e-10, 1e-12, 1e-18, 1e-50, 1e-300]) {
        const z = zCritical(alpha, m);
        expect(Number.isFinite(z), `α = ${alpha}`).toBe(true);
        // above 1e-10 the tail comes through 1 − tail, exact to ε/2 absolute: relative ε/(2·tail); below, 1e-12
        const tail = alpha / (2 * m);
        const tol = tail < 1e-10 ? 1e-12 : Number.EPSILON / (2 * tail) + 1e-12;
        expect(Math.abs((2 * m * normalSf(z)) / alpha - 1), `α = ${alpha}, m = ${m}`).toBeLessThan(tol);
      }
    }
    // monotone across the switch to the lower tail at α/2m = 1e-10
    expect(zCritical(2.0000001e-10)).toBeLessThan(zCritical(1.9999999e-10));
  });
});
