// A user's estimator made first-class, from the user's side: everything is imported through the
// package's own names ("stochgrad", "stochgrad/matchers"), and the estimator is the fixture module
// a user would write (test/fixtures/reinforce-baseline.mjs). It runs through registerEstimator,
// exactAnalysis, sgdOptimize, the matchers and the CLI's compare, exact, estimate and estimators.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { estimatorEntry, estimators, exactAnalysis, getEstimator, InputError, parseEstimatorList, problemFromJSON, registerEstimator, sgdOptimize, Stream, type EstimatorSpec } from "stochgrad";
import { stochgradMatchers } from "stochgrad/matchers";
import reinforceBaseline from "../fixtures/reinforce-baseline.mjs";

expect.extend(stochgradMatchers);

const ROOT = path.resolve(__dirname, "../..");
const CLI = path.join(ROOT, "dist/cli/main.js");
const FIXTURE = path.join(ROOT, "test/fixtures/reinforce-baseline.mjs");
const mine: EstimatorSpec = reinforceBaseline;
const netJson = {
  kind: "sbn",
  input: [1, 0, 1],
  layers: [
    { weights: [[0.5, -1, 0.3], [1.2, 0.4, -0.7]], bias: [0.1, -0.2] },
    { weights: [[1, -1]], bias: [0.3] },
  ],
  loss: { kind: "squared", target: [1] },
};
const net = problemFromJSON(netJson);

function cli(args: string[], cwd = os.tmpdir()) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8", env: { ...process.env, CI: "1" } });
}

describe("registerEstimator", () => {
  const registry = registerEstimator(mine);

  it("returns a new registry with the spec beside every built-in, and leaves the built-in one alone", () => {
    // the registry's entry is the spec with the checked face every built-in has: same metadata, instances validate their arguments
    const entry = registry["reinforce-baseline"];
    expect([entry.id, entry.title, entry.defaults]).toEqual([mine.id, mine.title, mine.defaults]);
    expect(() => entry.create(net, net.initialParams()).estimate(new Float64Array(2), new Float64Array(3), new Float64Array(net.nParams))).toThrow(/reinforce-baseline\.estimate: θ has 2 entries, the problem has 11 parameters/);
    expect(Object.keys(registry)).toEqual([...Object.keys(estimators), "reinforce-baseline"]);
    expect(Object.prototype.hasOwnProperty.call(estimators, "reinforce-baseline")).toBe(false);
    expect(Object.isFrozen(registry)).toBe(true);
    expect(getEstimator("reinforce-baseline", registry)).toBe(entry);
    expect(parseEstimatorList("correlation,reinforce-baseline", registry).map((s) => s.id)).toEqual(["correlation", "reinforce-baseline"]);
    expect(() => getEstimator("reinforce-baseline")).toThrow(/unknown estimator "reinforce-baseline"/);
  });

  it("refuses a clash with a built-in or an earlier registration, naming the entry", () => {
    expect(() => registerEstimator({ ...mine, id: "correlation" })).toThrow(InputError);
    expect(() => registerEstimator({ ...mine, id: "correlation" })).toThrow(/estimator "correlation" is already registered \(correlation/i);
    expect(() => registerEstimator(mine, registry)).toThrow(/"reinforce-baseline" is already registered \(REINFORCE, fixed baseline, Williams 1992; a user's estimator\)/);
  });

  it("checks the spec in full, each failure naming the field", () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ id: "Has Space" }, /spec\.id: expected lower-case/],
      [{ id: 3 }, /spec\.id: .*got 3$/],
      [{ title: "" }, /reinforce-baseline\.title: expected a non-empty string/],
      [{ formula: undefined }, /\.formula: expected a non-empty string/],
      [{ unbiased: "yes" }, /\.unbiased: expected true or false/],
      [{ noise: "gaussian" }, /\.noise: expected one of units, none, custom, got "gaussian"/],
      [{ defaults: { b: Number.NaN } }, /\.defaults\.b: expected a finite number/],
      [{ defaults: { b: 0.5, scale: -1 } }, /\.defaults\.scale: the default -1 is outside its own domain \(a number > 0\)/],
      [{ domains: { c: { min: 0 } } }, /\.domains\.c: a domain for an option without a default/],
      [{ create: "nope" }, /\.create: expected a function/],
      [{ applicable: undefined }, /\.applicable: expected a function/],
    ];
    for (const [patch, msg] of bad) expect(() => registerEstimator({ ...mine, ...patch } as EstimatorSpec), JSON.stringify(patch)).toThrow(msg);
    expect(() => registerEstimator(null as unknown as EstimatorSpec)).toThrow(/expected an object, got null/);
  });

  it("exactAnalysis gives its exact moments: equal to the built-in correlation estimator with the same constant baseline", () => {
    const th = net.initialParams();
    const r = exactAnalysis(net, th, { mine: estimatorEntry(mine, net, th), ref: estimatorEntry(estimators["correlation-constant"], net, th, { baseline: 0.5 }) });
    for (let k = 0; k < th.length; k++) {
      expect(r.estimators.mine.mean[k]).toBeCloseTo(r.estimators.ref.mean[k], 14);
      expect(r.estimators.mine.variance[k]).toBeCloseTo(r.estimators.ref.variance[k], 14);
    }
  });

  it("the matchers accept it: exactly unbiased, its scaled variant is not, and the Monte Carlo mean matches", () => {
    expect(mine).toBeExactlyUnbiasedOn(net);
    expect(mine).not.toBeExactlyUnbiasedOn(net, { options: { scale: 0.9 } });
    expect(mine).toHaveMonteCarloMeanMatchingExact(net, { samples: 20_000, seed: "user", alpha: 1e-6 });
    expect(() => expect(mine).toBeExactlyUnbiasedOn(net, { options: { scale: 0 } })).toThrow(/option scale: expected a number > 0/);
  });

  it("sgdOptimize runs it by id through the registry (and as a spec), with the same trajectory either way", () => {
    const opts = { a: 0.5, iterations: 200, average: 0 };
    const byId = sgdOptimize(net, net.initialParams(), { ...opts, estimator: "reinforce-baseline", registry }, Stream.fromSeed("sgd"));
    const bySpec = sgdOptimize(net, net.initialParams(), { ...opts, estimator: mine }, Stream.fromSeed("sgd"));
    expect(Array.from(byId.theta)).toEqual(Array.from(bySpec.theta));
    expect(byId.method).toBe("sgd/reinforce-baseline");
    expect(() => sgdOptimize(net, net.initialParams(), { ...opts, estimator: "reinforce-baseline" }, Stream.fromSeed("sgd"))).toThrow(/unknown estimator/);
  });
});

