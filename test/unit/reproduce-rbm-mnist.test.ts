// `stochgrad reproduce rbm-mnist --quick`: the record (curve of AIS and RAISE, final numbers, the
// literature, every setting), the figures, a rerun resuming from the checkpoint to the same
// record bytes, and a bad --method refused before any file is written. Runs the compiled CLI.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const CLI = path.resolve(__dirname, "../../dist/cli/main.js");
const run = (args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: os.tmpdir(), encoding: "utf8", env: { ...process.env, CI: "1" } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe("reproduce rbm-mnist", () => {
  it("--quick --centering: curve, final AIS and RAISE beside the literature, figures; a rerun resumes to the same bytes", () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), "stochgrad-rbm-mnist-"));
    const r = run(["reproduce", "rbm-mnist", "--quick", "--centering", "--out", d]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\| RAISE bound \(20 test digits\) \| -\d+\.\d\d/);
    const file = path.join(d, "rbm-mnist.json");
    const rec = JSON.parse(fs.readFileSync(file, "utf8"));
    expect(rec.settings).toMatchObject({ hidden: 16, centering: true, method: "pcd", epochs: 2, options: { learningRate: 0.01, batchSize: 100, chains: 100, centering: true } });
    expect(rec.curve.map((p: { epoch: number }) => p.epoch)).toEqual([1, 2]);
    for (const p of rec.curve) expect(p.raiseLower).toBeLessThanOrEqual(p.ais);
    expect(rec.final.raise.runs).toBe(20);
    expect(rec.literature.map((l: { testLogLikelihood: number }) => l.testLogLikelihood)).toEqual([-84.86, -130.81, -86.34]);
    expect(rec.ptFigure.swapAcceptance.length).toBe(9);
    for (const f of ["curve", "pt-samples", "filters"]) expect(fs.statSync(path.join(d, `rbm-mnist-${f}.png`)).size).toBeGreaterThan(1000);
    const bytes = fs.readFileSync(file, "utf8");
    expect(run(["reproduce", "rbm-mnist", "--quick", "--centering", "--out", d]).code).toBe(0);
    expect(fs.readFileSync(file, "utf8")).toBe(bytes);
    const bad = path.join(d, "never");
    const e = run(["reproduce", "rbm-mnist", "--quick", "--method", "gibbs", "--out", bad]);
    expect(e.code).toBe(2);
    expect(e.err).toMatch(/^stochgrad: error: --method: expected pcd, cd or pt, got "gibbs"$/m);
    expect(fs.existsSync(bad)).toBe(false);
  });
});
