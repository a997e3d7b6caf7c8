/**
 * The Boltzmann-machine claims as regression tests (quick mode, α = 1e-6 family-wise per claim;
 * fixed seed, so the suite is deterministic) and AIS against exact log Z on a small model.
 */
import { describe, expect, it } from "vitest";
import { bmClaims } from "../../analysis/claims/bm.js";
import { runClaim } from "../../analysis/claims/runner.js";
import { aisLogPartition, salakhutdinovMurrayBetas } from "../../src/boltzmann/ais.js";
import { rbmLogPartition } from "../../src/boltzmann/exact.js";
import { BoltzmannMachine, bmModelStats } from "../../src/boltzmann/bm.js";
import { MomentAccumulator } from "../../src/stats/accumulator.js";
import { zTest } from "../../src/stats/tests.js";
import { Rbm } from "../../src/boltzmann/rbm.js";
import { Stream } from "../../src/random/stream.js";
import { zCritical } from "../../src/stats/tests.js";

const ALPHA = 1e-6;

describe("BM claims hold in quick mode (regression)", () => {
  for (const claim of bmClaims) {
    it(`${claim.id} holds and its negative control is rejected`, async () => {
      const r = await runClaim(claim, { seed: "test", quick: true, alpha: ALPHA });
      expect(r.error).toBeUndefined();
      expect(r.checks.filter((c) => !c.pass)).toEqual([]);
      expect(r.controls.filter((c) => c.pass)).toEqual([]);
      expect(r.verdict).toBe("pass");
    });
  }
});

describe(`AIS covers the exact log Z within its spread (z*(α = ${ALPHA}))`, () => {
  it("random 30×10 RBM", () => {
    const s = Stream.fromSeed("ais-test");
    const rbm = Rbm.random(30, 10, s, 0.5);
    s.normals(rbm.b);
    const exact = rbmLogPartition(rbm);
    const r = aisLogPartition(rbm, s.fork("ais"), { runs: 100, betas: salakhutdinovMurrayBetas(1000), z: zCritical(ALPHA) });
    expect(exact).toBeGreaterThanOrEqual(r.lower);
    expect(exact).toBeLessThanOrEqual(r.upper);
  });
});

describe(`sequential Gibbs sampling of a general BM reaches the exact moments (z-test, α = ${ALPHA}, Bonferroni)`, () => {
  it("3+2 BM: 20 000 independent chains × 60 sweeps; control: 1 sweep from x = 0 is rejected", () => {
    const bm = BoltzmannMachine.random(3, 2, Stream.fromSeed("gibbs"), 1.5, 0.5);
    const exact = bmModelStats(bm).moments;
    const run = (sweeps: number, seed: string) => {
      const s = Stream.fromSeed(seed);
      const acc = new MomentAccumulator(bm.nParams);
      const x = new Float64Array(bm.n);
      const u = new Float64Array(bm.n);
      const m = new Float64Array(bm.nParams);
      for (let c = 0; c < 20_000; c++) {
        x.fill(0);
        for (let t = 0; t < sweeps; t++) bm.gibbsSweep(x, s.uniforms(u));
        let q = 0;
        for (let i = 0; i < bm.n; i++) for (let j = i + 1; j < bm.n; j++) m[q++] = x[i] * x[j];
        for (let i = 0; i < bm.n; i++) m[q++] = x[i];
        acc.push(m);
      }
      return zTest(acc.mean, acc.standardError(), exact, ALPHA);
    };
    expect(run(60, "chains").pass).toBe(true);
    expect(run(1, "short").pass).toBe(false);
  });
});
