import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { exactAnalysis } from "../../src/exact/moments.js";
import { estimators } from "../../src/estimators/registry.js";
import { estimatorEntry } from "../../src/estimators/types.js";
import { singleUnit } from "../../src/problems/reference.js";
import { SigmoidBeliefNet } from "../../src/problems/sbn.js";
import { TableLoss } from "../../src/problems/loss.js";
import { ExactRefusal } from "../../src/errors.js";
import { sigmoid } from "../../src/numerics.js";

// Runs the compiled CLI (npm test builds first).
const CLI = path.resolve(__dirname, "../../dist/cli/main.js");

function cli(args: string[], problem?: unknown) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stochgrad-finite-"));
  const f = path.join(dir, "p.json");
  if (problem !== undefined) fs.writeFileSync(f, JSON.stringify(problem));
  const r = spawnSync(process.execPath, [CLI, ...args.map((a) => (a === "P" ? f : a.replace("DIR", dir)))], { encoding: "utf8", env: { ...process.env, CI: "1" }, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr, dir };
}

/** exit 0 with no null anywhere in the JSON, or exit 2 with one line on stderr */
function rightOrOneClearError(r: { code: number | null; out: string; err: string }) {
  if (r.code === 0) {
    expect(r.out).not.toMatch(/null|NaN|Infinity/);
    return JSON.parse(r.out);
  }
  expect(r.code).toBe(2);
  expect(r.out).toBe("");
  expect(r.err.trim().split("\n")).toHaveLength(1);
  expect(r.err).toMatch(/^stochgrad: error: /);
  return null;
}

describe("no exact result contains NaN or ∞", () => {
  it("STS units at a ≥ 37: the gradient is a number (it was null), equal to σ(a)σ(−a)(3√σ(a) − 4t)/2", () => {
    for (const a of [37, 50, 700]) {
      const r = cli(["exact", "P"], { kind: "noisy-single", unit: { type: "sts" }, a, loss: { kind: "squared", target: 0.45 } });
      const o = rightOrOneClearError(r);
      const q = Math.sqrt(sigmoid(a));
      const g = (sigmoid(a) * sigmoid(-a) * (3 * q - 4 * 0.45)) / 2;
      expect(Math.abs(o.gradient.a / g - 1)).toBeLessThan(1e-13);
    }
  });

  it("the guard at the exact-result boundary names the quantity (a problem whose loss is NaN somewhere)", () => {
    const base = singleUnit(0.3, 0.45);
    const bad = Object.create(base) as typeof base;
    bad.evaluate = (theta, ws) => (base.evaluate(theta, ws), ws.h[0] === 1 ? Number.NaN : 0.2);
    bad.forward = (theta, u, ws) => (base.forward(theta, u, ws), ws.h[0] === 1 ? Number.NaN : 0.2);
    expect(() => exactAnalysis(bad, bad.initialParams())).toThrow(ExactRefusal);
    expect(() => exactAnalysis(bad, bad.initialParams())).toThrow(/^Var\[L\] = NaN/);
  });

  it("a user problem that does not fill the workspace's σ(−a) is one clear error (it would make p(h = 0) = 0)", () => {
    const base = singleUnit(0.3, 0.45);
    const stale = Object.create(base) as typeof base;
    stale.evaluate = (theta, ws) => {
      const L = base.evaluate(theta, ws);
      ws.c.fill(0);
      return L;
    };
    expect(() => exactAnalysis(stale, stale.initialParams())).toThrow(/must fill the workspace's c with σ\(−a\)/);
  });

  it("an estimator whose own exact variance overflows is listed as unavailable with the reason, the rest is reported", () => {
    const p = singleUnit(0.3, 0.45);
    const th = p.initialParams();
    const r = exactAnalysis(p, th, { corr: estimatorEntry(estimators.correlation, p, th), huge: estimatorEntry(estimators["correlation-constant"], p, th, { baseline: 1e200 }) });
    expect(Object.keys(r.estimators)).toEqual(["corr"]);
    expect(r.unavailable?.huge).toMatch(/^Var\[ĝ\] of huge\[a\] = Infinity: the exact result is not a finite float64/);
  });
});

describe("overflow from finite inputs: the result, or one clear error", () => {
  it("a table loss of ±1e308: Var[L] would be 1e616, so one error naming Var[L] (it printed null)", () => {
    const r = cli(["exact", "P"], { kind: "single", logit: 0.3, loss: { kind: "table", table: [1e308, -1e308] } });
    expect(rightOrOneClearError(r)).toBeNull();
    expect(r.err).toMatch(/Var\[L\] = (NaN|Infinity)/);
  });

  it("REBAR and RELAX on that table end at once (their nested quadrature ran until killed)", () => {
    for (const e of ["rebar", "relax", "gumbel-softmax"]) {
      const t0 = Date.now();
      const r = cli(["exact", "P", "--estimators", e], { kind: "single", logit: 0.3, loss: { kind: "table", table: [1e308, -1e308] } });
      rightOrOneClearError(r);
      expect(Date.now() - t0).toBeLessThan(20_000);
    }
  });

  it("weights of 1e308 saturate the logits (σ(±∞) is exact): the result is computed", () => {
    const r = cli(["exact", "P", "--estimators", "correlation"], { kind: "sbn", input: [1, 1], layers: [{ weights: [[1e308, 1e308], [-1e308, -1e308]], bias: [0, 0] }], loss: { kind: "table", table: [0.5, 1, -1, 2] } });
    const o = rightOrOneClearError(r);
    // h = (1, 0) surely: E[L] = table[1] = 1, ∇ = 0
    expect(o.expectedLoss).toBe(1);
    expect(o.gradient.bias.flat()).toEqual([0, 0]);
  });

  it("weights whose sum is ∞ − ∞ give a NaN logit: one error, never a null", () => {
    const r = cli(["exact", "P"], { kind: "sbn", input: [1, 1, 1], layers: [{ weights: [[1e308, 1e308, -1e308]], bias: [-1e308] }], loss: { kind: "squared", target: [1] } });
    rightOrOneClearError(r);
  });

  it("a noisy unit whose loss overflows inside the integral is refused (weights 1e200)", () => {
    const r = cli(["exact", "P"], { kind: "noisy-net", input: [1], layers: [{ unit: { type: "noisy-rectifier", s: 0.5 }, weights: [[1e200]], bias: [0] }], loss: { kind: "squared", target: [0.5] } });
    expect(rightOrOneClearError(r)).toBeNull();
  });

  it("rbm train --lr 1e308: one error naming the divergence, no model file (it wrote nulls)", () => {
    const r = cli(["rbm", "train", "--out", "DIR/m.json", "--data", "bars-and-stripes-3", "--hidden", "4", "--epochs", "3", "--lr", "1e308"]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split("\n").filter((l) => l.startsWith("stochgrad: error:"))).toHaveLength(1);
    expect(r.err).toMatch(/diverged|not a finite/);
    expect(fs.existsSync(path.join(r.dir, "m.json"))).toBe(false);
  });

  it("the library engine on the ±1e308 table refuses by name too", () => {
    const p = new SigmoidBeliefNet([], [{ weights: [[]], bias: [0.3] }], new TableLoss([1e308, -1e308]), "single");
    expect(() => exactAnalysis(p, p.initialParams())).toThrow(/^Var\[L\]/);
  });
});
