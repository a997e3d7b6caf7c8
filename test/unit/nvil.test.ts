/**
 * NVIL (Mnih & Gregor 2014): exact unbiasedness of a fresh and of a trained frozen state (after
 * rescaling by the known normaliser ν), purity of estimate, the observe() update written out by
 * hand, the peeking control's bias, the layer inputs of the baseline, and option errors.
 * Exact comparisons: ≤ 2¹² enumerated terms, 1e-12 relative (worst case 4096·2⁻⁵³ ≈ 9e-13).
 */
import { describe, expect, it } from "vitest";
import { maxRelativeError } from "../../src/numerics.js";
import { nvilReferenceNet, nvilTwoLayerNet } from "../../analysis/claims/nvil-unbiased.js";
import { singleUnitToy, twoLayerNet } from "../../analysis/claims/toys.js";
import { createNvil, nvil, type NvilInstance, type NvilOptions } from "../../src/estimators/nvil.js";
import { exactAnalysis } from "../../src/exact/moments.js";
import { problemFromJSON } from "../../src/problems/json.js";
import { referenceDelayed, referenceNet } from "../../src/problems/reference.js";
import { InputError } from "../../src/errors.js";
import type { BinaryProblem } from "../../src/problems/types.js";
import { Stream } from "../../src/random/stream.js";

const OPTS: NvilOptions = { lr: 0.05, decay: 0.99, normalise: 1, inputBaseline: 1 };

function train(p: BinaryProblem, inst: NvilInstance, steps: number, seed: string): void {
  const th = p.initialParams();
  const s = Stream.fromSeed(seed);
  const u = new Float64Array(p.nUnits);
  const g = new Float64Array(p.nParams);
  for (let t = 0; t < steps; t++) {
    s.uniforms(u);
    inst.estimate(th, u, g);
    inst.observe!();
  }
}

function exact(p: BinaryProblem, inst: NvilInstance) {
  const r = exactAnalysis(p, p.initialParams(), { e: { noise: "units", instance: inst } });
  const nu = inst.scales(new Float64Array(p.nParams));
  return { gradient: r.gradient, mean: r.estimators.e.mean, scaled: r.estimators.e.mean.map((v, k) => v * nu[k]), nu };
}

describe("NVIL is exactly unbiased for a frozen state", () => {
  it("fresh state (ψ = 0, c = 0, ν = 1) on a single unit, belief nets and the delayed reward: E[ĝ] = ∇E[L] (1e-12)", () => {
    for (const p of [singleUnitToy(0.3, 0.45), twoLayerNet(), referenceNet(), referenceDelayed()]) {
      const r = exact(p, nvil.create(p, p.initialParams()) as NvilInstance);
      expect(maxRelativeError(r.mean, r.gradient), p.kind).toBeLessThan(1e-12);
    }
  });
  it("trained 1500 steps: ν ⊙ E[ĝ] = ∇E[L] (1e-12), while E[ĝ] itself is ∇E[L]/ν with ν > 1", () => {
    for (const p of [nvilTwoLayerNet(), nvilReferenceNet()]) {
      const inst = createNvil(p, OPTS);
      train(p, inst, 1500, "nvil-train");
      const r = exact(p, inst);
      expect(Math.min(...r.nu)).toBeGreaterThan(1);
      expect(maxRelativeError(r.scaled, r.gradient)).toBeLessThan(1e-12);
      expect(maxRelativeError(r.mean, r.gradient)).toBeGreaterThan(0.1);
    }
  });
  it("the trained baseline of layer 2 depends on its input h¹ (non-zero weights on h¹)", () => {
    const p = nvilTwoLayerNet();
    const inst = createNvil(p, OPTS);
    train(p, inst, 1500, "nvil-train");
    const st = inst.describeState!() as { baselineWeights: number[][]; baselineInput: string[] };
    expect(st.baselineInput).toEqual(["input x", "previous layer"]);
    expect(st.baselineWeights[1].length).toBe(4); // 3 units of h¹ + bias
    expect(Math.max(...st.baselineWeights[1].slice(0, 3).map(Math.abs))).toBeGreaterThan(0.05);
  });
  it("the peeking control (baseline reads the layer's own h) is biased after the same training", () => {
    const p = nvilTwoLayerNet();
    const inst = createNvil(p, OPTS, true);
    train(p, inst, 1500, "nvil-train");
    const r = exact(p, inst);
    expect(maxRelativeError(r.scaled, r.gradient)).toBeGreaterThan(0.1);
  });
});

