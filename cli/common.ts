/** Helpers shared by CLI commands. */
import { readJsonFile, toJsonText } from "../analysis/io.js";
import { problemFromJSON } from "../src/problems/json.js";
import { type BinaryProblem } from "../src/problems/types.js";
import type { EstimatorOptions } from "../src/estimators/types.js";
import { FieldError, InputError } from "../src/errors.js";

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

/** Parse "--option k=v,k2=v2" into numeric estimator options. */
export function parseOptions(raw: string | undefined): EstimatorOptions {
  const out: EstimatorOptions = {};
  if (!raw) return out;
  for (const part of raw.split(",")) {
    const [k, v] = part.split("=");
    const x = Number(v);
    if (!k || v === undefined || !Number.isFinite(x)) throw new InputError(`--option: expected name=number pairs separated by commas, got "${part}"`);
    out[k.trim()] = x;
  }
  return out;
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
