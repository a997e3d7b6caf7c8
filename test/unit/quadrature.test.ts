import { describe, expect, it } from "vitest";
import { gaussHermite, gaussianExpectation, gaussianExpectationGH, gaussianExpectationVector, gaussKronrod15, integrate } from "../../src/exact/quadrature.js";
import { normalCdf, normalPdf } from "../../src/stats/tests.js";

// Tolerances: closed forms are evaluated in float64, so agreement is at the 1e-13 level
// (a few hundred ulps of accumulated rounding over ≤ 2000 panels).
describe("Gauss–Hermite", () => {
  it("weights sum to √π and nodes are symmetric", () => {
    for (const n of [1, 2, 5, 20, 64, 101]) {
      const { nodes, weights } = gaussHermite(n);
      const sum = weights.reduce((a, b) => a + b, 0);
      expect(Math.abs(sum - Math.sqrt(Math.PI))).toBeLessThan(1e-13);
      for (let k = 0; k < n; k++) expect(Math.abs(nodes[k] + nodes[n - 1 - k])).toBeLessThan(1e-13);
      for (let k = 1; k < n; k++) expect(nodes[k]).toBeGreaterThan(nodes[k - 1]);
    }
  });
  it("E z^{2k} = s^{2k}(2k−1)!! exactly up to degree 2n−1", () => {
    const s = 1.7;
    for (let k = 0; k <= 9; k++) {
      let df = 1;
      for (let j = 2 * k - 1; j > 0; j -= 2) df *= j;
      const exact = Math.pow(s, 2 * k) * df;
      const got = gaussianExpectationGH((z) => Math.pow(z, 2 * k), s, 10);
      expect(Math.abs(got - exact) / exact).toBeLessThan(1e-12);
      expect(Math.abs(gaussianExpectationGH((z) => Math.pow(z, 2 * k + 1), s, 10))).toBeLessThan(1e-9 * exact + 1e-12);
    }
  });
  it("E cos(z) = e^{−s²/2}", () => {
    expect(Math.abs(gaussianExpectationGH(Math.cos, 0.8, 40) - Math.exp(-0.32))).toBeLessThan(1e-14);
  });
  it("rejects bad n", () => {
    expect(() => gaussHermite(0)).toThrow(RangeError);
    expect(() => gaussHermite(2.5)).toThrow(RangeError);
  });
});

describe("adaptive Gauss–Kronrod", () => {
  it("one K15 panel is exact for degree ≤ 22 polynomials (≥ 3n+1 = 22)", () => {
    const r = gaussKronrod15((x) => Math.pow(x, 22), -1, 1);
    expect(Math.abs(r.value - 2 / 23)).toBeLessThan(1e-15);
  });
  it("∫_0^π sin = 2, ∫_0^1 √x = 2/3 (endpoint singularity in the derivative)", () => {
    expect(Math.abs(integrate(Math.sin, 0, Math.PI).value - 2)).toBeLessThan(1e-13);
    expect(Math.abs(integrate(Math.sqrt, 0, 1).value - 2 / 3)).toBeLessThan(1e-12);
  });
  it("infinite ends: ∫_0^∞ e^{−x} = 1, ∫_{−∞}^{∞} 1/(1+x²) = π", () => {
    expect(Math.abs(integrate((x) => Math.exp(-x), 0, Infinity).value - 1)).toBeLessThan(1e-13);
    expect(Math.abs(integrate((x) => 1 / (1 + x * x), -Infinity, Infinity).value - Math.PI)).toBeLessThan(1e-11);
  });
  it("reversed limits negate", () => {
    expect(Math.abs(integrate(Math.exp, 1, 0).value + (Math.E - 1))).toBeLessThan(1e-14);
  });
  it("a kink split at its breakpoint: ∫_{−1}^{2} |x − 0.3| dx", () => {
    const exact = (1.3 * 1.3 + 1.7 * 1.7) / 2;
    const r = integrate((x) => Math.abs(x - 0.3), -1, 2, { breakpoints: [0.3] });
    expect(Math.abs(r.value - exact)).toBeLessThan(1e-14);
    expect(r.evaluations).toBeLessThanOrEqual(30);
  });
});

describe("Gaussian expectations of the noisy rectifier (closed forms)", () => {
  // E max(0, a+z) = aΦ(a/s) + sφ(a/s);  E max(0,a+z)² = (a²+s²)Φ(a/s) + a s φ(a/s)
  for (const [a, s] of [[0.3, 1], [-2, 0.5], [3, 0.2], [0, 2], [-6, 1]]) {
    it(`a = ${a}, s = ${s}: first and second moments to 1e-12`, () => {
      const r = a / s;
      const m1 = a * normalCdf(r) + s * normalPdf(r);
      const m2 = (a * a + s * s) * normalCdf(r) + a * s * normalPdf(r);
      const out = new Float64Array(3);
      gaussianExpectationVector((z, o) => {
        const h = Math.max(0, a + z);
        o[0] = h;
        o[1] = h * h;
        o[2] = +(a + z > 0);
      }, 3, s, out, { breakpoints: [-a] });
      expect(Math.abs(out[0] - m1)).toBeLessThan(1e-12 * Math.max(1, m1));
      expect(Math.abs(out[1] - m2)).toBeLessThan(1e-12 * Math.max(1, m2));
      expect(Math.abs(out[2] - normalCdf(r))).toBeLessThan(1e-13);
      expect(Math.abs(gaussianExpectation((z) => Math.max(0, a + z), s, { breakpoints: [-a] }).value - m1)).toBeLessThan(1e-12 * Math.max(1, m1));
    });
  }
  it("rejects s ≤ 0", () => {
    expect(() => gaussianExpectation((z) => z, 0)).toThrow(RangeError);
    expect(() => gaussianExpectation((z) => z, -1)).toThrow(RangeError);
  });
});
