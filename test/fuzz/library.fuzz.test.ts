// Property of the library entry points: every call with hostile arguments is one InputError (a
// message on one line), or a valid result — an estimator instance whose estimate is finite, a
// model, a data set, parsed arguments — never another exception and never NaN.
import fc from "fast-check";
import fs from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { modelFromJSON } from "../../analysis/rbm-model.js";
import { parseArgs } from "../../cli/args.js";
import { Rbm } from "../../src/boltzmann/rbm.js";
import { validateTrainOptions, type RbmTrainOptions } from "../../src/boltzmann/trainer.js";
import { loadDataSet } from "../../src/data/datasets.js";
import { InputError } from "../../src/errors.js";
import { estimators } from "../../src/estimators/registry.js";
import type { EstimatorSpec } from "../../src/estimators/types.js";
import { problemFromJSON } from "../../src/problems/json.js";
import { Stream } from "../../src/random/stream.js";
import { hostileValue, mutate, mutation } from "./arbitraries.js";
import { FUZZ_SEED, report, runs, Tally } from "./harness.js";

const tally = new Tally("library entry points");
afterAll(() => report(tally));

/** f() must return (then `check` its result) or throw one InputError on one line. */
function clear<T>(f: () => T, check: (r: T) => boolean, input: unknown): boolean {
  let r: T;
  try {
    r = f();
  } catch (e) {
    const ok = e instanceof InputError && !e.message.includes("\n");
    tally.add(ok ? "error" : "crash", String((e as Error).stack ?? e).slice(0, 300), input);
    return ok;
  }
  const ok = check(r);
  tally.add(ok ? "ok" : "garbage", "the result failed its check (NaN, or not what was asked)", input);
  return ok;
}

const PROBLEMS = [
  problemFromJSON({ kind: "single", logit: 0.3, loss: { kind: "squared", target: 0.45 } }),
  problemFromJSON({ kind: "sbn", input: [1, 0], layers: [{ weights: [[0.5, -1], [1.2, 0.4]], bias: [0.1, -0.2] }, { weights: [[1, -1]], bias: [0.3] }], loss: { kind: "table", table: [0.2, 1] } }),
  problemFromJSON({ kind: "noisy-single", unit: { type: "noisy-rectifier", s: 0.5 }, a: 0.3, loss: { kind: "squared", target: 0.45 } }),
];
const specs = Object.values(estimators) as EstimatorSpec[];

/** Option values: in and around every domain, plus non-numbers. */
const optionValue = fc.oneof(
  fc.constantFrom<unknown>(0, 1, 2, -1, 0.5, 0.999, 1.5, 1e9, 4096, 4097, 15, 16, 1e-300, Number.NaN, Infinity, -0),
  fc.double({ noNaN: false }),
  hostileValue,
);

const MODEL = JSON.parse(fs.readFileSync(new URL("./corpus/resume-valid.json", import.meta.url), "utf8")).files["m.json"];

describe("library entry points under fuzzing", () => {
  it("estimator create(problem, θ, options) and one estimate: InputError or a finite estimate", () => {
    fc.assert(
      fc.property(
        fc.nat({ max: specs.length - 1 }),
        fc.nat({ max: PROBLEMS.length - 1 }),
        fc.array(fc.tuple(fc.oneof(fc.constantFrom("K", "decay", "baseline", "temperature", "c", "perturbations", "crn", "batch", "features", "eta", "tune", "hidden", "lr", "seed", "warmup", "baselineDecay", "normalise", "inputBaseline", "initial", "beta", "fitShift"), fc.string({ maxLength: 6 })), optionValue), { maxLength: 3 }),
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 64, maxLength: 64 }),
        (si, pi, opts, u) => {
          const spec = specs[si];
          const problem = PROBLEMS[pi];
          if (spec.applicable(problem)) return true;
          const options = Object.fromEntries(opts) as Record<string, number>;
          const theta = problem.initialParams();
          return clear(
            () => {
              const inst = spec.create(problem, theta, options);
              const noise = new Float64Array(inst.noiseSize);
              for (let k = 0; k < noise.length; k++) noise[k] = u[k % u.length];
              const out = new Float64Array(problem.nParams);
              inst.estimate(theta, noise, out);
              return out;
            },
            (out) => out.every(Number.isFinite),
            { estimator: spec.id, problem: problem.kind, options },
          );
        },
      ),
      { numRuns: runs(1000), seed: FUZZ_SEED },
    );
    expect(tally.bad).toBe(0);
  });

  it("model files, trainer options, data sets, stream snapshots and argument parsing: InputError or a valid value", () => {
    const flags = { samples: { type: "int" as const, description: "" }, alpha: { type: "number" as const, description: "" }, out: { type: "string" as const, description: "" }, exact: { type: "boolean" as const, description: "" } };
    fc.assert(
      fc.property(
        fc.array(mutation, { maxLength: 3 }),
        fc.record({ method: fc.oneof(fc.constantFrom("cd", "pcd", "exact"), hostileValue), k: optionValue, chains: optionValue, learningRate: optionValue, momentum: optionValue, weightDecay: optionValue, batchSize: optionValue, meanFieldHidden: fc.oneof(fc.boolean(), hostileValue) }),
        fc.record({ name: fc.constantFrom("bars-and-stripes-3", "bars-and-stripes-4", "cifar"), binarize: fc.option(fc.constantFrom("threshold", "stochastic", "soft")), trainSize: fc.option(fc.constantFrom(14, 30, 1, 0)), testSize: fc.option(fc.constantFrom(14, 30, -1)) }),
        fc.array(fc.oneof(fc.constantFrom("--samples", "--alpha", "--out", "--exact", "--exact=1", "--nope", "--samples=", "x"), fc.string({ maxLength: 8 }), fc.constantFrom("1", "1e20", "0.5", "NaN", "")), { maxLength: 6 }),
        (ms, topts, ds, argv) => {
          const model = mutate(MODEL, ms);
          const a = clear(() => modelFromJSON(model), (m) => m.rbm.W.every(Number.isFinite) && m.rbm.nVisible === (model as { nVisible: number }).nVisible, { model: "mutated", ms });
          const b = clear(() => Rbm.fromJSON(model), (r) => r.W.every(Number.isFinite), { rbm: "mutated", ms });
          const c = clear(() => validateTrainOptions(topts as unknown as RbmTrainOptions), (o) => o === (topts as unknown), topts);
          const d = clear(() => loadDataSet(ds.name, { binarize: ds.binarize ?? undefined, trainSize: ds.trainSize ?? undefined, testSize: ds.testSize ?? undefined }), (set) => set.train.every((x) => x === 0 || x === 1), ds);
          const snap = mutate(Stream.fromSeed("s").toJSON(), ms);
          const e = clear(() => Stream.fromJSON(snap as never).uniform(), (x) => x >= 0 && x < 1, { stream: "mutated", ms });
          const f = clear(() => parseArgs(argv, flags, "test"), (p) => Object.values(p.flags).every((v) => typeof v !== "number" || Number.isFinite(v)), argv);
          return a && b && c && d && e && f;
        },
      ),
      { numRuns: runs(500), seed: FUZZ_SEED },
    );
    expect(tally.bad).toBe(0);
  });
});
