/**
 * MuProp (Gu et al. 2016) and the mean-field expansion it reads: exact unbiasedness by
 * enumeration, the single-unit closed form, the control's exact offset, the sampling path against
 * the engine's fast paths, the mean-field slope against finite differences, the optional
 * baseline, applicability and option errors. Exact comparisons: sums of ≤ 2¹² terms, 1e-12
 * relative (worst-case rounding 4096·2⁻⁵³ ≈ 9e-13); central differences at δ = 1e-5 of a smooth
 * function are good to ~1e-9 relative, checked at 1e-7.
 */
import { describe, expect, it } from "vitest";
import { maxRelativeError } from "../../src/numerics.js";
import { oneLayerNet, singleUnitToy, twoLayerNet } from "../../analysis/claims/toys.js";
import { meanFieldOf, type MeanFieldProblem } from "../../src/estimators/mean-field.js";
import { createMuprop, muprop } from "../../src/estimators/muprop.js";
import { estimators } from "../../src/estimators/registry.js";
import type { EstimatorInstance } from "../../src/estimators/types.js";
import { enumerateConfigurations } from "../../src/exact/enumerate.js";
import { exactAnalysis } from "../../src/exact/moments.js";
import { sigmoid } from "../../src/numerics.js";
import { problemFromJSON } from "../../src/problems/json.js";
import { referenceDelayed, referenceNet, referenceNetTable, singleUnit } from "../../src/problems/reference.js";
import type { SigmoidBeliefNet } from "../../src/problems/sbn.js";
import { InputError } from "../../src/errors.js";
import type { BinaryProblem } from "../../src/problems/types.js";

function engine(p: BinaryProblem, inst: EstimatorInstance, general = false) {
  const th = p.initialParams();
  return exactAnalysis(p, th, { e: { noise: "units", instance: inst } }, { general });
}

/** The problem's mean-field expansion at θ: h̄ and ∂f̄/∂h̄, and the expansion function itself. */
function expansion(p: BinaryProblem, th: Float64Array) {
  const mf = meanFieldOf(p);
  if (typeof mf === "string") throw new Error(mf);
  const mean = new Float64Array(p.nUnits);
  const slope = new Float64Array(p.nUnits);
  mf.expand(th, mean, slope);
  return { expand: mf.expand, mean, slope };
}

const NETS: [string, () => BinaryProblem][] = [
  ["one-layer net, table loss", oneLayerNet],
  ["two-layer net, squared loss", twoLayerNet],
  ["reference net 3→4→4→4, squared loss", referenceNet],
  ["reference net 3→4→4→4, table loss", referenceNetTable],
];

describe("MuProp is exactly unbiased", () => {
  it("single unit, p ∈ {0.05, 0.3, 0.5, 0.9}, t ∈ {0, 0.45, 1}: ≤ 1e-12", () => {
    for (const p of [0.05, 0.3, 0.5, 0.9])
      for (const t of [0, 0.45, 1]) {
        const prob = singleUnitToy(p, t);
        const r = engine(prob, createMuprop(prob));
        expect(maxRelativeError(r.estimators.e.mean, r.gradient), `p=${p} t=${t}`).toBeLessThan(1e-12);
      }
  });
  for (const [name, make] of NETS)
    it(`${name}: ≤ 1e-12, block path = general path (1e-12)`, () => {
      const p = make();
      const block = engine(p, createMuprop(p));
      const general = engine(p, createMuprop(p), true);
      expect(maxRelativeError(block.estimators.e.mean, block.gradient)).toBeLessThan(1e-12);
      expect(maxRelativeError(general.estimators.e.mean, block.estimators.e.mean)).toBeLessThan(1e-12);
      expect(maxRelativeError(general.estimators.e.variance, block.estimators.e.variance)).toBeLessThan(1e-12);
    });
});

describe("MuProp on a single unit: ĝ = (h − σ)³ + 2(σ − t)σ(1 − σ)", () => {
  it("exact mean and variance equal the closed form (1e-14)", () => {
    for (const a of [-2, 0.3, 1.7])
      for (const t of [0.2, 0.45, 0.9]) {
        const p = singleUnit(a, t);
        const r = engine(p, createMuprop(p));
        const s = sigmoid(a);
        const mom = (k: number) => s * (1 - s) ** k + (1 - s) * (-s) ** k; // E[(h − σ)^k]
        const mean = mom(3) + 2 * (s - t) * s * (1 - s);
        expect(Math.abs(r.estimators.e.mean[0] - mean)).toBeLessThan(1e-14);
        expect(Math.abs(r.estimators.e.variance[0] - (mom(6) - mom(3) ** 2))).toBeLessThan(1e-14);
      }
  });
});

