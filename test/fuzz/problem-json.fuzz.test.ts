// Property: any JSON value given as a problem is one InputError naming a path, or a problem
// whose parameters are finite and which round-trips through its own JSON; and `stochgrad
// exact|estimate` on it as a file ends in one clear error or a valid record (no null or NaN).
import fc from "fast-check";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { problemFromJSON } from "../../src/problems/json.js";
import { InputError } from "../../src/errors.js";
import { hostileComputableProblem, hostileProblem, validProblem } from "./arbitraries.js";
import { caseDir, classify, FUZZ_SEED, fuzzRoot, jsonText, listFiles, report, runInProcess, runs, Tally } from "./harness.js";

const root = fuzzRoot("problem");
const lib = new Tally("problem JSON (library)");
const cli = new Tally("problem JSON (CLI exact/estimate)");
afterAll(() => {
  report(lib);
  report(cli);
  fs.rmSync(root, { recursive: true, force: true });
});

describe("problem JSON under fuzzing", () => {
  it("problemFromJSON: one InputError naming the input, or a finite problem that round-trips", () => {
    fc.assert(
      fc.property(fc.oneof(hostileProblem, fc.jsonValue({ maxDepth: 4 })), (v) => {
        let p;
        try {
          p = problemFromJSON(v);
        } catch (e) {
          const clear = e instanceof InputError && !e.message.includes("\n") && e.message.length < 2000;
          lib.add(clear ? "error" : "crash", String((e as Error).stack ?? e).slice(0, 300), v);
          return clear;
        }
        const theta = p.initialParams();
        const again = problemFromJSON(JSON.parse(JSON.stringify(p.toJSON())));
        const ok = theta.every(Number.isFinite) && Array.from(again.initialParams()).every((x, k) => x === theta[k]) && again.nUnits === p.nUnits;
        lib.add(ok ? "ok" : "garbage", "non-finite θ or no round trip", v);
        return ok;
      }),
      { numRuns: runs(2000), seed: FUZZ_SEED },
    );
    expect(lib.bad).toBe(0);
  });

  it("exact and estimate on a problem file: one clear error or a valid record", async () => {
    let k = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileComputableProblem, validProblem), fc.constantFrom("exact", "estimate"), async (v, cmd) => {
        const dir = caseDir(root, k++);
        const file = path.join(dir, "p.json");
        fs.writeFileSync(file, jsonText(v));
        const argv = cmd === "exact" ? ["exact", file] : ["estimate", file, "--estimator", "correlation", "--samples", "64"];
        const before = listFiles(dir);
        const r = await runInProcess(argv);
        const { outcome, why } = classify(r, { dir, before });
        cli.add(outcome, why, { argv: argv.slice(0, 1), problem: v });
        fs.rmSync(dir, { recursive: true, force: true });
        return outcome === "ok" || outcome === "error";
      }),
      { numRuns: runs(200), seed: FUZZ_SEED },
    );
    expect(cli.bad).toBe(0);
  });
});
