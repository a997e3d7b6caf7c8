/**
 * The options SPSA, 2-SPSA and FDSA share: calibration of omitted gains, resamplings, blocking
 * with an automatic tolerance, the trust region, the per-step callback and termination checker,
 * stop reasons; the exact sign test behind SPSA2-conditioning; and the CLI flags that expose them.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { objectiveOracle } from "../../src/estimators/oracle.js";
import { SpsaKernel } from "../../src/estimators/spsa.js";
import { lossSpread } from "../../src/optim/calibration.js";
import { fdsaOptimize } from "../../src/optim/fdsa.js";
import { spsaOptimize } from "../../src/optim/spsa.js";
import { spsa2Optimize } from "../../src/optim/spsa2.js";
import type { StepInfo } from "../../src/optim/types.js";
import { Quadratic, Rosenbrock, SkewedQuartic, type Objective } from "../../src/problems/functions.js";
import { Stream } from "../../src/random/stream.js";
import { binomialUpperTail, signTestCritical, signTestPValue, signTestSampleSize } from "../../src/stats/sign-test.js";
import { FieldError, InputError } from "../../src/errors.js";

const CLI = path.resolve(__dirname, "../../dist/cli/main.js");
function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: os.tmpdir(), encoding: "utf8", env: { ...process.env, CI: "1" } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const quartic = new SkewedQuartic(10);
const monitor = (t: Float64Array) => quartic.value(t);

describe("calibration of omitted gains", () => {
  it("noise-free: σ̂ = 0 exactly, c = 0.1, A = ⌊0.1N⌋, a = δ(A+1)^α / mean|ĝᵢ(θ₀)| from 25 estimates (75 measurements counted)", () => {
    const o = objectiveOracle(quartic);
    const r = spsaOptimize(o, quartic.initialParams(), { iterations: 200, monitor }, Stream.fromSeed("cal"));
    const cal = r.details.calibration as Record<string, unknown>;
    expect(cal).toMatchObject({ calibrated: ["A", "c", "a"], noise: { measurements: 25, sd: 0 }, c: 0.1, A: 20, evaluations: 75 });
    // recompute mean|ĝᵢ| from the same stream and estimates
    const k = new SpsaKernel(o, { c: 0.1 });
    const u = new Float64Array(k.noiseSize);
    const g = new Float64Array(10);
    const cs = Stream.fromSeed("cal").fork("calibrate");
    let m = 0;
    for (let j = 0; j < 25; j++) {
      k.estimate(quartic.initialParams(), cs.uniforms(u), g);
      for (let i = 0; i < 10; i++) m += Math.abs(g[i]) / 250;
    }
    expect(r.gains.a).toBeCloseTo((0.1 * 21 ** 0.602) / m, 12);
    expect(r.evaluations).toBe(75 + 2 * 200);
  });
  it("noisy: c = σ̂ from 25 measurements at θ₀ (stream calibrate/noise); given c, no noise is measured", () => {
    const o = objectiveOracle(quartic, 0.5);
    const r = spsaOptimize(o, quartic.initialParams(), { iterations: 10 }, Stream.fromSeed("noisy"));
    const sd = lossSpread(o, quartic.initialParams(), 25, Stream.fromSeed("noisy").fork("calibrate/noise"));
    expect(sd).toBeGreaterThan(0.3);
    expect(r.gains.c).toBe(sd);
    const given = spsaOptimize(o, quartic.initialParams(), { c: 0.2, iterations: 10 }, Stream.fromSeed("noisy"));
    expect(given.details.calibration).toMatchObject({ calibrated: ["A", "a"], evaluations: 50 });
    expect((given.details.calibration as { noise?: unknown }).noise).toBeUndefined();
  });
  it("every gain given: nothing measured; calibrate options set the estimate count and the first-step target", () => {
    const o = objectiveOracle(quartic);
    const r = spsaOptimize(o, quartic.initialParams(), { a: 0.5, c: 0.1, A: 5, iterations: 10 }, Stream.fromSeed("x"));
    expect(r.details.calibration).toBeUndefined();
    expect(r.evaluations).toBe(20);
    const t = spsaOptimize(o, quartic.initialParams(), { c: 0.1, iterations: 10, calibrate: { measurements: 4, step: 0.3 } }, Stream.fromSeed("x"));
    expect(t.details.calibration).toMatchObject({ step: { measurements: 4, target: 0.3 }, evaluations: 8 });
  });
  it("FDSA calibrates the same way (⌈50 / 2p⌉ central-difference estimates)", () => {
    const r = fdsaOptimize(objectiveOracle(quartic, 0.1), quartic.initialParams(), { iterations: 20, monitor }, Stream.fromSeed("fd"));
    expect(r.details.calibration).toMatchObject({ calibrated: ["A", "c", "a"], step: { measurements: 3 }, evaluations: 25 + 3 * 20 });
    expect(r.evaluations).toBe(25 + 60 + 20 * 20);
    expect(r.finalLoss).toBeLessThan(r.initialLoss);
  });
  it("bad input: a with a first-step target, zero gradient at θ₀, a constant noise count < 2 — one clear error", () => {
    const o = objectiveOracle(quartic);
    expect(() => spsaOptimize(o, quartic.initialParams(), { a: 1, c: 0.1, iterations: 5, calibrate: { step: 0.1 } }, Stream.fromSeed("x"))).toThrow(FieldError);
    expect(() => spsaOptimize(o, quartic.initialParams(), { iterations: 5, calibrate: { noiseMeasurements: 1 } }, Stream.fromSeed("x"))).toThrow(/^calibrate: noise measurements: expected an integer ≥ 2, got 1/);
    expect(() => spsaOptimize(o, quartic.initialParams(), { iterations: 5, calibrate: { step: 0 } }, Stream.fromSeed("x"))).toThrow(/^calibrate: /);
    const flat: Objective = { id: "flat", dimension: 2, value: () => 3, initialParams: () => new Float64Array(2), toJSON: () => ({}) };
    expect(() => spsaOptimize(objectiveOracle(flat), flat.initialParams(), { iterations: 5 }, Stream.fromSeed("x"))).toThrow(/every gradient estimate at θ₀ was zero; give a explicitly/);
  });
});

describe("resamplings, blocking, trust region, callback and termination checker", () => {
  const o = objectiveOracle(quartic, 0.2);
  const t0 = quartic.initialParams();
  it("SPSA resamplings R = its former 'perturbations': 2R measurements per step, identical runs; both given and different is an error", () => {
    const a = spsaOptimize(o, t0, { a: 0.5, c: 0.2, iterations: 30, resamplings: 3 }, Stream.fromSeed("R"));
    const b = spsaOptimize(o, t0, { a: 0.5, c: 0.2, iterations: 30, perturbations: 3 }, Stream.fromSeed("R"));
    expect(a.evaluations).toBe(180);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(() => spsaOptimize(o, t0, { a: 0.5, c: 0.2, iterations: 3, resamplings: 2, perturbations: 3 }, Stream.fromSeed("R"))).toThrow(/^resamplings: 2 resamplings and 3 perturbations name the same count/);
    expect(() => spsaOptimize(o, t0, { a: 0.5, c: 0.2, iterations: 3, resamplings: 1.5 }, Stream.fromSeed("R"))).toThrow(/^resamplings: expected an integer ≥ 1, got 1.5/);
    const f = fdsaOptimize(o, t0, { a: 0.5, c: 0.2, iterations: 5, resamplings: 2 }, Stream.fromSeed("R"));
    expect(f.evaluations).toBe(5 * 2 * 20);
  });
  it("blocking 'auto' uses 2σ̂ from the noise measurements and costs 2 measurements per step; noise-free it is 0", () => {
    const r = spsaOptimize(o, t0, { a: 0.5, c: 0.2, iterations: 40, blockingTolerance: "auto" }, Stream.fromSeed("B"));
    const cal = r.details.calibration as { noise: { sd: number }; blockingTolerance: number; calibrated: string[] };
    expect(cal.calibrated).toContain("blockingTolerance");
    expect(cal.blockingTolerance).toBe(2 * cal.noise.sd);
    expect(r.evaluations).toBe(25 + 40 * 4);
    const clean = spsaOptimize(objectiveOracle(quartic), t0, { a: 0.5, c: 0.2, iterations: 40, blockingTolerance: "auto", monitor }, Stream.fromSeed("B"));
    expect((clean.details.calibration as { blockingTolerance: number }).blockingTolerance).toBe(0);
    for (let i = 1; i < clean.trace.length; i++) expect(clean.trace[i].loss).toBeLessThanOrEqual(clean.trace[i - 1].loss);
    expect(() => spsaOptimize(o, t0, { a: 0.5, c: 0.2, iterations: 3, blockingTolerance: -1 }, Stream.fromSeed("B"))).toThrow(/^blockingTolerance: /);
  });
  it("the callback sees every iteration (evaluations, θ, measured loss, step size, accepted); the trust region caps ‖θₖ₊₁ − θₖ‖₂ at ρ", () => {
    const seen: { it: number; ev: number; theta: number[]; loss: number; step: number; acc: boolean }[] = [];
    const r = spsaOptimize(
      o,
      t0,
      { a: 5, c: 0.2, iterations: 60, trustRegion: 0.05, blockingTolerance: 0.5, callback: (s: StepInfo) => seen.push({ it: s.iteration, ev: s.evaluations, theta: Array.from(s.theta), loss: s.loss, step: s.stepSize, acc: s.accepted }) },
      Stream.fromSeed("cb"),
    );
    expect(seen).toHaveLength(60);
    expect(r.clipped).toBeGreaterThan(0);
    let prev = Array.from(t0);
    seen.forEach((s, k) => {
      expect(s.it).toBe(k + 1);
      expect(s.ev).toBe(4 * (k + 1));
      expect(s.step).toBeLessThanOrEqual(0.05 * (1 + 1e-12));
      expect(Number.isFinite(s.loss)).toBe(true);
      const moved = Math.hypot(...s.theta.map((v, i) => v - prev[i]));
      if (s.acc) expect(moved).toBeCloseTo(s.step, 12);
      else expect(moved).toBe(0);
      prev = s.theta;
    });
    expect(seen.filter((s) => !s.acc)).toHaveLength(r.rejected);
    expect(Array.from(r.theta)).toEqual(seen[59].theta);
    // without blocking, the callback's loss is the mean of the step's own measurements
    const plain: number[] = [];
    spsaOptimize(objectiveOracle(quartic), t0, { a: 0.5, c: 0.2, iterations: 1, callback: (s) => plain.push(s.loss) }, Stream.fromSeed("cb1"));
    const k = new SpsaKernel(objectiveOracle(quartic), { c: 0.2 });
    const u = Stream.fromSeed("cb1").fork("iterations").uniforms(new Float64Array(k.noiseSize));
    expect(plain[0]).toBe(k.estimate(t0, u, new Float64Array(10)));
  });
  it("the termination checker ends a run (stopReason 'terminated'); budgets and iteration counts give their own reasons", () => {
    const r = spsa2Optimize(objectiveOracle(quartic), t0, { c: 0.1, iterations: 500, terminationChecker: (s) => s.evaluations >= 100, monitor }, Stream.fromSeed("T"));
    expect(r.stopReason).toBe("terminated");
    expect(r.iterations).toBe(25);
    expect(r.trace[r.trace.length - 1]).toMatchObject({ iteration: 25, evaluations: 100 });
    expect(spsaOptimize(o, t0, { a: 0.5, c: 0.2, iterations: 10, maxEvaluations: 9 }, Stream.fromSeed("T")).stopReason).toBe("evaluations");
    expect(fdsaOptimize(o, t0, { a: 0.5, c: 0.2, iterations: 2 }, Stream.fromSeed("T")).stopReason).toBe("iterations");
    expect(() => fdsaOptimize(o, t0, { a: 0.5, c: 0.2, iterations: 2, trustRegion: -1 }, Stream.fromSeed("T"))).toThrow(/^trustRegion: the trust-region radius must be a finite number > 0, got -1/);
  });
});

describe("lossSpread", () => {
  it("equal measurements give exactly 0; n < 2 is refused", () => {
    expect(lossSpread(objectiveOracle(new Rosenbrock(2)), new Float64Array(2), 30, Stream.fromSeed("s"))).toBe(0);
    expect(() => lossSpread(objectiveOracle(new Quadratic(2)), new Float64Array(2), 1, Stream.fromSeed("s"))).toThrow(InputError);
  });
});

describe("exact sign test", () => {
  const brute = (n: number, b: number, q: number) => {
    let s = 0;
    let c = 1;
    for (let k = 0; k <= n; k++) {
      if (k >= b) s += c * q ** k * (1 - q) ** (n - k);
      c = (c * (n - k)) / (k + 1);
    }
    return s;
  };
  it("binomial tails equal brute-force sums; p-values and critical counts are consistent at α", () => {
    for (const n of [1, 7, 30, 60]) for (const b of [0, 1, Math.floor(n / 2), n - 1, n]) for (const q of [0.1, 0.5, 0.93]) expect(binomialUpperTail(n, b, q)).toBeCloseTo(brute(n, b, q), 12);
    expect(signTestPValue(10, 10) / 2 ** -10).toBeCloseTo(1, 13);
    for (const [n, alpha] of [[30, 1e-6], [84, 1e-6], [200, 1e-3]] as const) {
      const b = signTestCritical(n, alpha);
      expect(signTestPValue(b, n)).toBeLessThanOrEqual(alpha);
      expect(signTestPValue(b - 1, n)).toBeGreaterThan(alpha);
    }
    expect(signTestCritical(10, 1e-6)).toBe(11); // 10 pairs can never reach α = 1e-6
  });
  it("the sample size is the fewest pairs with the stated power; bad inputs are refused", () => {
    const n = signTestSampleSize(0.9, 1e-6, 0.999);
    const power = (m: number) => binomialUpperTail(m, signTestCritical(m, 1e-6), 0.9);
    expect(power(n)).toBeGreaterThanOrEqual(0.999);
    for (let m = 1; m < n; m++) expect(power(m)).toBeLessThan(0.999);
    expect(() => signTestSampleSize(0.5, 1e-6, 0.999)).toThrow(/win probability must be in \(½, 1\]/);
    expect(() => signTestSampleSize(0.51, 1e-6, 0.999, 100)).toThrow(/no n ≤ 100/);
    expect(() => signTestPValue(5, 3)).toThrow(InputError);
  });
});

describe("stochgrad spsa optimize: calibration, 2spsa and the new flags (CLI)", () => {
  it("without --a it calibrates, says so, prints a, c and A, and records them", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sg-spsa-cal-"));
    const r = cli(["spsa", "optimize", "--function", "skewed-quartic", "--iterations", "200", "--out", dir]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/calibrated the gains not given \(75 loss measurements per run, counted\): a = [\d.]+ \(first step moves each θᵢ by 0.1 on average\), c = 0.1 \(default: the loss at θ₀ showed no noise\), A = 20 \(10% of the iterations\)/);
    const rec = JSON.parse(fs.readFileSync(path.join(dir, "spsa-optimize.json"), "utf8"));
    expect(rec.calibration).toMatchObject({ calibrated: ["A", "c", "a"], A: 20, evaluationsPerRun: 75 });
    expect(rec.gains.a).toBe(rec.runs[0].details.calibration.a);
    expect(rec.evaluationsPerRun).toBe(75 + 400);
  });
  it("--method 2spsa runs (Newton-unit a), with --resamplings, --blocking auto and --trust-region; the record says 2spsa", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sg-2spsa-"));
    const r = cli(["spsa", "optimize", "--function", "skewed-quartic", "--method", "2spsa", "--iterations", "100", "--noise", "0.01", "--resamplings", "2", "--blocking", "auto", "--trust-region", "0.5", "--seeds", "2", "--out", dir]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^2spsa on skewed-quartic: 2 run\(s\) × 1025 loss measurements/);
    expect(r.out).toMatch(/a = 4.236 \(a₀ = a\/\(A\+1\)\^α = 1: a full regularised Newton step\)/); // a = 11^0.602
    expect(r.out).toMatch(/blocking tolerance = /);
    const rec = JSON.parse(fs.readFileSync(path.join(dir, "spsa-optimize.json"), "utf8"));
    expect(rec.method).toBe("2spsa");
    expect(rec.runs[0].details.resamplings).toBe(2);
    expect(rec.options).toMatchObject({ resamplings: 2, blockingTolerance: "auto", trustRegion: 0.5 });
  });
  it("bad input: one clear line naming the flag, exit 2, nothing written", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sg-spsa-flags-"));
    const base = ["spsa", "optimize", "--function", "skewed-quartic", "--iterations", "10", "--out", path.join(dir, "o")];
    const cases: [string[], RegExp][] = [
      [["--resamplings", "0"], /^stochgrad: error: --resamplings: expected an integer ≥ 1, got 0$/],
      [["--trust-region", "0"], /--trust-region: the trust-region radius must be a finite number > 0, got 0/],
      [["--trust-region", "-2"], /--trust-region: /],
      [["--method", "2spsa", "--regularization", "0"], /--regularization: δ in \(H̄ᵀH̄ \+ δI\)\^½ must be a finite number > 0 or "auto", got 0/],
      [["--method", "2spsa", "--regularization", "big"], /--regularization: expected a number or "auto", got "big"/],
      [["--regularization", "0.1"], /--regularization: applies to --method 2spsa only/],
      [["--blocking", "-1"], /--blocking: expected a finite number ≥ 0 or "auto", got -1/],
      [["--blocking", "sometimes"], /--blocking: expected a number or "auto"/],
      [["--method", "2spsa", "--calibrate", "0.1"], /--calibrate: 2spsa's a is in Newton units/],
      [["--calibrate", "0.1", "--a", "1"], /--calibrate: sets a from measurements; give either --a or --calibrate/],
      [["--resamplings", "2", "--perturbations", "3"], /--perturbations: the former name of --resamplings; give one of them/],
      [["--method", "newton"], /--method: expected spsa, 2spsa, fdsa, got "newton"/],
    ];
    for (const [extra, msg] of cases) {
      const r = cli([...base, ...extra]);
      expect(r.code).toBe(2);
      expect(r.err.trim()).toMatch(msg);
      expect(r.err.trim().split("\n")).toHaveLength(1);
    }
    expect(fs.existsSync(path.join(dir, "o"))).toBe(false);
  });
});
