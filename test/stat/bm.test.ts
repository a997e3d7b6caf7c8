/**
 * The Boltzmann-machine claims as regression tests (quick mode, α = 1e-6 family-wise per claim;
 * fixed seed, so the suite is deterministic) and AIS against exact log Z on a small model.
 */
import { describe, expect, it } from "vitest";
import { bmClaims } from "../../analysis/claims/bm.js";
import { runClaim } from "../../analysis/claims/runner.js";
import { aisLogPartition, salakhutdinovMurrayBetas } from "../../src/boltzmann/ais.js";
import { rbmLogPartition } from "../../src/boltzmann/exact.js";
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
