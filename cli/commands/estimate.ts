import path from "node:path";
import { getEstimator } from "../../src/estimators/registry.js";
import { DEFAULT_CHUNK, mergeChunks, sampleChunksOf, sampleMoments, type SampleMoments } from "../../src/estimators/sample.js";
import type { EstimatorInstance, EstimatorOptions, EstimatorSpec } from "../../src/estimators/types.js";
import type { BinaryProblem } from "../../src/problems/types.js";
import { Stream } from "../../src/random/stream.js";
import { MomentAccumulator } from "../../src/stats/accumulator.js";
import { Progress } from "../progress.js";
import type { Command } from "../types.js";
import { nestVector, optionsPerEstimator, parseOptions, problemOf, requireSamplingBudget, parseWorkers, withPool, workersFlag } from "../common.js";
import { resolveOptions } from "../../src/estimators/options.js";
import { InputError } from "../../src/errors.js";
import { REGISTER_FLAG, registryFrom } from "../register.js";
import { jsonShard, PART_OUT_FLAG, SHARD_FLAG } from "../shard.js";
import { ensureWritableDir, readJsonFile, toJsonText, writeFileAtomic } from "../../analysis/io.js";
import { partFileName, partText, shardItems } from "../../analysis/shard.js";
import { VERSION } from "../version.js";

/** What an estimate depends on: the problem (as read), the estimator, its options, n and the seed (a shard's part carries it). */
interface EstimateRun {
  problem: unknown;
  problemFile: string;
  estimator: string;
  samples: number;
  seed: string;
  option?: string;
  /** absolute path of the --register module */
  register?: string;
}

/** The problem, spec, instance and stream of a run, checked (the same for the whole run, a shard and the merge). */
async function prepare(r: EstimateRun) {
  const problem = problemOf(r.problem, r.problemFile);
  const spec = getEstimator(r.estimator, await registryFrom(r.register));
  const why = spec.applicable(problem);
  if (why) throw new InputError(`estimator ${spec.id}: ${why}`);
  const n = r.samples;
  if (!(n >= 2)) throw new InputError(`--samples: need at least 2, got ${n}`);
  const theta = problem.initialParams();
  const given = optionsPerEstimator([spec], parseOptions(r.option)).get(spec.id)!;
  const inst = spec.create(problem, theta, given);
  requireSamplingBudget("--samples", n, [inst], problem);
  return { problem, spec, given, inst, theta, n, stream: Stream.fromSeed(r.seed).fork(`estimate/${spec.id}`) };
}

/** The estimate's JSON (what the command prints, and what `stochgrad merge` writes to estimate.json). */
function estimateText(problem: BinaryProblem, spec: EstimatorSpec, given: EstimatorOptions, inst: EstimatorInstance, r: EstimateRun, m: SampleMoments): string {
  return toJsonText(
    {
      estimator: spec.id,
      options: resolveOptions(spec, given),
      samples: r.samples,
      seed: r.seed,
      lossEvaluations: inst.lossEvaluations * r.samples,
      mean: nestVector(problem, m.mean),
      variance: nestVector(problem, m.variance),
      standardError: nestVector(problem, m.standardError),
    },
    true,
  );
}

