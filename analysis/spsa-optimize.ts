/**
 * The study behind `stochgrad spsa optimize`: SPSA (Spall 1992) or FDSA (Kiefer & Wolfowitz 1952)
 * with Spall's gains aₖ = a/(k+1+A)^α, cₖ = c/(k+1)^γ on one loss oracle, over K seeds (run k uses
 * root.fork(`run/${k}`)), summarised by the quantiles of L(θ̂)/L(θ₀), as a JSON record and a
 * figure record (median and interquartile band of L(θₖ)/L(θ₀) against loss measurements).
 */
import path from "node:path";
import type { LossOracle } from "../src/estimators/oracle.js";
import { fdsaOptimize } from "../src/optim/fdsa.js";
import { spsaOptimize } from "../src/optim/spsa.js";
import type { OptimResult } from "../src/optim/types.js";
import { Stream } from "../src/random/stream.js";
import { quantile } from "../src/stats/quantile.js";
import { bandSeries } from "./charts.js";
import type { FigureRecord } from "./figures/types.js";

export interface SpsaStudyOptions {
  /** what the record calls the loss (a test-function name or a problem file) */
  function: string;
  /** the loss's own description for the record */
  objective: unknown;
  oracle: LossOracle;
  /** the experimenter's exact loss, traced but not counted as evaluations */
  monitor: (theta: Float64Array) => number;
  theta0: Float64Array;
  method: "spsa" | "fdsa";
  seed: string;
  seeds: number;
  iterations: number;
  /** a: undefined with `calibrate` (SPSA only) */
  gains: { a: number | undefined; c: number; A: number; alpha: number; gamma: number };
  /** additive measurement noise σ of a test function (recorded) */
  noise: number;
  perturbations: number;
  crn: boolean;
  /** calibrate a so the first steps change θᵢ by about this much (10 gradient measurements) */
  calibrate?: number;
  blocking?: number;
  version: string;
  onRun?: (done: number, total: number) => void;
}

/** Five-number summary of ratios: median, quartiles, range. */
function summary(x: number[]): { median: number; q25: number; q75: number; min: number; max: number } {
  // min and max by reduce: Math.min(...x) overflows the stack on a few hundred thousand runs
  return { median: quantile(x, 0.5), q25: quantile(x, 0.25), q75: quantile(x, 0.75), min: x.reduce((m, v) => Math.min(m, v), Infinity), max: x.reduce((m, v) => Math.max(m, v), -Infinity) };
}

/** The study's parameters: everything its record depends on (what a shard's part carries). */
export type SpsaStudyParams = Omit<SpsaStudyOptions, "oracle" | "monitor" | "onRun">;

/** The optimisation runs with the given indices k (each on root.fork(`run/${k}`)), in that order. */
export function runSpsaRuns(o: SpsaStudyOptions, indices: number[]): OptimResult[] {
  const root = Stream.fromSeed(o.seed);
  const runs: OptimResult[] = [];
  const g = o.gains;
  const common = { c: g.c, A: g.A, alpha: g.alpha, gamma: g.gamma, iterations: o.iterations, monitor: o.monitor, crn: o.crn, blockingTolerance: o.blocking, recordEvery: Math.max(1, Math.ceil(o.iterations / 200)) };
  for (const k of indices) {
    const s = root.fork(`run/${k}`);
    runs.push(
      o.method === "spsa"
        ? spsaOptimize(o.oracle, o.theta0, { ...common, a: g.a, perturbations: o.perturbations, calibrate: o.calibrate === undefined ? undefined : { measurements: 10, step: o.calibrate } }, s)
        : fdsaOptimize(o.oracle, o.theta0, { ...common, a: g.a ?? 1 }, s),
    );
    o.onRun?.(runs.length, indices.length);
  }
  return runs;
}

/** Run the K seeded optimisations and build the record and its figure (see the file comment). */
export function runSpsaStudy(o: SpsaStudyOptions) {
  return spsaStudyRecords(o, runSpsaRuns(o, Array.from({ length: o.seeds }, (_, k) => k)));
}

/** The record and figure of a study from all K runs, in run order (the unsharded run and `stochgrad merge` both build them here). */
export function spsaStudyRecords(o: SpsaStudyParams, runs: OptimResult[]) {
  const g = o.gains;
  const record = {
    kind: "stochgrad.spsa-optimize",
    versions: { stochgrad: o.version },
    function: o.function,
    objective: o.objective,
    method: o.method,
    seed: o.seed,
    seeds: o.seeds,
    options: { ...g, a: runs[0].gains.a, iterations: o.iterations, noise: o.noise, perturbations: o.perturbations, crn: o.crn, ...(o.calibrate === undefined ? {} : { calibrate: o.calibrate }), ...(o.blocking === undefined ? {} : { blocking: o.blocking }), theta0: Array.from(o.theta0) },
    initialLoss: runs[0].initialLoss,
    evaluationsPerRun: runs[0].evaluations,
    finalRatio: summary(runs.map((r) => r.finalLoss / r.initialLoss)),
    finalRatioAveragedIterate: summary(runs.map((r) => r.finalLossAveraged / r.initialLoss)),
    runs: runs.map((r, k) => ({ run: k, ...r })),
  };
  const M = o.method.toUpperCase();
  const figure: FigureRecord = {
    kind: "stochgrad.figure",
    id: "spsa-optimize",
    title: `${M} on ${o.function}`,
    caption: `L(θₖ)/L(θ₀) (exact loss) against loss measurements, median and interquartile band over ${o.seeds} seed(s).`,
    seed: o.seed,
    quick: false,
    data: { finalRatio: record.finalRatio },
    charts: [
      {
        name: "",
        spec: {
          title: `${M} on ${path.basename(o.function)}: L(θₖ)/L(θ₀) over ${o.seeds} seed(s)`,
          x: { label: "loss measurements (log scale)", log: true },
          y: { label: "L(θₖ) / L(θ₀) (exact, log scale)", log: true },
          series: [bandSeries(runs, `${M} (a = ${+runs[0].gains.a.toPrecision(4)}, c = ${g.c})`, 0)],
        },
      },
    ],
  };
  return { record, figure };
}
