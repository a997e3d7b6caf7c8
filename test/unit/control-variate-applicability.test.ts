/**
 * MuProp, NVIL and VIMCO on every problem kind (the registry × problem-kind test runs them
 * generically; this states what each must do): apply and give finite estimates and exact
 * moments, or give the reason. The delayed reward has no mean-field network (MuProp refuses);
 * injected-noise units are not Bernoulli units (all three refuse); VIMCO's exact moments on 12
 * units with K = 2 would enumerate 2²⁴ joint configurations (refused, with the cost).
 */
import { describe, expect, it } from "vitest";
import { estimators } from "../../src/estimators/registry.js";
import { exactAnalysis } from "../../src/exact/moments.js";
import { problemFromJSON } from "../../src/problems/json.js";
import { referenceDelayed, referenceNet, singleUnit } from "../../src/problems/reference.js";
import type { BinaryProblem } from "../../src/problems/types.js";
import { Stream } from "../../src/random/stream.js";

type Expect = "exact" | "estimate-only" | RegExp;

const noisySingle = () => problemFromJSON({ kind: "noisy-single", unit: { type: "noisy-rectifier", s: 0.7 }, a: 0.3, loss: { kind: "squared", target: 0.45 } });
const noisyNet = () => problemFromJSON({ kind: "noisy-net", input: [1], layers: [{ unit: { type: "sts" }, weights: [[0.4], [-0.2]], bias: [0.1, 0.3] }], loss: { kind: "linear", weights: [1, -0.5] } });

const table: [string, () => BinaryProblem, Record<"muprop" | "nvil" | "vimco", Expect>][] = [
  ["single", () => singleUnit(0.3, 0.45), { muprop: "exact", nvil: "exact", vimco: "exact" }],
  ["sbn 4-4-4", referenceNet, { muprop: "exact", nvil: "exact", vimco: "estimate-only" }],
  ["delayed", referenceDelayed, { muprop: /mean-field/, nvil: "exact", vimco: "exact" }],
  ["noisy-single", noisySingle, { muprop: /injected noise/, nvil: /injected noise/, vimco: /injected noise/ }],
  ["noisy-net", noisyNet, { muprop: /injected noise/, nvil: /injected noise/, vimco: /injected noise/ }],
];

describe("MuProp, NVIL and VIMCO on every problem kind", () => {
  for (const [kind, make, want] of table)
    for (const id of ["muprop", "nvil", "vimco"] as const)
      it(`${id} on ${kind}: ${want instanceof RegExp ? `refuses (${want.source})` : want}`, () => {
        const p = make();
        const spec = estimators[id];
        const w = want[id];
        const why = spec.applicable(p);
        if (w instanceof RegExp) {
          expect(why).toMatch(w);
          return;
        }
        expect(why).toBeNull();
        const th = p.initialParams();
        const inst = spec.create(p, th);
        const noise = new Float64Array(inst.noiseSize);
        const g = new Float64Array(p.nParams);
        const s = Stream.fromSeed(`applicability/${id}/${kind}`);
        for (let k = 0; k < 20; k++) {
          s.uniforms(noise);
          expect(Number.isFinite(inst.estimate(th, noise, g))).toBe(true);
          expect(g.every(Number.isFinite)).toBe(true);
        }
        const r = exactAnalysis(p, th, { e: { noise: spec.noise, instance: spec.create(p, th) } });
        if (w === "exact") {
          expect(r.estimators.e.mean.every(Number.isFinite)).toBe(true);
          expect(r.estimators.e.variance.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
        } else {
          expect(r.estimators.e).toBeUndefined();
          expect(r.unavailable?.e).toMatch(/2\^24 .*joint configurations/);
        }
      });
});
