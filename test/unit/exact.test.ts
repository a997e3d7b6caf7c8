import { InputError } from "../../src/errors.js";
import { optionsFor } from "../../src/estimators/options.js";
import { estimatorEntry } from "../../src/estimators/types.js";
import { describe, expect, it } from "vitest";
import { exactAnalysis } from "../../src/exact/moments.js";
import { exactGradientDual, exactGradientFiniteDifference, expectedLoss } from "../../src/exact/dual.js";
import { enumerateConfigurations } from "../../src/exact/enumerate.js";
import { estimators } from "../../src/estimators/registry.js";
import { referenceDelayed, referenceNet, referenceNetTable, singleUnit, singleUnitTable } from "../../src/problems/reference.js";
import { sigmoid } from "../../src/numerics.js";
import type { BinaryProblem } from "../../src/problems/types.js";

function maxRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let k = 0; k < b.length; k++) {
    num = Math.max(num, Math.abs(a[k] - b[k]));
    den = Math.max(den, Math.abs(b[k]));
  }
  return num === 0 ? 0 : num / den;
}

const problems: [string, () => BinaryProblem][] = [
  ["single (h−t)²", () => singleUnit(0.3, 0.45)],
  ["single table", () => singleUnitTable(-1.2, 0.7, -0.4)],
  ["4-4-4 net, squared loss", referenceNet],
  ["4-4-4 net, table loss", referenceNetTable],
  ["delayed reward", referenceDelayed],
];

describe("exact engine", () => {
  it("visits every configuration once in Gray-code order and the probabilities sum to 1", () => {
    const p = referenceNet();
    const seen = new Set<number>();
    const r = enumerateConfigurations(p, p.initialParams(), (ws) => {
      let idx = 0;
      for (let i = 0; i < p.nUnits; i++) idx |= ws.h[i] << i;
      seen.add(idx);
    });
    expect(seen.size).toBe(2 ** p.nUnits);
    expect(Math.abs(r.totalProbability - 1)).toBeLessThan(1e-13);
  });

  it("single unit: E[L] and dE[L]/da match the closed form σ(1−2t)+t², σ'(1−2t)", () => {
    const a = 0.3;
    const t = 0.45;
    const p = singleUnit(a, t);
    const r = exactAnalysis(p, p.initialParams());
    const s = sigmoid(a);
    expect(r.expectedLoss).toBeCloseTo(s * (1 - 2 * t) + t * t, 15);
    expect(Math.abs(r.gradient[0] - s * (1 - s) * (1 - 2 * t))).toBeLessThan(1e-16);
  });

  for (const [name, make] of problems) {
    it(`${name}: product-rule gradient = dual-number gradient (1e-12) = central differences (1e-7)`, () => {
      const p = make();
      const th = p.initialParams();
      const r = exactAnalysis(p, th);
      const d = exactGradientDual(p, th);
      expect(Math.abs(d.expectedLoss - r.expectedLoss)).toBeLessThan(1e-14);
      expect(maxRel(r.gradient, d.gradient)).toBeLessThan(1e-12);
      // central differences with ε = 1e-5: truncation O(ε²·|f'''|) ≈ 1e-10, rounding O(1e-16/ε) ≈ 1e-11
      expect(maxRel(exactGradientFiniteDifference(p, th), r.gradient)).toBeLessThan(1e-7);
      expect(Math.abs(expectedLoss(p, th) - r.expectedLoss) / Math.abs(r.expectedLoss)).toBeLessThan(1e-13);
    });

    it(`${name}: the correlation estimator's exact mean equals the exact gradient (1e-12 relative)`, () => {
      const p = make();
      const th = p.initialParams();
      const inst = { correlation: estimatorEntry(estimators.correlation, p, th) };
      const r = exactAnalysis(p, th, inst);
      expect(maxRel(r.estimators.correlation.mean, r.gradient)).toBeLessThan(1e-12);
    });
  }

  it("straight-through has a non-zero exact bias on the 4-4-4 net", () => {
    const p = referenceNet();
    const th = p.initialParams();
    const r = exactAnalysis(p, th, {
      st: { noise: "units", instance: estimators["straight-through"].create(p, th) },
      sts: { noise: "units", instance: estimators["straight-through-sigmoid"].create(p, th) },
    });
    expect(maxRel(r.estimators.st.mean, r.gradient)).toBeGreaterThan(0.05);
    expect(maxRel(r.estimators.sts.mean, r.gradient)).toBeGreaterThan(0.05);
  });

  it("single unit (b−t)²: the optimal baseline gives exactly zero variance", () => {
    for (const a of [-3, -0.5, 0.3, 2]) {
      const p = singleUnit(a, 0.45);
      const th = p.initialParams();
      const r = exactAnalysis(p, th, { opt: { noise: "units", instance: estimators["correlation-optimal"].create(p, th) } });
      expect(r.estimators.opt.variance[0]).toBeLessThanOrEqual(1e-15);
      expect(Math.abs(r.estimators.opt.mean[0] - r.gradient[0])).toBeLessThan(1e-16);
    }
  });
});

