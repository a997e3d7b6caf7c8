import type { EstimatorEntry } from "../../src/estimators/types.js";
import { estimatorEntry } from "../../src/estimators/types.js";
import { describe, expect, it } from "vitest";
import { HardThreshold, NoisyRectifier, NoisySigmoid, StochasticTimesSmooth, unitFromJSON } from "../../src/neurons/index.js";
import { LinearLoss, NoisyNet, noisySingle } from "../../src/problems/noisy-net.js";
import { SquaredLoss } from "../../src/problems/loss.js";
import { problemFromJSON } from "../../src/problems/json.js";
import { exactAnalysis } from "../../src/exact/moments.js";
import { integrateNoise } from "../../src/exact/noisy.js";
import { estimators } from "../../src/estimators/registry.js";
import { normalCdf, normalPdf } from "../../src/stats/tests.js";
import { sigmoid } from "../../src/numerics.js";
import { InputError } from "../../src/errors.js";

function exactFor(net: NoisyNet, ids: (keyof typeof estimators)[]) {
  const theta = net.initialParams();
  const inst: Record<string, EstimatorEntry> = {};
  for (const id of ids) inst[id] = estimatorEntry(estimators[id], net, theta);
  return exactAnalysis(net, theta, inst);
}

describe("single noisy rectifier: quadrature vs closed form", () => {
  // E h = aΦ(r) + sφ(r), E h² = (a²+s²)Φ(r) + asφ(r), r = a/s;  L = (h−t)²
  // dE[L]/da = 2E h − 2tΦ(r). Tolerance 1e-12: the adaptive rule's target (1e-12 relative).
  for (const [a, s, t] of [[0.3, 0.7, 0.45], [-1.5, 0.5, 0.2], [2, 1.5, -1], [0, 0.05, 0.3]]) {
    it(`a=${a} s=${s} t=${t}`, () => {
      const r = a / s;
      const m1 = a * normalCdf(r) + s * normalPdf(r);
      const m2 = (a * a + s * s) * normalCdf(r) + a * s * normalPdf(r);
      const EL = m2 - 2 * t * m1 + t * t;
      const grad = 2 * m1 - 2 * t * normalCdf(r);
      const res = exactFor(noisySingle(new NoisyRectifier(s), a, new SquaredLoss([t])), ["pathwise", "score-injected"]);
      expect(Math.abs(res.totalProbability - 1)).toBeLessThan(1e-13);
      expect(Math.abs(res.expectedLoss - EL)).toBeLessThan(1e-12 * Math.max(1, EL));
      expect(Math.abs(res.gradient[0] - grad)).toBeLessThan(1e-12 * Math.max(1, Math.abs(grad)));
      // the Must-show: pathwise exact mean agrees with the quadrature reference to 1e-9
      expect(Math.abs(res.estimators.pathwise.mean[0] - res.gradient[0])).toBeLessThan(1e-9);
      expect(Math.abs(res.estimators["score-injected"].mean[0] - res.gradient[0])).toBeLessThan(1e-9);
      // Var of pathwise: E[4(h−t)²1[h>0]] − grad²
      const v = 4 * (m2 - 2 * t * m1 + t * t * normalCdf(r)) - grad * grad;
      expect(Math.abs(res.estimators.pathwise.variance[0] - v)).toBeLessThan(1e-11 * Math.max(1, v));
    });
  }
});

