/**
 * `stochgrad spsa optimize`: SPSA, 2-SPSA or FDSA with Spall's gains on a built-in test function
 * or on a belief-net problem file, over one or more seeds; gains not given are calibrated at θ₀
 * and reported. Writes a JSON record and a figure (median and quartile band of L(θₖ)/L(θ₀)
 * against loss measurements) rendered from the record.
 */
import path from "node:path";
import { renderRecord } from "../../analysis/figures/runner.js";
import { withOutputDir, writeJsonAtomic } from "../../analysis/io.js";
import { runSpsaStudy, SA_METHODS, validateStudy, type SaMethodId, type StudyRunOptions } from "../../analysis/spsa-optimize.js";
import { assertEnumerable } from "../../src/exact/enumerate.js";
import { expectedLoss } from "../../src/exact/dual.js";
import { objectiveOracle, problemOracle, type LossOracle } from "../../src/estimators/oracle.js";
import { validateGains } from "../../src/optim/types.js";
import { getObjective, requireDimension } from "../../src/problems/functions.js";
import { loadProblem, withFlags } from "../common.js";
import { Progress } from "../progress.js";
import type { Command, CommandGroup } from "../types.js";
import { VERSION } from "../version.js";
import { InputError, quote } from "../../src/errors.js";
import { formatCount, requireMemory, requireTime, samplingSeconds } from "../../src/limits.js";

/** θ-sized vectors an optimisation run holds (θ, the step, the average, the kernels' scratch), for the memory limit. */
const OPTIMISER_VECTORS = 8;

function parseTheta(raw: string, p: number): Float64Array {
  const parts = raw.split(",").map((s) => s.trim());
  const v = parts.map((s, i) => {
    const x = Number(s);
    if (s === "" || !Number.isFinite(x)) throw new InputError(`--theta0: entry ${i} is not a finite number (${quote(s)})`);
    return x;
  });
  requireDimension(v, p, "--theta0");
  return Float64Array.from(v);
}

/** "auto" or a finite number; one InputError naming the flag otherwise. */
function numberOrAuto(raw: unknown, flag: string): number | "auto" | undefined {
  if (raw === undefined) return undefined;
  const s = String(raw).trim();
  if (s === "auto") return "auto";
  const v = Number(s);
  if (s === "" || !Number.isFinite(v)) throw new InputError(`${flag}: expected a number or "auto", got "${s}"`);
  return v;
}

/** Library option fields → the flags that set them (cli/common.ts withFlags). */
const FLAG_OF: Record<string, string> = {
  resamplings: "--resamplings",
  trustRegion: "--trust-region",
  blockingTolerance: "--blocking",
  regularization: "--regularization",
  calibrate: "--calibrate",
};

/** The report of what calibration set, for stdout (median and range when the runs differ). */
function describeCalibration(cal: NonNullable<ReturnType<typeof runSpsaStudy>["record"]["calibration"]>, seeds: number): string {
  const v = (r: { median: number; min: number; max: number }) => (r.min === r.max || seeds === 1 ? `${+r.median.toPrecision(4)}` : `${+r.median.toPrecision(4)} [median; ${+r.min.toPrecision(4)} to ${+r.max.toPrecision(4)} over ${seeds} runs]`);
  const how: string[] = [];
  const set = new Set(cal.calibrated);
  if (set.has("a")) how.push(cal.newtonStep !== undefined ? `a = ${v(cal.a)} (a₀ = a/(A+1)^α = ${cal.newtonStep}: a full regularised Newton step)` : `a = ${v(cal.a)} (first step moves each θᵢ by ${cal.firstStepTarget} on average)`);
  if (set.has("c")) how.push(`c = ${v(cal.c)} (${cal.noiseSd && cal.noiseSd.max > 0 ? "the loss's standard deviation at θ₀" : "default: the loss at θ₀ showed no noise"})`);
  if (set.has("A")) how.push(`A = ${cal.A} (10% of the iterations)`);
  if (set.has("blockingTolerance") && cal.blockingTolerance) how.push(`blocking tolerance = ${v(cal.blockingTolerance)} (2 × the loss's standard deviation)`);
  return `calibrated the gains not given (${cal.evaluationsPerRun} loss measurements per run, counted): ${how.join(", ")}\n`;
}

