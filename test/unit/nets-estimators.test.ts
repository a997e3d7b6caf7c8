// The layer-level estimators of src/nets equal the project's single-sample estimators sample by
// sample, given the same uniforms, on nets that are both (sigmoid belief nets, noisy nets): the
// tie through which the batched code inherits the single-sample estimators' exact-moment checks.
import { describe, expect, it } from "vitest";
import { estimators } from "../../src/estimators/registry.js";
import { networkFromProblem } from "../../src/nets/from-problem.js";
import { layerEstimators, type LayerEstimatorId } from "../../src/nets/estimators/registry.js";
import { problemFromJSON } from "../../src/problems/json.js";
import type { BinaryProblem } from "../../src/problems/types.js";
import { Stream } from "../../src/random/stream.js";
import { maxRelativeError } from "../../src/numerics.js";

function randomLayers(widths: number[], stream: Stream, scale: number, unit?: (l: number) => unknown) {
  return widths.slice(1).map((nOut, l) => ({
    ...(unit ? { unit: unit(l) } : {}),
    weights: Array.from({ length: nOut }, () => Array.from({ length: widths[l] }, () => scale * (2 * stream.uniform() - 1))),
    bias: Array.from({ length: nOut }, () => scale * (2 * stream.uniform() - 1)),
  }));
}

function sbn(widths: number[], seed: string): BinaryProblem {
  const s = Stream.fromSeed(seed);
  const input = Array.from({ length: widths[0] }, () => +(s.uniform() < 0.5));
  const target = Array.from({ length: widths[widths.length - 1] }, () => s.uniform());
  return problemFromJSON({ kind: "sbn", input, layers: randomLayers(widths, s, 1.5), loss: { kind: "squared", target } });
}

function noisyNet(widths: number[], units: unknown[], seed: string): BinaryProblem {
  const s = Stream.fromSeed(seed);
  const input = Array.from({ length: widths[0] }, () => 2 * s.uniform() - 1);
  const target = Array.from({ length: widths[widths.length - 1] }, () => s.uniform());
  return problemFromJSON({ kind: "noisy-net", input, layers: randomLayers(widths, s, 1, (l) => units[l]), loss: { kind: "squared", target } });
}

/**
 * T steps of the single-sample estimator and of the network (one row per minibatch, same noise,
 * online state advanced by observe() on both): the largest relative difference of the gradients.
 */
function tie(problem: BinaryProblem, singleId: keyof typeof estimators, layerIds: LayerEstimatorId[], T: number, seed: string, options: Record<string, number> = {}): number {
  const theta = problem.initialParams();
  const single = estimators[singleId].create(problem, theta, options);
  const pn = networkFromProblem(
    problem,
    layerIds.map((id) => ({ spec: layerEstimators[id], options: id === "rloo" || id === "score-injected" || id === "muprop" ? options : {} })),
  );
  pn.setParams(theta);
  const u = new Float64Array(single.noiseSize);
  const g1 = new Float64Array(problem.nParams);
  const g2 = new Float64Array(problem.nParams);
  const stream = Stream.fromSeed(seed);
  let worst = 0;
  for (let t = 0; t < T; t++) {
    // 53-bit uniforms in (0, 1): the Gaussian units map them through Φ⁻¹
    stream.doubles(u);
    const L = single.estimate(theta, u, g1);
    single.observe?.();
    pn.setNoiseRow(0, u);
    const J = pn.network.forward({ n: 1, x: pn.input });
    pn.network.backward();
    pn.network.observe();
    pn.gradientOf(pn.network.grad, g2);
    expect(J).toBeCloseTo(L, 12);
    worst = Math.max(worst, maxRelativeError(g2, g1));
  }
  return worst;
}

// Rounding: the network sums its products in another order (packed GEMM, row additions) and uses
// the array σ (≤ 2 ulp from the scalar one), so gradients agree to a few ulps of their scale on
// these ≤ 12-unit nets, not bit for bit; 1e-12 leaves room for that and nothing else (a wrong
// sign, baseline or slope changes the result at order 1).
const TOL = 1e-12;

describe("layer estimators equal the single-sample estimators sample by sample", () => {
  const deep = sbn([3, 4, 3, 2], "tie/sbn-deep");
  const oneLayer = sbn([4, 5], "tie/sbn-one");
  for (const id of ["correlation", "correlation-ma", "correlation-optimal-online", "straight-through", "straight-through-sigmoid", "arm", "disarm"] as const) {
    it(`${id} on a 3→4→3→2 sigmoid belief net, every layer ${id}`, () => {
      expect(tie(deep, id, [id, id, id], 200, `tie/${id}`)).toBeLessThan(TOL);
    });
  }
  it("muprop (no baseline, and a moving-average baseline) on a one-layer belief net", () => {
    expect(tie(oneLayer, "muprop", ["muprop"], 200, "tie/muprop")).toBeLessThan(TOL);
    expect(tie(oneLayer, "muprop", ["muprop"], 200, "tie/muprop-ma", { baselineDecay: 0.5 })).toBeLessThan(TOL);
  });
  it("rloo (K = 2 and K = 4) on a one-layer belief net", () => {
    expect(tie(oneLayer, "rloo", ["rloo"], 200, "tie/rloo2", { K: 2 })).toBeLessThan(TOL);
    expect(tie(oneLayer, "rloo", ["rloo"], 200, "tie/rloo4", { K: 4 })).toBeLessThan(TOL);
  });
  it("the single unit of Theorem 1 (no input: the logit is the bias)", () => {
    const single = problemFromJSON({ kind: "single", logit: 0.3, loss: { kind: "squared", target: 0.45 } });
    for (const id of ["correlation", "straight-through", "arm", "disarm"] as const) expect(tie(single, id, [id], 100, `tie/single/${id}`)).toBeLessThan(TOL);
  });
  it("pathwise and score-injected on a net of noisy rectifiers; sts on a net with an STS layer", () => {
    const nr = { type: "noisy-rectifier", s: 0.7 };
    const rect = noisyNet([2, 4, 3], [nr, nr], "tie/nr");
    expect(tie(rect, "pathwise", ["pathwise", "pathwise"], 200, "tie/pathwise")).toBeLessThan(TOL);
    expect(tie(rect, "score-injected", ["score-injected", "score-injected"], 200, "tie/score")).toBeLessThan(TOL);
    const mixed = noisyNet([2, 4, 3], [nr, { type: "sts" }], "tie/sts");
    expect(tie(mixed, "sts", ["pathwise", "sts"], 200, "tie/sts")).toBeLessThan(TOL);
  });
  it("negative control: the same comparison tells a different estimator apart", () => {
    expect(tie(deep, "correlation", ["correlation-ma", "correlation-ma", "correlation-ma"], 50, "tie/control")).toBeGreaterThan(1e-3);
    expect(tie(deep, "arm", ["disarm", "disarm", "disarm"], 50, "tie/control2")).toBeGreaterThan(1e-3);
  });
});
