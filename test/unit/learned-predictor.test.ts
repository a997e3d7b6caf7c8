import { describe, expect, it } from "vitest";
import { estimators } from "../../src/estimators/registry.js";
import { fitLearnedPredictor, LeastSquaresStats, PredictorFeatures, predict, solvePivoted } from "../../src/estimators/learned-predictor.js";
import { exactAnalysis } from "../../src/exact/moments.js";
import { problemFromJSON } from "../../src/problems/json.js";
import { Stream } from "../../src/random/stream.js";
import { InputError } from "../../src/errors.js";

const sbn = problemFromJSON({
  kind: "sbn",
  input: [1, 0.5],
  layers: [
    { weights: [[0.5, -0.3], [0.2, 0.8]], bias: [0.1, -0.2] },
    { weights: [[0.7, -0.5], [-0.6, 0.3]], bias: [0.2, -0.1] },
  ],
  loss: { kind: "squared", target: [0.9, 0.1] },
});

describe("learned predictor", () => {
  it("exact fit with an intercept: exact E[ĝ_pred] = E[ĝ_corr] = ∇E[L] (rounding level, 1e-13)", () => {
    const theta = sbn.initialParams();
    const inst = estimators["learned-predictor"].create(sbn, theta, { batch: 0 });
    const r = exactAnalysis(sbn, theta, { lp: { noise: "units", instance: inst } });
    for (let k = 0; k < sbn.nParams; k++) expect(Math.abs(r.estimators.lp.mean[k] - r.gradient[k])).toBeLessThan(1e-13);
  });
  it("batch fit: the in-sample mean of the predictions equals the batch mean of ĝ_corr", () => {
    const theta = sbn.initialParams();
    const coef = fitLearnedPredictor(sbn, theta, 500, Stream.fromSeed("lp-test"), 0);
    const feats = new PredictorFeatures(sbn);
    const s = Stream.fromSeed("lp-test");
    const u = new Float64Array(sbn.nUnits);
    const out = new Float64Array(sbn.nParams);
    const my = new Float64Array(sbn.nParams);
    const mp = new Float64Array(sbn.nParams);
    for (let r = 0; r < 500; r++) {
      s.uniforms(u);
      feats.sample(theta, u);
      predict(coef, feats.x, out);
      for (let k = 0; k < sbn.nParams; k++) {
        my[k] += feats.y[k] / 500;
        mp[k] += out[k] / 500;
      }
    }
    for (let k = 0; k < sbn.nParams; k++) expect(Math.abs(my[k] - mp[k])).toBeLessThan(1e-12);
  });
  it("pivoted solve drops a collinear direction and solves the rest", () => {
    // x = [t, 2t, 1, s]: columns 0,1 collinear, column 2 constant (centred C has zero row)
    const st = new LeastSquaresStats(1);
    const s = Stream.fromSeed("piv");
    for (let r = 0; r < 200; r++) {
      const t = s.normal();
      const z = s.normal();
      st.push(Float64Array.of(t, 2 * t, 1, z), Float64Array.of(3 + 5 * t - 2 * z));
    }
    const c = st.solve();
    expect(Math.abs(c[0] - 3)).toBeLessThan(1e-9);
    expect(Math.abs(c[1] + 2 * c[2] - 5)).toBeLessThan(1e-9);
    expect(c[3]).toBe(0);
    expect(Math.abs(c[4] + 2)).toBeLessThan(1e-9);
    const beta = new Float64Array(2);
    solvePivoted(Float64Array.of(4, 2, 2, 3), Float64Array.of(2, 1), beta);
    expect(Math.abs(4 * beta[0] + 2 * beta[1] - 2)).toBeLessThan(1e-15);
  });
  it("online predictor outputs ĝ_corr during warm-up, then its fit", () => {
    const theta = sbn.initialParams();
    const inst = estimators["learned-predictor-online"].create(sbn, theta, { warmup: 5 });
    const corr = estimators.correlation.create(sbn, theta);
    const s = Stream.fromSeed("online");
    const u = new Float64Array(sbn.nUnits);
    const a = new Float64Array(sbn.nParams);
    const b = new Float64Array(sbn.nParams);
    for (let r = 0; r < 5; r++) {
      s.uniforms(u);
      inst.estimate(theta, u, a);
      corr.estimate(theta, u, b);
      expect(Array.from(a, (v) => v + 0)).toEqual(Array.from(b, (v) => v + 0));
      inst.observe!();
    }
    s.uniforms(u);
    inst.estimate(theta, u, a);
    expect(a.every(Number.isFinite)).toBe(true);
  });
  it("is not applicable where parameters are shared or h has no path to L", () => {
    const delayed = problemFromJSON({ kind: "delayed", steps: 3, states: 3, start: 1, policy: [0, 0, 0], reward: [0, 0, 1] });
    expect(estimators["learned-predictor"].applicable(delayed)).not.toBeNull();
    expect(() => estimators["learned-predictor"].create(sbn, sbn.initialParams(), { batch: 1 })).toThrow(InputError);
    expect(() => estimators["learned-predictor"].create(sbn, sbn.initialParams(), { features: 0 })).toThrow(/learned-predictor option features/);
  });
});

describe("online predictor = batch fit on the same draws (decay 1)", () => {
  it("coefficients agree to rounding after observing the batch", () => {
    const theta = sbn.initialParams();
    const n = 300;
    const inst = estimators["learned-predictor-online"].create(sbn, theta, { decay: 1, warmup: 0 });
    const s = Stream.fromSeed("same-draws");
    const u = new Float64Array(sbn.nUnits);
    const g = new Float64Array(sbn.nParams);
    for (let r = 0; r < n; r++) {
      s.uniforms(u);
      inst.estimate(theta, u, g);
      inst.observe!();
    }
    const online = (inst.describeState!() as { coefficients: number[] }).coefficients;
    const batch = fitLearnedPredictor(sbn, theta, n, Stream.fromSeed("same-draws"), 0);
    // same draws in the same order through the same accumulator: bit-identical
    expect(online).toEqual(Array.from(batch));
  });
});
