// Property: any JSON value read as a figure record is one InputError naming the field, or a
// record whose every chart builds a Chart.js configuration; and `stochgrad render` on it ends in
// one clear error or files written inside --out only (never a TypeError, never a file outside).
import fc from "fast-check";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { chartCsv, toChartConfig } from "../../analysis/charts.js";
import { figureRecordFromJSON } from "../../analysis/figures/record.js";
import { InputError } from "../../src/errors.js";
import { figureRecord, hostileFigureRecord } from "./arbitraries.js";
import { caseDir, classify, FUZZ_SEED, fuzzRoot, jsonText, listFiles, report, runInProcess, runs, Tally } from "./harness.js";

const root = fuzzRoot("figures");
const lib = new Tally("figure records (library)");
const cli = new Tally("figure records (CLI render)");
afterAll(() => {
  report(lib);
  report(cli);
  fs.rmSync(root, { recursive: true, force: true });
});

describe("figure records under fuzzing", () => {
  it("figureRecordFromJSON: one InputError naming the field, or charts that configure", () => {
    fc.assert(
      fc.property(fc.oneof(hostileFigureRecord, fc.jsonValue({ maxDepth: 3 })), (v) => {
        let rec;
        try {
          rec = figureRecordFromJSON(v);
        } catch (e) {
          const clear = e instanceof InputError && !e.message.includes("\n");
          lib.add(clear ? "error" : "crash", String((e as Error).stack ?? e).slice(0, 300), v);
          return clear;
        }
        try {
          for (const c of rec.charts) {
            toChartConfig(c.spec);
            chartCsv(c.spec);
          }
        } catch (e) {
          lib.add("crash", String((e as Error).stack).slice(0, 300), v);
          return false;
        }
        lib.add("ok", "", v);
        return true;
      }),
      { numRuns: runs(1000), seed: FUZZ_SEED },
    );
    expect(lib.bad).toBe(0);
  });

  it("render: one clear error, or files inside --out only", async () => {
    let k = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof({ arbitrary: hostileFigureRecord, weight: 3 }, { arbitrary: figureRecord, weight: 1 }), async (v) => {
        const dir = caseDir(root, k++);
        fs.writeFileSync(path.join(dir, "record.json"), jsonText(v));
        const before = listFiles(dir);
        const r = await runInProcess(["render", path.join(dir, "record.json"), "--out", path.join(dir, "out", "charts")]);
        const { outcome, why } = classify(r, { dir, before });
        // nothing may appear outside out/charts: only the record and out/charts/* are allowed
        const outside = listFiles(dir).filter((f) => f !== "record.json" && f !== "out/" && !f.startsWith("out/charts"));
        const result = outside.length ? { outcome: "garbage" as const, why: `written outside --out: ${outside.join(", ")}` } : { outcome, why };
        cli.add(result.outcome, result.why, v);
        fs.rmSync(dir, { recursive: true, force: true });
        return result.outcome === "ok" || result.outcome === "error";
      }),
      { numRuns: runs(40), seed: FUZZ_SEED },
    );
    expect(cli.bad).toBe(0);
  });
});
