import path from "node:path";
import { exactAnalysis, exactBlockStates } from "../../src/exact/moments.js";
import { blockBits, blockStateFromJSON, blockStateToJSON, enumerationBlock, enumerationBlocks } from "../../src/exact/enumeration-blocks.js";
import { assertEnumerable, MAX_ENUMERABLE_UNITS, modeLoss } from "../../src/exact/enumerate.js";
import { formatCount, MAX_SHARDED_ENUMERATION_UNITS, requireTime } from "../../src/limits.js";
import type { BlockRunner, EnumerationBlockState } from "../../src/exact/types.js";
import type { BinaryProblem } from "../../src/problems/types.js";
import { ensureWritableDir, readJsonFile, toJsonText, writeFileAtomic } from "../../analysis/io.js";
import { blockRunnerOfParts, partFileName, partText, shardItems, type Shard } from "../../analysis/shard.js";
import { jsonShard, PART_OUT_FLAG, SHARD_FLAG } from "../shard.js";
import { VERSION } from "../version.js";
import type { EstimatorEntry, EstimatorOptions } from "../../src/estimators/types.js";
import { parseEstimatorList } from "../../src/estimators/registry.js";
import { requirePerturbation } from "../../src/estimators/oracle.js";
import type { Command } from "../types.js";
import { nestVector, optionsPerEstimator, parseOptions, enumerationBlockCount, parseWorkers, problemOf, withPool, workersFlag } from "../common.js";
import { poolBlockRunner } from "../../src/estimators/enumeration-pool.js";
import { resolveOptions } from "../../src/estimators/options.js";
import { isOnline, uncheckedInstance } from "../../src/estimators/types.js";
import { MAX_WARMUP, warmUp } from "../../src/estimators/sample.js";
import { Stream } from "../../src/random/stream.js";
import { Progress } from "../progress.js";
import { InputError } from "../../src/errors.js";
import { REGISTER_FLAG, registryFrom } from "../register.js";

/** What an exact analysis depends on: the problem (as read) and every flag but --workers (a shard's part carries it). */
interface ExactRun {
  problem: unknown;
  problemFile: string;
  estimators?: string;
  option?: string;
  c?: number;
  /** absolute path of the --register module */
  register?: string;
  warmup: number;
  seed: string;
  /** --max-units: enumerate up to this many binary units (beyond MAX_ENUMERABLE_UNITS), the cost printed first */
  maxUnits?: number;
}

/** How the enumeration runs: whole (on a pool of `workers`), one shard's blocks, or the merge of every shard's blocks. */
type ExactMode = { kind: "whole"; workers: number } | { kind: "shard"; shard: Shard; out: string } | { kind: "merge"; states: EnumerationBlockState[] };

/**
 * The exact command's work (see `exactCommand`): the instances, their warm-up, then the analysis.
 * A shard computes the enumeration blocks it owns (round-robin over the fixed Gray-code blocks)
 * and writes their states; the merge hands every block's state to the same analysis, so its JSON
 * is the whole run's, byte for byte. Returns the text to print.
 */
