/**
 * Seeded statistical checks. Each states its false-alarm rate α; seeds are fixed so the suite is
 * deterministic, and each check also has a control that the same test must reject.
 */
import { describe, expect, it } from "vitest";
import { t1Claims } from "../../analysis/claims/t1.js";
import { runClaim } from "../../analysis/claims/runner.js";
import { exactAnalysis } from "../../src/exact/moments.js";
import { estimators } from "../../src/estimators/registry.js";
import { sampleMoments } from "../../src/estimators/sample.js";
import { randomSbn, singleUnit } from "../../src/problems/reference.js";
import { Stream } from "../../src/random/stream.js";
import { zCritical, zTest } from "../../src/stats/tests.js";

const ALPHA = 1e-6;

describe("Theorem 1 claims hold in quick mode (regression)", () => {
  for (const claim of t1Claims) {
    it(`${claim.id} holds and its negative control is rejected`, async () => {
      const r = await runClaim(claim, { seed: "test", quick: true, alpha: ALPHA });
      expect(r.error).toBeUndefined();
      expect(r.checks.filter((c) => !c.pass)).toEqual([]);
      expect(r.controls.filter((c) => c.pass)).toEqual([]);
      expect(r.verdict).toBe("pass");
    });
  }
});

describe("Monte Carlo means converge to exact means (α = 1e-6 per net, Bonferroni over coordinates)", () => {
  const shapes = [
    [2, 3, 2],
    [3, 4, 4, 4],
    [1, 5, 3],
  ];
  shapes.forEach((w, i) => {
    it(`random net ${w.join("-")}: correlation accepted, straight-through rejected`, () => {
      const p = randomSbn(w, `stat/net/${i}`);
      const th = p.initialParams();
      const corr = estimators.correlation.create(p, th);
      const st = estimators["straight-through"].create(p, th);
      const ex = exactAnalysis(p, th, { st: { noise: "units", instance: st } });
      const n = 400_000;
      const mc = sampleMoments(corr, th, n, Stream.fromSeed(`stat/mc/${i}`));
      expect(zTest(mc.mean, mc.standardError, ex.gradient, ALPHA).pass).toBe(true);
      const ms = sampleMoments(st, th, n, Stream.fromSeed(`stat/st/${i}`));
      expect(zTest(ms.mean, ms.standardError, ex.gradient, ALPHA).pass).toBe(false);
    });
  });
});

describe("the z-test's false-alarm rate is what it states", () => {
  it("at α = 0.05, rejections over 400 independent seeded runs are Binomial(400, 0.05) (two-sided check at 1e-6)", () => {
    // one coordinate, so the stated α is exact (no Bonferroni slack)
    const p = singleUnit(0.7, 0.45);
    const th = p.initialParams();
    const ex = exactAnalysis(p, th);
    const corr = estimators.correlation.create(p, th);
    const runs = 400;
    let rejections = 0;
    for (let r = 0; r < runs; r++) {
      const mc = sampleMoments(corr, th, 2000, Stream.fromSeed(`stat/calibration/${r}`));
      if (!zTest(mc.mean, mc.standardError, ex.gradient, 0.05).pass) rejections++;
    }
    // Binomial(400, 0.05): mean 20, sd 4.36; accept within ±z*(1e-6)·sd
    const sd = Math.sqrt(runs * 0.05 * 0.95);
    expect(Math.abs(rejections - runs * 0.05)).toBeLessThanOrEqual(zCritical(1e-6) * sd);
  });
});
