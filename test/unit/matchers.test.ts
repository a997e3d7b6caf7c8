import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { stochgradMatchers } from "../../test-support/matchers.js";
import { estimators } from "../../src/estimators/registry.js";
import { randomSbn, referenceNet, singleUnit } from "../../src/problems/reference.js";
import { noisySingle } from "../../src/problems/noisy-net.js";
import { NoisyRectifier } from "../../src/neurons/index.js";
import { SquaredLoss } from "../../src/problems/loss.js";

expect.extend(stochgradMatchers);

describe("vitest matchers", () => {
  it("exact unbiasedness: correlation passes, straight-through fails", () => {
    expect(estimators.correlation).toBeExactlyUnbiasedOn(referenceNet());
    expect(estimators["straight-through"]).not.toBeExactlyUnbiasedOn(referenceNet());
  });
  it("variance bound: the optimal baseline has zero variance on one unit", () => {
    expect(estimators["correlation-optimal"]).toHaveExactVarianceAtMost(singleUnit(0.3, 0.45), 1e-15);
    expect(estimators.correlation).not.toHaveExactVarianceAtMost(singleUnit(0.3, 0.45), 1e-15);
  });
  it("seeded Monte Carlo: correlation matches, straight-through does not", () => {
    expect(estimators.correlation).toHaveMonteCarloMeanMatchingExact(referenceNet(), { samples: 100_000, seed: "m" });
    expect(estimators["straight-through"]).not.toHaveMonteCarloMeanMatchingExact(referenceNet(), { samples: 100_000, seed: "m" });
  });
});

describe("a matcher that cannot decide throws, with or without .not", () => {
  // SPSA's exact moments enumerate Δ ∈ {±1}^p jointly with the units: beyond 2^26 of work they are
  // omitted, so on a 30-parameter net there is nothing to decide with.
  const big = randomSbn([3, 6, 6, 6], "matchers/no-exact-moments");
  it("no exact moments on this problem: .not.toBeExactlyUnbiasedOn throws instead of passing", () => {
    expect(() => expect(estimators.spsa).not.toBeExactlyUnbiasedOn(big)).toThrow(/cannot decide: spsa has no exact moments on this problem/);
    expect(() => expect(estimators.spsa).toBeExactlyUnbiasedOn(big)).toThrow(/cannot decide/);
    expect(() => expect(estimators.spsa).not.toHaveExactVarianceAtMost(big, 1)).toThrow(/cannot decide/);
  });
  it("an estimator that does not apply to the problem throws (pathwise on a belief net)", () => {
    expect(() => expect(estimators.pathwise).not.toBeExactlyUnbiasedOn(referenceNet())).toThrow(/cannot decide: pathwise does not apply/);
    expect(() => expect(estimators.correlation).not.toHaveMonteCarloMeanMatchingExact(noisySingle(new NoisyRectifier(0.5), 0.3, new SquaredLoss([0.45])), { samples: 1000, seed: "x" })).toThrow(/cannot decide: correlation does not apply/);
  });
  it("an instance where a spec is expected is rejected with a clear message", () => {
    const p = singleUnit(0.3, 0.45);
    const inst = estimators.correlation.create(p, p.initialParams());
    expect(() => expect(inst).toBeExactlyUnbiasedOn(p)).toThrow(/expected an estimator spec \(e\.g\. estimators\.correlation\), got an estimator instance/);
    expect(() => expect(inst).not.toHaveExactVarianceAtMost(p, 1)).toThrow(/got an estimator instance/);
    expect(() => expect("correlation").not.toHaveMonteCarloMeanMatchingExact(p, { samples: 100, seed: "s" })).toThrow(/expected an estimator spec/);
  });
  it("bad matcher arguments are errors, not verdicts", () => {
    const p = singleUnit(0.3, 0.45);
    expect(() => expect(estimators.correlation).not.toHaveMonteCarloMeanMatchingExact(p, { samples: 1, seed: "s" })).toThrow(/samples/);
    expect(() => expect(estimators.correlation).not.toBeExactlyUnbiasedOn(p, { theta: new Float64Array(3) })).toThrow(/theta: expected 1 entries/);
  });
});

describe("the matchers take θ", () => {
  it("exact and Monte Carlo matchers at a given θ (a plain array or a Float64Array)", () => {
    const p = singleUnit(0.3, 0.45);
    for (const theta of [new Float64Array([2.5]), Float64Array.from([-1.75])]) {
      expect(estimators.correlation).toBeExactlyUnbiasedOn(p, { theta });
      expect(estimators["straight-through"]).not.toBeExactlyUnbiasedOn(p, { theta });
      expect(estimators["correlation-optimal"]).toHaveExactVarianceAtMost(p, 1e-15, { theta });
      expect(estimators.correlation).toHaveMonteCarloMeanMatchingExact(p, { samples: 20_000, seed: "theta", theta });
    }
  });
  it("θ changes the verdict where it should: straight-through-sigmoid is exact on one unit for a linear loss only, at any θ", () => {
    // on one unit with (h − t)², ST-sigmoid's mean is σ'(a)·2(σ(a) − t), the gradient σ'(a)(1 − 2t):
    // equal exactly where σ(a) = ½, i.e. at θ = 0
    const p = singleUnit(0.3, 0.45);
    expect(estimators["straight-through-sigmoid"]).toBeExactlyUnbiasedOn(p, { theta: new Float64Array([0]) });
    expect(estimators["straight-through-sigmoid"]).not.toBeExactlyUnbiasedOn(p, { theta: new Float64Array([1]) });
  });
});

describe("the README's matcher snippet runs as written", () => {
  it("every line of the code block under 'Claims as regression tests in your suite'", async () => {
    const readme = fs.readFileSync(path.resolve(__dirname, "../../README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Claims as regression tests in your suite"));
    const code = section.slice(section.indexOf("```ts") + 5, section.indexOf("```", section.indexOf("```ts") + 5));
    expect(code).toMatch(/toBeExactlyUnbiasedOn/);
    // The package's own names resolve to the built files, as npm's "exports" map resolves them.
    const dist = path.resolve(__dirname, "../../dist");
    const js = code
      .replace(/from "stochgrad\/matchers"/g, `from ${JSON.stringify(path.join(dist, "test-support/matchers.js"))}`)
      .replace(/from "stochgrad"/g, `from ${JSON.stringify(path.join(dist, "src/index.js"))}`);
    const file = path.join(dist, `readme-snippet-${process.pid}.mjs`);
    fs.writeFileSync(file, js);
    try {
      await import(file);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});
