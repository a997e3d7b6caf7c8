/** Helpers shared by CLI commands. */
import { readJsonFile, toJsonText } from "../analysis/io.js";
import { problemFromJSON } from "../src/problems/json.js";
import { type BinaryProblem } from "../src/problems/types.js";
import type { EstimatorInstance, EstimatorOptions, EstimatorSpec } from "../src/estimators/types.js";
import { formatCount, requireTime, samplingSeconds } from "../src/limits.js";
import { optionsFor, resolveOptions, suggestName } from "../src/estimators/options.js";
import { FieldError, InputError, quote } from "../src/errors.js";
import { defaultWorkers, MAX_WORKERS, WorkerPool } from "../src/parallel/pool.js";
import type { FlagSpec } from "./args.js";
import { blockBits } from "../src/exact/enumeration-blocks.js";
import { MAX_ENUMERABLE_UNITS } from "../src/exact/enumerate.js";

/** Load and validate a problem file; errors name the file. */
export function loadProblem(file: string | undefined): BinaryProblem {
  if (!file) throw new InputError("missing problem file (e.g. stochgrad exact problem.json)");
  return problemOf(readJsonFile(file, "problem file"), file);
}

/** The problem of a problem file's JSON `v` (as read, or as a part record keeps it); errors name the file. */
export function problemOf(v: unknown, file: string): BinaryProblem {
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

/** Enumeration blocks of the problem's exact analysis (0 when it is not enumerated: injected noise, or more units than `maxUnits`). */
export function enumerationBlockCount(problem: BinaryProblem, maxUnits = MAX_ENUMERABLE_UNITS): number {
  return problem.unitNoise === "injected" || problem.nUnits > maxUnits ? 0 : 2 ** (problem.nUnits - blockBits(problem));
}

/**
 * Fewest chunks or blocks worth a pool: starting a worker thread (and loading the library there)
 * costs about as much as a few small chunks, so smaller jobs run in-process (the same bytes).
 */
export const MIN_POOL_TASKS = 16;

/**
 * Run `f` with a pool of min(workers, tasks) threads, `tasks` being the number of Monte Carlo chunks
 * or enumeration blocks there are to share (more threads would idle), or with none (in-process)
 * for one worker or fewer than MIN_POOL_TASKS tasks; the pool is closed afterwards, whatever happens.
 */
export function withPool<T>(workers: number, tasks: number, f: (pool: WorkerPool | undefined) => T): T {
  const n = Math.min(workers, tasks);
  if (n < 2 || tasks < MIN_POOL_TASKS) return f(undefined);
  const pool = new WorkerPool({ workers: n });
  try {
    return f(pool);
  } finally {
    pool.close();
  }
}

/** Longest error line printed; longer messages are cut (echoed values are already cut where they are quoted). */
const MAX_ERROR_CHARS = 2000;

/** A message as one line: control characters (a newline in a file name or value) escaped, the length capped. */
export function oneLine(message: string): string {
  const s = message.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
  return s.length <= MAX_ERROR_CHARS ? s : `${s.slice(0, MAX_ERROR_CHARS)}… (message cut at ${MAX_ERROR_CHARS} characters)`;
}
