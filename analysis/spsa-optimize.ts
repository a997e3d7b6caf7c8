/**
 * The study behind `stochgrad spsa optimize`: SPSA (Spall 1992), 2-SPSA (Spall 2000) or FDSA
 * (Kiefer & Wolfowitz 1952) with Spall's gains aₖ = a/(k+1+A)^α, cₖ = c/(k+1)^γ on one loss
 * oracle, over K seeds (run k uses root.fork(`run/${k}`); gains left out are calibrated at θ₀ in
 * each run, as Qiskit's SPSA does per call), summarised by the quantiles of L(θ̂)/L(θ₀), as a JSON
 * record and a figure record (median and interquartile band of L(θₖ)/L(θ₀) against loss
 * measurements).
 */
import path from "node:path";
import type { LossOracle } from "../src/estimators/oracle.js";
import type { CalibrationRecord } from "../src/optim/calibration.js";
import { fdsaOptimize } from "../src/optim/fdsa.js";
import { spsaOptimize } from "../src/optim/spsa.js";
import { spsa2Optimize, validateSpsa2Options } from "../src/optim/spsa2.js";
import { validateSaOptions, type OptimResult, type SaOptions } from "../src/optim/types.js";
import { Stream } from "../src/random/stream.js";
import { quantile } from "../src/stats/quantile.js";
import { bandSeries } from "./charts.js";
import { fiveNumberSummary as summary } from "./claims/spsa-common.js";
import type { FigureRecord } from "./figures/types.js";

/** The optimisers the study runs, by `--method` (a typed record). */
export const SA_METHODS = {
  spsa: { label: "SPSA", run: spsaOptimize, validate: validateSaOptions },
  "2spsa": { label: "2-SPSA", run: spsa2Optimize, validate: validateSpsa2Options },
  fdsa: { label: "FDSA", run: fdsaOptimize, validate: validateSaOptions },
} as const;

export type SaMethodId = keyof typeof SA_METHODS;

/** The optimiser options a study passes to every run (the method's own options included). */
export type StudyRunOptions = Omit<SaOptions, "iterations" | "monitor" | "recordEvery"> & { crn?: boolean; regularization?: number | "auto" };

export interface SpsaStudyOptions {
  /** what the record calls the loss (a test-function name or a problem file) */
  function: string;
  /** the loss's own description for the record */
  objective: unknown;
  oracle: LossOracle;
  /** the experimenter's exact loss, traced but not counted as evaluations */
  monitor: (theta: Float64Array) => number;
  theta0: Float64Array;
  method: SaMethodId;
  seed: string;
  seeds: number;
  iterations: number;
  /** gains (omitted ones calibrated), resamplings, blocking, trust region, calibration, CRN, 2-SPSA's regularisation */
  run: StudyRunOptions;
  /** additive measurement noise σ of a test function (recorded) */
  noise: number;
  version: string;
  onRun?: (done: number, total: number) => void;
}


/** Check a study's options before any output is created (one InputError or FieldError naming the field). */
export function validateStudy(o: Pick<SpsaStudyOptions, "method" | "iterations" | "run">): void {
  SA_METHODS[o.method].validate({ ...o.run, iterations: o.iterations });
}

/** What calibration set across the runs: which gains, and the range of each calibrated value (undefined without calibration; absent fields were not calibrated). */
function calibrationSummary(runs: OptimResult[]) {
  const recs = runs.map((r) => r.details.calibration as CalibrationRecord | undefined);
  if (!recs[0]) return undefined;
  const range = (f: (c: CalibrationRecord) => number) => {
    const v = recs.map((c) => f(c!));
    // min and max by reduce: Math.min(...v) overflows the stack on a few hundred thousand runs
    return { median: quantile(v, 0.5), min: v.reduce((m, x) => Math.min(m, x), Infinity), max: v.reduce((m, x) => Math.max(m, x), -Infinity) };
  };
  const r0 = recs[0];
  return {
    calibrated: r0.calibrated,
    evaluationsPerRun: r0.evaluations,
    a: range((c) => c.a),
    c: range((c) => c.c),
    A: r0.A,
    ...(r0.noise ? { noiseSd: range((c) => c.noise!.sd) } : {}),
    ...(r0.blockingTolerance !== undefined ? { blockingTolerance: range((c) => c.blockingTolerance!) } : {}),
    ...(r0.newtonStep !== undefined ? { newtonStep: r0.newtonStep } : {}),
    ...(r0.step?.target !== undefined ? { firstStepTarget: r0.step.target } : {}),
  };
}

/** Run the K seeded optimisations and build the record and its figure (see the file comment). */
export function runSpsaStudy(o: SpsaStudyOptions) {
  validateStudy(o);
  const root = Stream.fromSeed(o.seed);
  const runs: OptimResult[] = [];
  const m = SA_METHODS[o.method];
  const opts = { ...o.run, iterations: o.iterations, monitor: o.monitor, recordEvery: Math.max(1, Math.ceil(o.iterations / 200)) };
  for (let k = 0; k < o.seeds; k++) {
    runs.push(m.run(o.oracle, o.theta0, opts, root.fork(`run/${k}`)));
    o.onRun?.(k + 1, o.seeds);
  }
  const g = runs[0].gains;
  const record = {
    kind: "stochgrad.spsa-optimize",
    versions: { stochgrad: o.version },
    function: o.function,
    objective: o.objective,
    method: o.method,
    seed: o.seed,
    seeds: o.seeds,
    options: { ...o.run, iterations: o.iterations, noise: o.noise, theta0: Array.from(o.theta0) },
    /** run 0's gains (every run's own gains are in runs[k].gains) */
    gains: g,
    calibration: calibrationSummary(runs),
    initialLoss: runs[0].initialLoss,
    evaluationsPerRun: runs[0].evaluations,
    finalRatio: summary(runs.map((r) => r.finalLoss / r.initialLoss)),
    finalRatioAveragedIterate: summary(runs.map((r) => r.finalLossAveraged / r.initialLoss)),
    runs: runs.map((r, k) => ({ run: k, ...r })),
  };
  const M = m.label;
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
          series: [bandSeries(runs, `${M} (a = ${+g.a.toPrecision(4)}, c = ${+g.c.toPrecision(4)})`, 0)],
        },
      },
    ],
  };
  return { record, figure };
}
