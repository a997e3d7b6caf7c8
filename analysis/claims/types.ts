/**
 * Claims are data: an id, the sentence from the paper with its section, an exact reference,
 * checks with a stated false-alarm rate, and negative controls that the *same* checks must
 * reject. A claim holds iff every check passes and every control is rejected.
 */
import type { Stream } from "../../src/random/stream.js";

export interface ClaimContext {
  /** stream for this claim only: root.fork(claim.id); fork further by key, e.g. "rep/17" */
  stream: Stream;
  /** smaller sample sizes for a fast smoke run (still honest: α is unchanged) */
  quick: boolean;
  /** family-wise false-alarm rate of each statistical check (default 1e-6) */
  alpha: number;
  /** report progress (units are the claim's own) */
  progress(done: number, total: number): void;
}

/** One check: `measured ≤ tolerance` means pass. */
export interface Verdict {
  /** what was compared, e.g. "max relative error of exact E[ĝ] vs exact ∇E[L]" */
  description: string;
  /** +∞ when a zero-variance coordinate misses its reference (a certain rejection); JSON records write it as "Infinity" (claimsJson) */
  measured: number;
  tolerance: number;
  pass: boolean;
  /** "exact" (deterministic, rounding tolerance) or "statistical" (seeded, at α) */
  kind: "exact" | "statistical";
}

export interface ClaimOutcome {
  /** the exact reference the checks compare against */
  reference: string;
  checks: Verdict[];
  /** the same checks run on the negative control; each must fail (pass === false) */
  controls: Verdict[];
  /** numbers for the report and the record */
  data: Record<string, unknown>;
}

export interface Claim {
  id: string;
  /** the sentence being checked, quoted or closely paraphrased from the paper */
  statement: string;
  /** paper and section */
  source: string;
  /** what the negative control is */
  control: string;
  run(ctx: ClaimContext): ClaimOutcome | Promise<ClaimOutcome>;
}

export interface ClaimResult extends ClaimOutcome {
  id: string;
  statement: string;
  source: string;
  control: string;
  alpha: number;
  /** every check passed */
  checksPass: boolean;
  /** every control was rejected */
  controlsRejected: boolean;
  verdict: "pass" | "fail";
  /** set when run() threw */
  error?: string;
}

/** Build a verdict from a statistic and its tolerance. */
export function verdict(description: string, measured: number, tolerance: number, kind: "exact" | "statistical"): Verdict {
  return { description, measured, tolerance, pass: measured <= tolerance, kind };
}