describe("the control: Taylor control variate without the analytic term", () => {
  it("is biased, by exactly −E[Σᵢ f̄'ᵢσ'(aᵢ)∂aᵢ/∂θ] (1e-12)", () => {
    for (const [name, make] of NETS) {
      const p = make();
      const th = p.initialParams();
      const { slope } = expansion(p, th);
      // E[Σᵢ f̄'ᵢσ'(aᵢ)∂aᵢ/∂θ] by direct enumeration
      const analytic = new Float64Array(p.nParams);
      enumerateConfigurations(p, th, (ws, _u, pr) => {
        for (let i = 0; i < p.nUnits; i++) p.addLogitGradient(th, ws, i, pr * slope[i] * ws.s[i] * (1 - ws.s[i]), analytic);
      });
      const full = engine(p, createMuprop(p));
      const ctrl = engine(p, createMuprop(p, 0, false));
      const offset = full.estimators.e.mean.map((v, k) => v - ctrl.estimators.e.mean[k]);
      expect(maxRelativeError(offset, analytic), name).toBeLessThan(1e-12);
      expect(maxRelativeError(ctrl.estimators.e.mean, full.gradient), name).toBeGreaterThan(0.1);
    }
  });
});

describe("sampling path and fast paths are one estimator", () => {
  it("estimate at each configuration's midpoint noise = estimateAt = Σᵢ coefᵢ ∂aᵢ/∂θ, bit for bit, on the reference net", () => {
    const p = referenceNetTable();
    const th = p.initialParams();
    const inst = createMuprop(p);
    const a = new Float64Array(p.nParams);
    const b = new Float64Array(p.nParams);
    const c = new Float64Array(p.nParams);
    const coef = new Float64Array(p.nUnits);
    let worst = 0;
    enumerateConfigurations(p, th, (ws, u, _p, L) => {
      inst.estimateAt!(th, ws, L, a);
      inst.coefficientsAt!(th, ws, L, coef);
      c.fill(0);
      for (let i = 0; i < p.nUnits; i++) p.addLogitGradient(th, ws, i, coef[i], c);
      inst.estimate(th, u, b);
      for (let k = 0; k < p.nParams; k++) worst = Math.max(worst, Math.abs(a[k] - b[k]), Math.abs(a[k] - c[k]));
    });
    expect(worst).toBe(0);
  });
  it("estimate is pure and follows θ changed in place (the mean-field cache compares values)", () => {
    const p = twoLayerNet();
    const th = p.initialParams();
    const inst = createMuprop(p);
    const u = Float64Array.from({ length: p.nUnits }, (_, i) => (i + 0.5) / p.nUnits);
    const g1 = new Float64Array(p.nParams);
    const g2 = new Float64Array(p.nParams);
    inst.estimate(th, u, g1);
    inst.estimate(th, u, g2);
    expect(Array.from(g2)).toEqual(Array.from(g1));
    th[th.length - 1] += 0.5;
    inst.estimate(th, u, g2);
    const fresh = new Float64Array(p.nParams);
    createMuprop(p).estimate(th, u, fresh);
    expect(Array.from(g2)).toEqual(Array.from(fresh));
  });
});

describe("the mean-field expansion", () => {
  it("∂f̄/∂bᵢ = slopeᵢ·σ'(āᵢ) for every unit (central differences, 1e-7 relative)", () => {
    for (const p of [referenceNet(), referenceNetTable(), oneLayerNet()] as SigmoidBeliefNet[]) {
      const th = p.initialParams();
      const { expand, mean, slope } = expansion(p, th);
      const predicted = new Float64Array(p.nUnits);
      const fd = new Float64Array(p.nUnits);
      const scratchM = new Float64Array(p.nUnits);
      const scratchS = new Float64Array(p.nUnits);
      const d = 1e-5;
      for (let i = 0; i < p.nUnits; i++) {
        const l = p.layerOf(i);
        const k = p.biasOffset[l] + i - p.unitOffset[l];
        predicted[i] = slope[i] * mean[i] * (1 - mean[i]);
        const up = th.slice();
        const dn = th.slice();
        up[k] += d;
        dn[k] -= d;
        fd[i] = (expand(up, scratchM, scratchS) - expand(dn, scratchM, scratchS)) / (2 * d);
      }
      expect(maxRelativeError(fd, predicted)).toBeLessThan(1e-7);
    }
  });
  it("the table loss enters through its multilinear extension: f̄ at a binary h̄ is the table entry", () => {
    const p = problemFromJSON({ kind: "single", logit: 40, loss: { kind: "table", table: [0.7, -1.3] } });
    const mf = meanFieldOf(p);
    if (typeof mf === "string") throw new Error(mf);
    const f = mf.expand(p.initialParams(), new Float64Array(1), new Float64Array(1));
    expect(Math.abs(f - -1.3)).toBeLessThan(1e-15);
  });
});