describe("hard threshold and STS: closed forms", () => {
  it("threshold: ∇E[L] = (L(1)−L(0))φ(a/s)/s, pathwise mean 0", () => {
    const a = 0.4, s = 0.8, t = 0.3;
    const res = exactFor(noisySingle(new HardThreshold(s), a, new SquaredLoss([t])), ["pathwise-threshold"]);
    const g = ((1 - t) ** 2 - t * t) * normalPdf(a / s) / s;
    expect(Math.abs(res.gradient[0] - g)).toBeLessThan(1e-12);
    expect(res.estimators["pathwise-threshold"].mean[0]).toBe(0);
    expect(Math.abs(res.expectedLoss - (normalCdf(a / s) * (1 - t) ** 2 + normalCdf(-a / s) * t * t))).toBeLessThan(1e-12);
  });
  it("STS: E h = σ(a); exact gradient and STS mean by summation", () => {
    const a = -0.7, t = 0.9;
    const net = noisySingle(new StochasticTimesSmooth(), a, new SquaredLoss([t]));
    const res = exactFor(net, ["sts", "score-injected"]);
    const q = Math.sqrt(sigmoid(a));
    const f = (x: number) => { const qq = Math.sqrt(sigmoid(x)); return qq * (qq - t) ** 2 + (1 - qq) * t * t; };
    expect(Math.abs(res.expectedLoss - f(a))).toBeLessThan(1e-15);
    const eps = 1e-5;
    expect(Math.abs(res.gradient[0] - (f(a + eps) - f(a - eps)) / (2 * eps))).toBeLessThan(1e-9);
    const dq = 0.5 * q * (1 - sigmoid(a));
    expect(Math.abs(res.estimators.sts.mean[0] - q * 2 * (q - t) * dq)).toBeLessThan(1e-15);
    expect(Math.abs(res.estimators["score-injected"].mean[0] - res.gradient[0])).toBeLessThan(1e-14);
    const out = new Float64Array(1);
    integrateNoise(net, net.initialParams(), 1, (ws, _L, o) => (o[0] = ws.h[0]), out);
    expect(Math.abs(out[0] - sigmoid(a))).toBeLessThan(1e-15);
  });
  it("noisy sigmoid: P(h=0) = 0, derivative σ'", () => {
    const u = new NoisySigmoid(0.3);
    expect(u.zeroProbability()).toBe(0);
    expect(Math.abs(u.derivative(0.2, 0.1) - sigmoid(0.3) * (1 - sigmoid(0.3)))).toBeLessThan(1e-16);
  });
  it("zero fractions: Φ(−a/s) for rectifier and threshold, 1 − √σ(a) for STS", () => {
    expect(new NoisyRectifier(0.5).zeroProbability(-1)).toBeCloseTo(normalCdf(2), 15);
    expect(new HardThreshold(2).zeroProbability(1)).toBeCloseTo(normalCdf(-0.5), 15);
    expect(new StochasticTimesSmooth().zeroProbability(0)).toBeCloseTo(1 - Math.sqrt(0.5), 15);
  });
});

describe("two-layer noisy net", () => {
  const spec = {
    kind: "noisy-net",
    input: [1, -0.5],
    layers: [
      { unit: { type: "noisy-rectifier", s: 0.6 }, weights: [[0.8, 0.3]], bias: [-0.2] },
      { unit: { type: "noisy-sigmoid", s: 0.4 }, weights: [[1.3]], bias: [-0.4] },
    ],
    loss: { kind: "squared", target: [0.8] },
  };
  it("score-form gradient matches central differences of the quadrature E[L]; pathwise is unbiased", () => {
    const net = problemFromJSON(spec) as NoisyNet;
    const res = exactFor(net, ["pathwise"]);
    const theta = net.initialParams();
    const eps = 1e-4;
    for (let k = 0; k < net.nParams; k++) {
      const tp = theta.slice(); tp[k] += eps;
      const tm = theta.slice(); tm[k] -= eps;
      const fd = (exactAnalysis(net, tp).expectedLoss - exactAnalysis(net, tm).expectedLoss) / (2 * eps);
      // FD truncation O(ε²·|E'''|) ≈ 1e-8, plus quadrature error 1e-12/ε = 1e-8
      expect(Math.abs(fd - res.gradient[k])).toBeLessThan(1e-7);
      expect(Math.abs(res.estimators.pathwise.mean[k] - res.gradient[k])).toBeLessThan(1e-9);
    }
  });
  it("JSON round trip", () => {
    const net = problemFromJSON(spec) as NoisyNet;
    expect(problemFromJSON(net.toJSON()).toJSON()).toEqual(net.toJSON());
    const single = problemFromJSON({ kind: "noisy-single", unit: { type: "sts" }, a: 0.2, loss: { kind: "linear", weights: [2] } });
    expect(single.toJSON()).toEqual({ kind: "noisy-single", unit: { type: "sts" }, a: 0.2, loss: { kind: "linear", weights: [2] } });
    expect(new LinearLoss([2]).value(Float64Array.of(0.5), 0)).toBe(1);
  });
});

