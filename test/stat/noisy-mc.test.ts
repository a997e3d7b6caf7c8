// Seeded Monte Carlo convergence of the injected-noise estimators to their exact (quadrature)
// moments on a two-layer net. Each check is a Bonferroni z-test at α = 1e-6 over coordinates.
import { describe, expect, it } from "vitest";
import { estimators } from "../../src/estimators/registry.js";
import { sampleMoments } from "../../src/estimators/sample.js";
import { exactAnalysis } from "../../src/exact/moments.js";
import { problemFromJSON } from "../../src/problems/json.js";
import { Stream } from "../../src/random/stream.js";
import { zTest } from "../../src/stats/tests.js";

const ALPHA = 1e-6;

describe("sampled pathwise / score gradients converge to the quadrature moments (α = 1e-6)", () => {
  const net = problemFromJSON({
    kind: "noisy-net",
    input: [1, -0.5],
    layers: [
      { unit: { type: "noisy-rectifier", s: 0.6 }, weights: [[0.8, 0.3]], bias: [-0.2] },
      { unit: { type: "noisy-sigmoid", s: 0.4 }, weights: [[1.3]], bias: [-0.4] },
    ],
    loss: { kind: "squared", target: [0.8] },
  });
  const theta = net.initialParams();
  for (const id of ["pathwise", "score-injected"] as const) {
    it(id, () => {
      const inst = estimators[id].create(net, theta);
      const ref = exactAnalysis(net, theta, { g: { noise: "custom", instance: inst } });
      const m = sampleMoments(inst, theta, 100000, Stream.fromSeed("noisy-mc").fork(id));
      const z = zTest(m.mean, m.standardError, ref.gradient, ALPHA);
      expect(z.maxAbsZ).toBeLessThan(z.critical);
    });
  }
});
