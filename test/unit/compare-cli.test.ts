/**
 * `stochgrad compare`: bad input exits 2 with one clear message and writes nothing; the same
 * seed gives byte-identical records. Runs the built CLI (npm test builds first).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const CLI = path.resolve("dist/cli/main.js");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "stochgrad-compare-"));
const problem = path.join(tmp, "unit.json");
fs.writeFileSync(problem, JSON.stringify({ kind: "single", logit: 0.4, loss: { kind: "squared", target: 0.45 } }));
// 20 units in 4 layers: enumerable (2^20), but ARM's antithetic partition is bounded by 2⁵3⁵4⁵5⁵ ≈ 2.5e10 cells
const deep = path.join(tmp, "deep.json");
const layer = (n: number, m: number) => ({ weights: Array.from({ length: n }, (_, i) => Array.from({ length: m }, (_, j) => 0.3 * Math.sin(i + 2 * j))), bias: new Array(n).fill(0.1) });
fs.writeFileSync(deep, JSON.stringify({ kind: "sbn", input: [1], layers: [layer(5, 1), layer(5, 5), layer(5, 5), layer(5, 5)], loss: { kind: "squared", target: [1, 0, 1, 0, 1] } }));

function run(...args: string[]) {
  return spawnSync(process.execPath, [CLI, "compare", problem, ...args], { encoding: "utf8" });
}

describe("stochgrad compare", () => {
  it("bad input: unknown estimator, K < 2, τ ≤ 0 → exit 2, one message, no output folder", () => {
    const cases: [string[], RegExp][] = [
      [["--estimators", "rloo,bogus"], /unknown estimator "bogus"/],
      [["--estimators", "rloo", "--option", "K=1"], /rloo option K: expected an integer in \[2, 4096\].*got 1/],
      [["--estimators", "gumbel-softmax,arm", "--option", "temperature=0"], /option temperature: expected a number > 0 \(the relaxation temperature τ\), got 0/],
      [["--estimators", "rebar", "--option", "temperature=-2"], /temperature τ/],
      [["--estimators", "arm", "--samples", "1"], /--samples: need an integer ≥ 2/],
    ];
    for (const [args, msg] of cases) {
      const out = path.join(tmp, `bad-${args.join("_").replace(/[^a-z0-9]/gi, "")}`);
      const r = run(...args, "--out", out);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(fs.existsSync(out)).toBe(false);
    }
  });
  it("writes one record and its charts; same seed ⇒ byte-identical JSON and CSV", () => {
    const a = path.join(tmp, "a");
    const b = path.join(tmp, "b");
    const ids = "correlation,rloo,ar,arm,disarm,gumbel-softmax,st-gumbel,rebar,relax";
    for (const out of [a, b]) expect(run("--estimators", ids, "--samples", "500", "--out", out).status).toBe(0);
    for (const f of ["comparison.json", "comparison-variance.csv", "comparison-bias.csv"]) expect(fs.readFileSync(path.join(a, f), "utf8")).toBe(fs.readFileSync(path.join(b, f), "utf8"));
    expect(fs.existsSync(path.join(a, "comparison-variance.png"))).toBe(true);
    const rec = JSON.parse(fs.readFileSync(path.join(a, "comparison.json"), "utf8"));
    expect(rec.kind).toBe("stochgrad.comparison");
    expect(rec.estimators.map((e: { id: string }) => e.id).join(",")).toBe(ids);
  });
  it("--exact gives exact moments for every estimator on one unit", () => {
    const out = path.join(tmp, "exact");
    expect(run("--estimators", "rloo,ar,arm,disarm,gumbel-softmax,st-gumbel,rebar,relax", "--exact", "--out", out).status).toBe(0);
    const rec = JSON.parse(fs.readFileSync(path.join(out, "comparison.json"), "utf8"));
    for (const e of rec.estimators) expect(e.method, e.id).toBe("exact");
  });
  it("stochgrad exact lists exact moments for every new estimator on one unit", () => {
    const r = spawnSync(process.execPath, [CLI, "exact", problem], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const rec = JSON.parse(r.stdout);
    for (const id of ["rloo", "ar", "arm", "disarm", "gumbel-softmax", "st-gumbel", "rebar", "relax"]) expect(Object.keys(rec.estimators), id).toContain(id);
  });
  it("--exact above the enumeration limit is refused before any output (it fell back to Monte Carlo silently)", () => {
    const big = path.join(tmp, "big.json");
    fs.writeFileSync(big, JSON.stringify({ kind: "sbn", input: [1], layers: [layer(13, 1), layer(13, 13)], loss: { kind: "squared", target: new Array(13).fill(1) } }));
    const out = path.join(tmp, "big-exact");
    const r = spawnSync(process.execPath, [CLI, "compare", big, "--estimators", "correlation", "--exact", "--out", out], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--exact: .*26 binary units.*at most 24.*drop --exact/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(fs.existsSync(out)).toBe(false);
    // without --exact the same problem is a Monte Carlo comparison, and the record says why there is no reference
    const ok = spawnSync(process.execPath, [CLI, "compare", big, "--estimators", "correlation", "--samples", "200", "--out", out], { encoding: "utf8" });
    expect(ok.status, ok.stderr).toBe(0);
    const rec = JSON.parse(fs.readFileSync(path.join(out, "comparison.json"), "utf8"));
    expect(rec.gradient).toBeUndefined();
    expect(rec.referenceUnavailable).toMatch(/26 binary units/);
  });
  it("--exact with an estimator that has no exact moments here: that one is Monte Carlo, and the record and table say why", () => {
    const out = path.join(tmp, "mixed");
    const r = spawnSync(process.execPath, [CLI, "compare", deep, "--estimators", "correlation,arm", "--exact", "--out", out, "--samples", "300"], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const rec = JSON.parse(fs.readFileSync(path.join(out, "comparison.json"), "utf8"));
    const arm = rec.estimators.find((e: { id: string }) => e.id === "arm");
    expect(arm.method).toBe("monte-carlo");
    expect(arm.exactUnavailable).toMatch(/exact moments skipped for cost: they would visit 2\.5e\+10 cells/);
    expect(rec.estimators.find((e: { id: string }) => e.id === "correlation").method).toBe("exact");
    expect(r.stdout).toMatch(/arm: Monte Carlo, not exact: exact moments skipped for cost/);
  });
});

describe("stochgrad exact: the reason an estimator's exact moments are skipped", () => {
  it("for cost, it says so, gives the cost and points to estimate and compare (it said the noise cannot be enumerated)", () => {
    const r = spawnSync(process.execPath, [CLI, "exact", deep, "--estimators", "correlation,arm,disarm"], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const rec = JSON.parse(r.stdout);
    for (const id of ["arm", "disarm"]) {
      expect(rec.skipped[id]).toMatch(/^exact moments skipped for cost: they would visit 2\.5e\+10 cells of the antithetic partition \(bound\) \(limit 2\^21 = 2097152\); .*stochgrad estimate or stochgrad compare/);
      expect(rec.skipped[id]).not.toMatch(/cannot be enumerated/);
    }
    expect(Object.keys(rec.estimators)).toEqual(["correlation"]);
  });
});
