/**
 * The check runner: runs claims by id with streams forked from one root seed, so each claim's
 * numbers depend only on (seed, claim id, quick) — never on which other claims ran, their
 * order, or the number of workers.
 */
import { Stream } from "../../src/random/stream.js";
import type { Claim, ClaimResult } from "./types.js";
import { toJsonText } from "../io.js";

export interface RunOptions {
  seed: string;
  quick: boolean;
  alpha: number;
  onProgress?: (claimId: string, done: number, total: number) => void;
  onResult?: (r: ClaimResult) => void;
}

export async function runClaim(claim: Claim, opts: RunOptions): Promise<ClaimResult> {
  const stream = Stream.fromSeed(opts.seed).fork(claim.id);
  const problems: Record<string, unknown> = {};
  const texts = new Map<string, string>();
  const base = { id: claim.id, statement: claim.statement, source: claim.source, control: claim.control, alpha: opts.alpha, problems };
  try {
    const out = await claim.run({
      stream,
      quick: opts.quick,
      alpha: opts.alpha,
      progress: (d, t) => opts.onProgress?.(claim.id, d, t),
      problem: (label, p) => {
        const json = JSON.parse(toJsonText(p)) as unknown;
        const text = JSON.stringify(json);
        const seen = texts.get(label);
        if (seen !== undefined && seen !== text) throw new Error(`claim ${claim.id}: two different problems are labelled "${label}"`);
        texts.set(label, text);
        problems[label] = json;
        return p;
      },
    });
    const checksPass = out.checks.length > 0 && out.checks.every((c) => c.pass);
    const controlsRejected = out.controls.length > 0 && out.controls.every((c) => !c.pass);
    return { ...base, ...out, checksPass, controlsRejected, verdict: checksPass && controlsRejected ? "pass" : "fail" };
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
