/**
 * Exact, deterministic tests of RLOO, AR, ARM, DisARM, Gumbel-Softmax, ST-Gumbel, REBAR, RELAX,
 * the piecewise-affine engine and Adam. Tolerances: exact sums and closed forms agree to rounding
 * (1e-12 relative leaves ≥ 100× margin over ≤ 3ⁿ·2⁻⁵³); quadrature-based moments target 1e-12
 * per level (1e-10 for nested); finite differences of smooth functions at h = 1e-6 (central)
 * are good to ~1e-8 relative.
 */
import type { EstimatorEntry } from "../../src/estimators/types.js";
import { estimatorEntry } from "../../src/estimators/types.js";
import { describe, expect, it } from "vitest";
import { logit, oneLayerNet, singleUnitToy, twoLayerNet } from "../../analysis/claims/toys.js";
import { createAr } from "../../src/estimators/ar.js";
import { createArm } from "../../src/estimators/arm.js";
import { createDisarm } from "../../src/estimators/disarm.js";
import { createGumbelSoftmax, gumbelSoftmax } from "../../src/estimators/gumbel-softmax.js";
import { createRebar, rebar } from "../../src/estimators/rebar.js";
import { createRelax, relax } from "../../src/estimators/relax.js";
import { conditionalLogistic, logisticNoise, RelaxedNet } from "../../src/estimators/relaxation.js";
import { estimators, parseEstimatorList } from "../../src/estimators/registry.js";
import { createRloo, rloo, rlooExactMoments } from "../../src/estimators/rloo.js";
import { createStGumbel, stGumbel } from "../../src/estimators/st-gumbel.js";
import { exactAnalysis } from "../../src/exact/moments.js";
import { sequentialCellMoments } from "../../src/exact/sequential-cells.js";
import { sigmoid } from "../../src/numerics.js";
import { Adam } from "../../src/optim/adam.js";
import { type BinaryProblem } from "../../src/problems/types.js";
import { problemFromJSON } from "../../src/problems/json.js";
import { Stream } from "../../src/random/stream.js";
import { InputError } from "../../src/errors.js";
import { maxRelativeError } from "../../src/numerics.js";

const UNBIASED = ["rloo", "ar", "arm", "disarm", "rebar", "relax"] as const;

function exactAll(p: BinaryProblem, ids: readonly (keyof typeof estimators)[], opts = {}) {
  const th = p.initialParams();
  const set: Record<string, EstimatorEntry> = {};
  for (const id of ids) set[id] = estimatorEntry(estimators[id], p, th, opts);
  return exactAnalysis(p, th, set);
}

describe("exact means of the unbiased estimators equal the exact gradient", () => {
  it("single unit, p ∈ {0.1, 0.5, 0.9}, t ∈ {0.45, 0.499}: ≤ 1e-12 (enumerable), ≤ 1e-10 (quadrature)", () => {
    for (const t of [0.45, 0.499])
      for (const p of [0.1, 0.5, 0.9]) {
        const r = exactAll(singleUnitToy(p, t), UNBIASED);
        for (const id of UNBIASED) {
          const tol = id === "rebar" || id === "relax" ? 1e-10 : 1e-12;
          expect(maxRelativeError(r.estimators[id].mean, r.gradient), `${id} p=${p} t=${t}`).toBeLessThan(tol);
        }
      }
  });
  it("one-layer net (3 units, table loss): RLOO, AR, ARM, DisARM ≤ 1e-12", () => {
    const r = exactAll(oneLayerNet(), ["rloo", "ar", "arm", "disarm"]);
    for (const id of ["rloo", "ar", "arm", "disarm"]) expect(maxRelativeError(r.estimators[id].mean, r.gradient), id).toBeLessThan(1e-12);
  });
  it("two-layer net: RLOO for K = 2, 3, 5 ≤ 1e-12", () => {
    const p = twoLayerNet();
    const g = exactAnalysis(p, p.initialParams()).gradient;
    for (const K of [2, 3, 5]) expect(maxRelativeError(rlooExactMoments(p, p.initialParams(), K).mean, g)).toBeLessThan(1e-12);
  });
});

