/**
 * `stochgrad spsa optimize`: SPSA (or FDSA) with Spall's gains on a built-in test function or on
 * a belief-net problem file, over one or more seeds; writes a JSON record and a figure (median
 * and quartile band of L(θₖ)/L(θ₀) against loss measurements) rendered from the record.
 */
import path from "node:path";
import { renderRecord } from "../../analysis/figures/runner.js";
import { withOutputDir, writeFileAtomic, writeJsonAtomic } from "../../analysis/io.js";
import { runSpsaRuns, spsaStudyRecords, type SpsaStudyParams } from "../../analysis/spsa-optimize.js";
import { partFileName, partText, parseShard, shardItems } from "../../analysis/shard.js";
import type { FigureRecord } from "../../analysis/figures/types.js";
import type { OptimResult } from "../../src/optim/types.js";
import { SHARD_FLAG } from "../shard.js";
import { assertEnumerable } from "../../src/exact/enumerate.js";
import { expectedLoss } from "../../src/exact/dual.js";
import { objectiveOracle, problemOracle, type LossOracle } from "../../src/estimators/oracle.js";
import { validateGains } from "../../src/optim/types.js";
import { getObjective, requireDimension } from "../../src/problems/functions.js";
import { loadProblem } from "../common.js";
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

/** Write the study's record, figure record and charts into out; returns the summary the command prints. */
function writeSpsaStudy(out: string, record: ReturnType<typeof spsaStudyRecords>["record"], fig: FigureRecord): string {
  writeJsonAtomic(path.join(out, "spsa-optimize.json"), record);
  writeJsonAtomic(path.join(out, "spsa-optimize-figure.json"), fig);
  const files = renderRecord(fig, out);
  const fmt = (v: number) => v.toExponential(3);
  return (
    `${record.method} on ${record.function}: ${record.seeds} run(s) × ${record.evaluationsPerRun} loss measurements, L(θ₀) = ${record.initialLoss.toPrecision(6)}\n` +
    `final L(θ̂)/L(θ₀): median ${fmt(record.finalRatio.median)}, quartiles [${fmt(record.finalRatio.q25)}, ${fmt(record.finalRatio.q75)}], range [${fmt(record.finalRatio.min)}, ${fmt(record.finalRatio.max)}]\n` +
    `averaged iterate:  median ${fmt(record.finalRatioAveragedIterate.median)}, quartiles [${fmt(record.finalRatioAveragedIterate.q25)}, ${fmt(record.finalRatioAveragedIterate.q75)}]\n` +
    `wrote ${path.join(out, "spsa-optimize.json")} and ${files.join(", ")}\n`
  );
}

/** `stochgrad merge` of `spsa optimize --shard` parts: the runs in run order, then the unsharded run's record and files. */
export function mergeSpsaParts(m: { version: string; run: Record<string, unknown>; states: unknown[] }, out: string): { code: number; text: string } {
  const params = { ...(m.run as unknown as Omit<SpsaStudyParams, "version">), version: m.version };
  if (typeof params.function !== "string" || typeof params.seed !== "string" || params.seeds !== m.states.length || !(params.theta0 instanceof Float64Array)) throw new InputError("merge: the parts' run is not that of stochgrad spsa optimize --shard (function, seed, seeds, theta0)");
  m.states.forEach((r, k) => {
    const o = r as Partial<OptimResult>;
    if (o === null || typeof o !== "object" || typeof o.initialLoss !== "number" || typeof o.finalLoss !== "number" || !Array.isArray(o.theta) || o.theta.length !== params.theta0.length) throw new InputError(`merge: run ${k} in the parts is not an optimisation result of ${params.theta0.length} parameters`);
  });
  const { record, figure } = spsaStudyRecords(params, m.states as OptimResult[]);
  return { code: 0, text: writeSpsaStudy(out, record, figure) };
}

