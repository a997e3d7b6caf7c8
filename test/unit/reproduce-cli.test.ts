// `stochgrad reproduce conditional-computation --quick`: the record and figures, byte-identical
// records for the same seed, resume after an interruption, and one clear error per bad input.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CheckpointStop } from "../../analysis/reproductions/checkpoint.js";
import { reproductions } from "../../analysis/reproductions/index.js";
import { runReproduction } from "../../analysis/reproductions/runner.js";

// Runs the compiled CLI (npm test builds first).
const CLI = path.resolve(__dirname, "../../dist/cli/main.js");
const run = (args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: os.tmpdir(), encoding: "utf8", env: { ...process.env, CI: "1" } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "stochgrad-reproduce-"));
const REC = "conditional-computation.json";

describe("stochgrad reproduce conditional-computation", () => {
  const all = tmp();
  it("--quick runs every method and writes the record, the table and the six figures", () => {
    const r = run(["reproduce", "conditional-computation", "--quick", "--out", all]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\| method \| lr \| test error %/m);
    const rec = JSON.parse(fs.readFileSync(path.join(all, REC), "utf8"));
    expect(rec.kind).toBe("stochgrad.reproduction");
    expect(Object.keys(rec.methods)).toEqual(["dense", "correlation", "correlation-ma", "correlation-optimal-online", "straight-through", "straight-through-sigmoid", "sts", "pathwise", "rloo", "arm", "disarm"]);
    for (const [id, m] of Object.entries<Record<string, { mean: number }> & { seeds: { curve: unknown[]; probes: unknown[] }[] }>(rec.methods)) {
      for (const k of ["testError", "zeroGateFraction", "skippableFraction"]) expect(Number.isFinite(m[k].mean), `${id}.${k}`).toBe(true);
      expect(m.seeds[0].curve.length).toBe(rec.settings.training.epochs);
      expect(m.seeds[0].probes.length).toBe(id === "dense" ? 0 : rec.settings.training.epochs + 1);
      // every number a probe records is finite (JSON would turn ±∞ or NaN into null)
      for (const p of m.seeds[0].probes as Record<string, unknown>[]) for (const [k, v] of Object.entries(p)) if (typeof v !== "boolean" && typeof v !== "string") expect(Number.isFinite(v), `${id} probe ${k}`).toBe(true);
    }
    // the dense baseline skips nothing; gated rows switch most gates off
    expect(rec.methods.dense.skippableFraction.mean).toBe(0);
    expect(rec.methods.disarm.zeroGateFraction.mean).toBeGreaterThan(0.5);
    for (const f of ["error-vs-sparsity", "validation-error", "training-loss", "gradient-bias", "gradient-bias-z", "gradient-variance"]) for (const ext of ["png", "svg", "csv"]) expect(fs.existsSync(path.join(all, `conditional-computation-${f}.${ext}`)), `${f}.${ext}`).toBe(true);
    expect(fs.existsSync(path.join(all, "conditional-computation-timings.json"))).toBe(true);
  });

  it("the same seed gives a byte-identical record; an interrupted run resumes to the same bytes", async () => {
    const args = ["--quick", "--estimators", "dense,straight-through,disarm,pathwise", "--epochs", "2", "--seed", "resume"];
    const a = tmp();
    expect(run(["reproduce", "conditional-computation", ...args, "--out", a]).code).toBe(0);
    const b = tmp();
    const input = { quick: true, seed: "resume", estimators: ["dense", "straight-through", "disarm", "pathwise"], options: { epochs: 2 } };
    const rep = reproductions["conditional-computation"];
    // 8 tuning runs save once each; the final runs save after epoch 1 and when done: save 11 is
    // straight-through's epoch 1, so the run stops with a trainer state, curves and probes in flight
    await expect(runReproduction(rep, input, { outDir: b, stopAfter: 11 })).rejects.toBeInstanceOf(CheckpointStop);
    const ck = JSON.parse(fs.readFileSync(path.join(b, "conditional-computation-checkpoint.json"), "utf8"));
    expect(ck.units["final/straight-through/seed=0"].done).toBe(false);
    expect(ck.units["final/straight-through/seed=0"].trainer.epochs).toBe(1);
    expect(fs.existsSync(path.join(b, REC))).toBe(false);
    await runReproduction(rep, input, { outDir: b });
    expect(fs.readFileSync(path.join(b, REC), "utf8")).toBe(fs.readFileSync(path.join(a, REC), "utf8"));
    // a checkpoint written under other settings is refused, not mixed in
    const c = run(["reproduce", "conditional-computation", ...args, "--sparsity", "0.3", "--out", b]);
    expect(c.code).toBe(2);
    expect(c.err).toMatch(/checkpoint .*conditional-computation-checkpoint.json: written by conditional-computation with other settings/);
  });

  it("bad inputs: one line on stderr naming the flag, exit code 2, nothing written (not even the folder)", () => {
    const d = path.join(tmp(), "never-created");
    for (const [args, msg] of [
      [["--sparsity", "1.5"], /^stochgrad: error: --sparsity: expected a target fraction of gates on in \[0, 1\], got 1.5\n$/],
      [["--sparsity", "-0.2"], /^stochgrad: error: --sparsity: expected a target fraction of gates on in \[0, 1\], got -0.2\n$/],
      [["--estimators", "dense,gumbel"], /^stochgrad: error: --estimators: unknown method "gumbel" \(known: dense, correlation, .*disarm\)\n$/],
      [["--epochs", "0"], /^stochgrad: error: --epochs: expected an integer in \[1, 1000\], got 0\n$/],
      [["--seeds", "0"], /^stochgrad: error: --seeds: expected an integer in \[1, 100\], got 0\n$/],
      [["--lr", "1"], /^stochgrad: error: reproduce conditional-computation: unknown option --lr/],
    ] as [string[], RegExp][]) {
      const r = run(["reproduce", "conditional-computation", "--quick", ...args, "--out", d]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err).toMatch(msg);
      expect(fs.existsSync(d)).toBe(false);
    }
    const file = path.join(tmp(), "a-file");
    fs.writeFileSync(file, "x");
    const o = run(["reproduce", "conditional-computation", "--quick", "--out", file]);
    expect(o.code).toBe(2);
    expect(o.err).toMatch(/--out .*a-file: output folder is not writable/);
    const none = run(["reproduce"]);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/reproduce: expected a subcommand conditional-computation, rbm-mnist or binary-vae, got nothing/);
  });
});