describe("RLOO", () => {
  it("closed-form variance equals brute-force enumeration of the 2^{K·n} joint samples", () => {
    const p = oneLayerNet();
    const th = p.initialParams();
    const ws = p.createWorkspace();
    p.evaluate(th, ws);
    for (const K of [2, 3]) {
      const cuts: number[][] = [];
      for (let k = 0; k < K; k++) for (let i = 0; i < p.nUnits; i++) cuts.push([ws.s[i]]);
      const bf = sequentialCellMoments(createRloo(p, K), th, (d) => cuts[d], { affine: cuts.map(() => false) });
      const cf = rlooExactMoments(p, th, K);
      expect(maxRelativeError(cf.variance, bf.variance)).toBeLessThan(1e-12);
      expect(maxRelativeError(cf.mean, bf.mean)).toBeLessThan(1e-12);
    }
  });
  it("the leave-in control is exactly (K−1)/K · RLOO on the same noise", () => {
    const p = twoLayerNet();
    const th = p.initialParams();
    const s = Stream.fromSeed("rloo-leave-in");
    for (const K of [2, 4]) {
      const a = createRloo(p, K);
      const b = createRloo(p, K, true);
      const u = new Float64Array(a.noiseSize);
      const ga = new Float64Array(p.nParams);
      const gb = new Float64Array(p.nParams);
      for (let r = 0; r < 20; r++) {
        s.uniforms(u);
        a.estimate(th, u, ga);
        b.estimate(th, u, gb);
        for (let k = 0; k < ga.length; k++) expect(gb[k]).toBeCloseTo(((K - 1) / K) * ga[k], 14);
      }
    }
  });
  it("K < 2 or non-integer K is an InputError naming K", () => {
    const p = singleUnitToy(0.3, 0.45);
    for (const K of [1, 0, -3, 1.5, Number.NaN]) expect(() => rloo.create(p, p.initialParams(), { K })).toThrow(/rloo option K/);
    expect(() => rloo.create(p, p.initialParams(), { K: 1 })).toThrow(InputError);
  });
});

describe("AR / ARM / DisARM", () => {
  it("AR's exact variance matches its closed form on one unit", () => {
    for (const p of [0.1, 0.5, 0.83]) {
      const t = 0.45;
      const prob = singleUnitToy(p, t);
      const th = prob.initialParams();
      const s = sigmoid(th[0]);
      const f1 = (1 - t) ** 2;
      const f0 = t ** 2;
      const c = (1 - 2 * s) ** 3;
      const m2 = (f1 * f1 * (1 - c)) / 6 + (f0 * f0 * (c + 1)) / 6;
      const mean = s * (1 - s) * (f1 - f0);
      const m = createAr(prob).exactMoments!(th);
      expect(Math.abs(m.mean[0] - mean) / Math.abs(mean)).toBeLessThan(1e-12);
      expect(Math.abs(m.variance[0] - (m2 - mean * mean)) / (m2 - mean * mean)).toBeLessThan(1e-12);
    }
  });
  it("DisARM's variance never exceeds ARM's (Rao–Blackwellisation), exactly", () => {
    for (const p of [0.05, 0.2, 0.5, 0.7, 0.95])
      for (const t of [0.45, 0.499]) {
        const prob = singleUnitToy(p, t);
        const th = prob.initialParams();
        expect(createDisarm(prob).exactMoments!(th).variance[0]).toBeLessThanOrEqual(createArm(prob).exactMoments!(th).variance[0] * (1 + 1e-12));
      }
    const net = oneLayerNet();
    const th = net.initialParams();
    const d = createDisarm(net).exactMoments!(th).variance;
    const a = createArm(net).exactMoments!(th).variance;
    for (let k = 0; k < d.length; k++) expect(d[k]).toBeLessThanOrEqual(a[k] * (1 + 1e-12));
  });
  it("the cell engine agrees with a direct midpoint sum for ARM (independent check)", () => {
    const prob = singleUnitToy(0.3, 0.45);
    const th = prob.initialParams();
    const inst = createArm(prob);
    const m = inst.exactMoments!(th);
    // Fine midpoint rule on u: O(h²) error for piecewise smooth integrands with breakpoints on the grid cells.
    const N = 200000;
    const u = new Float64Array(1);
    const g = new Float64Array(1);
    let s1 = 0;
    let s2 = 0;
    for (let k = 0; k < N; k++) {
      u[0] = (k + 0.5) / N;
      inst.estimate(th, u, g);
      s1 += g[0];
      s2 += g[0] * g[0];
    }
    expect(Math.abs(s1 / N - m.mean[0])).toBeLessThan(1e-6);
    expect(Math.abs(s2 / N - (s1 / N) ** 2 - m.variance[0])).toBeLessThan(1e-6);
  });
  it("layered AR/ARM/DisARM: exact means = gradient on a two-layer net and the delayed reward (≤ 1e-12)", () => {
    const delayed = problemFromJSON({ kind: "delayed", steps: 4, states: 5, start: 2, policy: [0.3, -0.5, 0.2, 0.8, -0.1] });
    for (const p of [twoLayerNet(), delayed]) {
      const th = p.initialParams();
      const g = exactAnalysis(p, th).gradient;
      for (const make of [createAr, createArm, createDisarm]) expect(maxRelativeError(make(p).exactMoments!(th).mean, g), `${p.kind} ${make.name}`).toBeLessThan(1e-12);
      expect(createArm(p).lossEvaluations).toBe(1 + (p.kind === "sbn" ? 2 : 4));
    }
  });
  it("layered cells: DisARM ≤ ARM in exact variance on the two-layer net", () => {
    const p = twoLayerNet();
    const th = p.initialParams();
    const d = createDisarm(p).exactMoments!(th).variance;
    const a = createArm(p).exactMoments!(th).variance;
    for (let k = 0; k < d.length; k++) expect(d[k]).toBeLessThanOrEqual(a[k] * (1 + 1e-12));
  });
  it("REBAR and RELAX need a factorised layer", () => {
    for (const id of ["rebar", "relax"] as const) expect(estimators[id].applicable(twoLayerNet())).toMatch(/factorised/);
  });
});

