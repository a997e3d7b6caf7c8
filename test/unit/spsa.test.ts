import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fdsaCentral, fdsaForward, FdKernel } from "../../src/estimators/finite-difference.js";
import { objectiveOracle, problemOracle } from "../../src/estimators/oracle.js";
import { estimators } from "../../src/estimators/registry.js";
import { spsa, SpsaKernel, spsaOne } from "../../src/estimators/spsa.js";
import { exactAnalysis } from "../../src/exact/moments.js";
import { expectedLoss } from "../../src/exact/dual.js";
import { fdsaOptimize } from "../../src/optim/fdsa.js";
import { sgdOptimize } from "../../src/optim/sgd.js";
import { spsaOptimize } from "../../src/optim/spsa.js";
import { perturbationGain, stepGain, validateGains } from "../../src/optim/types.js";
import { getObjective, MeasurementNoise, Quadratic, Rosenbrock, SkewedQuartic, type Objective } from "../../src/problems/functions.js";
import { problemFromJSON } from "../../src/problems/json.js";
import { Stream } from "../../src/random/stream.js";
import { randomSbn } from "../../src/problems/reference.js";
import { InputError } from "../../src/errors.js";

const CLI = path.resolve(__dirname, "../../dist/cli/main.js");
function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: os.tmpdir(), encoding: "utf8", env: { ...process.env, CI: "1" } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** central finite differences of an objective with step h (reference for analytic gradients) */
function numericGradient(f: Objective, t: Float64Array, h = 1e-6): Float64Array {
  const g = new Float64Array(t.length);
  const x = t.slice();
  for (let k = 0; k < t.length; k++) {
    x[k] = t[k] + h;
    const up = f.value(x);
    x[k] = t[k] - h;
    const dn = f.value(x);
    x[k] = t[k];
    g[k] = (up - dn) / (2 * h);
  }
  return g;
}

const tiny = () => problemFromJSON({ kind: "sbn", input: [1, -0.5], layers: [{ weights: [[0.3, -0.2], [0.5, 0.1]], bias: [0.1, -0.3] }, { weights: [[0.7, -0.4]], bias: [0.2] }], loss: { kind: "squared", target: [0.3] } });

describe("test objectives", () => {
  it("skewed quartic: value at θ₀ = 1 and analytic gradient match closed forms / finite differences", () => {
    const f = new SkewedQuartic(10);
    const t = f.initialParams();
    // y = Bθ = (1, .9, …, .1): Σy² = 3.85, 0.1Σy³ = 0.3025, 0.01Σy⁴ = 0.025333 (Σk⁴ = 25333)
    expect(f.value(t)).toBeCloseTo(3.85 + 0.3025 + 0.025333, 12);
    const g = new Float64Array(10);
    f.gradient(t, g);
    const n = numericGradient(f, t);
    for (let k = 0; k < 10; k++) expect(Math.abs(g[k] - n[k])).toBeLessThan(1e-8);
    expect(f.value(new Float64Array(10))).toBe(0);
  });
  it("quadratic and rosenbrock gradients match finite differences; minima are 0", () => {
    for (const f of [new Quadratic(6, 100), new Rosenbrock(5)]) {
      const t = f.initialParams().map((v, i) => v + 0.1 * i);
      const g = new Float64Array(f.dimension);
      f.gradient(t, g);
      const n = numericGradient(f, t);
      for (let k = 0; k < f.dimension; k++) expect(Math.abs(g[k] - n[k])).toBeLessThan(1e-5 * Math.max(1, Math.abs(g[k])));
    }
    expect(new Rosenbrock(4).value(Float64Array.from([1, 1, 1, 1]))).toBe(0);
  });
  it("unknown function, bad dimension and bad noise give one clear InputError", () => {
    expect(() => getObjective("sphere")).toThrow(/unknown function "sphere".*skewed-quartic/);
    expect(() => getObjective("rosenbrock", 1)).toThrow(InputError);
    expect(() => new MeasurementNoise(new Quadratic(2), -1)).toThrow(/noise/);
    expect(() => objectiveOracle(new Quadratic(2), Number.NaN)).toThrow(InputError);
  });
});

