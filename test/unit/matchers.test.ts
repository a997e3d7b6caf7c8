import { describe, expect, it } from "vitest";
import { stochgradMatchers } from "../../test-support/matchers.js";
import { estimators } from "../../src/estimators/registry.js";
import { referenceNet, singleUnit } from "../../src/problems/reference.js";

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