describe("bad input", () => {
  it("s ≤ 0 and unknown unit types are InputErrors naming the input", () => {
    for (const s of [0, -1, Number.NaN, "x"]) {
      expect(() => unitFromJSON({ type: "noisy-rectifier", s }, "layers[0].unit")).toThrow(InputError);
      expect(() => unitFromJSON({ type: "noisy-rectifier", s }, "layers[0].unit")).toThrow(/layers\[0\]\.unit\.s/);
    }
    expect(() => unitFromJSON({ type: "rectifier", s: 1 }, "unit")).toThrow(/unit\.type: unknown unit type "rectifier"/);
    expect(() => problemFromJSON({ kind: "noisy-single", unit: { type: "noisy-sigmoid", s: 0 }, a: 0, loss: { kind: "squared", target: 0 } })).toThrow(InputError);
    expect(() => problemFromJSON({ kind: "noisy-net", input: [], layers: [{ unit: { type: "tanh" }, weights: [[]], bias: [0] }], loss: { kind: "squared", target: 0 } })).toThrow(/layers\[0\]\.unit\.type/);
    expect(() => problemFromJSON({ kind: "noisy-single", unit: { type: "sts" }, a: 0, loss: { kind: "table", table: [0, 1] } })).toThrow(/table losses need binary units/);
  });
  it("correlation and straight-through are not applicable to injected-noise nets", () => {
    const net = noisySingle(new NoisyRectifier(1), 0, new SquaredLoss([0]));
    expect(estimators.correlation.applicable(net)).toMatch(/injected noise/);
    expect(estimators["straight-through"].applicable(net)).toMatch(/injected noise/);
    expect(estimators.pathwise.applicable(net)).toBeNull();
  });
});

describe("mixed STS → rectifier net", () => {
  it("score-form reference matches Richardson differences of the quadrature E[L]", () => {
    const net = problemFromJSON({
      kind: "noisy-net",
      input: [1],
      layers: [
        { unit: { type: "sts" }, weights: [[0.9], [-0.5]], bias: [0.2, 0.1] },
        { unit: { type: "noisy-rectifier", s: 0.5 }, weights: [[1.1, -0.7]], bias: [0.05] },
      ],
      loss: { kind: "squared", target: [0.6] },
    }) as NoisyNet;
    const theta = net.initialParams();
    const r = exactAnalysis(net, theta);
    const EL = (t: Float64Array) => exactAnalysis(net, t).expectedLoss;
    for (let k = 0; k < net.nParams; k++) {
      const d = (e: number) => {
        const tp = theta.slice(); tp[k] += e;
        const tm = theta.slice(); tm[k] -= e;
        return (EL(tp) - EL(tm)) / (2 * e);
      };
      // Richardson: truncation O(ε⁴) ≈ 1e-12; quadrature error 1e-12/ε ≈ 1e-9
      expect(Math.abs((4 * d(5e-4) - d(1e-3)) / 3 - r.gradient[k])).toBeLessThan(1e-8);
    }
  });
});

describe("Gaussian noise from uniforms", () => {
  it("Acklam's Φ⁻¹ is within its documented 1.15e-9 relative error of the refined quantile", async () => {
    const { standardNormalFromUniform } = await import("../../src/neurons/gaussian-noise.js");
    const { normalQuantile } = await import("../../src/stats/tests.js");
    let worst = 0;
    for (const u of [1e-12, 1e-6, 0.01, 0.02425, 0.1, 0.3, 0.5 + 1e-9, 0.7, 0.97575, 0.999, 1 - 1e-9]) {
      const a = standardNormalFromUniform(u);
      const b = normalQuantile(u);
      worst = Math.max(worst, Math.abs(a - b) / Math.max(Math.abs(b), 1e-300));
    }
    expect(worst).toBeLessThan(1.15e-9);
    expect(standardNormalFromUniform(0)).toBe(-Infinity);
    expect(standardNormalFromUniform(1)).toBe(Infinity);
  });
});