describe("SPSA and FDSA kernels", () => {
  it("Rademacher Δ from uniforms: ĝ on a linear loss is exact for every Δ (two-sided)", () => {
    const lin: Objective = { id: "lin", dimension: 3, value: (t) => 2 * t[0] - t[1] + 0.5 * t[2], initialParams: () => new Float64Array(3), toJSON: () => ({}) };
    const k = new SpsaKernel(objectiveOracle(lin), { c: 0.3 });
    const out = new Float64Array(3);
    const s = Stream.fromSeed("lin");
    const u = new Float64Array(k.noiseSize);
    for (let r = 0; r < 20; r++) {
      k.estimate(new Float64Array(3), s.uniforms(u), out);
      // ĝₖ = Σⱼ gⱼΔⱼ/Δₖ: exact mean, but not each draw; the Δ-average over all 8 patterns is exact
    }
    const m = k.exactMoments(new Float64Array(3));
    expect(Array.from(m.mean).map((v) => +v.toFixed(12))).toEqual([2, -1, 0.5]);
    // Var[ĝₖ] = Σ_{j≠k} gⱼ²
    expect(m.variance[0]).toBeCloseTo(1 + 0.25, 12);
    expect(m.variance[1]).toBeCloseTo(4 + 0.25, 12);
  });
  it("noise sizes and loss-evaluation counts follow the documented layout", () => {
    const o = objectiveOracle(new Quadratic(4), 0.5); // q = 2 uniforms per measurement
    expect(new SpsaKernel(o, { c: 1, perturbations: 3 }).noiseSize).toBe(3 * (4 + 2 * 2));
    expect(new SpsaKernel(o, { c: 1, perturbations: 3, crn: true }).noiseSize).toBe(3 * (4 + 2));
    expect(new SpsaKernel(o, { c: 1, perturbations: 3 }).lossEvaluations).toBe(6);
    expect(new SpsaKernel(o, { c: 1, variant: "one-sided" }).lossEvaluations).toBe(1);
    expect(new FdKernel(o, { c: 1, scheme: "forward" }).lossEvaluations).toBe(5);
    expect(new FdKernel(o, { c: 1, scheme: "central" }).lossEvaluations).toBe(8);
    expect(new FdKernel(o, { c: 1, scheme: "central" }).noiseSize).toBe(16);
    expect(new FdKernel(o, { c: 1, scheme: "central", crn: true }).noiseSize).toBe(2);
  });
  it("exact bias: two-sided SPSA is exactly unbiased on a quadratic; slopes 2 (SPSA, central) and 1 (forward) on the quartic", () => {
    const q = new Quadratic(8, 10);
    const t = q.initialParams();
    const g = new Float64Array(8);
    q.gradient(t, g);
    const m = new SpsaKernel(objectiveOracle(q), { c: 0.5 }).exactMoments(t);
    for (let k = 0; k < 8; k++) expect(Math.abs(m.mean[k] - g[k])).toBeLessThan(1e-13);
    const f = new SkewedQuartic(6);
    const tf = f.initialParams();
    const gf = new Float64Array(6);
    f.gradient(tf, gf);
    const bias = (c: number, kind: "spsa" | "fwd") => {
      const mm = kind === "spsa" ? new SpsaKernel(objectiveOracle(f), { c }).exactMoments(tf) : new FdKernel(objectiveOracle(f), { c, scheme: "forward" }).exactMoments(tf);
      return Math.max(...mm.mean.map((v, k) => Math.abs(v - gf[k])));
    };
    expect(Math.log(bias(0.02, "spsa") / bias(0.01, "spsa")) / Math.log(2)).toBeCloseTo(2, 2);
    expect(Math.log(bias(0.02, "fwd") / bias(0.01, "fwd")) / Math.log(2)).toBeCloseTo(1, 2);
  });
  it("exact moments on a belief net: Δ symmetry and the coupled CRN tree agree with brute force over a fine u grid", () => {
    // one unit, p = 1: the CRN pair (h⁺, h⁻) is a deterministic function of u — integrate on a grid
    const p = problemFromJSON({ kind: "single", logit: 0.4, loss: { kind: "table", table: [0.2, 1.5] } });
    const t = p.initialParams();
    const inst = spsa.create(p, t, { c: 0.7, crn: 1 });
    const ex = inst.exactMoments!(t);
    const s = (a: number) => 1 / (1 + Math.exp(-a));
    const f = (h: number) => (h ? 1.5 : 0.2);
    // D = L(h(u; a+c)) − L(h(u; a−c)): nonzero only for σ(a−c) ≤ u < σ(a+c)
    const pd = s(1.1) - s(-0.3);
    const mean = (pd * (f(1) - f(0))) / 1.4;
    const second = (pd * (f(1) - f(0)) ** 2) / 1.96;
    expect(ex.mean[0]).toBeCloseTo(mean, 14);
    expect(ex.variance[0]).toBeCloseTo(second - mean * mean, 14);
    // independent noise: Var = (Var L⁺ + Var L⁻)/(2c)²
    const ind = spsa.create(p, t, { c: 0.7, crn: 0 }).exactMoments!(t);
    const v = (q: number) => q * (1 - q) * (f(1) - f(0)) ** 2;
    expect(ind.variance[0]).toBeCloseTo((v(s(1.1)) + v(s(-0.3))) / 1.96, 14);
  });
  it("exact moments: SPSA/FDSA means equal finite differences of the exact E[L]; m perturbations divide the variance by m", () => {
    const p = tiny();
    const t = p.initialParams();
    const c = 0.25;
    const fc = fdsaCentral.create(p, t, { c, crn: 1 }).exactMoments!(t);
    const ff = fdsaForward.create(p, t, { c }).exactMoments!(t);
    const x = t.slice();
    for (let k = 0; k < p.nParams; k++) {
      x[k] = t[k] + c;
      const up = expectedLoss(p, x);
      x[k] = t[k] - c;
      const dn = expectedLoss(p, x);
      x[k] = t[k];
      expect(fc.mean[k]).toBeCloseTo((up - dn) / (2 * c), 13);
      expect(ff.mean[k]).toBeCloseTo((up - expectedLoss(p, t)) / c, 13);
    }
    const m1 = spsa.create(p, t, { c, crn: 1 }).exactMoments!(t);
    const m4 = spsa.create(p, t, { c, crn: 1, perturbations: 4 }).exactMoments!(t);
    for (let k = 0; k < p.nParams; k++) {
      expect(m4.mean[k]).toBeCloseTo(m1.mean[k], 14);
      expect(m4.variance[k]).toBeCloseTo(m1.variance[k] / 4, 14);
    }
    // one-measurement SPSA has the two-sided mean (odd Rademacher moments vanish) but larger variance
    const one = spsaOne.create(p, t, { c }).exactMoments!(t);
    for (let k = 0; k < p.nParams; k++) expect(one.variance[k]).toBeGreaterThan(m1.variance[k]);
  });
  it("the exact engine includes SPSA/FDSA (custom noise) through their exactMoments; estimates are pure in (θ, noise)", () => {
    const p = tiny();
    const t = p.initialParams();
    const r = exactAnalysis(p, t, { spsa: { noise: "custom", instance: spsa.create(p, t, { c: 0.1 }) }, fd: { noise: "custom", instance: fdsaCentral.create(p, t, { c: 0.1 }) } });
    expect(Object.keys(r.estimators).sort()).toEqual(["fd", "spsa"]);
    const inst = spsa.create(p, t, { c: 0.1, perturbations: 2 });
    const u = Stream.fromSeed("pure").uniforms(new Float64Array(inst.noiseSize));
    const a = new Float64Array(p.nParams);
    const b = new Float64Array(p.nParams);
    inst.estimate(t, u, a);
    inst.estimate(t, u, b);
    expect(Array.from(a)).toEqual(Array.from(b));
  });
  it("exact moments are withheld (not faked) when the enumeration is too large", () => {
    const big = randomSbn([4, 6, 6, 4], "big"); // 16 units, 84 parameters: 2^83 perturbations
    expect(spsa.create(big, big.initialParams(), { c: 0.1 }).exactMoments).toBeUndefined();
  });
  it("bad inputs: c ≤ 0, perturbations < 1, crn not 0/1 each give one InputError naming the input", () => {
    const o = objectiveOracle(new Quadratic(3));
    expect(() => new SpsaKernel(o, { c: 0 })).toThrow(/c: the perturbation size must be a finite number > 0, got 0/);
    expect(() => new SpsaKernel(o, { c: -1 })).toThrow(InputError);
    expect(() => new FdKernel(o, { c: Number.NaN })).toThrow(InputError);
    expect(() => new SpsaKernel(o, { c: 1, perturbations: 0 })).toThrow(/perturbations/);
    const p = tiny();
    expect(() => spsa.create(p, p.initialParams(), { crn: 2 })).toThrow(/crn/);
    expect(() => estimators["fdsa-forward"].create(p, p.initialParams(), { c: -0.1 })).toThrow(InputError);
  });
});

