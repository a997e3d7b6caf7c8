/**
 * Seeded checks of the negative phases on the compute core (α = 1e-6 per test, Bonferroni over the
 * 34 coordinates of a 6×4 RBM): the CD-k gradient estimate has the exact CD-k expectation
 * (q_k = q_data Mᵏ, unrolled.ts) for k = 1 and 3 in float64 and k = 1 in float32; PCD-1's estimate at a fixed θ,
 * once its chains are stationary, has the exact log-likelihood gradient as its mean. Each check has
 * a negative control the same test rejects: CD-1's sample against the exact gradient (CD-1 is
 * biased on this model), PCD's against CD-1's expectation.
 */
import { describe, expect, it } from "vitest";
import { rbmExactGradientFlat } from "../../src/boltzmann/exact.js";
import { gradientToFlat, Rbm } from "../../src/boltzmann/rbm.js";
import { DEFAULT_TRAIN_OPTIONS, RbmTrainer } from "../../src/boltzmann/trainer.js";
import { cdExpectedGradients } from "../../src/boltzmann/unrolled.js";
import { Stream } from "../../src/random/stream.js";
import { MomentAccumulator } from "../../src/stats/accumulator.js";
import { zTest } from "../../src/stats/tests.js";

const ALPHA = 1e-6;
const NV = 6;
const NH = 4;
const N = 8;

function setup() {
  const s = Stream.fromSeed("stat/rbm-training/model");
  const rbm = Rbm.random(NV, NH, s, 1.5);
  s.normals(rbm.b);
  s.normals(rbm.c);
  const data = Float64Array.from({ length: N * NV }, () => +(s.uniform() < 0.5));
  return { rbm, data };
}

describe("negative phases on the compute core", () => {
  for (const [k, dtype] of [
    [1, "float64"],
    [3, "float64"],
    [1, "float32"],
  ] as const) {
    it(`CD-${k} (${dtype}): the mean of the estimates is the exact CD-${k} expectation${k === 1 ? "; control: the same mean is rejected against the exact gradient" : ""}`, () => {
      const { rbm, data } = setup();
      const t = new RbmTrainer(rbm, { ...DEFAULT_TRAIN_OPTIONS, method: "cd", k, batchSize: N, dtype }, Stream.fromSeed(`stat/rbm-training/cd${k}/${dtype}`));
      const acc = new MomentAccumulator(rbm.nParams);
      const g = new Float64Array(rbm.nParams);
      for (let r = 0; r < 40_000; r++) acc.push(gradientToFlat(t.estimate(data, N), g));
      t.release();
      const [want] = cdExpectedGradients(rbm, data, N, [k]);
      // float32: the estimates carry float32 rounding (≈ 1e-7 relative), far below the standard errors (≈ 1e-3)
      const r = zTest(acc.mean, acc.standardError(), want, ALPHA);
      expect(r.pass).toBe(true);
      if (k === 1) expect(zTest(acc.mean, acc.standardError(), rbmExactGradientFlat(rbm, data, N).gradient, ALPHA).pass).toBe(false);
    });
  }

  it("PCD-1 at a fixed θ with stationary chains: the mean of independent estimates is the exact gradient; control: CD-1's expectation is rejected", () => {
    const { rbm, data } = setup();
    const acc = new MomentAccumulator(rbm.nParams);
    const g = new Float64Array(rbm.nParams);
    for (let r = 0; r < 200; r++) {
      const t = new RbmTrainer(rbm, { ...DEFAULT_TRAIN_OPTIONS, method: "pcd", k: 1, chains: 200, batchSize: N }, Stream.fromSeed(`stat/rbm-training/pcd/${r}`));
      for (let b = 0; b < 60; b++) t.estimate(data, N); // burn in: the model does not change, the chains move
      acc.push(gradientToFlat(t.estimate(data, N), g));
      t.release();
    }
    const exact = rbmExactGradientFlat(rbm, data, N).gradient;
    expect(zTest(acc.mean, acc.standardError(), exact, ALPHA).pass).toBe(true);
    expect(zTest(acc.mean, acc.standardError(), cdExpectedGradients(rbm, data, N, [1])[0], ALPHA).pass).toBe(false);
  });
});
