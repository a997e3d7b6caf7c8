import path from "node:path";
import { compareEstimators, comparisonCharts, comparisonFromStates, comparisonShardPlan, exactComparisonError, maxAbs, type CompareOptions, type ComparisonRecord } from "../../analysis/compare.js";
import { DEFAULT_CHUNK, MAX_WARMUP } from "../../src/estimators/sample.js";
import { renderChart } from "../../analysis/charts.js";
import { ensureWritableDir, readJsonFile, withOutputDir, writeFileAtomic, writeJsonAtomic } from "../../analysis/io.js";
import { partFileName, partText, shardItems, parseShard } from "../../analysis/shard.js";
import { parseEstimatorList } from "../../src/estimators/registry.js";
import type { EstimatorSpec } from "../../src/estimators/types.js";
import type { BinaryProblem } from "../../src/problems/types.js";
import { Stream } from "../../src/random/stream.js";
import { Progress } from "../progress.js";
import type { Command } from "../types.js";
import { optionsPerEstimator, parseOptions, enumerationBlockCount, parseWorkers, problemOf, requireSamplingBudget, withPool, workersFlag } from "../common.js";
import { InputError } from "../../src/errors.js";
import { REGISTER_FLAG, registryFrom } from "../register.js";
import { SHARD_FLAG } from "../shard.js";
import { VERSION } from "../version.js";

/** What a comparison depends on: the problem (as read) and every flag but --out and --workers (a shard's part carries it). */
interface CompareRun {
  problem: unknown;
  problemFile: string;
  estimators: string;
  samples: number;
  exact: boolean;
  seed: string;
  alpha: number;
  option?: string;
  /** absolute path of the --register module */
  register?: string;
  warmup: number;
}

