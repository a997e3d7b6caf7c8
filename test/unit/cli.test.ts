import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

// These tests run the compiled CLI (npm test builds first).
const CLI = path.resolve(__dirname, "../../dist/cli/main.js");

function run(args: string[], cwd = os.tmpdir()) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8", env: { ...process.env, CI: "1" } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "stochgrad-test-"));
}

function write(dir: string, name: string, text: string): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
}

const NET = JSON.stringify({
  kind: "sbn",
  input: [1, 0, 1],
  layers: [
    { weights: [[0.5, -1, 0.3], [1.2, 0.4, -0.7]], bias: [0.1, -0.2] },
    { weights: [[1, -1]], bias: [0.3] },
  ],
  loss: { kind: "squared", target: [1] },
});

describe("stochgrad CLI", () => {
  it("--help works for the tool and every command", () => {
    const top = run(["--help"]);
    expect(top.code).toBe(0);
    for (const cmd of ["verify", "exact", "estimate", "estimators", "render"]) {
      expect(top.out).toContain(cmd);
      const h = run([cmd, "--help"]);
      expect(h.code).toBe(0);
      expect(h.out).toMatch(/^usage: stochgrad/);
    }
  });

  it("every subcommand has its own --help whose usage line lists every one of its flags", async () => {
    const { commands } = await import("../../dist/cli/commands/index.js");
    const { isGroup } = await import("../../dist/cli/types.js");
    for (const entry of Object.values(commands) as import("../../cli/types.js").CommandEntry[]) {
      const cmds = isGroup(entry) ? Object.values(entry.subcommands) : [entry];
      if (isGroup(entry)) {
        const g = run([entry.name, "--help"]);
        expect(g.code).toBe(0);
        for (const sub of Object.keys(entry.subcommands)) expect(g.out).toContain(sub);
      }
      for (const c of cmds) {
        const h = run([...c.name.split(" "), "--help"]);
        expect(h.code).toBe(0);
        const usage = h.out.split("\n")[0];
        expect(usage.startsWith(`usage: stochgrad ${c.name}`)).toBe(true);
        for (const flag of Object.keys(c.flags)) if (flag !== "help") expect(usage).toContain(`--${flag}`);
      }
    }
    expect(run(["rbm", "train", "--help"]).out).toContain("--data");
    expect(run(["rbm", "eval", "--help"]).out).not.toContain("--hidden");
    const none = run(["rbm"]);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/rbm: expected a subcommand train or eval/);
  });

  it("exact prints E[L], the nested gradient and every estimator's exact moments", () => {
    const d = tmp();
    const r = run(["exact", write(d, "net.json", NET)]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.nUnits).toBe(3);
    expect(j.gradient.bias.map((b: number[]) => b.length)).toEqual([2, 1]);
    expect(j.gradient.weights[0][1].length).toBe(3);
    const g = j.gradient.bias[0][0];
    expect(Math.abs(j.estimators.correlation.mean.bias[0][0] - g)).toBeLessThan(1e-14);
    expect(j.estimators["straight-through"].variance.bias[1][0]).toBeGreaterThan(0);
  });

  it("estimate prints the sampled mean, variance and standard error; the same seed repeats exactly", () => {
    const d = tmp();
    const f = write(d, "single.json", JSON.stringify({ kind: "single", logit: 0.3, loss: { kind: "squared", target: 0.45 } }));
    const a = run(["estimate", f, "--estimator", "correlation", "--samples", "5000", "--seed", "7"]);
    const b = run(["estimate", f, "--estimator", "correlation", "--samples", "5000", "--seed", "7"]);
    expect(a.code).toBe(0);
    expect(a.out).toBe(b.out);
    const j = JSON.parse(a.out);
    expect(j.samples).toBe(5000);
    expect(j.standardError.logit).toBeCloseTo(Math.sqrt(j.variance.logit / 5000), 12);
  });

  const badCases: [string, (d: string) => string[], RegExp][] = [
    ["malformed JSON", (d) => ["exact", write(d, "bad.json", '{"kind": "sbn", ')], /bad\.json: malformed JSON/],
    ["a missing file", (d) => ["exact", path.join(d, "nope.json")], /nope\.json: cannot read \(no such file\)/],
    ["an infinite weight", (d) => ["exact", write(d, "inf.json", NET.replace("0.5", "1e999"))], /layers\[0\]\.weights\[0\]\[0\]: expected a finite number, got Infinity/],
    ["a shape mismatch", (d) => ["exact", write(d, "shape.json", NET.replace("[1.2,0.4,-0.7]", "[1.2,0.4]"))], /layers\[0\]\.weights\[1\]: expected 3 entries/],
    ["an unknown estimator", (d) => ["estimate", write(d, "n.json", NET), "--estimator", "magic"], /unknown estimator "magic"/],
    ["an unknown option", () => ["verify", "--fast"], /unknown option --fast/],
    ["an unknown claim", (d) => ["verify", "--only", "T9-nothing", "--out", d], /unknown claim "T9-nothing"/],
  ];
  for (const [name, args, re] of badCases) {
    it(`rejects ${name} with one clear error and exit code 2`, () => {
      const d = tmp();
      const r = run(args(d));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(re);
      expect(r.err.trim().split("\n")).toHaveLength(1);
      expect(r.out).toBe("");
    });
  }

  it("an unwritable --out fails before any work and leaves nothing behind", () => {
    const d = tmp();
    const file = write(d, "not-a-dir", "x");
    const r = run(["verify", "--only", "T1-delayed-reward", "--out", path.join(file, "sub")]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--out .*not-a-dir\/sub: output folder is not writable/);
    expect(fs.readdirSync(d)).toEqual(["not-a-dir"]);
  });

  it("verify: the same seed gives byte-identical claims.json and figure CSV, for 1 or 2 workers", () => {
    const a = tmp();
    const b = tmp();
    const args = ["verify", "--quick", "--only", "T1-delayed-reward,T1-large-perturbation", "--figures", "t1-bias-variance", "--seed", "42"];
    const ra = run([...args, "--out", a, "--workers", "1"]);
    const rb = run([...args, "--out", b, "--workers", "2"]);
    expect(ra.code).toBe(0);
    expect(rb.code).toBe(0);
    expect(ra.out).toMatch(/T1-delayed-reward .* ✓/);
    for (const f of ["claims.json", "report.md", "figures/t1-bias-variance.csv", "figures/t1-bias-variance.json"]) expect(fs.readFileSync(path.join(a, f))).toEqual(fs.readFileSync(path.join(b, f)));
    const c = tmp();
    // a flag may be given once: the run with seed 43 replaces --figures rather than repeating it
    run(["verify", "--quick", "--only", "T1-delayed-reward,T1-large-perturbation", "--figures", "none", "--seed", "43", "--out", c]);
    expect(fs.readFileSync(path.join(a, "claims.json"), "utf8")).not.toEqual(fs.readFileSync(path.join(c, "claims.json"), "utf8"));
    expect(fs.readdirSync(path.join(a, "figures")).some((x) => x.endsWith(".tmp"))).toBe(false);
  });
});