export const spsaOptimizeCommand: Command = {
  name: "spsa optimize",
  summary: "SPSA / FDSA optimisation with Spall's gains on a test function or a problem file (JSON record + figure).",
  flags: {
    function: { type: "string", metavar: "skewed-quartic|quadratic|rosenbrock|problem.json", required: true, description: "skewed-quartic | quadratic | rosenbrock | a belief-net problem .json (sampled loss)" },
    iterations: { type: "int", metavar: "N", description: "iterations N", default: 1000 },
    a: { type: "number", metavar: "A", description: "step-size numerator a in aₖ = a/(k+1+A)^α (required unless --calibrate)" },
    c: { type: "number", metavar: "C", description: "perturbation numerator c in cₖ = c/(k+1)^γ", default: 0.1 },
    A: { type: "number", metavar: "A", description: "stability constant A (default 10% of the iterations)" },
    alpha: { type: "number", metavar: "α", description: "step decay exponent α", default: 0.602 },
    gamma: { type: "number", metavar: "γ", description: "perturbation decay exponent γ", default: 0.101 },
    seed: { type: "string", metavar: "S", description: "root seed; run k uses fork(`run/k`)", default: "1" },
    seeds: { type: "int", metavar: "K", description: "number of independent runs", default: 1 },
    method: { type: "string", metavar: "spsa|fdsa", description: "spsa | fdsa (central differences; same gains)", default: "spsa" },
    dimension: { type: "int", metavar: "p", description: "dimension p of a test function (defaults: quartic 10, quadratic 10, rosenbrock 2)" },
    noise: { type: "number", metavar: "σ", description: "additive N(0, σ²) measurement noise on a test function", default: 0 },
    theta0: { type: "string", metavar: "θ₁,θ₂,...", description: "starting point, comma-separated (default: the function's θ₀ or the problem's parameters)" },
    perturbations: { type: "int", metavar: "m", description: "SPSA perturbations averaged per step", default: 1 },
    crn: { type: "boolean", description: "common random numbers for the two measurements of a difference" },
    calibrate: { type: "number", metavar: "δ", description: "calibrate a so the first steps change θᵢ by about this much (10 gradient measurements)" },
    blocking: { type: "number", metavar: "tol", description: "reject a step that raises the measured loss by more than this tolerance" },
    out: { type: "string", metavar: "DIR", description: "output folder for spsa-optimize.json and the figure", default: "spsa-out" },
    shard: SHARD_FLAG,
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
    if (method !== "spsa" && method !== "fdsa") throw new InputError(`--method: expected spsa or fdsa, got ${quote(method)}`);
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
    if (f.a === undefined && calibrateStep === undefined) throw new InputError("--a: required unless --calibrate is given");
    if (f.a !== undefined && calibrateStep !== undefined) throw new InputError("--calibrate: sets a from measurements; give either --a or --calibrate, not both");
    const gainsIn = { a: f.a === undefined ? 1 : Number(f.a), c: Number(f.c), A: f.A === undefined ? Math.floor(0.1 * iterations) : Number(f.A), alpha: Number(f.alpha), gamma: Number(f.gamma) };
    validateGains(gainsIn);
    if (method === "fdsa" && calibrateStep !== undefined) throw new InputError("--calibrate: available for --method spsa only");
    const perturbations = Number(f.perturbations);
    if (!(perturbations >= 1)) throw new InputError(`--perturbations: expected an integer ≥ 1, got ${perturbations}`);
    if (method === "fdsa" && f.perturbations !== 1) throw new InputError("--perturbations: SPSA averages perturbations; FDSA measures each coordinate (give it with --method spsa only)");
    // time: every measurement evaluates the loss once (cost ∝ its size), plus the traced exact loss
    const p = oracle.dimension;
    const perStep = (method === "spsa" ? 2 * perturbations : 2 * p) + (f.blocking === undefined ? 0 : 2);
    // memory: each run keeps θ, θ̄ and a trace of ≤ 200 points (4 numbers each) in the record
    requireMemory(seeds * (2 * p + 800), "--seeds", `${formatCount(seeds)} runs of ${formatCount(p)} parameters with their traces`);
    const work = seeds * (iterations * perStep + 400) * lossSize;
    requireTime(samplingSeconds(work), "--iterations", `${formatCount(seeds)} run(s) × ${formatCount(iterations)} iterations × ${formatCount(perStep)} loss measurements × ${formatCount(lossSize)} (the loss's size)`);
    const shard = f.shard === undefined ? undefined : parseShard(String(f.shard));
    const params: SpsaStudyParams = {
      function: fn,
      objective: described,
      theta0,
      method,
      seed: String(f.seed),
      seeds,
      iterations,
      gains: { ...gainsIn, a: f.a === undefined ? undefined : gainsIn.a },
      noise: sigma,
      perturbations,
      crn: Boolean(f.crn),
      calibrate: calibrateStep,
      blocking: f.blocking === undefined ? undefined : Number(f.blocking),
      version: VERSION,
    };
    const text = await withOutputDir(String(f.out), "--out", (out) => {
      const bar = new Progress("spsa");
      const study = { ...params, oracle, monitor, onRun: (k: number, n: number) => bar.update(k, n) };
      if (shard) {
        // a shard runs the seeds it owns (round-robin) and writes their whole results as its part
        const mine = shardItems(shard, seeds);
        const runs = runSpsaRuns(study, mine);
        bar.done();
        const file = path.join(out, partFileName("spsa optimize", shard));
        const { version, ...run } = params;
        writeFileAtomic(file, partText("spsa optimize", version, run, shard, seeds, mine, runs));
        return `${method} on ${fn}: shard ${shard.index}/${shard.count}, ${mine.length} of ${seeds} run(s); wrote part ${file}; join the parts with stochgrad merge PART… --out DIR\n`;
      }
      const { record, figure } = spsaStudyRecords(params, runSpsaRuns(study, Array.from({ length: seeds }, (_, k) => k)));
      bar.done();
      return writeSpsaStudy(out, record, figure);
    });
    process.stdout.write(text);
    return 0;
  },
};

/** `stochgrad spsa optimize`. */
export const spsaCommand: CommandGroup = {
  name: "spsa",
  summary: "SPSA / FDSA optimisation with Spall's gains on a test function or a problem file (JSON record + figure).",
  subcommands: { optimize: spsaOptimizeCommand },
};