async function runExact(run: ExactRun, mode: ExactMode): Promise<string> {
  const flags = { estimators: run.estimators, option: run.option, c: run.c, register: run.register };
  const warmup = run.warmup;
  if (!Number.isInteger(warmup) || warmup < 0 || warmup > MAX_WARMUP) throw new InputError(`--warmup: expected a number of draws, an integer in [0, ${MAX_WARMUP}], got ${warmup}`);
  const seed = run.seed;
  const problem = problemOf(run.problem, run.problemFile);
  if (mode.kind !== "whole" && problem.unitNoise === "injected") throw new InputError("--shard: the quadrature of injected-noise units is not sharded (only the enumeration of binary units is)");
  const maxUnits = checkedMaxUnits(run.maxUnits, problem);
  if (mode.kind !== "whole") assertEnumerable(problem, maxUnits);
  const theta = problem.initialParams();
    const opts = parseOptions(flags.option);
    if (flags.c !== undefined) {
      if (Object.prototype.hasOwnProperty.call(opts, "c")) throw new InputError("--c: also given as --option c=…; give it once");
      opts.c = requirePerturbation(Number(flags.c), "--c");
    }
    const registry = await registryFrom(flags.register);
    const specs = flags.estimators ? parseEstimatorList(flags.estimators, registry) : Object.values(registry);
    const given = optionsPerEstimator(specs, opts);
    const instances: Record<string, EstimatorEntry> = {};
    const skipped: Record<string, string> = {};
    const used: Record<string, EstimatorOptions> = {};
    // an option value no estimator accepts (e.g. K=1, which RLOO and VIMCO both refuse) is an error
    const accepted = new Set<string>();
    const refused = new Map<string, string>();
    // progress on a TTY: setting up (some estimators enumerate to build their state), warm-up, then the engine's phases
    const bar = new Progress("exact");
    for (const [idx, spec] of specs.entries()) {
      bar.update(idx, specs.length, `setting up ${spec.id}`);
      const why = spec.applicable(problem);
      if (why) {
        if (flags.estimators) throw new InputError(`estimator ${spec.id}: ${why}`);
        skipped[spec.id] = why;
        continue;
      }
      const mine = given.get(spec.id)!;
      let inst;
      try {
        inst = spec.create(problem, theta, mine);
      } catch (e) {
        // with every estimator selected, an option value that one of them refuses skips it, saying why
        if (!(e instanceof InputError) || flags.estimators || Object.keys(mine).length === 0) throw e;
        skipped[spec.id] = e.message;
        for (const k of Object.keys(mine)) if (!refused.has(k)) refused.set(k, e.message);
        continue;
      }
      for (const k of Object.keys(mine)) accepted.add(k);
      used[spec.id] = resolveOptions(spec, mine);
      if (spec.noise === "custom" && !inst.exactMoments) {
        skipped[spec.id] = inst.exactUnavailable ?? "its noise has no exact engine; use stochgrad estimate or stochgrad compare (Monte Carlo)";
        continue;
      }
      instances[spec.id] = { noise: spec.noise, instance: inst };
    }
    for (const [k, why] of refused) if (!accepted.has(k)) throw new InputError(`--option ${k}: ${why}`);
    // online estimators: warm up by N seeded draws (each from its own fork), then freeze
    const online: Record<string, Record<string, unknown>> = {};
    for (const [id, e] of Object.entries(instances)) {
      if (!isOnline(e.instance)) continue;
      const observed = warmUp(e.instance, theta, warmup, Stream.fromSeed(seed).fork(`warmup/${id}`), (d, t) => bar.update(d, t, `warming up ${id}`));
      online[id] = observed > 0 ? { observed, seed, state: e.instance.describeState?.() ?? {} } : { observed: 0, note: "exact moments of its creation state (no observe() yet); --warmup N advances it by N seeded draws first" };
    }
    // enumeration blocks on the pool (more than one block: over 2^16 states; same bytes as in-process)
    const blocks = enumerationBlockCount(problem, maxUnits);
    const onProgress = (d: number, t: number, what: string) => bar.update(d, t, what);
    if (mode.kind === "shard") {
      const nBlocks = enumerationBlocks(problem).length;
      const mine = shardItems(mode.shard, nBlocks);
      // the cost first: a shard over the time budget is refused before its folder is made
      if (run.maxUnits !== undefined) stateCost(problem, theta, instances, mine, 1, mode.shard);
      const dir = ensureWritableDir(mode.out);
      const states = exactBlockStates(problem, theta, instances, { maxUnits }, mine).map(blockStateToJSON);
      bar.done();
      const part = path.join(dir, partFileName("exact", mode.shard));
      writeFileAtomic(part, partText("exact", VERSION, { ...run }, mode.shard, nBlocks, mine, states));
      return `exact: shard ${mode.shard.index}/${mode.shard.count}, ${mine.length} of ${nBlocks} Gray-code blocks of 2^${blockBits(problem)} states; wrote part ${part}\n`;
    }
    const blockRunner: BlockRunner | undefined = mode.kind === "merge" ? blockRunnerOfParts(mode.states) : undefined;
    const r =
      mode.kind === "merge"
        ? exactAnalysis(problem, theta, instances, { onProgress, blockRunner, maxUnits })
        : withPool(mode.workers, blocks, (pool) => {
            if (run.maxUnits !== undefined) stateCost(problem, theta, instances, null, pool ? pool.workers : 1);
            return exactAnalysis(problem, theta, instances, { onProgress, blockRunner: pool && poolBlockRunner(pool), maxUnits });
          });
    bar.done();
    for (const [id, why] of Object.entries(r.unavailable ?? {})) skipped[id] = why;
    const est: Record<string, unknown> = {};
    for (const [id, m] of Object.entries(r.estimators)) {
      const bias = m.mean.map((v, k) => v - r.gradient[k]);
      est[id] = { options: used[id], mean: nestVector(problem, m.mean), variance: nestVector(problem, m.variance), bias: nestVector(problem, bias), unbiased: registry[id].unbiased, ...(online[id] ? { online: online[id] } : {}) };
    }
    return toJsonText({
      problem: problem.toJSON(),
      nUnits: problem.nUnits,
      nParams: problem.nParams,
      states: r.states,
      expectedLoss: r.expectedLoss,
      lossVariance: r.lossVariance,
      gradient: nestVector(problem, r.gradient),
      ...(r.units ? { units: r.units } : {}),
      estimators: est,
      skipped,
    }, true);
}

