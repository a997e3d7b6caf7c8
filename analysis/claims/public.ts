/**
 * `stochgrad/claims`: the claims as a library. The built-in claims (`claims`, in report order,
 * and `claimById`), the runner that `stochgrad verify` uses (`runClaim`, `runClaims`,
 * `selectClaims`), the contract for writing one's own (`defineClaim`, `verdict`, `checkOutcome`,
 * and the checks the built-in claims use: `exactCheck`, `monteCarloMeanCheck`, `sampleAndTest`,
 * `samplesToRejectControl`, …) and the vitest matcher `toHold` (`claimMatchers`).
 *
 * A claim (analysis/claims/types.ts) is an id, the statement it checks with its source, the
 * negative control in words, and `run(ctx) → { reference, checks, controls, data }`: checks
 * against an exact reference and controls that the same checks must reject.
 */
import { quote } from "../../src/errors.js";
import { claims } from "./index.js";
import type { Claim } from "./types.js";

export { claims, selectClaims } from "./index.js";
export { runClaim, runClaims, judge, type RunOptions } from "./runner.js";
export { defineClaim, checkOutcome, CLAIM_ID } from "./define.js";
export { claimMatchers, type HoldOptions, type ClaimMatcherResult } from "./matcher.js";
export { verdict, type Claim, type ClaimContext, type ClaimOutcome, type ClaimResult, type Verdict } from "./types.js";
export { exactCheck, monteCarloMeanCheck, monteCarloVarianceCheck, sampleAndTest, samplesForPower, samplesToRejectControl, exactMomentsWithFourth } from "./checks.js";

/** A built-in claim by id; an unknown id is an Error listing the known ones. */
export function claimById(id: string): Claim {
  const c = claims.find((x) => x.id === id);
  if (!c) throw new Error(`unknown claim ${quote(id)} (known: ${claims.map((x) => x.id).join(", ")})`);
  return c;
}
