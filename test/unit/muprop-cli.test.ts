/**
 * `stochgrad exact` reports the exact mean and variance of MuProp (and NVIL, VIMCO) through the
 * compiled CLI (npm test builds first), equal bit for bit to the library's exact engine; problems
 * that cannot supply what an estimator needs get the reason, in `skipped` or as exit code 2.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createMuprop } from "../../src/estimators/muprop.js";
import { exactAnalysis } from "../../src/exact/moments.js";
import { problemFromJSON } from "../../src/problems/json.js";
import { referenceDelayed, referenceNet } from "../../src/problems/reference.js";

const CLI = path.resolve(__dirname, "../../dist/cli/main.js");

function exact(problem: unknown, extra: string[] = []) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stochgrad-muprop-"));
  const file = path.join(dir, "problem.json");
  fs.writeFileSync(file, JSON.stringify(problem));
  const r = spawnSync(process.execPath, [CLI, "exact", file, ...extra], { encoding: "utf8", env: { ...process.env, CI: "1" } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const SINGLE = { kind: "single", logit: 0.3, loss: { kind: "squared", target: 0.45 } };

describe("stochgrad exact reports MuProp's exact moments", () => {
  it("single unit: mean = ∇E[L] to rounding, variance = the library's exact engine, bit for bit", () => {
    const r = exact(SINGLE, ["--estimators", "muprop,correlation"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    const p = problemFromJSON(SINGLE);
    const lib = exactAnalysis(p, p.initialParams(), { m: { noise: "units", instance: createMuprop(p) } });
    expect(j.estimators.muprop.mean.logit).toBe(lib.estimators.m.mean[0]);
    expect(j.estimators.muprop.variance.logit).toBe(lib.estimators.m.variance[0]);
    expect(Math.abs(j.estimators.muprop.bias.logit)).toBeLessThan(1e-15);
    expect(j.estimators.muprop.unbiased).toBe(true);
    expect(j.estimators.muprop.variance.logit).toBeGreaterThan(0);
  });
  it("belief net 3→4→4→4: every coordinate's mean and variance as the engine's, bias ≤ 1e-14", () => {
    const p = referenceNet();
    const r = exact(p.toJSON(), ["--estimators", "muprop"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    const lib = exactAnalysis(p, p.initialParams(), { m: { noise: "units", instance: createMuprop(p) } });
    expect(j.estimators.muprop.mean).toEqual(p.nest(lib.estimators.m.mean));
    expect(j.estimators.muprop.variance).toEqual(p.nest(lib.estimators.m.variance));
    const bias = (j.estimators.muprop.bias.bias as number[][]).flat().concat((j.estimators.muprop.bias.weights as number[][][]).flat(2));
    expect(Math.max(...bias.map(Math.abs))).toBeLessThan(1e-14);
  });
  it("all applicable estimators by default: muprop, nvil and vimco on a single unit; vimco skipped with its cost on 12 units", () => {
    const one = JSON.parse(exact(SINGLE).out);
    for (const id of ["muprop", "nvil", "vimco"]) expect(one.estimators[id]).toBeDefined();
    const net = JSON.parse(exact(referenceNet().toJSON()).out);
    expect(net.estimators.muprop).toBeDefined();
    expect(net.skipped.vimco).toMatch(/2\^24/);
  });
  it("the delayed reward: muprop in `skipped` with the reason; asked for explicitly, exit code 2 and one line", () => {
    const all = exact(referenceDelayed().toJSON());
    expect(all.code).toBe(0);
    expect(JSON.parse(all.out).skipped.muprop).toMatch(/mean-field/);
    const asked = exact(referenceDelayed().toJSON(), ["--estimators", "muprop"]);
    expect(asked.code).toBe(2);
    expect(asked.err.trim().split("\n")).toHaveLength(1);
    expect(asked.err).toMatch(/muprop.*mean-field/);
  });
  it("a bad MuProp option is exit code 2 naming it", () => {
    const r = exact(SINGLE, ["--estimators", "muprop", "--option", "baselineDecay=1.5"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/baselineDecay/);
  });
});