describe("relaxations", () => {
  it("relaxed net back-propagation matches central finite differences (two-layer net)", () => {
    const p = twoLayerNet();
    const th = p.initialParams();
    const net = new RelaxedNet(p);
    const u = Float64Array.from([0.3, 0.7, 0.15, 0.55, 0.9]);
    const g = new Float64Array(p.nParams);
    net.forward(th, u, 0.7);
    net.backward(th, g);
    const h = 1e-6;
    for (let k = 0; k < p.nParams; k++) {
      const tp = th.slice();
      const tm = th.slice();
      tp[k] += h;
      tm[k] -= h;
      const fd = (net.forward(tp, u, 0.7) - net.forward(tm, u, 0.7)) / (2 * h);
      expect(Math.abs(g[k] - fd)).toBeLessThan(1e-8 * Math.max(1, Math.abs(fd)));
    }
  });
  it("as τ → 0 the relaxed sample equals the hard sample drawn from the same u", () => {
    const p = oneLayerNet();
    const th = p.initialParams();
    const net = new RelaxedNet(p);
    const ws = p.createWorkspace();
    const s = Stream.fromSeed("hard");
    const u = new Float64Array(3);
    for (let r = 0; r < 50; r++) {
      s.uniforms(u);
      p.forward(th, u, ws);
      net.forward(th, u, 1e-9);
      for (let i = 0; i < 3; i++) expect(net.y[i]).toBeCloseTo(ws.h[i], 6);
    }
  });
  it("conditional z̃ ~ p(z|b) has H(z̃) = b and dz̃/da matches finite differences with v fixed", () => {
    const o = new Float64Array(2);
    const o2 = new Float64Array(2);
    for (const a of [-1.7, 0.2, 2.4])
      for (const b of [0, 1])
        for (const v of [0.05, 0.4, 0.93]) {
          conditionalLogistic(a, sigmoid(a), b, v, o);
          expect(+(o[0] > 0)).toBe(b);
          const h = 1e-6;
          conditionalLogistic(a + h, sigmoid(a + h), b, v, o2);
          const up = o2[0];
          conditionalLogistic(a - h, sigmoid(a - h), b, v, o2);
          expect(Math.abs((up - o2[0]) / (2 * h) - o[1])).toBeLessThan(1e-7);
        }
    expect(logisticNoise(0.5)).toBe(0);
  });
  it("ST-Gumbel's forward loss is the hard loss; Gumbel-Softmax is biased (exact, one unit)", () => {
    const p = singleUnitToy(0.3, 0.45);
    const th = p.initialParams();
    const ws = p.createWorkspace();
    const g = new Float64Array(1);
    const u = Float64Array.from([0.2]);
    expect(createStGumbel(p, 0.5).estimate(th, u, g)).toBe(p.forward(th, u, ws));
    const grad = exactAnalysis(p, th).gradient[0];
    expect(Math.abs(createGumbelSoftmax(p, 0.5).exactMoments!(th).mean[0] - grad)).toBeGreaterThan(1e-3);
  });
  it("τ ≤ 0 (or non-finite) is an InputError naming the temperature, for every relaxation", () => {
    const p = singleUnitToy(0.3, 0.45);
    for (const spec of [gumbelSoftmax, stGumbel, rebar, relax])
      for (const temperature of [0, -0.5, Number.POSITIVE_INFINITY]) {
        expect(() => spec.create(p, p.initialParams(), { temperature })).toThrow(InputError);
        expect(() => spec.create(p, p.initialParams(), { temperature })).toThrow(/temperature τ/);
      }
  });
});