describe("optimisers", () => {
  it("gains: aₖ = a/(k+1+A)^α, cₖ = c/(k+1)^γ; bad gains give one InputError naming the gain", () => {
    const g = { a: 0.5, c: 0.2, A: 10, alpha: 0.602, gamma: 0.101 };
    expect(stepGain(g, 0)).toBeCloseTo(0.5 / 11 ** 0.602, 15);
    expect(perturbationGain(g, 9)).toBeCloseTo(0.2 / 10 ** 0.101, 15);
    expect(() => validateGains({ ...g, alpha: 0 })).toThrow(/alpha: the step decay exponent must be > 0/);
    expect(() => validateGains({ ...g, alpha: -1 })).toThrow(InputError);
    expect(() => validateGains({ ...g, c: 0 })).toThrow(/^c: /);
    expect(() => validateGains({ ...g, a: -1 })).toThrow(/^a: /);
    expect(() => validateGains({ ...g, A: -1 })).toThrow(/^A: /);
  });
  it("SPSA is deterministic per seed, records a trace, counts evaluations, and decreases the noise-free quartic", () => {
    const f = new SkewedQuartic(10);
    const o = objectiveOracle(f, 0.1);
    const run = () => spsaOptimize(o, f.initialParams(), { a: 0.5, c: 0.2, iterations: 400, monitor: (t) => f.value(t) }, Stream.fromSeed("det"));
    const r1 = run();
    const r2 = run();
    expect(JSON.stringify(r1)).toBe(JSON.stringify(r2));
    expect(r1.evaluations).toBe(800);
    expect(r1.finalLoss).toBeLessThan(0.05 * r1.initialLoss);
    expect(r1.trace[0].iteration).toBe(0);
    expect(r1.trace[r1.trace.length - 1].iteration).toBe(400);
  });
  it("calibration, blocking, budget stopping and dimension checks", () => {
    const f = new Rosenbrock(2);
    const o = objectiveOracle(f);
    const r = spsaOptimize(o, f.initialParams(), { c: 0.01, iterations: 300, calibrate: { measurements: 5, step: 0.05 }, blockingTolerance: 0, monitor: (t) => f.value(t), maxEvaluations: 1000 }, Stream.fromSeed("cal"));
    expect(r.details.calibration).toBeDefined();
    // calibration 5×2, then (2 + 2 blocking) per step until the 1000 budget
    expect(r.evaluations).toBeLessThanOrEqual(1000);
    expect(r.iterations).toBe(Math.floor((1000 - 10) / 4));
    // blocking at tolerance 0 on a noise-free loss never accepts an increase
    for (let i = 1; i < r.trace.length; i++) expect(r.trace[i].loss).toBeLessThanOrEqual(r.trace[i - 1].loss + 1e-12);
    expect(() => spsaOptimize(o, new Float64Array(3), { a: 1, c: 0.1, iterations: 10 }, Stream.fromSeed("x"))).toThrow(/theta0: dimension mismatch: got 3 entries, the objective has p = 2/);
    // without a, the gains are calibrated (and recorded) rather than refused
    expect(spsaOptimize(o, f.initialParams(), { c: 0.1, iterations: 10 }, Stream.fromSeed("x")).details.calibration).toMatchObject({ calibrated: ["A", "a"] });
  });
  it("FDSA and registry-driven SGD share the loop (same trace format) and make progress", () => {
    const q = new Quadratic(4, 4);
    const r = fdsaOptimize(objectiveOracle(q, 0.01), q.initialParams(), { a: 0.5, c: 0.1, iterations: 100, monitor: (t) => q.value(t) }, Stream.fromSeed("fd"));
    expect(r.evaluations).toBe(800);
    expect(r.finalLoss).toBeLessThan(1e-3 * r.initialLoss);
    const p = tiny();
    const s = sgdOptimize(p, p.initialParams(), { estimator: "correlation-ma", a: 2, iterations: 2000, monitor: (t) => expectedLoss(p, t) }, Stream.fromSeed("sgd"));
    expect(s.method).toBe("sgd/correlation-ma");
    expect(s.evaluations).toBe(2000);
    expect(s.finalLossAveraged).toBeLessThan(s.initialLoss);
    expect(() => sgdOptimize(p, p.initialParams(), { estimator: "nope", a: 1, iterations: 1 }, Stream.fromSeed("x"))).toThrow(/unknown estimator "nope"/);
  });
  it("SPSA on a belief net's sampled loss (CRN) uses the units' noise through the problem oracle", () => {
    const p = tiny();
    const o = problemOracle(p);
    expect(o.noisePerEvaluation).toBe(p.nUnits);
    const r = spsaOptimize(o, p.initialParams(), { a: 1, c: 0.3, crn: true, iterations: 300, monitor: (t) => expectedLoss(p, t) }, Stream.fromSeed("net"));
    expect(r.finalLossAveraged).toBeLessThan(r.initialLoss);
  });
});

