/**
 * Reading a comparison record (comparison.json of `stochgrad compare`) back from JSON, for
 * `stochgrad render`: the fields the charts read are checked in full (types, lengths, finiteness),
 * the other fields by type; unknown keys are named. Errors name the field (`estimators[2].totalVariance`).
 */
import { describeValue, InputError, requireFinite } from "../src/errors.js";
import { requireArray, requireNumbers, requireRecord, requireString } from "../src/validate.js";
import type { ComparisonRecord, EstimatorComparison } from "./compare.js";

const RECORD_KEYS = ["kind", "problem", "options", "seed", "exactRequested", "samples", "alpha", "expectedLoss", "gradient", "referenceUnavailable", "estimators"] as const;
const ESTIMATOR_KEYS = ["id", "title", "unbiasedByTheory", "method", "exactUnavailable", "online", "lossEvaluations", "mean", "variance", "totalVariance", "varianceTimesCost", "bias", "samples", "standardError", "maxAbsZ", "zeroVarianceCoordinates", "zCritical", "state", "options"] as const;

function optionalNumbers(o: Record<string, unknown>, key: string, where: string, length?: number): number[] | undefined {
  return o[key] === undefined ? undefined : requireNumbers(o[key], `${where}.${key}`, length);
}

function optionalFinite(o: Record<string, unknown>, key: string, where: string): number | undefined {
  return o[key] === undefined ? undefined : requireFinite(o[key], `${where}.${key}`);
}

function requireObject(v: unknown, where: string): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw new InputError(`${where}: expected an object, got ${describeValue(v)}`);
  return v as Record<string, unknown>;
}

function requireBool(v: unknown, where: string): boolean {
  if (typeof v !== "boolean") throw new InputError(`${where}: expected true or false, got ${describeValue(v)}`);
  return v;
}

function estimatorFromJSON(v: unknown, where: string, P: number | undefined): EstimatorComparison {
  const o = requireRecord(v, where, ESTIMATOR_KEYS, `{"id": "...", "method": "exact" | "monte-carlo", "totalVariance": ..., ...}`);
  const mean = requireNumbers(o.mean, `${where}.mean`, P);
  const n = mean.length;
  const e: EstimatorComparison = {
    id: requireString(o.id, `${where}.id`),
    title: requireString(o.title, `${where}.title`),
    unbiasedByTheory: requireBool(o.unbiasedByTheory, `${where}.unbiasedByTheory`),
    method: requireString(o.method, `${where}.method`, ["exact", "monte-carlo"]) as EstimatorComparison["method"],
    lossEvaluations: requireFinite(o.lossEvaluations, `${where}.lossEvaluations`),
    mean,
    variance: requireNumbers(o.variance, `${where}.variance`, n),
    totalVariance: requireFinite(o.totalVariance, `${where}.totalVariance`),
    varianceTimesCost: requireFinite(o.varianceTimesCost, `${where}.varianceTimesCost`),
    bias: optionalNumbers(o, "bias", where, n),
    samples: optionalFinite(o, "samples", where),
    standardError: optionalNumbers(o, "standardError", where, n),
    maxAbsZ: optionalFinite(o, "maxAbsZ", where),
    zeroVarianceCoordinates: optionalFinite(o, "zeroVarianceCoordinates", where),
    zCritical: optionalFinite(o, "zCritical", where),
    state: o.state === undefined ? undefined : requireObject(o.state, `${where}.state`),
    options: requireObject(o.options, `${where}.options`) as EstimatorComparison["options"],
  };
  if (o.exactUnavailable !== undefined) (e as unknown as Record<string, unknown>).exactUnavailable = requireString(o.exactUnavailable, `${where}.exactUnavailable`);
  if (o.online !== undefined) (e as unknown as Record<string, unknown>).online = requireObject(o.online, `${where}.online`);
  return e;
}

/** A comparison record from parsed JSON, validated (see the file comment). */
export function comparisonRecordFromJSON(v: unknown, where = "record"): ComparisonRecord {
  const o = requireRecord(v, where, RECORD_KEYS, `a stochgrad comparison record {"kind": "stochgrad.comparison", "problem", "estimators", ...}`);
  if (o.kind !== "stochgrad.comparison") throw new InputError(`${where}.kind: expected "stochgrad.comparison", got ${describeValue(o.kind)}`);
  const problem = requireObject(o.problem, `${where}.problem`);
  requireString(problem.kind, `${where}.problem.kind`);
  const gradient = optionalNumbers(o, "gradient", where);
  const estimators = requireArray(o.estimators, `${where}.estimators`).map((e, i) => estimatorFromJSON(e, `${where}.estimators[${i}]`, gradient?.length));
  if (estimators.length === 0) throw new InputError(`${where}.estimators: the record compares no estimator`);
  const rec: ComparisonRecord = {
    kind: "stochgrad.comparison",
    problem,
    options: requireObject(o.options, `${where}.options`) as ComparisonRecord["options"],
    seed: requireString(o.seed, `${where}.seed`),
    exactRequested: requireBool(o.exactRequested, `${where}.exactRequested`),
    samples: requireFinite(o.samples, `${where}.samples`),
    alpha: requireFinite(o.alpha, `${where}.alpha`),
    expectedLoss: optionalFinite(o, "expectedLoss", where),
    gradient,
    estimators,
  };
  if (o.referenceUnavailable !== undefined) (rec as unknown as Record<string, unknown>).referenceUnavailable = requireString(o.referenceUnavailable, `${where}.referenceUnavailable`);
  return rec;
}
