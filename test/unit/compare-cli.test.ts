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
});
