import { describe, expect, it } from "vitest";
import { exactAnalysis } from "../../src/exact/moments.js";
import { estimators } from "../../src/estimators/registry.js";
import { estimatorEntry } from "../../src/estimators/types.js";
import { randomSbn } from "../../src/problems/reference.js";
import { NoisyNet } from "../../src/problems/noisy-net.js";
import { NoisyRectifier } from "../../src/neurons/index.js";
import { SquaredLoss } from "../../src/problems/loss.js";

// `stochgrad exact` draws its TTY progress bar (cli/progress.ts, stderr, after 2 s) from these calls.
function record(run: (onProgress: (d: number, t: number, what: string) => void) => void) {
  const calls: { frac: number; what: string }[] = [];
  run((d, t, what) => calls.push({ frac: d / t, what }));
  return calls;
}

describe("exactAnalysis reports progress", () => {
  it("enumeration: every 65536 states, then each custom estimator's own exact moments, monotone to 1", () => {
    const net = randomSbn([2, 6, 6, 6], "progress");
    const th = net.initialParams();
    const calls = record((onProgress) => exactAnalysis(net, th, { corr: estimatorEntry(estimators.correlation, net, th), ar: estimatorEntry(estimators.ar, net, th) }, { onProgress }));
    const enumerating = calls.filter((c) => c.what.startsWith("enumerating 2^18"));
    expect(enumerating.length).toBe(3); // k = 65536, 131072, 196608 of 262144
    expect(calls.some((c) => c.what === "exact moments of ar")).toBe(true);
    for (let k = 1; k < calls.length; k++) expect(calls[k].frac).toBeGreaterThanOrEqual(calls[k - 1].frac);
    expect(calls[calls.length - 1].frac).toBe(1);
  });
  it("nested quadrature: the outermost level's nodes, then the estimators", () => {
    const net = new NoisyNet([1], [{ unit: new NoisyRectifier(0.5), weights: [[0.8]], bias: [0.1] }, { unit: new NoisyRectifier(0.5), weights: [[1.1]], bias: [-0.3] }], new SquaredLoss([0.45]));
    const th = net.initialParams();
    const calls = record((onProgress) => exactAnalysis(net, th, { pathwise: estimatorEntry(estimators.pathwise, net, th) }, { onProgress }));
    expect(calls.filter((c) => c.what.startsWith("nested quadrature")).length).toBeGreaterThan(10);
    expect(calls.some((c) => c.what === "exact moments of pathwise")).toBe(true);
    for (const c of calls) expect(c.frac).toBeLessThanOrEqual(1);
  });
});