describe("REBAR / RELAX", () => {
  it("RELAX with w2 = 0 equals REBAR on the same noise", () => {
    const p = oneLayerNet();
    const th = p.initialParams();
    const a = createRebar(p, 1, 0.5);
    const b = createRelax(p, { eta: 1, temperature: 0.5, hidden: 4, lr: 0.01, seed: 0 });
    const s = Stream.fromSeed("rebar=relax");
    const u = new Float64Array(6);
    const ga = new Float64Array(p.nParams);
    const gb = new Float64Array(p.nParams);
    for (let r = 0; r < 20; r++) {
      s.uniforms(u);
      a.estimate(th, u, ga);
      b.estimate(th, u, gb);
      expect(maxRelativeError(gb, ga)).toBeLessThan(1e-14);
    }
  });
  it("RELAX's variance gradient ∂‖ĝ‖²/∂φ matches central finite differences", () => {
    const p = oneLayerNet();
    const th = p.initialParams();
    const inst = createRelax(p, { eta: 0.8, temperature: 0.5, hidden: 3, lr: 0.01, seed: 1 });
    const s = Stream.fromSeed("phi");
    for (let k = 0; k < inst.phi.length; k++) inst.phi[k] += 0.3 * s.normal();
    const u = Float64Array.from([0.2, 0.6, 0.85, 0.3, 0.75, 0.1]);
    const g = new Float64Array(p.nParams);
    const norm2 = () => {
      inst.estimate(th, u, g);
      return g.reduce((a, x) => a + x * x, 0);
    };
    norm2();
    const an = new Float64Array(inst.phi.length);
    inst.varianceGradient(th, an);
    const h = 1e-6;
    for (let k = 0; k < inst.phi.length; k++) {
      const x = inst.phi[k];
      inst.phi[k] = x + h;
      const up = norm2();
      inst.phi[k] = x - h;
      const dn = norm2();
      inst.phi[k] = x;
      const fd = (up - dn) / (2 * h);
      expect(Math.abs(an[k] - fd), `φ[${k}]`).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
    }
  });
  it("RELAX training lowers the exact variance on one unit (t = 0.499, p = 0.5)", () => {
    const p = singleUnitToy(0.5, 0.499);
    const th = p.initialParams();
    const inst = createRelax(p, { eta: 1, temperature: 0.5, hidden: 8, lr: 0.01, seed: 0 });
    const before = inst.exactMoments!(th).variance[0];
    const s = Stream.fromSeed("train");
    const u = new Float64Array(2);
    const g = new Float64Array(1);
    for (let k = 0; k < 1000; k++) (s.uniforms(u), inst.estimate(th, u, g), inst.observe!());
    expect(inst.exactMoments!(th).variance[0]).toBeLessThan(before / 10);
  });
});