describe("the optional baseline", () => {
  it("is absent by default (no observe) and present with baselineDecay ∈ (0,1)", () => {
    const p = twoLayerNet();
    expect(estimators.muprop.create(p, p.initialParams()).observe).toBeUndefined();
    expect(typeof estimators.muprop.create(p, p.initialParams(), { baselineDecay: 0.9 }).observe).toBe("function");
  });
  it("a frozen state after 300 observe() steps is still exactly unbiased, and the baseline moved", () => {
    const p = twoLayerNet();
    const th = p.initialParams();
    const inst = createMuprop(p, 0.9);
    const u = new Float64Array(p.nUnits);
    const g = new Float64Array(p.nParams);
    for (let t = 0; t < 300; t++) {
      for (let i = 0; i < u.length; i++) u[i] = ((t * 7 + i * 3) % 11) / 11 + 1 / 22;
      inst.estimate(th, u, g);
      inst.observe!();
    }
    const state = inst.describeState!() as { baseline: number[] };
    expect(Math.max(...state.baseline.map(Math.abs))).toBeGreaterThan(1e-3);
    const r = engine(p, inst);
    expect(maxRelativeError(r.estimators.e.mean, r.gradient)).toBeLessThan(1e-12);
  });
  it("baselineDecay outside [0, 1) is one InputError naming the option", () => {
    const p = twoLayerNet();
    for (const baselineDecay of [1, -0.1, Number.NaN, 2]) expect(() => muprop.create(p, p.initialParams(), { baselineDecay })).toThrow(/baselineDecay/);
    expect(() => muprop.create(p, p.initialParams(), { baselineDecay: 1 })).toThrow(InputError);
  });
});

describe("what MuProp needs from a problem", () => {
  it("refuses the delayed reward (no mean-field network) and injected-noise units, with the reason", () => {
    expect(muprop.applicable(referenceDelayed())).toMatch(/mean-field/);
    const noisy = problemFromJSON({ kind: "noisy-single", unit: { type: "noisy-rectifier", s: 0.7 }, a: 0.3, loss: { kind: "squared", target: 0.45 } });
    expect(muprop.applicable(noisy)).toMatch(/injected noise/);
    expect(() => createMuprop(referenceDelayed())).toThrow(InputError);
  });
  it("applies to any problem that implements meanFieldExpansion and layerOf, and is exactly unbiased there", () => {
    const net = twoLayerNet() as SigmoidBeliefNet;
    const mf = meanFieldOf(net);
    if (typeof mf === "string") throw new Error(mf);
    // the same net seen only through the BinaryProblem contract plus the capability
    const user: MeanFieldProblem = {
      kind: "user-net",
      nUnits: net.nUnits,
      nParams: net.nParams,
      initialParams: () => net.initialParams(),
      paramLabels: () => net.paramLabels(),
      createWorkspace: () => net.createWorkspace(),
      forward: (t, u, ws) => net.forward(t, u, ws),
      evaluate: (t, ws) => net.evaluate(t, ws),
      addLogitGradient: (t, ws, i, s, g) => net.addLogitGradient(t, ws, i, s, g),
      toJSON: () => ({ kind: "user-net" }),
      meanFieldExpansion: (t, m, s) => mf.expand(t, m, s),
      layerOf: (i) => net.layerOf(i),
    };
    expect(muprop.applicable(user)).toBeNull();
    const r = engine(user, muprop.create(user, user.initialParams()));
    expect(maxRelativeError(r.estimators.e.mean, r.gradient)).toBeLessThan(1e-12);
  });
});
