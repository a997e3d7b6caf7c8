// `stochgrad render` rebuilds every record the CLI writes with charts or reports, byte for byte,
// without recomputing; a malformed record is one error naming the field; the chart renderer is
// exported (stochgrad/charts) for a user's own records.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { chartSpecFromJSON, prepareRender, RECORD_KINDS, renderChart } from "../../analysis/render-api.js";
import { InputError } from "../../src/errors.js";

const ROOT = path.resolve(__dirname, "../..");
const CLI = path.join(ROOT, "dist/cli/main.js");

function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env: { ...process.env, CI: "1" } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "stochgrad-render-"));

/** Every file under `dir` (relative paths), sorted. */
function tree(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

const NET = { kind: "sbn", input: [1, 0, 1], layers: [{ weights: [[0.5, -1, 0.3], [1.2, 0.4, -0.7]], bias: [0.1, -0.2] }, { weights: [[1, -1]], bias: [0.3] }], loss: { kind: "squared", target: [1] } };

describe("render rebuilds the CLI's records", () => {
  it("comparison.json: its charts, byte-identical to the ones compare wrote", () => {
    const d = tmp();
    fs.writeFileSync(path.join(d, "net.json"), JSON.stringify(NET));
    const a = path.join(d, "a");
    expect(run(["compare", path.join(d, "net.json"), "--estimators", "correlation,arm,straight-through", "--samples", "500", "--out", a]).code).toBe(0);
    const b = path.join(d, "b");
    const r = run(["render", path.join(a, "comparison.json"), "--out", b]);
    expect(r.code, r.err).toBe(0);
    const charts = tree(a).filter((f) => f !== "comparison.json");
    expect(charts).toEqual(["comparison-bias.csv", "comparison-bias.png", "comparison-bias.svg", "comparison-variance.csv", "comparison-variance.png", "comparison-variance.svg"]);
    expect(tree(b)).toEqual(charts);
    for (const f of charts) expect(fs.readFileSync(path.join(b, f)), f).toEqual(fs.readFileSync(path.join(a, f)));
  });

  it("claims.json: report.md, report.html and the figures beside it, byte-identical to verify's", () => {
    const d = tmp();
    const a = path.join(d, "a");
    const v = run(["verify", "--quick", "--only", "T1-delayed-reward,BM-B4", "--figures", "t1-baseline-variance,bm-b4-convergence", "--workers", "1", "--out", a]);
    expect(v.code, v.err).toBe(0);
    const b = path.join(d, "b");
    const r = run(["render", path.join(a, "claims.json"), "--out", b]);
    expect(r.code, r.err).toBe(0);
    expect(tree(b)).toEqual(tree(a).filter((f) => f !== "claims.json"));
    for (const f of tree(b)) expect(fs.readFileSync(path.join(b, f)), f).toEqual(fs.readFileSync(path.join(a, f)));
    // every claim names the problems it ran on, with their parameters
    const rec = JSON.parse(fs.readFileSync(path.join(a, "claims.json"), "utf8")) as { claims: { id: string; problems: Record<string, { kind?: string }> }[] };
    const bm = rec.claims.find((c) => c.id === "BM-B4")!;
    expect(bm.problems["RBM 3×2"]).toMatchObject({ kind: "stochgrad.rbm", nVisible: 3, nHidden: 2 });
    expect(rec.claims.find((c) => c.id === "T1-delayed-reward")!.problems["corridor T=6"]).toMatchObject({ kind: "delayed", steps: 6 });
  });

  it("a reproduction record: its charts and table (wall times from the timings beside it), byte-identical", () => {
    const d = tmp();
    const a = path.join(d, "a");
    const v = run(["reproduce", "conditional-computation", "--quick", "--out", a]);
    expect(v.code, v.err).toBe(0);
    const b = path.join(d, "b");
    // the timings file travels with the record (the table's wall-time column reads it)
    fs.mkdirSync(b);
    for (const f of ["conditional-computation.json", "conditional-computation-timings.json"]) fs.copyFileSync(path.join(a, f), path.join(b, f));
    const r = run(["render", path.join(b, "conditional-computation.json")]);
    expect(r.code, r.err).toBe(0);
    const rebuilt = tree(a).filter((f) => !/(\.json)$/.test(f));
    expect(rebuilt.length).toBe(19); // 6 charts × (png, svg, csv) + the table
    for (const f of rebuilt) expect(fs.readFileSync(path.join(b, f)), f).toEqual(fs.readFileSync(path.join(a, f)));
    // a record whose seeds disagree on the number of epochs is refused by name
    const rec = JSON.parse(fs.readFileSync(path.join(a, "conditional-computation.json"), "utf8"));
    const id = Object.keys(rec.methods)[0];
    const s0 = rec.methods[id].seeds[0];
    rec.methods[id].seeds.push({ ...s0, curve: [...s0.curve, s0.curve[0]] });
    const bad = path.join(d, "bad.json");
    fs.writeFileSync(bad, JSON.stringify(rec));
    const e = run(["render", bad, "--out", path.join(d, "c")]);
    expect(e.code).toBe(2);
    expect(e.err).toMatch(new RegExp(`reproduction record .*bad\\.json: record\\.methods\\.${id}\\.seeds\\[1\\]\\.curve: \\d+ epochs, but seed 0 has \\d+`));
    expect(fs.existsSync(path.join(d, "c"))).toBe(false);
  });

  it("a malformed comparison or claims record is one error naming the field; nothing is written", () => {
    const d = tmp();
    const bad = (name: string, rec: unknown, re: RegExp) => {
      const f = path.join(d, name);
      fs.writeFileSync(f, JSON.stringify(rec));
      const r = run(["render", f, "--out", path.join(d, `out-${name}`)]);
      expect(r.code, r.err).toBe(2);
      expect(r.err).toMatch(re);
      expect(r.err.trim().split("\n")).toHaveLength(1);
      expect(fs.existsSync(path.join(d, `out-${name}`))).toBe(false);
    };
    const est = { id: "correlation", title: "t", unbiasedByTheory: true, method: "exact", lossEvaluations: 1, mean: [0.1], variance: [1], totalVariance: 1, varianceTimesCost: 1, options: {} };
    const cmp = { kind: "stochgrad.comparison", problem: { kind: "single" }, options: {}, seed: "1", exactRequested: true, samples: 10, alpha: 1e-6, estimators: [est] };
    bad("c1.json", { ...cmp, estimators: [{ ...est, totalVariance: "1" }] }, /comparison record .*c1\.json: record\.estimators\[0\]\.totalVariance: expected a finite number/);
    bad("c2.json", { ...cmp, estimators: [{ ...est, variance: [1, 2] }] }, /record\.estimators\[0\]\.variance: expected 1 entry/);
    bad("c3.json", { ...cmp, extra: 1 }, /record: unknown key "extra"/);
    bad("k.json", { kind: "stochgrad.model" }, /record\.kind: expected one of "stochgrad\.figure", "stochgrad\.comparison", "stochgrad\.reproduction", "stochgrad\.claims".*got "stochgrad\.model"/);
    bad("s.json", { kind: "stochgrad.spsa-optimize" }, /nothing to render: spsa optimize writes its chart's record beside it as spsa-optimize-figure\.json/);
    bad("q.json", { kind: "stochgrad.claims", seed: "s", quick: true, alpha: 1e-6, versions: { stochgrad: "0", node: "20" }, summary: { claims: 1, passed: 1, failed: 0 }, claims: [{ id: "X", statement: "s", source: "s", control: "c", alpha: 1e-6, problems: {}, reference: "r", checks: [{ description: "d", measured: 1, tolerance: 2, pass: true, kind: "exact", quantity: "furlongs" }], controls: [], data: {}, checksPass: true, controlsRejected: false, verdict: "fail" }] }, /record\.claims\[0\]\.checks\[0\]\.quantity: expected "relative-error" \|/);
  });

  it("the library's renderer draws a user's own chart spec (stochgrad/charts), checked like a record's", () => {
    const d = tmp();
    const spec = chartSpecFromJSON({ title: "MSE against N", x: { label: "samples N", log: true }, y: { label: "MSE (gradient units²)", log: true }, series: [{ label: "mine", points: [[10, 1], [100, 0.1], [1000, 0.01]] }] });
    const files = renderChart(spec, path.join(d, "mse"));
    expect(files).toEqual({ png: "mse.png", svg: "mse.svg", csv: "mse.csv" });
    expect(fs.readFileSync(path.join(d, "mse.csv"), "utf8")).toBe("series,x,y,lower,upper\nmine,10,1,,\nmine,100,0.1,,\nmine,1000,0.01,,\n");
    expect(fs.readFileSync(path.join(d, "mse.png")).subarray(1, 4).toString()).toBe("PNG");
    expect(() => chartSpecFromJSON({ title: "t", x: { label: "x" }, y: { label: "y" }, series: [{ label: "s", points: [[1, "2"]] }] })).toThrow(/series\[0\]\.points\[0\]\[1\]: expected a finite number/);
    // a user's own record kind goes through the same entry point with an extended table
    const mine = { ...RECORD_KINDS, "lab.curve": { what: "lab curve", prepare: (json: unknown) => (dir: string) => Object.values(renderChart(chartSpecFromJSON((json as { spec: unknown }).spec), path.join(dir, "curve"))).map((f) => path.join(dir, f)) } };
    const work = prepareRender({ kind: "lab.curve", spec }, "curve.json", mine);
    expect(work(d).map((f) => path.basename(f))).toEqual(["curve.png", "curve.svg", "curve.csv"]);
    expect(() => prepareRender({ kind: "lab.curve" }, "x.json")).toThrow(InputError);
  });
});
