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
  /**
   * Record a problem the claim runs on (a belief net, an RBM, an objective: its `toJSON`; or a
   * plain JSON description, such as the recipe of a trained model), under a label, so
   * claims.json holds every parameter needed to rebuild it. Returns `p`. The same label with
   * different parameters is a bug in the claim and throws.
   */
  problem<T>(label: string, p: T): T;
}

/**
 * What a verdict measures, and in which unit: the report's summary column names it, so a
 * z-score is never read as a relative error. A typed record (one line per quantity).
 */
export const QUANTITIES = {
  "relative-error": { label: "relative error", unit: "" },
  "negated-relative-error": { label: "−relative error", unit: "" },
  "relative-difference": { label: "relative difference", unit: "" },
  "absolute-error": { label: "absolute error", unit: "" },
  "probability-error": { label: "|P − target|", unit: "" },
  variance: { label: "variance", unit: "loss²" },
  z: { label: "z", unit: "standard errors" },
  slope: { label: "|log–log slope − expected|", unit: "" },
  ratio: { label: "ratio", unit: "" },
  "rounding-ratio": { label: "relative bias / rounding tolerance", unit: "" },
  "mse-ratio": { label: "MSE ratio", unit: "" },
  cosine: { label: "cosine", unit: "" },
  nats: { label: "|Δ log Z|", unit: "nats" },
  "p-value": { label: "p-value", unit: "" },
  /** a verdict that names no quantity (a user's claim that leaves it out); every built-in claim names one */
  measured: { label: "measured", unit: "" },
} as const satisfies Record<string, { label: string; unit: string }>;

export type Quantity = keyof typeof QUANTITIES;

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
  /** what `measured` is (QUANTITIES gives its name and unit) */
  quantity: Quantity;
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
  /** every problem the claim recorded (ClaimContext.problem), by label, as its JSON */
  problems: Record<string, unknown>;
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

/** Build a verdict from a statistic and its tolerance; `quantity` names what the statistic is (QUANTITIES). */
export function verdict(description: string, measured: number, tolerance: number, kind: "exact" | "statistical", quantity: Quantity = "measured"): Verdict {
  return { description, measured, tolerance, pass: measured <= tolerance, kind, quantity };
}