describe("stochgrad spsa optimize / exact --c (CLI)", () => {
  it("runs the skewed quartic over seeds, writes the record and figure, deterministically", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sg-spsa-"));
    const args = ["spsa", "optimize", "--function", "skewed-quartic", "--iterations", "200", "--a", "0.5", "--c", "0.2", "--noise", "0.1", "--seeds", "3", "--out", dir];
    const r = cli(args);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/median/);
    const rec1 = fs.readFileSync(path.join(dir, "spsa-optimize.json"), "utf8");
    for (const ext of ["png", "svg", "csv"]) expect(fs.existsSync(path.join(dir, `spsa-optimize.${ext}`))).toBe(true);
    expect(cli(args).code).toBe(0);
    expect(fs.readFileSync(path.join(dir, "spsa-optimize.json"), "utf8")).toBe(rec1);
    const rec = JSON.parse(rec1);
    expect(rec.runs).toHaveLength(3);
    expect(rec.options.alpha).toBe(0.602);
  });
  it("bad input: c ≤ 0, α ≤ 0, dimension mismatch, unknown function — exit 2, one clear message, nothing written", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sg-spsa-bad-"));
    const base = ["spsa", "optimize", "--iterations", "10", "--a", "1", "--out", path.join(dir, "o")];
    const cases: [string[], RegExp][] = [
      [["--function", "skewed-quartic", "--c", "0"], /c: the perturbation size must be > 0, got 0/],
      [["--function", "skewed-quartic", "--c", "-0.1"], /c: the perturbation size must be > 0/],
      [["--function", "skewed-quartic", "--alpha", "0"], /alpha: the step decay exponent must be > 0, got 0/],
      [["--function", "quadratic", "--theta0", "1,2,3"], /--theta0: dimension mismatch: got 3 entries, the objective has p = 10/],
      [["--function", "sphere"], /--function: unknown function "sphere"/],
      [["--function", "rosenbrock", "--method", "newton"], /--method/],
    ];
    for (const [extra, msg] of cases) {
      const r = cli([...base, ...extra]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(msg);
      expect(r.err.trim().split("\n")).toHaveLength(1);
    }
    expect(fs.existsSync(path.join(dir, "o"))).toBe(false);
  });
  it("stochgrad exact --c reports SPSA and FDSA exact moments; --c 0 is rejected", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sg-exact-"));
    const f = path.join(dir, "p.json");
    fs.writeFileSync(f, JSON.stringify({ kind: "single", logit: 0.3, loss: { kind: "squared", target: 0.45 } }));
    const r = cli(["exact", f, "--c", "0.5"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    for (const id of ["spsa", "spsa-one", "fdsa-forward", "fdsa-central"]) expect(j.estimators[id].variance.logit).toBeGreaterThan(0);
    // p = 1: two-sided SPSA and central FDSA coincide
    expect(j.estimators.spsa.mean.logit).toBeCloseTo(j.estimators["fdsa-central"].mean.logit, 14);
    const bad = cli(["exact", f, "--c", "0"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--c: the perturbation size must be a finite number > 0/);
  });
});
