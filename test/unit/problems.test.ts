import { describe, expect, it } from "vitest";
import { problemFromJSON, problemFromText } from "../../src/problems/json.js";
import { SigmoidBeliefNet } from "../../src/problems/sbn.js";
import { getEstimator, parseEstimatorList } from "../../src/estimators/registry.js";
import { InputError } from "../../src/errors.js";

const net = {
  kind: "sbn",
  input: [1, 0, 1],
  layers: [
    { weights: [[0.1, 0.2, 0.3], [-0.4, 0.5, 0.6]], bias: [0, 0.1] },
    { weights: [[1, -1]], bias: [0.2] },
  ],
  loss: { kind: "squared", target: [1] },
};

describe("JSON problem format", () => {
  it("accepts the documented single and sbn forms", () => {
    const s = problemFromJSON({ kind: "single", logit: 0.3, loss: { kind: "squared", target: 0.45 } });
    expect(s.nUnits).toBe(1);
    expect(Array.from(s.initialParams())).toEqual([0.3]);
    const p = problemFromJSON(net) as SigmoidBeliefNet;
    expect(p.nUnits).toBe(3);
    expect(p.nParams).toBe(2 * 3 + 2 + 2 + 1);
    expect(p.nest(p.initialParams())).toEqual({ bias: [[0, 0.1], [0.2]], weights: net.layers.map((l) => l.weights) });
    expect(problemFromJSON({ kind: "single", logit: -1, loss: { kind: "table", table: [0.3, 0.9] } }).nUnits).toBe(1);
    expect(problemFromJSON({ kind: "delayed", steps: 4, states: 5, start: 2, policy: [0, 0, 0, 0, 0] }).nUnits).toBe(4);
  });

  const bad: [string, unknown, RegExp][] = [
    ["NaN weight", { ...net, layers: [{ ...net.layers[0], weights: [[0.1, NaN, 0.3], [0, 0, 0]] }, net.layers[1]] }, /layers\[0\]\.weights\[0\]\[1\].*finite/],
    ["infinite bias", { ...net, layers: [net.layers[0], { ...net.layers[1], bias: [Infinity] }] }, /layers\[1\]\.bias\[0\]/],
    ["row of the wrong length", { ...net, layers: [{ ...net.layers[0], weights: [[0.1, 0.2], [0, 0, 0]] }, net.layers[1]] }, /layers\[0\]\.weights\[0\]: expected 3 entries/],
    ["rows ≠ units", { ...net, layers: [net.layers[0], { weights: [[1, -1], [1, 1]], bias: [0.2] }] }, /layers\[1\]\.weights: 2 rows but bias has 1/],
    ["target length", { ...net, loss: { kind: "squared", target: [1, 0] } }, /loss\.target: length 2/],
    ["table length", { ...net, loss: { kind: "table", table: [1, 2, 3] } }, /loss\.table/],
    ["unknown loss", { ...net, loss: { kind: "hinge" } }, /unknown loss kind "hinge"/],
    ["unknown kind", { kind: "banana" }, /unknown problem kind "banana"/],
    ["missing logit", { kind: "single", loss: { kind: "squared", target: 0.5 } }, /logit: expected a finite number/],
    ["steps < 3", { kind: "delayed", steps: 2, states: 5, start: 2, policy: [0, 0, 0, 0, 0] }, /T ≥ 3/],
    ["not an object", [1, 2], /expected a JSON object/],
  ];
  for (const [name, value, re] of bad) {
    it(`rejects ${name} with one clear InputError`, () => {
      expect(() => problemFromJSON(value)).toThrow(InputError);
      expect(() => problemFromJSON(value)).toThrow(re);
    });
  }

  it("malformed JSON text names its source", () => {
    expect(() => problemFromText("{\"kind\": ", "p.json")).toThrow(/p\.json: malformed JSON/);
  });

  it("unknown estimator ids are rejected with the list of known ones", () => {
    expect(() => getEstimator("reinforce++")).toThrow(/unknown estimator "reinforce\+\+" \(known: exact, correlation/);
    expect(() => parseEstimatorList("correlation,nope")).toThrow(/"nope"/);
  });
});

describe("first-layer logit cache", () => {
  it("sees θ mutated in place: forward after an update equals a fresh net's forward", async () => {
    const { randomSbn } = await import("../../src/problems/reference.js");
    const p = randomSbn([3, 4, 2], "cache-test");
    const th = p.initialParams();
    const ws = p.createWorkspace();
    const u = new Float64Array(p.nUnits).fill(0.5);
    p.forward(th, u, ws);
    th[0] += 0.25; // W¹[0,0]
    th[p.biasOffset[0] + 1] -= 0.5; // b¹[1]
    p.forward(th, u, ws);
    const fresh = randomSbn([3, 4, 2], "cache-test");
    const ws2 = fresh.createWorkspace();
    fresh.forward(th, u, ws2);
    expect(Array.from(ws.a)).toEqual(Array.from(ws2.a));
    expect(Array.from(ws.s)).toEqual(Array.from(ws2.s));
  });
});
