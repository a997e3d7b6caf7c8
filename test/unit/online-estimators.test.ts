/**
 * Online estimators (state advanced by observe(): moving-average and online-optimal baselines, the
 * online learned predictor, NVIL, MuProp's baseline, REBAR/RELAX's tuning) under `stochgrad exact`
 * and `compare`: the record says which state the exact moments are of, and --warmup N advances it
 * by N seeded draws first. Runs the built CLI (npm test builds first).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { estimators } from "../../src/estimators/registry.js";
import { warmUp } from "../../src/estimators/sample.js";
import { exactAnalysis } from "../../src/exact/moments.js";
import { referenceNet, singleUnit } from "../../src/problems/reference.js";
import { Stream } from "../../src/random/stream.js";

const CLI = path.resolve(__dirname, "../../dist/cli/main.js");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "stochgrad-online-"));
const unit = path.join(tmp, "unit.json");
fs.writeFileSync(unit, JSON.stringify({ kind: "single", logit: 0.4, loss: { kind: "squared", target: 0.45 } }));

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env: { ...process.env, CI: "1" } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("exact: online estimators say which state their moments are of", () => {
  it("without --warmup: the creation state, said in the record (it was silently identical to correlation)", () => {
    const r = run("exact", unit, "--estimators", "correlation,correlation-ma,correlation-optimal-online,learned-predictor-online");
    expect(r.code, r.err).toBe(0);
    const o = JSON.parse(r.out);
    expect(o.estimators.correlation.online).toBeUndefined();
    for (const id of ["correlation-ma", "correlation-optimal-online", "learned-predictor-online"]) {
      expect(o.estimators[id].online.observed).toBe(0);
      expect(o.estimators[id].online.note).toMatch(/creation state.*--warmup N/);
      // at its creation state the moving average is 0: the same numbers as plain correlation
      expect(o.estimators[id].variance).toEqual(o.estimators.correlation.variance);
    }
  });

  it("--warmup N --seed S: each online estimator observes N seeded draws first; deterministic, unbiased, and no longer the creation state", () => {
    const a = run("exact", unit, "--estimators", "correlation,correlation-ma", "--warmup", "300", "--seed", "w");
    const b = run("exact", unit, "--estimators", "correlation,correlation-ma", "--warmup", "300", "--seed", "w");
    const c = run("exact", unit, "--estimators", "correlation,correlation-ma", "--warmup", "300", "--seed", "other");
    expect(a.code, a.err).toBe(0);
    expect(a.out).toBe(b.out);
    expect(a.out).not.toBe(c.out);
    const o = JSON.parse(a.out);
    const ma = o.estimators["correlation-ma"];
    expect(ma.online).toMatchObject({ observed: 300, seed: "w" });
    expect(ma.online.state.baseline[0]).toBeGreaterThan(0.1); // moved from 0 toward E[L] ≈ 0.25
    expect(ma.variance.logit).toBeLessThan(o.estimators.correlation.variance.logit);
    expect(Math.abs(ma.bias.logit)).toBeLessThan(1e-15);
    expect(o.estimators.correlation.online).toBeUndefined();
  });

  it("every estimator with observe() is flagged (NVIL and RELAX too; MuProp and REBAR only when they adapt), and no other", () => {
    const r = run("exact", unit);
    expect(r.code, r.err).toBe(0);
    const o = JSON.parse(r.out);
    const flagged = Object.keys(o.estimators).filter((id) => o.estimators[id].online).sort();
    expect(flagged).toEqual(["correlation-ma", "correlation-optimal-online", "learned-predictor-online", "nvil", "relax"]);
    const m = run("exact", unit, "--estimators", "muprop", "--option", "baselineDecay=0.9");
    expect(JSON.parse(m.out).estimators.muprop.online.observed).toBe(0);
    const t = run("exact", unit, "--estimators", "rebar", "--option", "tune=1", "--warmup", "50");
    expect(JSON.parse(t.out).estimators.rebar.online).toMatchObject({ observed: 50, state: { tuned: 50 } });
  });

  it("bad --warmup is one clear error", () => {
    for (const bad of ["-1", "1.5", "1e12"]) {
      const r = run("exact", unit, "--warmup", bad);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/--warmup/);
    }
  });
});

describe("compare --warmup", () => {
  it("the record carries each online estimator's warm-up (draws and seed)", () => {
    const out = path.join(tmp, "cmp");
    const r = run("compare", unit, "--estimators", "correlation,correlation-ma", "--exact", "--warmup", "200", "--out", out, "--seed", "s");
    expect(r.code, r.err).toBe(0);
    const rec = JSON.parse(fs.readFileSync(path.join(out, "comparison.json"), "utf8"));
    const ma = rec.estimators.find((e: { id: string }) => e.id === "correlation-ma");
    expect(ma.online).toMatchObject({ observed: 200 });
    expect(rec.estimators.find((e: { id: string }) => e.id === "correlation").online).toBeUndefined();
  });
});

describe("warmUp (library)", () => {
  it("advances an online instance by n seeded draws; offline instances are untouched", () => {
    const net = referenceNet();
    const th = net.initialParams();
    const ma = estimators["correlation-ma"].create(net, th);
    const again = estimators["correlation-ma"].create(net, th);
    expect(warmUp(ma, th, 500, Stream.fromSeed("x"))).toBe(500);
    expect(warmUp(again, th, 500, Stream.fromSeed("x"))).toBe(500);
    expect(ma.describeState!()).toEqual(again.describeState!());
    const plain = estimators.correlation.create(net, th);
    expect(warmUp(plain, th, 500, Stream.fromSeed("x"))).toBe(0);
    // the warmed moving average is a valid baseline: still exactly unbiased
    const r = exactAnalysis(net, th, { ma: { noise: "units", instance: ma } });
    let worst = 0;
    for (let k = 0; k < th.length; k++) worst = Math.max(worst, Math.abs(r.estimators.ma.mean[k] - r.gradient[k]));
    expect(worst).toBeLessThan(1e-14);
    expect(() => warmUp(estimators["correlation-ma"].create(singleUnit(0.3, 0.45), new Float64Array(1)), new Float64Array(1), -1, Stream.fromSeed("x"))).toThrow(/draws/);
  });
});