/**
 * --max-units M: the most binary units to enumerate, checked against the problem (at least its
 * units) and the ceiling (MAX_SHARDED_ENUMERATION_UNITS); without it, beyond MAX_ENUMERABLE_UNITS
 * units is refused with a message naming --max-units and --shard. Returns the limit in force.
 */
function checkedMaxUnits(given: number | undefined, problem: BinaryProblem): number {
  const limit = defaultUnitLimit();
  if (given === undefined) {
    if (problem.unitNoise !== "injected" && problem.nUnits > limit) throw new InputError(`the problem has ${problem.nUnits} binary units; exact enumerates at most ${limit} (2^${limit} states) unless asked: --max-units ${problem.nUnits} (≤ ${MAX_SHARDED_ENUMERATION_UNITS}) enumerates all 2^${problem.nUnits}, best split over processes with --shard K/N (the cost is printed before the work starts)`);
    return limit;
  }
  if (!Number.isInteger(given) || given > MAX_SHARDED_ENUMERATION_UNITS) throw new InputError(`--max-units: expected an integer ≤ ${MAX_SHARDED_ENUMERATION_UNITS} (the ceiling MAX_SHARDED_ENUMERATION_UNITS in src/limits.ts: 2^${MAX_SHARDED_ENUMERATION_UNITS} configurations are days of core time), got ${given}`);
  if (problem.unitNoise === "injected") throw new InputError("--max-units: applies to the enumeration of binary units; this problem's units have injected noise (integrated by quadrature)");
  if (given < problem.nUnits) throw new InputError(`--max-units ${given}: the problem has ${problem.nUnits} binary units; give at least ${problem.nUnits}`);
  return Math.max(given, limit);
}

/**
 * The units `exact` enumerates without --max-units: MAX_ENUMERABLE_UNITS (24), or lower when the
 * environment sets STOCHGRAD_TEST_ENUMERATION_LIMIT (an integer in [1, 24]; it never raises the
 * limit). For tests only: the --max-units path on a net of 17 units runs in a second, on one of 25
 * in minutes.
 */
function defaultUnitLimit(): number {
  const v = process.env.STOCHGRAD_TEST_ENUMERATION_LIMIT;
  if (v === undefined) return MAX_ENUMERABLE_UNITS;
  const n = Number(v);
  if (!(Number.isInteger(n) && n >= 1 && n <= MAX_ENUMERABLE_UNITS)) throw new InputError(`STOCHGRAD_TEST_ENUMERATION_LIMIT: expected an integer in [1, ${MAX_ENUMERABLE_UNITS}] (it only lowers the limit, for tests), got ${JSON.stringify(v)}`);
  return n;
}

/** "1, 4, 7, …, 1021" for a list of block ids. */
function listOf(ids: readonly number[]): string {
  return ids.length === 0 ? "none" : ids.length <= 6 ? ids.join(", ") : `${ids.slice(0, 3).join(", ")}, …, ${ids[ids.length - 1]}`;
}

