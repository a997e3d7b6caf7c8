/** Helpers shared by CLI commands. */
import { readJsonFile, toJsonText } from "../analysis/io.js";
import { problemFromJSON } from "../src/problems/json.js";
import { type BinaryProblem } from "../src/problems/types.js";
import type { EstimatorOptions } from "../src/estimators/types.js";
import { FieldError, InputError } from "../src/errors.js";
import { defaultWorkers, MAX_WORKERS, WorkerPool } from "../src/parallel/pool.js";
import type { FlagSpec } from "./args.js";

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

/** The `--workers` flag of the long commands (estimate, compare, exact). */
export function workersFlag(): FlagSpec {
  return { type: "int", metavar: "W", description: "threads, this one included (default: the number of cores; 1 runs in-process); the output is the same bytes for any number", default: defaultWorkers() };
}

/** The value of --workers, or an InputError naming it (call before any work or output). */
export function parseWorkers(raw: unknown): number {
  const w = Number(raw);
  if (!Number.isInteger(w) || w < 1 || w > MAX_WORKERS) throw new InputError(`--workers: expected an integer in [1, ${MAX_WORKERS}], got ${String(raw)}`);
  return w;
}

/**
 * Run `f` with a pool of `workers` threads when there is work to share (`needed`) and more than one
 * worker, else with none (in-process); the pool is closed afterwards, whatever happens.
 */
export function withPool<T>(workers: number, needed: boolean, f: (pool: WorkerPool | undefined) => T): T {
  if (workers < 2 || !needed) return f(undefined);
  const pool = new WorkerPool({ workers });
  try {
    return f(pool);
  } finally {
    pool.close();
  }
}
