// The scripts under examples/ run as written: the local GNU parallel / xargs -P script, the Slurm
// array task (with the variables Slurm sets) and the Kubernetes Indexed Job's shard command (with
// JOB_COMPLETION_INDEX), each followed by a merge that must equal the unsharded run byte for byte.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");
const CLI = path.join(ROOT, "dist/cli/main.js");
const STOCHGRAD = `${process.execPath} ${CLI}`;
const VERIFY = ["verify", "--quick", "--only", "ST-bias,DisARM-variance,T1-optimal-baseline", "--figures", "none", "--workers", "1"];

function sh(script: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  // run as written: through the script's own #! line
  return spawnSync(script, args, { cwd, encoding: "utf8", env: { ...process.env, CI: "1", STOCHGRAD, ...env } });
}

function unsharded(dir: string, args: string[], out: string): void {
  const r = spawnSync(process.execPath, [CLI, ...args, "--out", out], { cwd: dir, encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
}

function same(a: string, b: string, files: string[]): void {
  for (const f of files) expect(fs.readFileSync(path.join(b, f)).equals(fs.readFileSync(path.join(a, f))), f).toBe(true);
}

describe("examples/", () => {
  it("shard-local.sh: the xargs -P line (and the GNU parallel line where parallel is installed) then merge", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sg-examples-"));
    unsharded(dir, VERIFY, "full");
    const hasParallel = spawnSync("sh", ["-c", "command -v parallel"]).status === 0;
    for (const [out, env] of [["via-xargs", { NO_GNU_PARALLEL: "1" }], ...(hasParallel ? [["via-parallel", {}] as const] : [])] as const) {
      const r = sh(path.join(ROOT, "examples/shard-local.sh"), ["3", out, ...VERIFY], dir, env);
      expect(r.status, r.stderr).toBe(0);
      expect(fs.readdirSync(path.join(dir, `${out}.parts`)).sort()).toEqual(["verify-part-1-of-3.json", "verify-part-2-of-3.json", "verify-part-3-of-3.json"]);
      same(path.join(dir, "full"), path.join(dir, out), ["claims.json", "report.md"]);
    }
  });

  it("slurm/verify-array.sh as array tasks 1..N, and the Kubernetes Indexed Job's command with JOB_COMPLETION_INDEX 0..N−1", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sg-examples-"));
    // both scripts run the whole claim set; the test narrows it with the same selection by wrapping the CLI
    const wrapper = path.join(dir, "stochgrad-narrow.sh");
    fs.writeFileSync(wrapper, `#!/bin/sh\nexec ${STOCHGRAD} "$@" --quick --only ST-bias,DisARM-variance --figures none\n`);
    fs.chmodSync(wrapper, 0o755);
    unsharded(dir, ["verify", "--seed", "stochgrad", "--workers", "1", "--quick", "--only", "ST-bias,DisARM-variance", "--figures", "none"], "full");
    for (let k = 1; k <= 2; k++) {
      const r = sh(path.join(ROOT, "examples/slurm/verify-array.sh"), [], dir, { STOCHGRAD: wrapper, SLURM_ARRAY_TASK_ID: String(k), SLURM_ARRAY_TASK_COUNT: "2", PARTS: path.join(dir, "slurm-parts") });
      expect(r.status, r.stderr).toBe(0);
    }
    const yaml = fs.readFileSync(path.join(ROOT, "examples/kubernetes/verify-indexed-job.yaml"), "utf8");
    const line = /^\s*- (npx stochgrad verify .*)$/m.exec(yaml)![1];
    for (let i = 0; i < 2; i++) {
      const r = spawnSync("sh", ["-c", line.replace("npx stochgrad", wrapper).replace("/parts", path.join(dir, "k8s-parts"))], { cwd: dir, encoding: "utf8", env: { ...process.env, JOB_COMPLETION_INDEX: String(i), SHARDS: "2" } });
      expect(r.status, r.stderr).toBe(0);
    }
    for (const parts of ["slurm-parts", "k8s-parts"]) {
      expect(fs.readdirSync(path.join(dir, parts)).sort()).toEqual(["verify-part-1-of-2.json", "verify-part-2-of-2.json"]);
      const m = spawnSync(process.execPath, [CLI, "merge", path.join(parts, "verify-part-1-of-2.json"), path.join(parts, "verify-part-2-of-2.json"), "--out", `${parts}-out`], { cwd: dir, encoding: "utf8" });
      expect(m.status, m.stderr).toBe(0);
      same(path.join(dir, "full"), path.join(dir, `${parts}-out`), ["claims.json", "report.md"]);
    }
  });

  it("slurm/exact-array.sh: an enumeration beyond the limit as array tasks 1..N (the limit lowered for the test), merged", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sg-examples-"));
    const layer = (o: number, i: number, k: number) => ({ weights: Array.from({ length: o }, (_, a) => Array.from({ length: i }, (_, b) => Math.sin(7 * a + 3 * b + k) * 0.8)), bias: Array.from({ length: o }, (_, a) => Math.cos(a + k) * 0.3) });
    fs.writeFileSync(path.join(dir, "net18.json"), JSON.stringify({ kind: "sbn", input: [1, 0, 1], layers: [layer(9, 3, 1), layer(9, 9, 2)], loss: { kind: "squared", target: new Array(9).fill(1) } }));
    const env = { STOCHGRAD_TEST_ENUMERATION_LIMIT: "16", PROBLEM: "net18.json", MAX_UNITS: "18", SLURM_ARRAY_TASK_COUNT: "2", PARTS: path.join(dir, "parts") };
    const whole = spawnSync(process.execPath, [CLI, "exact", "net18.json", "--max-units", "18", "--estimators", "correlation,straight-through"], { cwd: dir, encoding: "utf8", env: { ...process.env, ...env } });
    expect(whole.status, whole.stderr).toBe(0);
    for (let k = 1; k <= 2; k++) {
      const r = sh(path.join(ROOT, "examples/slurm/exact-array.sh"), [], dir, { ...env, SLURM_ARRAY_TASK_ID: String(k) });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(new RegExp(`^exact: 2\\^18 = 262144 configurations in all, 131072 in shard ${k}/2`, "m"));
    }
    const m = spawnSync(process.execPath, [CLI, "merge", "parts/exact-part-1-of-2.json", "parts/exact-part-2-of-2.json", "--out", "out"], { cwd: dir, encoding: "utf8" });
    expect(m.status, m.stderr).toBe(0);
    expect(fs.readFileSync(path.join(dir, "out/exact.json"), "utf8")).toBe(whole.stdout);
  });
});
