// `stochgrad reproduce binary-vae --quick`: the record, table and figures of the nine estimators,
// a byte-identical record for the same seed (also after resuming from a run with fewer methods),
// and one clear error per bad input.
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
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "stochgrad-vae-"));
const REC = "binary-vae.json";
const NINE = ["reinforce-ma", "rloo", "arm", "disarm", "muprop", "nvil", "relax", "straight-through", "gumbel-softmax"];

describe("stochgrad reproduce binary-vae", () => {
  it("--quick trains the nine estimators and writes the record, the table and the two figures", () => {
    const dir = tmp();
    const r = run(["reproduce", "binary-vae", "--quick", "--out", dir]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^\| estimator \| steps \| train ELBO \|/m);
    const rec = JSON.parse(fs.readFileSync(path.join(dir, REC), "utf8"));
    expect(rec.kind).toBe("stochgrad.reproduction");
    // records hold no null (an absent value is an absent key)
    const nulls: string[] = [];
    const walk = (v: unknown, at: string): void => {
      if (v === null) nulls.push(at);
      else if (typeof v === "object") for (const [k, x] of Object.entries(v as object)) walk(x, `${at}.${k}`);
    };
    walk(rec, "$");
    expect(nulls).toEqual([]);
    expect(Object.keys(rec.methods)).toEqual(NINE);
    const points = rec.settings.training.steps / rec.settings.training.evalEvery + 1;
    for (const [id, m] of Object.entries<Record<string, unknown> & { seeds: { curve: Record<string, number | null>[]; testBound: number }[] }>(rec.methods)) {
      const c = m.seeds[0].curve;
      expect(c.length, id).toBe(points);
      for (const p of c) {
        // an ELBO is a log-probability: negative, and no better than the best binary image model
        expect(p.trainElbo, id).toBeLessThan(0);
        expect(p.gradientVariance, id).toBeGreaterThan(0);
        expect(Number.isFinite(p.gradientVariance), id).toBe(true);
      }
      expect(m.seeds[0].testBound, id).toBeLessThan(0);
      expect(Number.isFinite(m.meanLog10Variance as number), id).toBe(true);
    }
    // the ratio column is relative to DisARM (0 on its own row); REINFORCE with a scalar baseline is far noisier
    expect(rec.methods.disarm.meanLog10VarianceRatioToDisarm).toBe(0);
    expect(rec.methods["reinforce-ma"].meanLog10VarianceRatioToDisarm).toBeGreaterThan(1);
    for (const f of ["elbo", "gradient-variance"]) for (const ext of ["png", "svg", "csv"]) expect(fs.existsSync(path.join(dir, `binary-vae-${f}.${ext}`)), `${f}.${ext}`).toBe(true);
  });

  it("the same seed gives a byte-identical record, also when resumed from an interrupted run and from a run with fewer methods", async () => {
    const methods = ["disarm", "relax"];
    const a = tmp();
    expect(run(["reproduce", "binary-vae", "--quick", "--estimators", methods.join(","), "--seed", "r", "--out", a]).code).toBe(0);
    const b = tmp();
    const rep = reproductions["binary-vae"];
    // a DisARM-only run finishes; the two-method run resumes from it, and is stopped at its first save (relax after step 10)
    await expect(runReproduction(rep, { quick: true, seed: "r", estimators: ["disarm"], options: {} }, { outDir: b })).resolves.toBeTruthy();
    await expect(runReproduction(rep, { quick: true, seed: "r", estimators: methods, options: {} }, { outDir: b, stopAfter: 1 })).rejects.toBeInstanceOf(CheckpointStop);
    const ck = JSON.parse(fs.readFileSync(path.join(b, "binary-vae-checkpoint.json"), "utf8"));
    expect(ck.units["run/disarm/seed/0"].done).toBe(true);
    expect(ck.units["run/relax/seed/0"].done).toBe(false);
    expect(ck.units["run/relax/seed/0"].trainer.steps).toBe(10);
    await runReproduction(rep, { quick: true, seed: "r", estimators: methods, options: {} }, { outDir: b });
    expect(fs.readFileSync(path.join(b, REC), "utf8")).toBe(fs.readFileSync(path.join(a, REC), "utf8"));
    // a run split across processes: relax alone in one folder, then --merge with the DisARM-only folder's work
    const c = tmp();
    expect(run(["reproduce", "binary-vae", "--quick", "--estimators", "relax", "--seed", "r", "--out", c]).code).toBe(0);
    const d = tmp();
    await runReproduction(rep, { quick: true, seed: "r", estimators: ["disarm"], options: {} }, { outDir: d });
    const m = tmp();
    const merged = run(["reproduce", "binary-vae", "--quick", "--estimators", methods.join(","), "--seed", "r", "--merge", `${c},${d}`, "--out", m]);
    expect(merged.code, merged.err).toBe(0);
    expect(fs.readFileSync(path.join(m, REC), "utf8")).toBe(fs.readFileSync(path.join(a, REC), "utf8"));
    // a folder written under other settings is refused
    const other = run(["reproduce", "binary-vae", "--quick", "--estimators", methods.join(","), "--seed", "other", "--merge", c, "--out", tmp()]);
    expect(other.code).toBe(2);
    expect(other.err).toMatch(/checkpoint .*binary-vae-checkpoint.json: written by binary-vae with other settings/);
  });

  it("bad inputs: one line on stderr naming the flag, exit code 2, nothing written", () => {
    const d = path.join(tmp(), "never-created");
    for (const [args, msg] of [
      [["--steps", "15"], /^stochgrad: error: --steps: expected a positive multiple of the evaluation interval \(10 steps\), got 15\n$/],
      [["--steps", "1000000000"], /^stochgrad: error: 1000000000 steps × 1 seed × 9 estimators: training and evaluation would take about .* days; the limit is 24 hours per run/],
      [["--eval-every", "5"], /^stochgrad: error: --eval-every: expected a whole number of epochs of 10 steps \(10, 20, …\), got 5\n$/],
      [["--eval-every", "30"], /^stochgrad: error: --steps: 20 steps are not a whole number of evaluation intervals of 30; give --steps too\n$/],
      [["--probe-draws", "1"], /^stochgrad: error: --probe-draws: expected an integer in \[2, 100000\], got 1\n$/],
      [["--estimators", "disarm,rebar"], /^stochgrad: error: --estimators: unknown method "rebar" \(known: reinforce-ma, .*gumbel-softmax\)\n$/],
      [["--seeds", "0"], /^stochgrad: error: --seeds: expected an integer in \[1, 100\], got 0\n$/],
      [["--merge", "/nonexistent-run"], /^stochgrad: error: --merge: no checkpoint \/nonexistent-run\/binary-vae-checkpoint.json\n$/],
    ] as [string[], RegExp][]) {
      const r = run(["reproduce", "binary-vae", "--quick", ...args, "--out", d]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err).toMatch(msg);
      expect(fs.existsSync(d)).toBe(false);
    }
  });
});
