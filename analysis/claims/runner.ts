/**
 * The check runner: runs claims by id with streams forked from one root seed, so each claim's
 * numbers depend only on (seed, claim id, quick) — never on which other claims ran, their
 * order, or the number of workers.
 */
import { Stream } from "../../src/random/stream.js";
import { checkOutcome } from "./define.js";
import type { Claim, ClaimContext, ClaimOutcome, ClaimResult } from "./types.js";
import { toJsonText } from "../io.js";

export interface RunOptions {
  seed: string;
  quick: boolean;
  alpha: number;
  onProgress?: (claimId: string, done: number, total: number) => void;
  onResult?: (r: ClaimResult) => void;
}

/** A claim holds iff every check passes and every control fails the same check (checked outcome). */
export function judge(out: ClaimOutcome): Pick<ClaimResult, "checksPass" | "controlsRejected" | "verdict"> {
  const checksPass = out.checks.every((c) => c.pass);
  const controlsRejected = out.controls.every((c) => !c.pass);
  return { checksPass, controlsRejected, verdict: checksPass && controlsRejected ? "pass" : "fail" };
}

/**
 * A claim's `ctx.problem(label, p)`: records p's JSON under `label` in `problems` (the record's
 * parameters of every problem a claim uses) and returns p; one label names one problem.
 */
export function problemRecorder(claimId: string, problems: Record<string, unknown>): ClaimContext["problem"] {
  const texts = new Map<string, string>();
  return (label, p) => {
    const json = JSON.parse(toJsonText(p)) as unknown;
    const text = JSON.stringify(json);
    const seen = texts.get(label);
    if (seen !== undefined && seen !== text) throw new Error(`claim ${claimId}: two different problems are labelled "${label}"`);
    texts.set(label, text);
    problems[label] = json;
    return p;
  };
}

export async function runClaim(claim: Claim, opts: RunOptions): Promise<ClaimResult> {
  const stream = Stream.fromSeed(opts.seed).fork(claim.id);
  const problems: Record<string, unknown> = {};
  const base = { id: claim.id, statement: claim.statement, source: claim.source, control: claim.control, alpha: opts.alpha, problems };
  try {
    const out = checkOutcome(
      claim.id,
      await claim.run({
        stream,
        quick: opts.quick,
        alpha: opts.alpha,
        progress: (d, t) => opts.onProgress?.(claim.id, d, t),
        problem: problemRecorder(claim.id, problems),
      }),
    );
    return { ...base, ...out, ...judge(out) };
  } catch (e) {
    return {
      ...base,
      reference: "",
      checks: [],
      controls: [],
      data: {},
      checksPass: false,
      controlsRejected: false,
      verdict: "fail",
      error: (e as Error).stack ?? String(e),
    };
  }
}

export async function runClaims(claims: Claim[], opts: RunOptions): Promise<ClaimResult[]> {
  const results: ClaimResult[] = [];
  for (const c of claims) {
    const r = await runClaim(c, opts);
    opts.onResult?.(r);
    results.push(r);
  }
  return results;
}