/**
 * Print the cost of an enumeration to stderr before it starts (with --max-units): configurations
 * in all and in this shard, its Gray-code blocks and index ranges, and the wall time estimated
 * from a rate measured here: repeated probes of up to 2^13 configurations of the shard's first
 * block, with the same problem and estimators (until 2^18 configurations and 0.25 s, at most 3 s,
 * at least 4), the median of the later half (the JIT settles over the first); the estimate is
 * configurations ÷ (rate × threads). Refuses (the one-day budget, LIMITS.seconds) a run estimated
 * beyond it. `mine` null: the whole enumeration.
 */
function stateCost(problem: BinaryProblem, theta: Float64Array, instances: Record<string, EstimatorEntry>, mine: number[] | null, threads: number, shard?: Shard): void {
  const all = enumerationBlocks(problem);
  const ids = mine ?? all.map((_, j) => j);
  const size = all[0].end - all[0].first;
  const total = 2 ** problem.nUnits;
  const here = ids.length * size;
  const entries = Object.entries(instances)
    .filter(([, e]) => e.noise === "units" || e.noise === "none")
    .map(([k, e]): [string, EstimatorEntry] => [k, { noise: e.noise, instance: uncheckedInstance(e.instance) }]);
  const custom = Object.entries(instances).filter(([, e]) => e.noise === "custom" && e.instance.exactMoments).map(([k]) => k);
  const centre = modeLoss(problem, theta);
  const b0 = all[ids[0] ?? 0];
  // the JIT needs some 10^5 configurations to settle, and a shared machine's time slices are noisy:
  // probes of 2^13 until 2^18 configurations and 0.25 s (at most 3 s, at least 4 probes, never
  // more than the run's own configurations), the median of the later half
  const probe = { first: b0.first, end: b0.first + Math.min(size, 2 ** 13) };
  const n = probe.end - probe.first;
  const start = performance.now();
  const rates: number[] = [];
  for (let probed = 0, elapsed = 0; here > 0 && (rates.length < 4 || (probed < here && (probed < 2 ** 18 || elapsed < 250) && elapsed < 3000)); elapsed = performance.now() - start) {
    const t0 = performance.now();
    enumerationBlock(problem, theta, entries, probe, centre, false);
    rates.push(n / Math.max((performance.now() - t0) / 1000, 1e-6));
    probed += n;
  }
  const later = rates.slice(rates.length >> 1).sort((a, b) => a - b);
  const rate = later[later.length >> 1];
  const seconds = here === 0 ? 0 : here / (rate * threads);
  const who = shard ? `shard ${shard.index}/${shard.count}` : "this run";
  const ranges = ids.length === 0 ? "none" : ids.length === 1 ? `[${all[ids[0]].first}, ${all[ids[0]].end})` : `[${all[ids[0]].first}, ${all[ids[0]].end}) … [${all[ids[ids.length - 1]].first}, ${all[ids[ids.length - 1]].end})`;
  const est = seconds < 120 ? `${seconds.toPrecision(2)} s` : seconds < 7200 ? `${(seconds / 60).toPrecision(2)} minutes` : `${(seconds / 3600).toPrecision(2)} hours`;
  process.stderr.write(
    `exact: 2^${problem.nUnits} = ${formatCount(total)} configurations in all, ${formatCount(here)} in ${who}: ${ids.length} of ${all.length} Gray-code blocks of 2^${Math.log2(size)} (blocks ${listOf(ids)}${shard && shard.count > 1 && ids.length > 1 ? `, every ${shard.count}${shard.count === 2 ? "nd" : shard.count === 3 ? "rd" : "th"} from ${shard.index - 1}` : ""}; Gray-code indices ${ranges})\n` +
      (here === 0
        ? "exact: estimated wall time 0 s (no blocks in this shard: more shards than blocks)\n"
        : `exact: estimated wall time ${est} on ${threads} thread${threads > 1 ? "s" : ""}, at ${rate.toExponential(2)} configurations/s per thread (the median of the later half of ${rates.length} probes of ${n} configurations of block ${ids[0]}, timed here; shards sharing cores run slower)${custom.length ? `; not counted: the own exact moments of ${custom.join(", ")}, computed after the enumeration${shard ? " (in the merge)" : ""}` : ""}\n`),
  );
  if (here > 0) requireTime(seconds, shard ? "--shard" : "--max-units", `the enumeration of ${formatCount(here)} configurations at the measured ${rate.toExponential(2)} per second on ${threads} thread${threads > 1 ? "s" : ""}${shard ? "" : " (split it: --shard K/N)"}`);
}

