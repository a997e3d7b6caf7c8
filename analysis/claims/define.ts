/**
 * The claim contract enforced: `defineClaim` checks a claim's static fields (id, statement,
 * source, control, run) when it is defined, and `checkOutcome` checks what `run` returned before
 * any verdict is read from it. A claim needs an exact reference, at least one check and at least
 * one negative control, and every verdict must be decidable: a NaN statistic or tolerance, or a
 * `pass` that disagrees with `measured ≤ tolerance`, is an error (never a silent pass or a
 * silently "rejected" control). Used by the runner, so built-in and user claims obey one rule.
 */
import { describeValue, InputError, quote } from "../../src/errors.js";
import type { Claim, ClaimOutcome, Verdict } from "./types.js";

/** Claim ids are file- and shell-safe: letters, digits, '.', '_' and '-', starting with a letter or digit. */
export const CLAIM_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;

function text(o: Record<string, unknown>, key: string, where: string): void {
  const v = o[key];
  if (typeof v !== "string" || v.trim().length === 0) throw new InputError(`${where}.${key}: expected a non-empty string, got ${describeValue(v)}`);
}

/**
 * Check a claim's fields and return it unchanged (typed): `id` (CLAIM_ID), `statement` (the
 * sentence checked), `source` (paper and section), `control` (what the negative control is) and
 * `run(ctx) → { reference, checks, controls, data }`. Throws an InputError naming the field.
 */
export function defineClaim<C extends Claim>(claim: C): C {
  if (claim === null || typeof claim !== "object") throw new InputError(`claim: expected an object, got ${describeValue(claim)}`);
  const o = claim as unknown as Record<string, unknown>;
  if (typeof o.id !== "string" || !CLAIM_ID.test(o.id)) throw new InputError(`claim.id: expected letters, digits, '.', '_' or '-' (at most 80, starting with a letter or digit), got ${typeof o.id === "string" ? quote(o.id) : describeValue(o.id)}`);
  const where = `claim ${o.id}`;
  for (const k of ["statement", "source", "control"]) text(o, k, where);
  if (typeof o.run !== "function") throw new InputError(`${where}.run: expected a function (ctx) => { reference, checks, controls, data }, got ${describeValue(o.run)}`);
  return claim;
}

function checkVerdict(v: Verdict, where: string): void {
  if (v === null || typeof v !== "object") throw new Error(`${where}: expected a verdict object (use verdict(description, measured, tolerance, kind)), got ${describeValue(v)}`);
  if (typeof v.description !== "string" || v.description.length === 0) throw new Error(`${where}.description: expected a non-empty string`);
  const name = `${where} (${quote(v.description)})`;
  if (typeof v.measured !== "number" || Number.isNaN(v.measured)) throw new Error(`${name}: cannot decide, the measured statistic is ${describeValue(v.measured)}`);
  if (typeof v.tolerance !== "number" || Number.isNaN(v.tolerance)) throw new Error(`${name}: cannot decide, the tolerance is ${describeValue(v.tolerance)}`);
  if (v.kind !== "exact" && v.kind !== "statistical") throw new Error(`${name}.kind: expected "exact" or "statistical", got ${describeValue(v.kind)}`);
  if (v.pass !== v.measured <= v.tolerance) throw new Error(`${name}: pass is ${String(v.pass)} but measured ${v.measured} ${v.measured <= v.tolerance ? "≤" : ">"} tolerance ${v.tolerance}`);
}

/** Check an outcome of `claim.run` (see the file comment); throws an Error saying what is missing. */
export function checkOutcome(id: string, out: ClaimOutcome): ClaimOutcome {
  if (out === null || typeof out !== "object") throw new Error(`claim ${id}: run() must return { reference, checks, controls, data }, got ${describeValue(out)}`);
  if (typeof out.reference !== "string" || out.reference.trim().length === 0) throw new Error(`claim ${id}: no exact reference (run() must return a non-empty \`reference\` naming what the checks compare against)`);
  if (!Array.isArray(out.checks) || out.checks.length === 0) throw new Error(`claim ${id}: no checks (a claim needs at least one)`);
  if (!Array.isArray(out.controls) || out.controls.length === 0) throw new Error(`claim ${id}: no negative control (a claim needs one that the same check rejects)`);
  out.checks.forEach((v, i) => checkVerdict(v, `claim ${id}: checks[${i}]`));
  out.controls.forEach((v, i) => checkVerdict(v, `claim ${id}: controls[${i}]`));
  if (out.data === null || typeof out.data !== "object" || Array.isArray(out.data)) throw new Error(`claim ${id}: data must be an object of numbers for the record ({} if none), got ${describeValue(out.data)}`);
  return out;
}