/** The problem, estimators and options of a run, every flag checked before any output (the same for the whole run, a shard and the merge). */
async function prepare(r: CompareRun): Promise<{ problem: BinaryProblem; specs: EstimatorSpec[]; options: CompareOptions }> {
  const specs = parseEstimatorList(r.estimators, await registryFrom(r.register));
  const problem = problemOf(r.problem, r.problemFile);
  const alpha = r.alpha;
  if (!(alpha > 0 && alpha < 0.5)) throw new InputError(`--alpha: expected a number in (0, 0.5), got ${alpha}`);
  const options = parseOptions(r.option);
  const given = optionsPerEstimator(specs, options);
  const samples = r.samples;
  if (!Number.isInteger(samples) || samples < 2) throw new InputError(`--samples: need an integer ≥ 2, got ${samples}`);
  const warmup = r.warmup;
  if (!Number.isInteger(warmup) || warmup < 0 || warmup > MAX_WARMUP) throw new InputError(`--warmup: expected a number of draws, an integer in [0, ${MAX_WARMUP}], got ${warmup}`);
  // an exact comparison needs an exact reference: refuse before any output (no silent Monte Carlo)
  if (r.exact) {
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
  return { problem, specs, options: { exact: r.exact, samples, seed: r.seed, alpha, options, warmup, stream: Stream.fromSeed(r.seed).fork("compare") } };
}

/** Write comparison.json and its charts into `out` (the chart specs are built first, so a failure leaves no partial output); returns the files' names. */
function writeComparison(out: string, rec: ComparisonRecord): string[] {
  const charts = comparisonCharts(rec);
  const written = ["comparison.json"];
  for (const c of charts) {
    const r = renderChart(c.spec, path.join(out, `comparison-${c.name}`));
    written.push(r.png, r.svg, r.csv);
  }
  writeJsonAtomic(path.join(out, "comparison.json"), rec);
  return written;
}

/** The table the command prints after a comparison, and the files it wrote. */
function comparisonSummary(rec: ComparisonRecord, out: string, written: string[]): string {
  const w = rec.estimators.reduce((m, e) => Math.max(m, e.id.length), 9);
  let text = `${"estimator".padEnd(w)}  method       evals  Σ Var[ĝ]     Σ Var × evals  max |bias|\n`;
  for (const e of rec.estimators) {
    const b = e.bias ? maxAbs(e.bias).toExponential(3) : "n/a";
    text += `${e.id.padEnd(w)}  ${e.method.padEnd(11)}  ${String(e.lossEvaluations).padStart(5)}  ${e.totalVariance.toExponential(4).padEnd(11)}  ${e.varianceTimesCost.toExponential(4).padEnd(13)}  ${b}${e.maxAbsZ !== undefined ? ` (|z| ${e.maxAbsZ.toFixed(2)} vs ${e.zCritical!.toFixed(2)})` : ""}\n`;
  }
  if (rec.referenceUnavailable) text += `no exact reference (so no bias): ${rec.referenceUnavailable}\n`;
  for (const e of rec.estimators) if (e.exactUnavailable) text += `${e.id}: Monte Carlo, not exact: ${e.exactUnavailable}\n`;
  return text + `wrote ${written.map((x) => path.join(out, x)).join(", ")}\n`;
}

/** `stochgrad merge` of `compare --shard` parts: blocks and chunks, in item order, into the whole run's record; writes comparison.json and the charts. */
export async function mergeCompareParts(m: { version: string; run: Record<string, unknown>; states: unknown[] }, out: string): Promise<{ code: number; text: string }> {
  const r = m.run as unknown as CompareRun;
  if (typeof r.estimators !== "string" || typeof r.seed !== "string" || typeof r.samples !== "number" || typeof r.exact !== "boolean" || typeof r.problemFile !== "string") throw new InputError("merge: the parts' run is not that of stochgrad compare --shard");
  const p = await prepare(r);
  const { items } = comparisonShardPlan(p.problem, p.specs, p.options);
  const rec = comparisonFromStates(p.problem, p.specs, p.options, items, m.states);
  return { code: 0, text: comparisonSummary(rec, out, writeComparison(out, rec)) };
}

/**
 * `stochgrad compare problem.json --estimators a,b,c [--samples N] [--exact]`: one comparison
 * record (comparison.json) and its charts (PNG, SVG, CSV) in --out. With --shard K/N, --out gets
 * the part record only: the shard's Gray-code blocks of the exact reference and Monte Carlo chunks.
 */
export const compareCommand: Command = {
  name: "compare",
  positional: "problem.json",
  summary: "Compare estimators on a problem: mean, variance, bias and cost; writes comparison.json and charts.",
  flags: {
    estimators: { type: "string", metavar: "a,b,c", required: true, description: "comma-separated estimator ids (see stochgrad estimators)" },
    samples: { type: "int", metavar: "N", description: "Monte Carlo draws per estimator (when not exact)", default: 10000 },
    exact: { type: "boolean", description: "exact moments wherever the noise allows (Monte Carlo for the rest)" },
    out: { type: "string", metavar: "DIR", description: "output folder (with --shard: the folder for the part record)", default: "compare-out" },
    seed: { type: "string", metavar: "S", description: "seed (string or integer)", default: "1" },
    alpha: { type: "number", metavar: "α", description: "false-alarm rate of the reported bias z-tests", default: 1e-6 },
    option: { type: "string", metavar: "name=value,...", description: "estimator options, e.g. temperature=0.5,K=4,eta=1" },
    register: REGISTER_FLAG,
    warmup: { type: "int", metavar: "N", description: "seeded draws each online estimator (moving-average baselines, online predictor, NVIL, …) observes before it is measured (default 0: its creation state, said in the record)", default: 0 },
    workers: workersFlag(),
    shard: SHARD_FLAG,
    help: { type: "boolean", description: "show this help" },
  },
  async run(args) {
    const f = args.flags;
    const workers = parseWorkers(f.workers);
    if (!f.estimators) throw new InputError("compare: --estimators is required (e.g. --estimators rloo,arm,disarm)");
    const shard = f.shard === undefined ? undefined : parseShard(String(f.shard));
    const file = args.positional[0];
    if (!file) throw new InputError("missing problem file (e.g. stochgrad compare problem.json --estimators rloo,arm)");
    const r: CompareRun = {
      problem: readJsonFile(file, "problem file"),
      problemFile: path.basename(file),
      estimators: String(f.estimators),
      samples: Number(f.samples),
      exact: Boolean(f.exact),
      seed: String(f.seed),
      alpha: Number(f.alpha),
      ...(f.option === undefined ? {} : { option: String(f.option) }),
      ...(f.register === undefined ? {} : { register: path.resolve(String(f.register)) }),
      warmup: Number(f.warmup),
    };
    const p = await prepare(r);
    const bar = new Progress("compare");
    if (shard) {
      const plan = comparisonShardPlan(p.problem, p.specs, p.options); // refuses online Monte Carlo estimators before the folder is made
      const ids = shardItems(shard, plan.items.length);
      const dir = ensureWritableDir(String(f.out));
      const states = plan.compute(ids);
      bar.done();
      const part = path.join(dir, partFileName("compare", shard));
      writeFileAtomic(part, partText("compare", VERSION, { ...r }, shard, plan.items.length, ids, states));
      const blocks = plan.items.filter((it) => it.kind === "block").length;
      process.stdout.write(`compare: shard ${shard.index}/${shard.count}, ${ids.length} of ${plan.items.length} items (${blocks} Gray-code blocks of the exact reference, then Monte Carlo chunks of ${DEFAULT_CHUNK} draws); wrote part ${part}\n`);
      return 0;
    }
    const { rec, out, written } = await withOutputDir(String(f.out), "--out", (out) => {
      // a pool as large as the Monte Carlo chunks or enumeration blocks to share (whichever are more)
      const blocks = enumerationBlockCount(p.problem);
      const rec: ComparisonRecord = withPool(workers, Math.max(Math.ceil(r.samples / DEFAULT_CHUNK), blocks), (pool) => compareEstimators(p.problem, p.specs, { ...p.options, onProgress: (d, t) => bar.update(d, t), pool }));
      bar.done();
      return { rec, out, written: writeComparison(out, rec) };
    });
    process.stdout.write(comparisonSummary(rec, out, written));
    return 0;
  },
};