describe("--register FILE: the CLI treats the user's estimator as a built-in", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sg-register-"));
  const problem = path.join(dir, "net.json");
  fs.writeFileSync(problem, JSON.stringify(netJson));

  it("exact lists its exact moments beside the built-in ones, equal to correlation-constant at the same baseline", () => {
    const r = cli(["exact", problem, "--register", FIXTURE, "--estimators", "reinforce-baseline,correlation-constant", "--option", "baseline=0.5"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.estimators["reinforce-baseline"].unbiased).toBe(true);
    expect(out.estimators["reinforce-baseline"].options).toEqual({ b: 0.5, scale: 1 });
    const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : typeof v === "object" && v !== null ? Object.values(v).flatMap(flat) : [v as number]);
    const mean = flat(out.estimators["reinforce-baseline"].mean);
    const ref = flat(out.estimators["correlation-constant"].mean);
    expect(mean).toHaveLength(net.nParams);
    for (let k = 0; k < mean.length; k++) expect(Math.abs(mean[k] - ref[k])).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(ref[k])));
    expect(Math.max(...flat(out.estimators["reinforce-baseline"].bias).map(Math.abs))).toBeLessThan(1e-12 * Math.max(...flat(out.gradient).map(Math.abs)));
  });

  it("compare and estimate run it, with its options checked", () => {
    const out = path.join(dir, "cmp");
    const c = cli(["compare", problem, "--register", FIXTURE, "--estimators", "reinforce-baseline,correlation", "--exact", "--out", out]);
    expect(c.stderr).toBe("");
    expect(c.status).toBe(0);
    const rec = JSON.parse(fs.readFileSync(path.join(out, "comparison.json"), "utf8"));
    expect(rec.estimators.map((e: { id: string; method: string }) => [e.id, e.method])).toEqual([["reinforce-baseline", "exact"], ["correlation", "exact"]]);
    const e = cli(["estimate", problem, "--register", FIXTURE, "--estimator", "reinforce-baseline", "--samples", "1000", "--option", "b=0.2"]);
    expect(e.status).toBe(0);
    expect(JSON.parse(e.stdout).options).toEqual({ b: 0.2, scale: 1 });
    const bad = cli(["estimate", problem, "--register", FIXTURE, "--estimator", "reinforce-baseline", "--option", "scale=-1"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/reinforce-baseline option scale: expected a number > 0/);
  });

  it("estimators --register lists it; a missing, broken or clashing module is one clear error", () => {
    const l = cli(["estimators", "--json", "--register", FIXTURE]);
    expect(JSON.parse(l.stdout).map((r: { id: string }) => r.id)).toContain("reinforce-baseline");
    const broken = path.join(dir, "broken.mjs");
    fs.writeFileSync(broken, "export default {");
    const clash = path.join(dir, "clash.mjs");
    fs.writeFileSync(clash, `import m from ${JSON.stringify(FIXTURE)}; export default [m, { ...m, id: "correlation" }];`);
    const empty = path.join(dir, "empty.mjs");
    fs.writeFileSync(empty, "export const x = 1;");
    for (const [file, msg] of [
      [path.join(dir, "nope.mjs"), /--register: no such file/],
      [broken, /--register: cannot load .* as an ES module/],
      [clash, /--register: .*clash\.mjs"\[1\]: estimator "correlation" is already registered/],
      [empty, /--register: .* has no default export/],
    ] as const) {
      const r = cli(["exact", problem, "--register", file]);
      expect(r.status, file).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });
});