describe("registry, Adam", () => {
  it("every new estimator is registered with formula and source", () => {
    for (const id of ["rloo", "ar", "arm", "disarm", "gumbel-softmax", "st-gumbel", "rebar", "relax"] as const) {
      expect(estimators[id].id).toBe(id);
      expect(estimators[id].formula.length).toBeGreaterThan(10);
      expect(estimators[id].source).toMatch(/20(17|18|19|20)/);
    }
  });
  it("an unknown id in --estimators is one InputError listing the known ids", () => {
    expect(() => parseEstimatorList("rloo,nope,arm")).toThrow(InputError);
    expect(() => parseEstimatorList("rloo,nope,arm")).toThrow(/unknown estimator "nope".*known: .*disarm/);
  });
  it("Adam's first step moves every coordinate by lr·sign(g) (bias-corrected moments)", () => {
    const opt = new Adam(3, { lr: 0.01 });
    const x = Float64Array.from([1, 2, 3]);
    opt.step(x, [0.5, -2, 1e-3]);
    expect(x[0]).toBeCloseTo(0.99, 6);
    expect(x[1]).toBeCloseTo(2.01, 6);
    expect(x[2]).toBeCloseTo(2.99, 4);
    expect(() => new Adam(1, { lr: 0 })).toThrow(InputError);
  });
  it("logit helper inverts σ", () => {
    for (const p of [0.1, 0.5, 0.9]) expect(sigmoid(logit(p))).toBeCloseTo(p, 14);
  });
});

describe("REBAR η and λ tuning", () => {
  it("∂‖ĝ‖²/∂(η, log λ) matches central finite differences", () => {
    for (const p of [oneLayerNet(), singleUnitToy(0.3, 0.45)]) {
      const th = p.initialParams();
      const u = Float64Array.from([0.2, 0.6, 0.85, 0.3, 0.75, 0.1]).subarray(0, 2 * p.nUnits);
      const g = new Float64Array(p.nParams);
      const norm2 = (eta: number, lambda: number) => {
        createRebar(p, eta, lambda).estimate(th, u, g);
        return g.reduce((a, x) => a + x * x, 0);
      };
      const inst = createRebar(p, 0.7, 0.4);
      inst.estimate(th, u, g);
      const an = new Float64Array(2);
      inst.tuningGradient(th, an);
      const h = 1e-6;
      const fdEta = (norm2(0.7 + h, 0.4) - norm2(0.7 - h, 0.4)) / (2 * h);
      const fdRho = (norm2(0.7, 0.4 * Math.exp(h)) - norm2(0.7, 0.4 * Math.exp(-h))) / (2 * h);
      expect(Math.abs(an[0] - fdEta)).toBeLessThan(1e-7 * Math.max(1, Math.abs(fdEta)));
      expect(Math.abs(an[1] - fdRho)).toBeLessThan(1e-7 * Math.max(1, Math.abs(fdRho)));
    }
  });
  it("tuning η and λ lowers the exact variance on one unit, and the estimator stays unbiased", () => {
    const p = singleUnitToy(0.3, 0.45);
    const th = p.initialParams();
    const inst = rebar.create(p, th, { tune: 0.01 }) as ReturnType<typeof createRebar>;
    const before = inst.exactMoments!(th);
    const s = Stream.fromSeed("tune-eta");
    const u = new Float64Array(2);
    const g = new Float64Array(1);
    for (let k = 0; k < 2000; k++) (s.uniforms(u), inst.estimate(th, u, g), inst.observe!());
    const after = inst.exactMoments!(th);
    expect(inst.eta()).not.toBe(1);
    expect(inst.lambda()).not.toBe(0.5);
    expect(after.variance[0]).toBeLessThan(before.variance[0]);
    const grad = exactAnalysis(p, th).gradient;
    expect(maxRelativeError(after.mean, grad)).toBeLessThan(1e-10);
    expect(() => rebar.create(p, th, { tune: -1 })).toThrow(InputError);
  });
});
