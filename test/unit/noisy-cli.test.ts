import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

// Runs the compiled CLI (npm test builds first).
const CLI = path.resolve(__dirname, "../../dist/cli/main.js");

function exact(problem: unknown, extra: string[] = []) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stochgrad-noisy-"));
  const f = path.join(dir, "p.json");
  fs.writeFileSync(f, JSON.stringify(problem));
  const r = spawnSync(process.execPath, [CLI, "exact", f, ...extra], { encoding: "utf8", env: { ...process.env, CI: "1" } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("stochgrad exact on injected-noise problems", () => {
  it("reports the units (zero rate, mean output) and the noisy-unit estimators", () => {
    const r = exact({
      kind: "noisy-net",
      input: [1],
      layers: [
        { unit: { type: "sts" }, weights: [[0.9], [-0.5]], bias: [0.2, 0.1] },
        { unit: { type: "noisy-rectifier", s: 0.5 }, weights: [[1.1, -0.7]], bias: [0.05] },
      ],
      loss: { kind: "squared", target: [0.6] },
    });
    expect(r.code).toBe(0);
    const o = JSON.parse(r.out);
    expect(o.units.map((u: { type: string }) => u.type)).toEqual(["sts", "sts", "noisy-rectifier"]);
    // unit 0: a = 0.9·1 + 0.2 = 1.1
    expect(Math.abs(o.units[0].zeroProbability - (1 - Math.sqrt(1 / (1 + Math.exp(-1.1)))))).toBeLessThan(1e-14);
    expect(Object.keys(o.estimators).sort()).toEqual(["exact", "score-injected", "sts"]);
    expect(o.estimators.exact.bias.bias[1][0]).toBe(0);
    expect(o.skipped.pathwise).toMatch(/discontinuous/);
    expect(o.skipped.correlation).toMatch(/injected noise/);
  });
  it("single noisy rectifier: pathwise exact mean = reference gradient to 1e-9", () => {
    const r = exact({ kind: "noisy-single", unit: { type: "noisy-rectifier", s: 0.7 }, a: 0.3, loss: { kind: "squared", target: 0.45 } });
    const o = JSON.parse(r.out);
    expect(Math.abs(o.estimators.pathwise.mean.a - o.gradient.a)).toBeLessThan(1e-9);
    expect(o.estimators.pathwise.unbiased).toBe(true);
  });
  it("s ≤ 0 and an unknown unit type: one clear error, exit code 2", () => {
    const a = exact({ kind: "noisy-single", unit: { type: "noisy-rectifier", s: -0.5 }, a: 0, loss: { kind: "squared", target: 0 } });
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/unit\.s: noise scale s must be a finite number > 0, got -0\.5/);
    const b = exact({ kind: "noisy-net", input: [], layers: [{ unit: { type: "relu", s: 1 }, weights: [[]], bias: [0] }], loss: { kind: "squared", target: 0 } });
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/layers\[0\]\.unit\.type: unknown unit type "relu"/);
    expect(b.err.trim().split("\n")).toHaveLength(1);
  });
});
