// Strict reading of untrusted values: nothing coerced, unknown keys named, rejected values
// described without recursing into them, echoed strings quoted and cut, limits stated.
import { describe, expect, it } from "vitest";
import { describeValue, InputError, quote, requireFinite } from "../../src/errors.js";
import { formatCount, LIMITS, MAX_FLOAT64_ENTRIES, requireMemory, requireTime, samplingSeconds } from "../../src/limits.js";
import { problemFromJSON } from "../../src/problems/json.js";
import { LayerLayout } from "../../src/problems/layout.js";
import { SigmoidBeliefNet } from "../../src/problems/sbn.js";
import { SquaredLoss } from "../../src/problems/loss.js";
import { Stream } from "../../src/random/stream.js";
import { requireRecord } from "../../src/validate.js";
import { parseArgs } from "../../cli/args.js";
import { oneLine, requireSamplingBudget } from "../../cli/common.js";
import { estimators } from "../../src/estimators/registry.js";
import { deepNest } from "../fuzz/arbitraries.js";

const NET = { kind: "sbn", input: [1, 0, 1], layers: [{ weights: [[0.5, -1, 0.3], [1.2, 0.4, -0.7]], bias: [0.1, -0.2] }, { weights: [[1, -1]], bias: [0.3] }], loss: { kind: "squared", target: [1] } };
const err = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error("expected an InputError");
};

describe("rejected values are described, not serialised", () => {
  it("a value nested a million levels deep is described in a few words (JSON.stringify overflowed at 20 000)", () => {
    const deep = deepNest(1_000_000);
    expect(describeValue(deep)).toBe("an array of 1 entry");
    expect(err(() => requireFinite(deep, "x"))).toBe("x: expected a finite number, got an array of 1 entry");
    expect(err(() => problemFromJSON({ ...NET, input: deepNest(20_000) }))).toBe("input[0]: expected a finite number, got an array of 1 entry");
  });

  it("long and multi-line strings are quoted on one line and cut with their length", () => {
    expect(quote("a\nb")).toBe('"a\\nb"');
    const s = quote("x".repeat(5_000_000));
    expect(s.length).toBeLessThan(100);
    expect(s).toMatch(/… \(5000000 characters\)$/);
    expect(describeValue({ a: 1, b: 2, c: 3, d: 4, e: 5 })).toBe('an object with keys "a", "b", "c", "d", … (5 keys)');
    expect(oneLine("a\nb\u0000c")).toBe("a\\nb\\u0000c");
    expect(oneLine("y".repeat(10_000)).length).toBeLessThan(2100);
  });
});