describe("block path of the exact engine", () => {
  for (const [name, make] of problems) {
    it(`${name}: block path = general path (gradient, means, variances) to 1e-12`, () => {
      const p = make();
      const th = p.initialParams();
      const ids = ["correlation", "correlation-constant", "correlation-optimal", "straight-through", "straight-through-sigmoid", "exact"] as const;
      const mk = () => Object.fromEntries(ids.filter((id) => !estimators[id].applicable(p)).map((id) => [id, estimatorEntry(estimators[id], p, th, optionsFor(estimators[id], { baseline: 0.37 }))]));
      const a = exactAnalysis(p, th, mk());
      const b = exactAnalysis(p, th, mk(), { general: true });
      expect(maxRel(a.gradient, b.gradient)).toBeLessThan(1e-12);
      for (const id of Object.keys(b.estimators)) {
        expect(maxRel(a.estimators[id].mean, b.estimators[id].mean)).toBeLessThan(1e-12);
        expect(maxRel(a.estimators[id].variance, b.estimators[id].variance)).toBeLessThan(1e-11);
      }
    });
  }
  it("estimateAt and coefficientsAt agree with estimate() on the midpoint noise", () => {
    const p = referenceNet();
    const th = p.initialParams();
    for (const id of ["correlation", "correlation-optimal", "straight-through", "straight-through-sigmoid"] as const) {
      const inst = estimators[id].create(p, th);
      const g1 = new Float64Array(p.nParams);
      const g2 = new Float64Array(p.nParams);
      const g3 = new Float64Array(p.nParams);
      const c = new Float64Array(p.nUnits);
      let k = 0;
      enumerateConfigurations(p, th, (ws, u, _p, L) => {
        if (k++ % 97 !== 0) return;
        inst.estimate(th, u, g1);
        inst.estimateAt!(th, ws, L, g2);
        inst.coefficientsAt!(th, ws, L, c);
        g3.fill(0);
        p.addLogitGradients(th, ws, c, g3);
        expect(Array.from(g2)).toEqual(Array.from(g1));
        expect(maxRel(g3, g1)).toBeLessThan(1e-14);
      });
    }
  });
});

describe("exact engine dispatch on the unit noise", () => {
  it("a problem that declares injected noise but is no NoisyNet is one clear InputError, not a wrong number", () => {
    const p = referenceNet();
    const fake = Object.assign(Object.create(Object.getPrototypeOf(p)), p, { unitNoise: "injected" as const, kind: "fake" });
    expect(() => exactAnalysis(fake, p.initialParams())).toThrow(InputError);
    expect(() => exactAnalysis(fake, p.initialParams())).toThrow(/declares injected unit noise/);
  });
});
