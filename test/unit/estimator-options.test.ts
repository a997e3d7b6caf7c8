// Estimator options are checked once, in create: unknown names (with a suggestion), options for
// an estimator that takes none, values outside each option's declared domain; and the CLI
// echoes the options each estimator ran with.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { describeDomain, inDomain, resolveOptions } from "../../src/estimators/options.js";
import { estimators } from "../../src/estimators/registry.js";
import type { EstimatorSpec } from "../../src/estimators/types.js";
import { InputError } from "../../src/errors.js";
import { problemFromJSON } from "../../src/problems/json.js";
import { sampleMoments } from "../../src/estimators/sample.js";
import { Stream } from "../../src/random/stream.js";
import { runInProcess } from "../fuzz/harness.js";

const specs = Object.values(estimators) as EstimatorSpec[];
const single = problemFromJSON({ kind: "single", logit: 0.3, loss: { kind: "squared", target: 0.45 } });
const noisy = problemFromJSON({ kind: "noisy-single", unit: { type: "noisy-rectifier", s: 0.5 }, a: 0.3, loss: { kind: "squared", target: 0.45 } });
const problemFor = (s: EstimatorSpec) => [single, noisy].find((p) => !s.applicable(p))!;

describe("estimator options", () => {
  it("every registered estimator declares a domain for each of its options, and its defaults lie in them", () => {
    for (const s of specs) {
      for (const [name, v] of Object.entries(s.defaults)) {
        expect(s.domains?.[name], `${s.id} option ${name} has no domain`).toBeDefined();
        expect(inDomain(v, s.domains![name]), `${s.id} default ${name} = ${v} outside ${describeDomain(s.domains![name])}`).toBe(true);
      }
      expect(resolveOptions(s, undefined)).toEqual(s.defaults);
    }
  });

  it("an unknown name is refused with the closest known one; an estimator without options says so", () => {
    expect(() => estimators["correlation-constant"].create(single, single.initialParams(), { baselin: 0.3 })).toThrow(/correlation-constant: unknown option "baselin" \(did you mean baseline\?\); its options are baseline/);
    expect(() => estimators.arm.create(single, single.initialParams(), { K: 4 })).toThrow(/arm takes no options, got "K"/);
    expect(() => estimators.correlation.create(single, single.initialParams(), { baseline: 0.3 })).toThrow(InputError);
    // a name far from every known one gets no suggestion
    expect(() => estimators.rloo.create(single, single.initialParams(), { temperature: 1 })).toThrow(/rloo: unknown option "temperature"; its options are K$/);
  });

  it("correlation-ma with decay = 2 is refused (it gave NaN), and decay in [0, 1] runs", () => {
    expect(() => estimators["correlation-ma"].create(single, single.initialParams(), { decay: 2 })).toThrow(/correlation-ma option decay: expected a number in \[0, 1\]/);
    const inst = estimators["correlation-ma"].create(single, single.initialParams(), { decay: 1 });
    const m = sampleMoments(inst, single.initialParams(), 1000, Stream.fromSeed("decay"));
    expect(Array.from(m.mean).every(Number.isFinite)).toBe(true);
  });

  it("every bounded option just outside its domain, and NaN or ∞ for every option, is one InputError naming estimator and option", () => {
    let checked = 0;
    for (const s of specs) {
      const p = problemFor(s);
      for (const [name, d] of Object.entries(s.domains ?? {})) {
        if (!Object.prototype.hasOwnProperty.call(s.defaults, name)) continue;
        const outside = [Number.NaN, Infinity, ...(d.values ? [Math.max(...d.values) + 1] : []), ...(d.min !== undefined ? [d.minOpen ? d.min : d.min - 1e-9] : []), ...(d.max !== undefined ? [d.maxOpen ? d.max : d.max + 1e-9] : []), ...(d.integer ? [(d.min ?? 0) + 1.5] : [])];
        for (const v of outside) {
          expect(() => s.create(p, p.initialParams(), { [name]: v }), `${s.id} ${name}=${v}`).toThrow(new RegExp(`^${s.id} option ${name}: expected`));
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(60);
  });

  it("exact, estimate and compare records echo the options each estimator ran with", async () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), "stochgrad-options-"));
    const f = path.join(d, "p.json");
    fs.writeFileSync(f, JSON.stringify({ kind: "single", logit: 0.3, loss: { kind: "squared", target: 0.45 } }));
    const est = await runInProcess(["estimate", f, "--estimator", "correlation-ma", "--option", "decay=0.5", "--samples", "100"]);
    expect(JSON.parse(est.out).options).toEqual({ decay: 0.5, initial: 0 });
    const ex = await runInProcess(["exact", f, "--estimators", "correlation-constant,rloo,arm", "--option", "baseline=0.2,K=3"]);
    const j = JSON.parse(ex.out);
    expect(j.estimators["correlation-constant"].options).toEqual({ baseline: 0.2 });
    expect(j.estimators.rloo.options).toEqual({ K: 3 });
    expect(j.estimators.arm.options).toEqual({});
    const cmp = await runInProcess(["compare", f, "--estimators", "rloo,arm", "--option", "K=4", "--samples", "50", "--out", path.join(d, "out")]);
    expect(cmp.code).toBe(0);
    const rec = JSON.parse(fs.readFileSync(path.join(d, "out", "comparison.json"), "utf8"));
    expect(rec.estimators.map((e: { options: unknown }) => e.options)).toEqual([{ K: 4 }, {}]);
    fs.rmSync(d, { recursive: true, force: true });
  });
});
