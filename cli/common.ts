/** Helpers shared by CLI commands. */
import { readJsonFile, toJsonText } from "../analysis/io.js";
import { problemFromJSON } from "../src/problems/json.js";
import { type BinaryProblem } from "../src/problems/types.js";
import type { EstimatorInstance, EstimatorOptions, EstimatorSpec } from "../src/estimators/types.js";
import { formatCount, requireTime, samplingSeconds } from "../src/limits.js";
import { optionsFor, resolveOptions, suggestName } from "../src/estimators/options.js";
import { FieldError, InputError, quote } from "../src/errors.js";

/** Load and validate a problem file; errors name the file. */
export function loadProblem(file: string | undefined): BinaryProblem {
  if (!file) throw new InputError("missing problem file (e.g. stochgrad exact problem.json)");
  const v = readJsonFile(file, "problem file");
  try {
    return problemFromJSON(v);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`problem file ${file}: ${e.message}`);
    throw e;
  }
}

/** Nest a parameter-shaped vector as the problem does, or return it flat. */
export function nestVector(problem: BinaryProblem, v: ArrayLike<number>): unknown {
  return problem.nest ? problem.nest(v) : Array.from(v);
}

/** Parse "--option k=v,k2=v2" into numeric estimator options; a name given twice is an error. */
export function parseOptions(raw: string | undefined): EstimatorOptions {
  const out: EstimatorOptions = {};
  if (raw === undefined) return out;
  for (const part of raw.split(",")) {
    const eq = part.indexOf("=");
    const k = eq < 0 ? "" : part.slice(0, eq).trim();
    const v = eq < 0 ? "" : part.slice(eq + 1).trim();
    const x = Number(v);
    if (!k || v === "" || !Number.isFinite(x)) throw new InputError(`--option: expected name=number pairs separated by commas, got ${quote(part)}`);
    if (Object.prototype.hasOwnProperty.call(out, k)) throw new InputError(`--option: ${quote(k)} given twice`);
    out[k] = x;
  }
  return out;
}

/**
 * The --option values each selected estimator takes (the names in its spec's defaults). A name
 * that no selected estimator takes is an error that lists what they do take, so a typo
 * (`baselin=0.3`) or an option for an estimator that takes none is never ignored.
 */
export function optionsPerEstimator(specs: EstimatorSpec[], opts: EstimatorOptions): Map<string, EstimatorOptions> {
  const out = new Map<string, EstimatorOptions>();
  for (const s of specs) out.set(s.id, optionsFor(s, opts));
  for (const name of Object.keys(opts)) {
    if (specs.some((s) => Object.prototype.hasOwnProperty.call(s.defaults, name))) continue;
    // a single estimator names the problem itself (typo suggestion, "takes no options")
    if (specs.length === 1) resolveOptions(specs[0], { [name]: opts[name] });
    const names = [...new Set(specs.flatMap((s) => Object.keys(s.defaults)))].sort();
    const near = suggestName(name, names);
    throw new InputError(`--option ${quote(name)}: no selected estimator takes it${near ? ` (did you mean ${near}?)` : ""}; ${names.length ? `they take ${names.join(", ")}` : "they take no options"}`);
  }
  return out;
}

/**
 * Refuse `draws` estimates from each of `instances` on `problem` beyond the time budget
 * (src/limits.ts): the work is draws × Σ loss evaluations per estimate × (units + parameters).
 */
export function requireSamplingBudget(where: string, draws: number, instances: EstimatorInstance[], problem: BinaryProblem): void {
  const evals = instances.reduce((s, i) => s + Math.max(1, i.lossEvaluations), 0);
  const size = problem.nUnits + problem.nParams;
  const n = formatCount;
  requireTime(samplingSeconds(draws * evals * size), where, `${n(draws)} draws × ${n(evals)} loss evaluations × ${n(size)} units and parameters`);
}

/** Write a record to stdout as canonical JSON; with `finite` (records of exact or sampled moments) a NaN or ±∞ is an error, never a null. */
export function printJson(v: unknown, finite = false): void {
  process.stdout.write(toJsonText(v, finite));
}

/**
 * Run `f`, turning a library FieldError about an option field into the same message about the
 * flag that sets it (`learningRate: …` → `--lr: …`), so the library names fields and the CLI its flags.
 */
export function withFlags<T>(flagOf: Record<string, string>, f: () => T): T {
  const map = (e: unknown): unknown => (e instanceof FieldError && Object.prototype.hasOwnProperty.call(flagOf, e.field) ? new InputError(`${flagOf[e.field]}: ${e.detail}`) : e);
  try {
    const r = f();
    // an async task's rejection is mapped the same way
    return (r instanceof Promise ? r.catch((e: unknown) => Promise.reject(map(e))) : r) as T;
  } catch (e) {
    throw map(e);
  }
}

/** Longest error line printed; longer messages are cut (echoed values are already cut where they are quoted). */
const MAX_ERROR_CHARS = 2000;

/** A message as one line: control characters (a newline in a file name or value) escaped, the length capped. */
export function oneLine(message: string): string {
  const s = message.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
  return s.length <= MAX_ERROR_CHARS ? s : `${s.slice(0, MAX_ERROR_CHARS)}… (message cut at ${MAX_ERROR_CHARS} characters)`;
}
