/**
 * `--workers N` on estimate, compare and exact: 1 (in-process) and 2 worker threads write the same
 * bytes (Monte Carlo chunks and enumeration blocks are fixed by the problem and merged in order);
 * a bad value is one InputError naming the flag, before any output. Runs the built CLI.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const CLI = path.resolve("dist/cli/main.js");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "stochgrad-workers-"));
// 18 units (4 enumeration blocks of 2^16 configurations)
const net = path.join(tmp, "net18.json");
const layer = (n: number, m: number, k: number) => ({ weights: Array.from({ length: n }, (_, i) => Array.from({ length: m }, (_, j) => 0.7 * Math.sin(k + i + 2 * j))), bias: Array.from({ length: n }, (_, i) => 0.2 * Math.cos(k + i)) });
fs.writeFileSync(net, JSON.stringify({ kind: "sbn", input: [1, -0.5, 0.25], layers: [layer(6, 3, 1), layer(6, 6, 2), layer(6, 6, 3)], loss: { kind: "squared", target: [1, 0, 1, 0, 1, 0] } }));

function run(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
}

function filesOf(dir: string): Record<string, string> {
  return Object.fromEntries(fs.readdirSync(dir).sort().map((f) => [f, fs.readFileSync(path.join(dir, f), "latin1")]));
}

describe("--workers", () => {
  it("estimate: 1 and 2 workers print the same bytes (5 Monte Carlo chunks)", () => {
    const a = run("estimate", net, "--estimator", "correlation", "--samples", String(4 * 4096 + 99), "--workers", "1");
    const b = run("estimate", net, "--estimator", "correlation", "--samples", String(4 * 4096 + 99), "--workers", "2");
    expect(a.status, a.stderr).toBe(0);
    expect(b.status, b.stderr).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    // a different seed changes the output: the comparison can fail
    const c = run("estimate", net, "--estimator", "correlation", "--samples", String(4 * 4096 + 99), "--workers", "2", "--seed", "2");
    expect(c.stdout).not.toBe(a.stdout);
  });

  it("exact: 1 and 2 workers print the same bytes (4 enumeration blocks)", () => {
    const a = run("exact", net, "--estimators", "correlation,straight-through", "--workers", "1");
    const b = run("exact", net, "--estimators", "correlation,straight-through", "--workers", "2");
    expect(a.status, a.stderr).toBe(0);
    expect(b.status, b.stderr).toBe(0);
    expect(JSON.parse(a.stdout).states).toBe(2 ** 18);
    expect(b.stdout).toBe(a.stdout);
  });

  it("compare: 1 and 2 workers write the same comparison.json and chart files", () => {
    const outs = ["1", "2"].map((w) => {
      const out = path.join(tmp, `compare-${w}`);
      const r = run("compare", net, "--estimators", "correlation,arm,straight-through", "--samples", String(2 * 4096 + 1), "--workers", w, "--out", out);
      expect(r.status, r.stderr).toBe(0);
      return filesOf(out);
    });
    expect(Object.keys(outs[0])).toContain("comparison.json");
    expect(outs[1]).toEqual(outs[0]);
  });

  it("a bad value: exit 2, one line naming --workers, no output", () => {
    for (const v of ["0", "65", "1.5"]) {
      for (const cmd of [["estimate", net, "--estimator", "correlation"], ["exact", net], ["compare", net, "--estimators", "arm"]]) {
        const out = path.join(tmp, `bad-${v}`);
        const r = run(...cmd, "--workers", v, ...(cmd[0] === "compare" ? ["--out", out] : []));
        expect(r.status, `${cmd[0]} --workers ${v}: ${r.stderr}`).toBe(2);
        expect(r.stderr).toMatch(/--workers/);
        expect(r.stderr.trim().split("\n")).toHaveLength(1);
        expect(r.stdout).toBe("");
        expect(fs.existsSync(out)).toBe(false);
      }
    }
  });
});
