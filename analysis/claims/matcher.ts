/**
 * The vitest matcher `toHold` for claims, built-in or a user's own:
 *
 *   import { expect } from "vitest";
 *   import { claimMatchers, claims } from "stochgrad/claims";
 *   expect.extend(claimMatchers);
 *   await expect(claims.find((c) => c.id === "ST-bias")).toHold({ seed: "ci", alpha: 1e-6 });
 *
 * The claim runs on `Stream.fromSeed(seed).fork(claim.id)`, as in `stochgrad verify`, so its
 * numbers are those of the verify record with the same seed, α and quick flag. It holds iff every
 * check passes and every negative control is rejected by its check; a control that escapes
 * rejection fails the claim. The matcher throws, with or without `.not`, when it cannot decide:
 * the received value is not a claim, the options are bad, `run` throws, or its outcome has no
 * reference, no check, no control, or a verdict with a NaN statistic (`checkOutcome`). A claim
 * whose `run` is synchronous is decided synchronously; `await` works for both.
 */
import type {} from "vitest";
import { Stream } from "../../src/random/stream.js";
import { checkOutcome, defineClaim } from "./define.js";
import { judge, problemRecorder } from "./runner.js";
import type { Claim, ClaimOutcome, Verdict } from "./types.js";

/** Options of `toHold`: the root seed (required), the family-wise α per claim and the quick flag. */
export interface HoldOptions {
  seed: string;
  /** family-wise false-alarm rate of the claim, in (0, 0.5); default 1e-6 as in verify */
  alpha?: number;
  /** the claim's smaller sample sizes (same α); default false */
  quick?: boolean;
}

export interface ClaimMatcherResult {
  pass: boolean;
  message: () => string;
}

function undecided(why: string): never {
  throw new Error(`toHold: cannot decide: ${why}`);
}

function line(v: Verdict): string {
  return `  ${v.description}: measured ${v.measured} vs tolerance ${v.tolerance} (${v.kind})`;
}

function decide(id: string, out: ClaimOutcome, alpha: number): ClaimMatcherResult {
  try {
    checkOutcome(id, out);
  } catch (e) {
    undecided((e as Error).message);
  }
  const j = judge(out);
  const failed = out.checks.filter((c) => !c.pass);
  const escaped = out.controls.filter((c) => c.pass);
  return {
    pass: j.verdict === "pass",
    message: () =>
      j.verdict === "pass"
        ? `expected claim ${id} not to hold at α = ${alpha}, but all ${out.checks.length} checks passed and all ${out.controls.length} controls were rejected`
        : [`expected claim ${id} to hold at α = ${alpha} (reference: ${out.reference})`, ...(failed.length ? [`${failed.length} check(s) failed:`, ...failed.map(line)] : []), ...(escaped.length ? [`${escaped.length} negative control(s) not rejected:`, ...escaped.map(line)] : [])].join("\n"),
  };
}

export const claimMatchers = {
  /** The claim holds at (seed, α): every check passes and every control is rejected (see the file comment). */
  toHold(received: unknown, opts: HoldOptions): ClaimMatcherResult | Promise<ClaimMatcherResult> {
    let claim: Claim;
    try {
      claim = defineClaim(received as Claim);
    } catch (e) {
      return undecided(`expected a claim (id, statement, source, control, run): ${(e as Error).message}`);
    }
    if (opts === null || typeof opts !== "object") undecided(`expected options { seed, alpha?, quick? }, got ${String(opts)}`);
    if (typeof opts.seed !== "string" || opts.seed.length === 0) undecided(`seed: expected a non-empty string, got ${String(opts.seed)}`);
    const alpha = opts.alpha ?? 1e-6;
    if (typeof alpha !== "number" || !(alpha > 0 && alpha < 0.5)) undecided(`alpha: expected a number in (0, 0.5), got ${String(alpha)}`);
    if (opts.quick !== undefined && typeof opts.quick !== "boolean") undecided(`quick: expected a boolean, got ${String(opts.quick)}`);
    const ctx = { stream: Stream.fromSeed(opts.seed).fork(claim.id), quick: opts.quick ?? false, alpha, progress: () => {}, problem: problemRecorder(claim.id, {}) };
    const threw = (e: unknown): never => undecided(`claim ${claim.id}: run() threw: ${(e as Error)?.message ?? String(e)}`);
    let out: ClaimOutcome | Promise<ClaimOutcome>;
    try {
      out = claim.run(ctx);
    } catch (e) {
      return threw(e);
    }
    if (out && typeof (out as Promise<ClaimOutcome>).then === "function") return (out as Promise<ClaimOutcome>).then((o) => decide(claim.id, o, alpha), threw);
    return decide(claim.id, out as ClaimOutcome, alpha);
  },
};

declare module "vitest" {
  interface Assertion<T> {
    /** The claim holds at (seed, α); throws when it cannot decide. */
    toHold(opts: HoldOptions): T;
  }
}
