// `stochgrad rbm train|eval` on the compute core: --workers (model files byte-identical for 1 and 2
// workers, resume across worker counts), --dtype (recorded, float32 parameters), --eval (none,
// exact, ais; exact refused before training when it cannot be exact). Runs the compiled CLI.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const CLI = path.resolve(__dirname, "../../dist/cli/main.js");

function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: os.tmpdir(), encoding: "utf8", env: { ...process.env, CI: "1" } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "stochgrad-rbm-core-"));
const SMALL = ["--hidden", "30", "--train-size", "400", "--test-size", "50", "--batch", "50", "--momentum", "0.5"];

describe("stochgrad rbm train on the compute core", () => {
  it("model files are byte-identical for --workers 1 and 2, and 1 epoch + --resume 1 epoch (other worker count) equals 2 epochs", () => {
    const d = tmp();
    const files = [1, 2].map((w) => {
      const m = path.join(d, `w${w}.json`);
      const r = run(["rbm", "train", ...SMALL, "--epochs", "2", "--eval", "none", "--workers", String(w), "--out", m]);
      expect(r.code).toBe(0);
      expect(r.err).toMatch(new RegExp(`${w} worker\\(s\\)`));
      return fs.readFileSync(m, "utf8");
    });
    expect(files[1]).toBe(files[0]);
    const rec = JSON.parse(files[0]);
    expect(rec.training.history).toEqual([]);
    expect(rec.training.options.dtype).toBe("float64");
    const half = path.join(d, "half.json");
    expect(run(["rbm", "train", ...SMALL, "--epochs", "1", "--eval", "none", "--workers", "2", "--out", half]).code).toBe(0);
    const resumed = path.join(d, "resumed.json");
    const r = run(["rbm", "train", "--resume", half, "--epochs", "1", "--eval", "none", "--workers", "1", "--out", resumed]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ model: resumed, epochs: 2, training: "pcd-1 (100 chains)", likelihood: "none" });
    expect(fs.readFileSync(resumed, "utf8")).toBe(files[0]);
  });

  it("--dtype float32 is recorded and trains float32 parameters; --eval ais runs AIS on a small model; --eval exact on 784×30 and a bad --workers are refused before training", () => {
    const d = tmp();
    const m = path.join(d, "f32.json");
    const r = run(["rbm", "train", ...SMALL.slice(2), "--hidden", "8", "--epochs", "1", "--dtype", "float32", "--eval", "ais", "--ais-runs", "20", "--ais-steps", "200", "--out", m]);
    expect(r.code).toBe(0);
    const rec = JSON.parse(fs.readFileSync(m, "utf8"));
    expect(rec.training.options.dtype).toBe("float32");
    expect(rec.W.flat().every((x: number) => Math.fround(x) === x)).toBe(true);
    expect(rec.training.history[0]).toMatchObject({ epoch: 1, likelihood: "ais", aisRuns: 20, aisSteps: 200 });
    const e = run(["rbm", "eval", m, "--workers", "1"]);
    expect(e.code).toBe(0);
    expect(JSON.parse(e.out).likelihood).toBe("exact");
    const out = path.join(d, "never.json");
    for (const [args, msg] of [
      [["--eval", "exact"], /^stochgrad: error: --eval exact: log Z enumerates the smaller layer, which needs ≤ 24 units; the model is 784×30/m],
      [["--eval", "sometimes"], /^stochgrad: error: --eval: expected auto, exact, ais or none, got "sometimes"$/m],
      [["--workers", "0"], /^stochgrad: error: --workers: expected an integer in \[1, 64\], got 0$/m],
      [["--dtype", "float16"], /^stochgrad: error: --dtype: expected float64 or float32, got "float16"$/m],
    ] as [string[], RegExp][]) {
      const b = run(["rbm", "train", ...SMALL, "--epochs", "1", ...args, "--out", out]);
      expect(b.code).toBe(2);
      expect(b.err).toMatch(msg);
      expect(b.err.trim().split("\n").length).toBe(1);
    }
    expect(fs.existsSync(out)).toBe(false);
  });
});
