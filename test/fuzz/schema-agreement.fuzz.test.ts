// Property: the problem schema (schemas/problem.schema.json) and problemFromJSON agree on any
// problem JSON, well-formed or mutated (schema-agreement.ts states the rule): an editor never
// flags a file stochgrad reads, and a file the schema passes is refused only for a check JSON
// Schema cannot state.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hostileProblem, validProblem } from "./arbitraries.js";
import { FUZZ_SEED, runs } from "./harness.js";
import { disagreement, schemaOf, validateProblem } from "./schema-agreement.js";

describe("problem schema against the validator under fuzzing", () => {
  it("agree on well-formed and mutated problems", () => {
    const seen = { accepted: 0, rejectedByBoth: 0, semantic: 0 };
    fc.assert(
      fc.property(fc.oneof(validProblem, hostileProblem), (v) => {
        const d = disagreement("problem", v);
        if (d === null) {
          const ok = validateProblem(v) === null;
          if (ok) seen.accepted++;
          else if (schemaOf.problem(v)) seen.semantic++;
          else seen.rejectedByBoth++;
        }
        return d === null;
      }),
      { numRuns: runs(1500), seed: FUZZ_SEED },
    );
    console.log(`schema agreement: ${seen.accepted} accepted by both, ${seen.rejectedByBoth} rejected by both, ${seen.semantic} rejected by the validator alone (checks the schema cannot state)`);
    // the draws reach all three outcomes, so the property is not vacuous
    expect(Math.min(seen.accepted, seen.rejectedByBoth)).toBeGreaterThan(50);
  });
});