describe("state advances only through observe()", () => {
  it("estimate is pure: same noise, same output, state unchanged; observe changes it", () => {
    const p = nvilTwoLayerNet();
    const th = p.initialParams();
    const inst = createNvil(p, OPTS);
    train(p, inst, 50, "warm");
    const before = JSON.stringify(inst.describeState!());
    const u = Float64Array.from({ length: p.nUnits }, (_, i) => (i + 0.3) / p.nUnits);
    const g1 = new Float64Array(p.nParams);
    const g2 = new Float64Array(p.nParams);
    inst.estimate(th, u, g1);
    inst.estimate(th, u, g2);
    expect(Array.from(g2)).toEqual(Array.from(g1));
    expect(JSON.stringify(inst.describeState!())).toBe(before);
    inst.observe!();
    expect(JSON.stringify(inst.describeState!())).not.toBe(before);
  });
  it("one observe() on a single unit: ψ = lr·L, c = (1−α)L, v = (1−α)L² (from a fresh state)", () => {
    const p = singleUnitToy(0.3, 0.45);
    const th = p.initialParams();
    const o: NvilOptions = { lr: 0.1, decay: 0.8, normalise: 1, inputBaseline: 1 };
    const inst = createNvil(p, o);
    const L = inst.estimate(th, Float64Array.of(0.1), new Float64Array(1));
    inst.observe!();
    const st = inst.describeState!() as { baselineWeights: number[][]; movingAverage: number[]; signalVariance: number[] };
    expect(st.baselineWeights).toEqual([[o.lr * L]]);
    expect(st.movingAverage[0]).toBeCloseTo((1 - o.decay) * L, 15);
    expect(st.signalVariance[0]).toBeCloseTo((1 - o.decay) * L * L, 15);
  });
  it("normalise = 0 keeps ν = 1; inputBaseline = 0 keeps ψ = 0", () => {
    const p = nvilTwoLayerNet();
    const inst = createNvil(p, { ...OPTS, normalise: 0, inputBaseline: 0 });
    train(p, inst, 200, "warm");
    const st = inst.describeState!() as { baselineWeights: number[][]; normaliser: number[] };
    expect(st.normaliser).toEqual([1, 1]);
    expect(st.baselineWeights.flat().every((w) => w === 0)).toBe(true);
  });
});

describe("NVIL options and applicability", () => {
  it("bad options are one InputError naming the option", () => {
    const p = twoLayerNet();
    const th = p.initialParams();
    for (const [k, v] of [["lr", -1], ["decay", 1], ["decay", -0.5], ["normalise", 0.5], ["inputBaseline", 2]] as const) {
      expect(() => nvil.create(p, th, { [k]: v })).toThrow(InputError);
      expect(() => nvil.create(p, th, { [k]: v })).toThrow(new RegExp(`nvil option ${k}`));
    }
  });
  it("applies to every Bernoulli problem; refuses injected-noise units", () => {
    expect(nvil.applicable(referenceDelayed())).toBeNull();
    const noisy = problemFromJSON({ kind: "noisy-single", unit: { type: "noisy-rectifier", s: 0.7 }, a: 0.3, loss: { kind: "squared", target: 0.45 } });
    expect(nvil.applicable(noisy)).toMatch(/injected noise/);
  });
});
