// `rbm train` checkpoints: --out is rewritten atomically every --checkpoint-every epochs; a run
// killed (SIGKILL) mid-training resumes with `--resume` from its last checkpoint to the same final
// bytes as the run that was never interrupted; a bad --checkpoint-every or a folder as --out is
// refused before training. Runs the compiled CLI.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { etaText } from "../../cli/progress.js";

const CLI = path.resolve(__dirname, "../../dist/cli/main.js");
const env = { ...process.env, CI: "1" };
const run = (args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: os.tmpdir(), encoding: "utf8", env });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "stochgrad-rbm-ckpt-"));
const EPOCHS = 12;
const ARGS = ["rbm", "train", "--hidden", "32", "--train-size", "4000", "--test-size", "100", "--epochs", String(EPOCHS), "--eval", "none", "--momentum", "0.5", "--centering", "--workers", "1"];

describe("rbm train checkpoints", () => {
  it("a run killed mid-training resumes from its last checkpoint to byte-identical final weights and state", async () => {
    const d = tmp();
    const straight = path.join(d, "straight.json");
    expect(run([...ARGS, "--out", straight]).code).toBe(0);
    const killed = path.join(d, "killed.json");
    const child = spawn(process.execPath, [CLI, ...ARGS, "--out", killed], { cwd: os.tmpdir(), env });
    let err = "";
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    child.stderr.on("data", (b: Buffer) => {
      err += b.toString();
      if (/epoch 3:/.test(err)) child.kill("SIGKILL"); // the checkpoint of epoch 3 is on disk before its line is printed
    });
    expect(await exited).toBe("SIGKILL");
    const ck = JSON.parse(fs.readFileSync(killed, "utf8"));
    expect(ck.training.epochs).toBeGreaterThanOrEqual(3);
    expect(ck.training.epochs).toBeLessThan(EPOCHS); // killed mid-training
    expect(ck.training.targetEpochs).toBe(EPOCHS);
    expect(fs.readdirSync(d).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    const r = run(["rbm", "train", "--resume", killed, "--out", killed]); // no --epochs: the rest of the run; no --eval: the run's own
    expect(r.code).toBe(0);
    expect(fs.readFileSync(killed, "utf8")).toBe(fs.readFileSync(straight, "utf8"));
    const done = run(["rbm", "train", "--resume", killed, "--out", killed]);
    expect(done.code).toBe(2);
    expect(done.err).toMatch(/the run is complete \(12 of 12 epochs\); train more with --epochs N/);
  });

  it("--checkpoint-every 0 and a folder as --out are refused before training; the ETA text", () => {
    const d = tmp();
    const a = run(["rbm", "train", "--checkpoint-every", "0", "--out", path.join(d, "m.json")]);
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/^stochgrad: error: --checkpoint-every: expected an integer ≥ 1 \(epochs between checkpoints\), got 0$/m);
    const b = run(["rbm", "train", "--out", d]);
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/--out .*: it is a folder; give a file name such as model.json$/m);
    expect(etaText(10_000, 0.25)).toBe("ETA 30s");
    expect(etaText(60_000, 0.25)).toBe("ETA 3m00s");
    expect(etaText(3_600_000, 0.5)).toBe("ETA 1h00m");
    expect(etaText(1000, 0)).toBe("");
  });
});