/** `stochgrad merge` of `estimate --shard` parts: the chunks in chunk order, merged as the whole run merges them; writes estimate.json. */
export async function mergeEstimateParts(m: { version: string; run: Record<string, unknown>; states: unknown[] }, out: string): Promise<{ code: number; text: string }> {
  const r = m.run as unknown as EstimateRun;
  if (typeof r.estimator !== "string" || typeof r.seed !== "string" || typeof r.samples !== "number" || typeof r.problemFile !== "string") throw new InputError("merge: the parts' run is not that of stochgrad estimate --shard");
  const p = await prepare(r);
  if (m.states.length !== Math.ceil(p.n / DEFAULT_CHUNK)) throw new InputError(`merge: the parts hold ${m.states.length} chunks, ${p.n} draws make ${Math.ceil(p.n / DEFAULT_CHUNK)}`);
  const accs = m.states.map((s, c) => {
    const o = s as { n: number; mean: number[]; m2: number[] };
    if (!o || !Number.isInteger(o.n) || !Array.isArray(o.mean) || !Array.isArray(o.m2) || o.mean.length !== p.problem.nParams || o.m2.length !== p.problem.nParams) throw new InputError(`merge: chunk ${c} in the parts is not an accumulator of ${p.problem.nParams} coordinates`);
    return MomentAccumulator.fromJSON(o);
  });
  const acc = mergeChunks(accs);
  if (acc.n !== p.n) throw new InputError(`merge: the chunks hold ${acc.n} draws, the run has ${p.n}`);
  const text = estimateText(p.problem, p.spec, p.given, p.inst, r, { n: acc.n, mean: acc.mean.slice(), variance: acc.variance(), standardError: acc.standardError(), acc });
  const file = path.join(out, "estimate.json");
  writeFileAtomic(file, text);
  return { code: 0, text: text + `wrote ${file}\n` };
}

/** `stochgrad estimate`: seeded Monte Carlo mean, variance and standard error of one estimator. */
export const estimateCommand: Command = {
  name: "estimate",
  positional: "problem.json",
  summary: "Seeded Monte Carlo mean, variance and standard error of an estimator on a problem.",
  flags: {
    estimator: { type: "string", metavar: "ID", required: true, description: "estimator id (see stochgrad estimators)" },
    samples: { type: "int", metavar: "N", description: "number of draws", default: 10000 },
    seed: { type: "string", metavar: "S", description: "seed (string or integer)", default: "1" },
    option: { type: "string", metavar: "name=value,...", description: "estimator options, e.g. baseline=0.3" },
    register: REGISTER_FLAG,
    workers: workersFlag(),
    shard: SHARD_FLAG,
    out: PART_OUT_FLAG,
    help: { type: "boolean", description: "show this help" },
  },
  async run(args) {
    const f = args.flags;
    const workers = parseWorkers(f.workers);
    const file = args.positional[0];
    if (!file) throw new InputError("missing problem file (e.g. stochgrad estimate problem.json --estimator correlation)");
    if (!f.estimator) throw new InputError("estimate: --estimator is required");
    const shard = jsonShard(f);
    const r: EstimateRun = { problem: readJsonFile(file, "problem file"), problemFile: path.basename(file), estimator: String(f.estimator), samples: Number(f.samples), seed: String(f.seed), ...(f.option === undefined ? {} : { option: String(f.option) }), ...(f.register === undefined ? {} : { register: path.resolve(String(f.register)) }) };
    const p = await prepare(r);
    const bar = new Progress("estimate");
    if (shard) {
      const chunks = Math.ceil(p.n / DEFAULT_CHUNK);
      const ids = shardItems(shard, chunks);
      const sample = (which: number[]) => {
        try {
          return sampleChunksOf(p.inst, p.theta, p.n, p.stream, which);
        } catch (e) {
          if (e instanceof InputError) throw new InputError(`--shard: ${p.spec.id}: ${e.message.replace(/^instance: /, "")}`);
          throw e;
        }
      };
      sample([]); // refuses an online estimator before the folder is made
      const dir = ensureWritableDir(String(f.out));
      const states = sample(ids).map((a) => a.toJSON());
      bar.done();
      const part = path.join(dir, partFileName("estimate", shard));
      writeFileAtomic(part, partText("estimate", VERSION, { ...r }, shard, chunks, ids, states));
      process.stdout.write(`estimate ${p.spec.id}: shard ${shard.index}/${shard.count}, ${ids.length} of ${chunks} chunks of ${DEFAULT_CHUNK} draws; wrote part ${part}\n`);
      return 0;
    }
    const m = withPool(workers, Math.ceil(p.n / DEFAULT_CHUNK), (pool) => sampleMoments(p.inst, p.theta, p.n, p.stream, { onChunk: (d, t) => bar.update(d, t), pool }));
    bar.done();
    process.stdout.write(estimateText(p.problem, p.spec, p.given, p.inst, r, m));
    return 0;
  },
};