/** `stochgrad exact problem.json`: E[L], ∇E[L] and every applicable estimator's exact moments. */
export const exactCommand: Command = {
  name: "exact",
  positional: "problem.json",
  summary: "Exact E[L], gradient, and exact mean and variance of every applicable estimator, by enumeration.",
  flags: {
    estimators: { type: "string", metavar: "a,b,c", description: "comma-separated estimator ids (default: every applicable one)" },
    option: { type: "string", metavar: "name=value,...", description: "estimator options, e.g. baseline=0.3,decay=0.9" },
    c: { type: "number", metavar: "C", description: "perturbation size c of the SPSA and FDSA estimators (their exact moments enumerate Δ with the units' noise)" },
    register: REGISTER_FLAG,
    "max-units": { type: "int", metavar: "M", description: `enumerate problems of up to M binary units, beyond ${MAX_ENUMERABLE_UNITS} (2^M configurations; M ≤ ${MAX_SHARDED_ENUMERATION_UNITS}); prints the cost (configurations, Gray-code blocks, estimated wall time) before it starts; best with --shard K/N` },
    warmup: { type: "int", metavar: "N", description: "advance every online estimator (one with state: moving-average or online-optimal baselines, online predictor, NVIL, REBAR/RELAX tuning) by N seeded draws before its exact moments (default 0: its creation state, said in the record)", default: 0 },
    seed: { type: "string", metavar: "S", description: "seed of the --warmup draws (string or integer)", default: "1" },
    workers: workersFlag(),
    shard: SHARD_FLAG,
    out: PART_OUT_FLAG,
    help: { type: "boolean", description: "show this help" },
  },
  async run(args) {
    const f = args.flags;
    const workers = parseWorkers(f.workers);
    const file = args.positional[0];
    if (!file) throw new InputError("missing problem file (e.g. stochgrad exact problem.json)");
    const shard = jsonShard(f);
    const r: ExactRun = {
      problem: readJsonFile(file, "problem file"),
      problemFile: path.basename(file),
      ...(f.estimators === undefined ? {} : { estimators: String(f.estimators) }),
      ...(f.option === undefined ? {} : { option: String(f.option) }),
      ...(f.c === undefined ? {} : { c: Number(f.c) }),
      ...(f.register === undefined ? {} : { register: path.resolve(String(f.register)) }),
      warmup: Number(f.warmup),
      seed: String(f.seed),
      ...(f["max-units"] === undefined ? {} : { maxUnits: Number(f["max-units"]) }),
    };
    process.stdout.write(await runExact(r, shard ? { kind: "shard", shard, out: String(f.out) } : { kind: "whole", workers }));
    return 0;
  },
};

/** `stochgrad merge` of `exact --shard` parts: every block's state, in block order, into the whole run's analysis; writes exact.json. */
export async function mergeExactParts(m: { version: string; run: Record<string, unknown>; states: unknown[] }, out: string): Promise<{ code: number; text: string }> {
  const r = m.run as unknown as ExactRun;
  if (typeof r.seed !== "string" || typeof r.warmup !== "number" || typeof r.problemFile !== "string") throw new InputError("merge: the parts' run is not that of stochgrad exact --shard");
  const states = m.states.map((s, j) => {
    try {
      return blockStateFromJSON(s as Parameters<typeof blockStateFromJSON>[0]);
    } catch (e) {
      throw new InputError(`merge: block ${j} in the parts is not an enumeration block state (${(e as Error).message})`);
    }
  });
  const text = await runExact(r, { kind: "merge", states });
  const file = path.join(out, "exact.json");
  writeFileAtomic(file, text);
  return { code: 0, text: text + `wrote ${file}\n` };
}
