import path from "node:path";
import { compareEstimators, comparisonCharts, exactComparisonError, maxAbs, type ComparisonRecord } from "../../analysis/compare.js";
import { MAX_WARMUP } from "../../src/estimators/sample.js";
import { renderChart } from "../../analysis/charts.js";
import { withOutputDir, writeJsonAtomic } from "../../analysis/io.js";
import { parseEstimatorList } from "../../src/estimators/registry.js";
import { Stream } from "../../src/random/stream.js";
import { Progress } from "../progress.js";
import type { Command } from "../types.js";
import { loadProblem, optionsPerEstimator, parseOptions, requireSamplingBudget } from "../common.js";
import { InputError } from "../../src/errors.js";

/**
 * `stochgrad compare problem.json --estimators a,b,c [--samples N] [--exact]`: one comparison
 * record (comparison.json) and its charts (PNG, SVG, CSV) in --out.
 */
export const compareCommand: Command = {
  name: "compare",
  positional: "problem.json",
  summary: "Compare estimators on a problem: mean, variance, bias and cost; writes comparison.json and charts.",
  flags: {
    estimators: { type: "string", metavar: "a,b,c", required: true, description: "comma-separated estimator ids (see stochgrad estimators)" },
    samples: { type: "int", metavar: "N", description: "Monte Carlo draws per estimator (when not exact)", default: 10000 },
    exact: { type: "boolean", description: "exact moments wherever the noise allows (Monte Carlo for the rest)" },
    out: { type: "string", metavar: "DIR", description: "output folder", default: "compare-out" },
    seed: { type: "string", metavar: "S", description: "seed (string or integer)", default: "1" },
    alpha: { type: "number", metavar: "α", description: "false-alarm rate of the reported bias z-tests", default: 1e-6 },
    option: { type: "string", metavar: "name=value,...", description: "estimator options, e.g. temperature=0.5,K=4,eta=1" },
    warmup: { type: "int", metavar: "N", description: "seeded draws each online estimator (moving-average baselines, online predictor, NVIL, …) observes before it is measured (default 0: its creation state, said in the record)", default: 0 },
    help: { type: "boolean", description: "show this help" },
  },
  async run(args) {
    const f = args.flags;
    if (!f.estimators) throw new InputError("compare: --estimators is required (e.g. --estimators rloo,arm,disarm)");
    const specs = parseEstimatorList(String(f.estimators));
    const problem = loadProblem(args.positional[0]);
    const alpha = Number(f.alpha);
    if (!(alpha > 0 && alpha < 0.5)) throw new InputError(`--alpha: expected a number in (0, 0.5), got ${alpha}`);
    const options = parseOptions(f.option as string | undefined);
    const given = optionsPerEstimator(specs, options);
    const samples = Number(f.samples);
    if (!Number.isInteger(samples) || samples < 2) throw new InputError(`--samples: need an integer ≥ 2, got ${samples}`);
    const warmup = Number(f.warmup);
    if (!Number.isInteger(warmup) || warmup < 0 || warmup > MAX_WARMUP) throw new InputError(`--warmup: expected a number of draws, an integer in [0, ${MAX_WARMUP}], got ${f.warmup}`);
    // an exact comparison needs an exact reference: refuse before any output (no silent Monte Carlo)
    if (f.exact) {
      const e = exactComparisonError(problem);
      if (e) throw e;
    }
    // validate applicability, every estimator's options and the cost before any output is written
    const created = specs.map((s) => {
      const why = s.applicable(problem);
      if (why) throw new InputError(`--estimators: ${s.id} does not apply to this problem: ${why}`);
      return s.create(problem, problem.initialParams(), given.get(s.id));
    });
    requireSamplingBudget("--samples", samples + warmup, created, problem);
    const seed = String(f.seed);
    const files = await withOutputDir(String(f.out), "--out", (out) => {
      const bar = new Progress("compare");
      const rec: ComparisonRecord = compareEstimators(problem, specs, {
        exact: Boolean(f.exact),
        samples,
        seed,
        alpha,
        options,
        warmup,
        stream: Stream.fromSeed(seed).fork("compare"),
        onProgress: (d, t) => bar.update(d, t),
      });
      bar.done();
      // the chart specs are built before anything is written, so a failure leaves no partial output
      const charts = comparisonCharts(rec, `compare (${problem.kind})`);
      const written = ["comparison.json"];
      for (const c of charts) {
        const r = renderChart(c.spec, path.join(out, `comparison-${c.name}`));
        written.push(r.png, r.svg, r.csv);
      }
      writeJsonAtomic(path.join(out, "comparison.json"), rec);
      return { rec, out, written };
    });
    const { rec, out } = files;
    const w = rec.estimators.reduce((m, e) => Math.max(m, e.id.length), 9);
    process.stdout.write(`${"estimator".padEnd(w)}  method       evals  Σ Var[ĝ]     Σ Var × evals  max |bias|\n`);
    for (const e of rec.estimators) {
      const b = e.bias ? maxAbs(e.bias).toExponential(3) : "n/a";
      process.stdout.write(`${e.id.padEnd(w)}  ${e.method.padEnd(11)}  ${String(e.lossEvaluations).padStart(5)}  ${e.totalVariance.toExponential(4).padEnd(11)}  ${e.varianceTimesCost.toExponential(4).padEnd(13)}  ${b}${e.maxAbsZ !== undefined ? ` (|z| ${e.maxAbsZ.toFixed(2)} vs ${e.zCritical!.toFixed(2)})` : ""}\n`);
    }
    if (rec.referenceUnavailable) process.stdout.write(`no exact reference (so no bias): ${rec.referenceUnavailable}\n`);
    for (const e of rec.estimators) if (e.exactUnavailable) process.stdout.write(`${e.id}: Monte Carlo, not exact: ${e.exactUnavailable}\n`);
    process.stdout.write(`wrote ${files.written.map((x) => path.join(out, x)).join(", ")}\n`);
    return 0;
  },
};
