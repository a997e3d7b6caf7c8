import { estimatorEntry } from "../../src/estimators/types.js";
/**
 * Every estimator in the registry against every problem kind: it either says why it does not
 * apply, or it creates, estimates finite values of the right length, and (where its noise is
 * enumerable or it offers exact moments) has exact moments. Catches integration gaps between
 * estimator families and problem kinds.
 */
import { describe, expect, it } from "vitest";
import { estimators } from "../../src/estimators/registry.js";
import { exactAnalysis } from "../../src/exact/moments.js";
import { problemFromJSON } from "../../src/problems/json.js";
import { referenceDelayed, referenceNet, singleUnit } from "../../src/problems/reference.js";
import type { BinaryProblem } from "../../src/problems/types.js";
import { Stream } from "../../src/random/stream.js";

const problems: [string, () => BinaryProblem][] = [
  ["single", () => singleUnit(0.3, 0.45)],
  ["sbn 4-4-4", referenceNet],
  ["delayed", referenceDelayed],
  ["noisy-single", () => problemFromJSON({ kind: "noisy-single", unit: { type: "noisy-rectifier", s: 0.7 }, a: 0.3, loss: { kind: "squared", target: 0.45 } })],
];

describe("registry × problem kinds", () => {
  for (const [pname, make] of problems) {
    for (const [id, spec] of Object.entries(estimators)) {
      it(`${id} on ${pname}: applies cleanly or says why not`, () => {
        const p = make();
        const why = spec.applicable(p);
        if (why) {
          expect(typeof why).toBe("string");
          return;
        }
        const th = p.initialParams();
        const inst = spec.create(p, th);
        const noise = new Float64Array(inst.noiseSize);
        const g = new Float64Array(p.nParams);
        const s = Stream.fromSeed(`registry/${id}/${pname}`);
        for (let k = 0; k < 20; k++) {
          s.uniforms(noise);
          inst.estimate(th, noise, g);
          expect(g.every(Number.isFinite)).toBe(true);
        }
        if (spec.noise !== "custom" || inst.exactMoments) {
          const r = exactAnalysis(p, th, { e: estimatorEntry(spec, p, th) });
          if (r.estimators.e) expect(r.estimators.e.mean.every(Number.isFinite)).toBe(true);
        }
      });
    }
  }
});
