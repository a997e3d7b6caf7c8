/**
 * Reading claims.json back (for `stochgrad render claims.json`, which rebuilds report.md and
 * report.html): every field the reports print is checked, verdict quantities must be known
 * (QUANTITIES), and an infinite `measured` comes back from its "Infinity" spelling (claimsJson).
 * Unknown keys are named. Claim data and problems are kept as they are (objects).
 */
import { describeValue, InputError, requireFinite } from "../src/errors.js";
import { requireArray, requireRecord, requireString } from "../src/validate.js";
import { QUANTITIES, type ClaimResult, type Quantity, type Verdict } from "./claims/types.js";
import type { ClaimsRecord } from "./report.js";

function bool(v: unknown, where: string): boolean {
  if (typeof v !== "boolean") throw new InputError(`${where}: expected true or false, got ${describeValue(v)}`);
  return v;
}

function object(v: unknown, where: string): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw new InputError(`${where}: expected an object, got ${describeValue(v)}`);
  return v as Record<string, unknown>;
}

function verdictFromJSON(v: unknown, where: string): Verdict {
  const o = requireRecord(v, where, ["description", "measured", "tolerance", "pass", "kind", "quantity"], `{"description", "measured", "tolerance", "pass", "kind", "quantity"}`);
  const measured = o.measured === "Infinity" ? Infinity : o.measured === "-Infinity" ? -Infinity : requireFinite(o.measured, `${where}.measured`);
  return {
    description: requireString(o.description, `${where}.description`),
    measured,
    tolerance: requireFinite(o.tolerance, `${where}.tolerance`),
    pass: bool(o.pass, `${where}.pass`),
    kind: requireString(o.kind, `${where}.kind`, ["exact", "statistical"]) as Verdict["kind"],
    quantity: requireString(o.quantity, `${where}.quantity`, Object.keys(QUANTITIES)) as Quantity,
  };
}

const CLAIM_KEYS = ["id", "statement", "source", "control", "alpha", "problems", "reference", "checks", "controls", "data", "checksPass", "controlsRejected", "verdict", "error"] as const;

function claimFromJSON(v: unknown, where: string): ClaimResult {
  const o = requireRecord(v, where, CLAIM_KEYS, "a claim result");
  const c: ClaimResult = {
    id: requireString(o.id, `${where}.id`),
    statement: requireString(o.statement, `${where}.statement`),
    source: requireString(o.source, `${where}.source`),
    control: requireString(o.control, `${where}.control`),
    alpha: requireFinite(o.alpha, `${where}.alpha`),
    problems: object(o.problems, `${where}.problems`),
    reference: requireString(o.reference, `${where}.reference`),
    checks: requireArray(o.checks, `${where}.checks`).map((x, i) => verdictFromJSON(x, `${where}.checks[${i}]`)),
    controls: requireArray(o.controls, `${where}.controls`).map((x, i) => verdictFromJSON(x, `${where}.controls[${i}]`)),
    data: object(o.data, `${where}.data`),
    checksPass: bool(o.checksPass, `${where}.checksPass`),
    controlsRejected: bool(o.controlsRejected, `${where}.controlsRejected`),
    verdict: requireString(o.verdict, `${where}.verdict`, ["pass", "fail"]) as ClaimResult["verdict"],
  };
  if (o.error !== undefined) c.error = requireString(o.error, `${where}.error`);
  return c;
}

/** claims.json from parsed JSON, validated (see the file comment). */
export function claimsRecordFromJSON(v: unknown, where = "record"): ClaimsRecord {
  const o = requireRecord(v, where, ["kind", "seed", "quick", "alpha", "versions", "git", "summary", "claims"], `a stochgrad claims record {"kind": "stochgrad.claims", "claims": [...], ...}`);
  if (o.kind !== "stochgrad.claims") throw new InputError(`${where}.kind: expected "stochgrad.claims", got ${describeValue(o.kind)}`);
  const versions = requireRecord(o.versions, `${where}.versions`, ["stochgrad", "node"]);
  const summary = requireRecord(o.summary, `${where}.summary`, ["claims", "passed", "failed"]);
  let git: ClaimsRecord["git"];
  if (o.git !== undefined) {
    const g = requireRecord(o.git, `${where}.git`, ["commit", "dirty"]);
    git = { commit: requireString(g.commit, `${where}.git.commit`), dirty: bool(g.dirty, `${where}.git.dirty`) };
  }
  const rec: ClaimsRecord = {
    kind: "stochgrad.claims",
    seed: requireString(o.seed, `${where}.seed`),
    quick: bool(o.quick, `${where}.quick`),
    alpha: requireFinite(o.alpha, `${where}.alpha`),
    versions: { stochgrad: requireString(versions.stochgrad, `${where}.versions.stochgrad`), node: requireString(versions.node, `${where}.versions.node`) },
    ...(git ? { git } : {}),
    summary: { claims: requireFinite(summary.claims, `${where}.summary.claims`), passed: requireFinite(summary.passed, `${where}.summary.passed`), failed: requireFinite(summary.failed, `${where}.summary.failed`) },
    claims: requireArray(o.claims, `${where}.claims`).map((c, i) => claimFromJSON(c, `${where}.claims[${i}]`)),
  };
  return rec;
}