export const spsaOptimizeCommand: Command = {
  name: "spsa optimize",
  summary: "SPSA / 2-SPSA / FDSA optimisation with Spall's gains on a test function or a problem file (JSON record + figure); gains not given are calibrated at θ₀.",
  flags: {
    function: { type: "string", metavar: "skewed-quartic|quadratic|rosenbrock|problem.json", required: true, description: "skewed-quartic | quadratic | rosenbrock | a belief-net problem .json (sampled loss)" },
    iterations: { type: "int", metavar: "N", description: "iterations N", default: 1000 },
    a: { type: "number", metavar: "A", description: "step-size numerator a in aₖ = a/(k+1+A)^α (calibrated at θ₀ when omitted; for 2spsa in Newton units, default a₀ = a/(A+1)^α = 1)" },
    c: { type: "number", metavar: "C", description: "perturbation numerator c in cₖ = c/(k+1)^γ (default: the loss's standard deviation at θ₀, or 0.1 when noise-free)" },
    A: { type: "number", metavar: "A", description: "stability constant A (default 10% of the iterations)" },
    alpha: { type: "number", metavar: "α", description: "step decay exponent α", default: 0.602 },
    gamma: { type: "number", metavar: "γ", description: "perturbation decay exponent γ", default: 0.101 },
    seed: { type: "string", metavar: "S", description: "root seed; run k uses fork(`run/k`)", default: "1" },
    seeds: { type: "int", metavar: "K", description: "number of independent runs", default: 1 },
    method: { type: "string", metavar: "spsa|2spsa|fdsa", description: "spsa | 2spsa (second-order, Spall 2000) | fdsa (central differences; same gains)", default: "spsa" },
    dimension: { type: "int", metavar: "p", description: "dimension p of a test function (defaults: quartic 10, quadratic 10, rosenbrock 2)" },
    noise: { type: "number", metavar: "σ", description: "additive N(0, σ²) measurement noise on a test function", default: 0 },
    theta0: { type: "string", metavar: "θ₁,θ₂,...", description: "starting point, comma-separated (default: the function's θ₀ or the problem's parameters)" },
    resamplings: { type: "int", metavar: "R", description: "gradient (and, for 2spsa, Hessian) estimates averaged per step (default 1)" },
    perturbations: { type: "int", metavar: "m", description: "former name of --resamplings" },
    crn: { type: "boolean", description: "common random numbers for the measurements of a difference" },
    calibrate: { type: "number", metavar: "δ", description: "first-step target of the calibration of a: the first steps change θᵢ by about δ (default 0.1; spsa and fdsa)" },
    blocking: { type: "string", metavar: "tol|auto", description: "reject a step that raises the measured loss by more than tol; auto = 2 × the loss's standard deviation at θ₀" },
    "trust-region": { type: "number", metavar: "ρ", description: "cap every step's length ‖θₖ₊₁ − θₖ‖₂ at ρ > 0" },
    regularization: { type: "string", metavar: "δ|auto", description: "2spsa: δ in (H̄ᵀH̄ + δI)^½; auto (default) follows the Hessian estimates' noise, δₖ ∝ 1/(k+1)" },
    out: { type: "string", metavar: "DIR", description: "output folder for spsa-optimize.json and the figure", default: "spsa-out" },
    help: { type: "boolean", description: "show this help" },
  },
  async run(args) {
    const f = args.flags;
    const fn = f.function as string | undefined;
    if (!fn) throw new InputError("--function: required (skewed-quartic, quadratic, rosenbrock, or a problem .json file)");
    const iterations = Number(f.iterations);
    if (iterations < 1) throw new InputError(`--iterations: expected an integer ≥ 1, got ${iterations}`);
    const seeds = Number(f.seeds);
    if (seeds < 1) throw new InputError(`--seeds: expected an integer ≥ 1, got ${seeds}`);
    const method = String(f.method);
    if (!Object.prototype.hasOwnProperty.call(SA_METHODS, method)) throw new InputError(`--method: expected ${Object.keys(SA_METHODS).join(", ")}, got ${quote(method)}`);
    const sigma = Number(f.noise);
    let oracle: LossOracle;
    let monitor: (t: Float64Array) => number;
    let theta0: Float64Array;
    let described: unknown;
    // the cost of one loss measurement, in units and parameters (problem) or coordinates (function)
    let lossSize: number;
    if (fn.endsWith(".json")) {
      const problem = loadProblem(fn);
      if (sigma !== 0) throw new InputError("--noise: a problem file's loss is already stochastic (its units' noise); --noise applies to test functions only");
      if (f.dimension !== undefined) throw new InputError("--dimension: applies to test functions only (a problem file fixes its parameters)");
      assertEnumerable(problem);
      oracle = problemOracle(problem);
      monitor = (t) => expectedLoss(problem, t);
      theta0 = problem.initialParams();
      described = problem.toJSON();
      lossSize = problem.nUnits + problem.nParams;
    } else {
      if (f.dimension !== undefined) requireMemory(Number(f.dimension) * OPTIMISER_VECTORS, "--dimension", `a ${formatCount(Number(f.dimension))}-dimensional optimisation (${OPTIMISER_VECTORS} vectors of θ's size)`);
      const obj = getObjective(fn, f.dimension === undefined ? undefined : Number(f.dimension));
      oracle = objectiveOracle(obj, sigma);
      monitor = (t) => obj.value(t);
      theta0 = obj.initialParams();
      described = obj.toJSON();
      lossSize = obj.dimension;
    }
    if (f.theta0 !== undefined) theta0 = parseTheta(String(f.theta0), oracle.dimension);
    const calibrateStep = f.calibrate === undefined ? undefined : Number(f.calibrate);
    if (f.a !== undefined && calibrateStep !== undefined) throw new InputError("--calibrate: sets a from measurements; give either --a or --calibrate, not both");
    if (method === "2spsa" && calibrateStep !== undefined) throw new InputError("--calibrate: 2spsa's a is in Newton units (default a₀ = a/(A+1)^α = 1), not calibrated to a first-step target");
    const gainsIn = { a: f.a === undefined ? 1 : Number(f.a), c: f.c === undefined ? 1 : Number(f.c), A: f.A === undefined ? Math.floor(0.1 * iterations) : Number(f.A), alpha: Number(f.alpha), gamma: Number(f.gamma) };
    validateGains(gainsIn);
    const regularization = numberOrAuto(f.regularization, "--regularization");
    if (regularization !== undefined && method !== "2spsa") throw new InputError("--regularization: applies to --method 2spsa only");
    const run: StudyRunOptions = {
      a: f.a === undefined ? undefined : Number(f.a),
      c: f.c === undefined ? undefined : Number(f.c),
      A: f.A === undefined ? undefined : Number(f.A),
      alpha: Number(f.alpha),
      gamma: Number(f.gamma),
      resamplings: f.resamplings === undefined ? undefined : Number(f.resamplings),
      crn: Boolean(f.crn),
      calibrate: calibrateStep === undefined ? undefined : { step: calibrateStep },
      blockingTolerance: numberOrAuto(f.blocking, "--blocking"),
      trustRegion: f["trust-region"] === undefined ? undefined : Number(f["trust-region"]),
      regularization,
    };
    if (f.perturbations !== undefined) {
      if (f.resamplings !== undefined) throw new InputError("--perturbations: the former name of --resamplings; give one of them");
      run.resamplings = Number(f.perturbations);
    }
    const sa = method as SaMethodId;
    // every option is checked before the output folder is created
    withFlags(FLAG_OF, () => validateStudy({ method: sa, iterations, run }));
    // time: every measurement evaluates the loss once (cost ∝ its size), plus the traced exact loss
    const p = oracle.dimension;
    const R = run.resamplings ?? 1;
    const perStep = (sa === "fdsa" ? 2 * p : sa === "2spsa" ? 4 * R : 2 * R) + (run.blockingTolerance === undefined ? 0 : 2);
    // memory: each run keeps θ, θ̄ and a trace of ≤ 200 points (4 numbers each) in the record (2spsa: also p × p Hessians)
    requireMemory(seeds * (2 * p + 800) + (sa === "2spsa" ? 3 * p * p : 0), "--seeds", `${formatCount(seeds)} runs of ${formatCount(p)} parameters with their traces`);
    const work = seeds * (iterations * perStep + 400) * lossSize;
    requireTime(samplingSeconds(work), "--iterations", `${formatCount(seeds)} run(s) × ${formatCount(iterations)} iterations × ${formatCount(perStep)} loss measurements × ${formatCount(lossSize)} (the loss's size)`);
    const { out, record, files } = await withOutputDir(String(f.out), "--out", (out) => {
      const bar = new Progress("spsa");
      const { record, figure: fig } = withFlags(FLAG_OF, () =>
        runSpsaStudy({
        function: fn,
        objective: described,
        oracle,
        monitor,
        theta0,
          method: sa,
          seed: String(f.seed),
          seeds,
          iterations,
          run,
          noise: sigma,
          version: VERSION,
          onRun: (k, n) => bar.update(k, n),
        }),
      );
      bar.done();
      writeJsonAtomic(path.join(out, "spsa-optimize.json"), record);
      writeJsonAtomic(path.join(out, "spsa-optimize-figure.json"), fig);
      const files = renderRecord(fig, out);
      return { out, record, files };
    });
    const fmt = (v: number) => v.toExponential(3);
    const g = record.gains;
    process.stdout.write(
      `${method} on ${fn}: ${seeds} run(s) × ${record.evaluationsPerRun} loss measurements, L(θ₀) = ${record.initialLoss.toPrecision(6)}\n` +
        (record.calibration ? describeCalibration(record.calibration, seeds) : "") +
        `gains${seeds > 1 ? " of run 0" : ""}: a = ${+g.a.toPrecision(4)}, c = ${+g.c.toPrecision(4)}, A = ${g.A}, α = ${g.alpha}, γ = ${g.gamma}\n` +
        `final L(θ̂)/L(θ₀): median ${fmt(record.finalRatio.median)}, quartiles [${fmt(record.finalRatio.q25)}, ${fmt(record.finalRatio.q75)}], range [${fmt(record.finalRatio.min)}, ${fmt(record.finalRatio.max)}]\n` +
        `averaged iterate:  median ${fmt(record.finalRatioAveragedIterate.median)}, quartiles [${fmt(record.finalRatioAveragedIterate.q25)}, ${fmt(record.finalRatioAveragedIterate.q75)}]\n` +
        `wrote ${path.join(out, "spsa-optimize.json")} and ${files.join(", ")}\n`,
    );
    return 0;
  },
};

/** `stochgrad spsa optimize`. */
export const spsaCommand: CommandGroup = {
  name: "spsa",
  summary: "SPSA / 2-SPSA / FDSA optimisation with Spall's gains on a test function or a problem file (JSON record + figure).",
  subcommands: { optimize: spsaOptimizeCommand },
};