describe("problem JSON is read strictly", () => {
  it("nothing is coerced: [[[2]], \"1\", null] is not [2, 1, 0]", () => {
    expect(err(() => problemFromJSON({ ...NET, input: [[[2]], "1", null] }))).toMatch(/^input\[0\]: expected a finite number, got an array of 1 entry$/);
    expect(err(() => problemFromJSON({ ...NET, input: [2, "1", 0] }))).toMatch(/^input\[1\]: expected a finite number, got "1"$/);
    expect(err(() => problemFromJSON({ ...NET, input: [2, 1, null] }))).toMatch(/^input\[2\]: expected a finite number, got null$/);
    // the library constructor is as strict as the JSON reader
    expect(err(() => new SigmoidBeliefNet(["1"] as unknown as number[], [{ weights: [[1]], bias: [0] }], new SquaredLoss([1])))).toMatch(/^input\[0\]: expected a finite number, got "1"$/);
  });

  it("unknown keys are named, at every level and for every kind", () => {
    const cases: [unknown, RegExp][] = [
      [{ ...NET, extra: 1 }, /^problem: unknown key "extra" \(allowed: kind, input, layers, loss\)$/],
      [{ ...NET, layers: [NET.layers[0], { ...NET.layers[1], biass: [1] }] }, /^layers\[1\]: unknown key "biass"/],
      [{ ...NET, loss: { kind: "squared", target: [1], table: [1, 2] } }, /^loss: unknown key "table" \(allowed: kind, target\)$/],
      [{ kind: "single", logit: 0.3, loss: { kind: "squared", target: 0.45 }, a: 1 }, /^problem: unknown key "a"/],
      [{ kind: "delayed", steps: 4, states: 3, start: 1, policy: [0, 0, 0], rewards: [1, 2, 3] }, /^problem: unknown key "rewards"/],
      [{ kind: "noisy-single", unit: { type: "noisy-rectifier", s: 0.5, scale: 1 }, a: 0.3, loss: { kind: "squared", target: 0.45 } }, /^unit: unknown key "scale"/],
      [{ kind: "noisy-single", unit: { type: "sts", s: 0.5 }, a: 0.3, loss: { kind: "squared", target: 0.45 } }, /^unit: unknown key "s" \(allowed: type\)$/],
      [{ kind: "noisy-net", input: [1], layers: [{ unit: { type: "sts" }, weights: [[1]], bias: [0], s: 1 }], loss: { kind: "linear", weights: [1] } }, /^layers\[0\]: unknown key "s"/],
    ];
    for (const [v, re] of cases) expect(err(() => problemFromJSON(v))).toMatch(re);
    expect(() => requireRecord({ ok: 1 }, "x", ["ok"])).not.toThrow();
  });

  it("a missing bias is named as such, not blamed on the loss", () => {
    expect(err(() => problemFromJSON({ kind: "sbn", input: [1], layers: [{ weights: [[1]] }], loss: { kind: "squared", target: [1] } }))).toBe("layers[0].bias: expected an array (one per unit), got undefined");
  });

  it("a table loss over 31 units states 2^31 = 2.15e+9 (it read -2147483648) and the limit", () => {
    const wide = { kind: "sbn", input: [1], layers: [{ weights: Array.from({ length: 31 }, () => [0]), bias: new Array(31).fill(0) }], loss: { kind: "table", table: [0, 1] } };
    expect(err(() => problemFromJSON(wide))).toMatch(/^loss\.table: a table loss over the last layer's 31 units needs 2\^31 = 2\.15e\+9 entries; at most 24 units/);
    expect(err(() => problemFromJSON({ kind: "single", logit: 0, loss: { kind: "table", table: [0, 1, 2] } }))).toMatch(/length 3 must be 2\^1 = 2/);
  });

  it("a net too large for the memory budget is refused before its parameters are allocated", () => {
    const row = new Array(100_000).fill(0);
    const rows = new Array(20_000).fill(row); // 2·10⁹ weights, sharing one row
    expect(err(() => new LayerLayout(row, [{ weights: rows, bias: new Array(20_000).fill(0) }]))).toMatch(/^layers\[0\]\.weights: a net with 2000020000 parameters .* the limit is 4 GiB/);
  });
});

describe("limits (src/limits.ts)", () => {
  it("derive from a day and 4 GiB, and say so", () => {
    expect(MAX_FLOAT64_ENTRIES).toBe(LIMITS.bytes / 8);
    expect(() => requireTime(LIMITS.seconds, "x", "y")).not.toThrow();
    expect(err(() => requireTime(LIMITS.seconds * 1.01, "--samples", "this"))).toBe("--samples: this would take about 24.2 hours; the limit is 24 hours per run (see LIMITS in src/limits.ts)");
    expect(err(() => requireTime(Infinity, "--x", "this"))).toMatch(/would take about forever/);
    expect(err(() => requireMemory(MAX_FLOAT64_ENTRIES + 1, "--hidden", "an RBM"))).toMatch(/^--hidden: an RBM would need about 4 GiB; the limit is 4 GiB/);
    expect(formatCount(1e20)).toBe("1e+20");
    expect(formatCount(12345)).toBe("12345");
  });

  it("a sampling request is refused just above the day's budget and accepted just below it", () => {
    const p = problemFromJSON({ kind: "single", logit: 0.3, loss: { kind: "squared", target: 0.45 } });
    const inst = estimators.correlation.create(p, p.initialParams());
    const atLimit = (LIMITS.seconds * LIMITS.sampleWorkPerSecond) / (p.nUnits + p.nParams);
    expect(samplingSeconds(atLimit * (p.nUnits + p.nParams))).toBeCloseTo(LIMITS.seconds, 6);
    expect(() => requireSamplingBudget("--samples", Math.floor(atLimit * 0.99), [inst], p)).not.toThrow();
    expect(err(() => requireSamplingBudget("--samples", Math.ceil(atLimit * 1.01), [inst], p))).toMatch(/^--samples: .* draws × 1 loss evaluations × 2 units and parameters would take about 24\.2 hours/);
  });
});

describe("command-line arguments", () => {
  const spec = { only: { type: "string" as const, description: "" }, samples: { type: "int" as const, description: "" }, json: { type: "boolean" as const, description: "" } };
  it("an empty value is an error, never 'all' or the default", () => {
    expect(err(() => parseArgs(["--only="], spec, "verify"))).toBe("verify: --only needs a value, got an empty one (S)");
    expect(err(() => parseArgs(["--only", " "], spec, "verify"))).toMatch(/--only needs a value/);
    expect(err(() => parseArgs(["--samples="], spec, "verify"))).toMatch(/--samples needs a value/);
  });
  it("a flag given twice is an error (the second silently replaced the first)", () => {
    expect(err(() => parseArgs(["--samples", "1", "--samples=2"], spec, "x"))).toBe("x: --samples given twice");
    expect(err(() => parseArgs(["--json", "--json"], spec, "x"))).toBe("x: --json given twice");
  });
  it("reports which flags were given, apart from defaults", () => {
    const p = parseArgs(["--samples", "3"], { ...spec, seed: { type: "string", description: "", default: "1" } }, "x");
    expect([...p.given]).toEqual(["samples"]);
    expect(p.flags.seed).toBe("1");
  });
  it("an unknown option name is cut in the message", () => {
    expect(err(() => parseArgs([`--${"z".repeat(1000)}`], spec, "x")).length).toBeLessThan(150);
  });
});

describe("stream snapshots", () => {
  it("words must be int32s: a string or a fraction is refused, not coerced by the generator", () => {
    const s = Stream.fromSeed("a").toJSON();
    expect(Stream.fromJSON(s).uniform()).toBe(Stream.fromSeed("a").uniform());
    const bad = (f: (x: typeof s) => void) => {
      const c = structuredClone(s);
      f(c);
      return () => Stream.fromJSON(c);
    };
    expect(bad((c) => ((c.state.X as unknown[])[3] = "7"))).toThrow(InputError);
    expect(bad((c) => (c.state.X[3] = 1.5))).toThrow(InputError);
    expect(bad((c) => (c.state.i = 128))).toThrow(InputError);
    expect(bad((c) => ((c as { seed: unknown }).seed = 5))).toThrow(InputError);
  });
});
