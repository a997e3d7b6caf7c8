// Monte Carlo chunks on the worker pool: the same bytes for no pool and 1, 2, 8 workers (chunk c
// always draws from stream.fork(`chunk/${c}`), and the chunks are merged in chunk order), with
// the workers rebuilding each instance from its recipe. Per-draw estimators keep today's numbers.
import { afterAll, describe, expect, it } from "vitest";
import { estimators, type EstimatorId } from "../../src/estimators/registry.js";
import { recipeText } from "../../src/estimators/recipe.js";
import { mergeChunks, sampleChunks, sampleDraws, sampleMoments, type SampleMoments } from "../../src/estimators/sample.js";
import type { EstimatorOptions } from "../../src/estimators/types.js";
import { closeTestPools, testPool } from "./worker-pools.js";
import { problemFromJSON } from "../../src/problems/json.js";
import { randomSbn, referenceDelayed, referenceNet } from "../../src/problems/reference.js";
import type { BinaryProblem } from "../../src/problems/types.js";
import { Stream } from "../../src/random/stream.js";
import { MomentAccumulator } from "../../src/stats/accumulator.js";

const pool = testPool;
afterAll(closeTestPools);

function bytes(m: SampleMoments): string {
  return JSON.stringify({ n: m.n, mean: Array.from(m.mean), variance: Array.from(m.variance), se: Array.from(m.standardError), acc: m.acc.toJSON() });
}

const noisy = problemFromJSON({
  kind: "noisy-net",
  input: [1, 0.5],
  layers: [
    { unit: { type: "noisy-rectifier", s: 0.6 }, weights: [[0.5, -1], [1.2, 0.4]], bias: [0.1, -0.2] },
    { unit: { type: "noisy-sigmoid", s: 0.5 }, weights: [[1, -1]], bias: [0.3] },
  ],
  loss: { kind: "squared", target: [0.6] },
});

const cases: [string, BinaryProblem, EstimatorId, EstimatorOptions][] = [
  ["correlation (batched) on the 10-10-10 net", randomSbn([10, 10, 10, 10], "bench/mc-10-10-10"), "correlation", {}],
  ["correlation-optimal (batched) on the 4-4-4 net", referenceNet(), "correlation-optimal", {}],
  ["arm (batched) on the 4-4-4 net", referenceNet(), "arm", {}],
  ["rloo K = 3 (batched) on the 4-4-4 net", referenceNet(), "rloo", { K: 3 }],
  ["straight-through-sigmoid (batched) on the 4-4-4 net", referenceNet(), "straight-through-sigmoid", {}],
  ["pathwise (batched) on a noisy net", noisy, "pathwise", {}],
  ["spsa (per draw) on the 4-4-4 net", referenceNet(), "spsa", { c: 0.1 }],
  ["correlation (per draw) on the delayed reward", referenceDelayed(), "correlation", {}],
];

describe("Monte Carlo on the pool: byte-identical for no pool and 1, 2, 8 workers", () => {
  for (const [name, problem, id, options] of cases) {
    it(name, () => {
      const theta = problem.initialParams();
      const inst = estimators[id].create(problem, theta, options);
      expect(recipeText(inst)).not.toBeNull();
      const n = 5 * 4096 + 123; // 6 chunks, the last one short
      const ref = bytes(sampleMoments(inst, theta, n, Stream.fromSeed(`pool/${name}`)));
      for (const w of [1, 2, 8]) expect(bytes(sampleMoments(inst, theta, n, Stream.fromSeed(`pool/${name}`), { pool: pool(w) }))).toBe(ref);
      // the workers ran chunks (each rebuilt the instance from its recipe)
      expect(pool(8).chunksRun().slice(1).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    });
  }

  it("the estimate θ may differ from the θ the instance was created at", () => {
    const p = referenceNet();
    const th0 = p.initialParams();
    const th = th0.map((v) => v + 0.25);
    const inst = estimators["correlation-optimal"].create(p, th0);
    const ref = bytes(sampleMoments(inst, th, 3 * 4096, Stream.fromSeed("theta")));
    expect(bytes(sampleMoments(inst, th, 3 * 4096, Stream.fromSeed("theta"), { pool: pool(2) }))).toBe(ref);
  });

  it("an online instance runs on the calling thread, its state advancing as without a pool", () => {
    const p = referenceNet();
    const th = p.initialParams();
    const a = estimators["correlation-ma"].create(p, th, { decay: 0.99 });
    const b = estimators["correlation-ma"].create(p, th, { decay: 0.99 });
    expect(recipeText(a)).toBeNull();
    const ra = bytes(sampleMoments(a, th, 3 * 4096, Stream.fromSeed("online")));
    const rb = bytes(sampleMoments(b, th, 3 * 4096, Stream.fromSeed("online"), { pool: pool(2) }));
    expect(rb).toBe(ra);
    expect(b.describeState!()).toEqual(a.describeState!());
  });

  it("the chunk states are plain data and merge, in chunk order, to sampleMoments' accumulator bit for bit", () => {
    const p = referenceNet();
    const th = p.initialParams();
    const inst = estimators.disarm.create(p, th);
    const parts = sampleChunks(inst, th, 4 * 4096 + 7, Stream.fromSeed("chunks"), { pool: pool(2) });
    expect(parts).toHaveLength(5);
    const merged = mergeChunks(parts.map((c) => MomentAccumulator.fromJSON(JSON.parse(JSON.stringify(c.toJSON())))));
    const direct = sampleMoments(inst, th, 4 * 4096 + 7, Stream.fromSeed("chunks"));
    expect(JSON.stringify(merged.toJSON())).toBe(JSON.stringify(direct.acc.toJSON()));
  });

  it("an estimator without a batched path keeps the numbers of the per-draw layout (sampleDraws)", () => {
    const p = referenceDelayed();
    const th = p.initialParams();
    const inst = estimators.correlation.create(p, th);
    expect(inst.accumulate).toBeUndefined();
    const g = new Float64Array(p.nParams);
    const noise = new Float64Array(inst.noiseSize);
    const viaDraws = sampleDraws(p.nParams, 9000, Stream.fromSeed("layout"), (s, out) => {
      s.uniforms(noise);
      inst.estimate(th, noise, g);
      out.set(g);
    });
    expect(bytes(sampleMoments(inst, th, 9000, Stream.fromSeed("layout"), { pool: pool(2) }))).toBe(bytes(viaDraws));
  });
});
