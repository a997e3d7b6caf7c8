/**
 * Side-by-side comparison of estimators on one problem: per estimator its mean, variance, bias
 * and cost (loss evaluations per estimate), exact where the noise allows (unit enumeration,
 * closed forms, piecewise-affine cells, single-unit quadrature) and seeded Monte Carlo
 * otherwise. The record is plain JSON; charts are built from the record.
 */
import type { ChartSpec } from "./charts.js";
import { exactAnalysis, exactAnalysisUnavailable, exactBlockStates } from "../src/exact/moments.js";
import { blockStateFromJSON, blockStateToJSON, enumerationBlocks, type EnumerationBlockJSON } from "../src/exact/enumeration-blocks.js";
import type { EnumerationBlockState } from "../src/exact/types.js";
import { blockRunnerOfParts } from "./shard.js";
import { DEFAULT_CHUNK, momentsOfChunks, sampleChunksOf, sampleMoments, warmUp } from "../src/estimators/sample.js";
import { MomentAccumulator } from "../src/stats/accumulator.js";
import { poolBlockRunner } from "../src/estimators/enumeration-pool.js";
import type { WorkerPool } from "../src/parallel/pool.js";
import { isOnline, type EstimatorEntry, type EstimatorInstance, type EstimatorOptions, type EstimatorSpec } from "../src/estimators/types.js";
import { type BinaryProblem } from "../src/problems/types.js";
import type { Stream } from "../src/random/stream.js";
import { zCritical } from "../src/stats/tests.js";
import { InputError } from "../src/errors.js";
import { optionsFor, resolveOptions } from "../src/estimators/options.js";

export interface EstimatorComparison {
  id: string;
  title: string;
  unbiasedByTheory: boolean;
  /** "exact" (enumeration / closed form / quadrature) or "monte-carlo" */
  method: "exact" | "monte-carlo";
  /** with --exact, why this estimator was measured by Monte Carlo instead (e.g. the cost of its exact moments) */
  exactUnavailable?: string;
  /** online estimators: seeded draws observed before measuring (0: its creation state, with a note) */
  online?: { observed: number; note?: string };
  lossEvaluations: number;
  mean: number[];
  variance: number[];
  /** Σ_k Var[ĝ_k] */
  totalVariance: number;
  /** Σ_k Var[ĝ_k] × loss evaluations: the variance at equal numbers of loss evaluations */
  varianceTimesCost: number;
  /** mean − exact gradient (present when the gradient is exact) */
  bias?: number[];
  /** Monte Carlo only: samples, standard errors and max |z| of the bias against the exact gradient */
  samples?: number;
  standardError?: number[];
  maxAbsZ?: number;
  /** Monte Carlo coordinates whose draws were all equal (standard error 0), left out of maxAbsZ */
  zeroVarianceCoordinates?: number;
  /** Bonferroni critical value at α for maxAbsZ */
  zCritical?: number;
  state?: Record<string, unknown>;
  /** the options this estimator ran with (its defaults with the given ones applied) */
  options: EstimatorOptions;
}

export interface ComparisonRecord {
  kind: "stochgrad.comparison";
  problem: unknown;
  options: EstimatorOptions;
  seed: string;
  exactRequested: boolean;
  samples: number;
  alpha: number;
  /** E[L] and ∇E[L], present when the problem has an exact reference */
  expectedLoss?: number;
  gradient?: number[];
  /** why there is no exact reference (E[L], ∇E[L], so no bias), when there is none */
  referenceUnavailable?: string;
  estimators: EstimatorComparison[];
}

export interface CompareOptions {
  exact: boolean;
  samples: number;
  seed: string;
  alpha: number;
  /** the given options; each estimator takes the names in its defaults (`optionsFor`) */
  options: EstimatorOptions;
  stream: Stream;
  onProgress?: (done: number, total: number) => void;
  /**
   * seeded draws that each online estimator (one with observe()) takes before it is measured
   * (`warmUp`, stream.fork(`warmup/${id}`)); default 0: measured from its creation state
   */
  warmup?: number;
  /** called on each new instance before anything else (a figure may warm up and freeze one itself) */
  prepare?: (id: string, inst: EstimatorInstance) => void;
  /** worker threads for the Monte Carlo chunks and the enumeration blocks (the record is the same bytes without) */
  pool?: WorkerPool;
  /** a merge's: every enumeration block's state, in block order, instead of enumerating */
  blocks?: readonly EnumerationBlockState[];
  /** a merge's: per Monte Carlo estimator, its chunk accumulators in chunk order, instead of sampling */
  chunks?: Record<string, MomentAccumulator[]>;
}

/**
 * The InputError an exact comparison gets when the problem has no exact reference (too many units
 * to enumerate, nested quadrature over budget), or null. Checked before any output is written.
 */
export function exactComparisonError(problem: BinaryProblem): InputError | null {
  const why = exactAnalysisUnavailable(problem);
  return why ? new InputError(`--exact: ${why}; drop --exact for a seeded Monte Carlo comparison (without an exact gradient, no bias is reported)`) : null;
}

/** max |vₖ| by a loop: Math.max(...v) overflows the stack on a few hundred thousand parameters. */
export function maxAbs(v: ArrayLike<number>): number {
  let m = 0;
  for (let k = 0; k < v.length; k++) m = Math.max(m, Math.abs(v[k]));
  return m;
}

function sum(v: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < v.length; k++) s += v[k];
  return s;
}

/**
 * Compare `specs` on `problem` at its initial θ. With `exact`, every estimator whose noise allows
 * it gets exact moments and the rest are measured by Monte Carlo, each with the reason in its
 * `exactUnavailable`; a problem with no exact reference at all is refused (`exactComparisonError`).
 * Without, all use `samples` seeded draws (stream.fork(`estimator/${id}`)), against the exact
 * gradient where it is affordable (else `referenceUnavailable` says why). Online estimators take
 * `warmup` seeded draws first; their record says so (`online`). Throws InputError for
 * inapplicable estimators.
 */
export function compareEstimators(problem: BinaryProblem, specs: EstimatorSpec[], o: CompareOptions): ComparisonRecord {
  const setup = comparisonSetup(problem, specs, o);
  const blockRunner = o.blocks ? blockRunnerOfParts(o.blocks) : o.pool && poolBlockRunner(o.pool);
  const ref = setup.noReference ? null : exactAnalysis(problem, setup.theta, setup.exactSet, { blockRunner });
  const grad = ref ? ref.gradient : null;
  const out: EstimatorComparison[] = [];
  setup.insts.forEach(({ spec, inst, options, online }, idx) => {
    const base = { id: spec.id, title: spec.title, unbiasedByTheory: spec.unbiased, lossEvaluations: inst.lossEvaluations, options, ...(online ? { online } : {}) };
    const ex = ref?.estimators[spec.id];
    if (ex) {
      const tv = sum(ex.variance);
      out.push({ ...base, method: "exact", mean: Array.from(ex.mean), variance: Array.from(ex.variance), totalVariance: tv, varianceTimesCost: tv * inst.lossEvaluations, ...(grad ? { bias: Array.from(ex.mean, (v, k) => v - grad[k]) } : {}), state: inst.describeState?.() });
    } else {
      const chunks = o.chunks?.[spec.id];
      if (o.chunks && !chunks) throw new InputError(`merge: ${spec.id} is measured by Monte Carlo (${ref?.unavailable?.[spec.id] ?? "no exact moments"}), but the parts hold no chunks of it; run this comparison unsharded`);
      const m = chunks ? momentsOfChunks(chunks) : sampleMoments(inst, setup.theta, o.samples, o.stream.fork(`estimator/${spec.id}`), { pool: o.pool });
      const tv = sum(m.variance);
      let maxAbsZ: number | undefined;
      // a coordinate with equal draws has no z (it would be ∞, written as null): counted instead
      let flat = 0;
      if (grad) {
        maxAbsZ = 0;
        for (let k = 0; k < grad.length; k++) {
          if (m.standardError[k] > 0) maxAbsZ = Math.max(maxAbsZ, Math.abs(m.mean[k] - grad[k]) / m.standardError[k]);
          else flat++;
        }
      }
      const exactUnavailable = o.exact ? (ref?.unavailable?.[spec.id] ?? inst.exactUnavailable ?? "its noise has no exact engine") : undefined;
      out.push({ ...base, method: "monte-carlo", ...(exactUnavailable ? { exactUnavailable } : {}), mean: Array.from(m.mean), variance: Array.from(m.variance), totalVariance: tv, varianceTimesCost: tv * inst.lossEvaluations, ...(grad ? { bias: Array.from(m.mean, (v, k) => v - grad[k]), zeroVarianceCoordinates: flat } : {}), samples: o.samples, standardError: Array.from(m.standardError), maxAbsZ, zCritical: zCritical(o.alpha, setup.theta.length), state: inst.describeState?.() });
    }
    o.onProgress?.(idx + 1, setup.insts.length);
  });
  return {
    kind: "stochgrad.comparison",
    problem: problem.toJSON(),
    options: o.options,
    seed: o.seed,
    exactRequested: o.exact,
    samples: o.samples,
    alpha: o.alpha,
    ...(ref ? { expectedLoss: ref.expectedLoss, gradient: Array.from(ref.gradient) } : {}),
    ...(setup.noReference ? { referenceUnavailable: setup.noReference } : {}),
    estimators: out,
  };
}

/** The instances of a comparison (created, warmed up), the exactly measured ones and whether there is a reference. */
function comparisonSetup(problem: BinaryProblem, specs: EstimatorSpec[], o: CompareOptions) {
  if (!Number.isInteger(o.samples) || o.samples < 2) throw new InputError(`--samples: need an integer ≥ 2, got ${o.samples}`);
  const theta = problem.initialParams();
  const noReference = exactAnalysisUnavailable(problem);
  if (o.exact && noReference) throw exactComparisonError(problem)!;
  const insts: { spec: EstimatorSpec; inst: EstimatorInstance; options: EstimatorOptions; online?: EstimatorComparison["online"] }[] = [];
  for (const spec of specs) {
    const why = spec.applicable(problem);
    if (why) throw new InputError(`--estimators: ${spec.id} does not apply to this problem: ${why}`);
    const mine = optionsFor(spec, o.options);
    const inst = spec.create(problem, theta, mine);
    o.prepare?.(spec.id, inst);
    let online: EstimatorComparison["online"];
    if (isOnline(inst)) {
      const observed = warmUp(inst, theta, o.warmup ?? 0, o.stream.fork(`warmup/${spec.id}`));
      online = observed > 0 ? { observed } : { observed: 0, note: "measured from its creation state (no observe() before); --warmup N advances it by N seeded draws first" };
    }
    insts.push({ spec, inst, options: resolveOptions(spec, mine), online });
  }
  const exactSet: Record<string, EstimatorEntry> = {};
  if (o.exact) {
    for (const { spec, inst } of insts) if (spec.noise !== "custom" || inst.exactMoments) exactSet[spec.id] = { noise: spec.noise, instance: inst };
  }
  return { theta, noReference, insts, exactSet };
}

/**
 * The work items of a sharded comparison, in item order: the Gray-code blocks of the exact
 * reference (with every exactly measured estimator in them; none without a reference, and none for
 * injected noise, whose quadrature reference the merge computes once), then each
 * Monte Carlo estimator's chunks of DEFAULT_CHUNK draws in the order of `specs`. The layout
 * depends on the problem, the estimators, --exact and --samples only, never on N or --workers.
 */
export type ComparisonItem = { kind: "block"; block: number } | { kind: "chunk"; estimator: string; chunk: number };

/** A shard's item state: a block state, or a chunk's accumulator (the codecs of exact and estimate). */
export type ComparisonItemState = { block: EnumerationBlockJSON } | { chunk: { n: number; mean: number[]; m2: number[] } };

/**
 * The items of a comparison and a function computing the states of some of them (a shard's), in
 * the order asked. Online estimators measured by Monte Carlo (their state is their history, so
 * no chunk can be drawn apart) are one InputError naming all of them. Custom-noise estimators'
 * own exact moments are left to the merge (computed once there, as `exact` shards do).
 */
export function comparisonShardPlan(problem: BinaryProblem, specs: EstimatorSpec[], o: CompareOptions): { items: ComparisonItem[]; compute(ids: readonly number[]): ComparisonItemState[] } {
  const setup = comparisonSetup(problem, specs, o);
  const sampled = setup.insts.filter(({ spec }) => !setup.exactSet[spec.id]);
  const online = sampled.filter(({ inst }) => isOnline(inst)).map(({ spec }) => spec.id);
  if (online.length) throw new InputError(`--shard: ${online.join(", ")}: ${online.length > 1 ? "online estimators" : "an online estimator"} (state advancing with every draw) cannot be sampled in separate chunks; run ${online.length > 1 ? "them" : "it"} unsharded${o.exact ? "" : ", or with --exact where the noise allows"}`);
  const items: ComparisonItem[] = [];
  // the quadrature reference of injected noise is not cut into blocks: the merge computes it, once
  const blocks = setup.noReference || problem.unitNoise === "injected" ? 0 : enumerationBlocks(problem).length;
  for (let j = 0; j < blocks; j++) items.push({ kind: "block", block: j });
  const nChunks = Math.ceil(o.samples / DEFAULT_CHUNK);
  for (const { spec } of sampled) for (let c = 0; c < nChunks; c++) items.push({ kind: "chunk", estimator: spec.id, chunk: c });
  const byId = new Map(sampled.map((x) => [x.spec.id, x.inst]));
  return {
    items,
    compute(ids) {
      const mine = ids.map((i) => items[i]);
      const blockIds = mine.flatMap((it) => (it.kind === "block" ? [it.block] : []));
      const states = blockIds.length ? exactBlockStates(problem, setup.theta, setup.exactSet, {}, blockIds).map(blockStateToJSON) : [];
      let b = 0;
      return mine.map((it) => {
        if (it.kind === "block") return { block: states[b++] };
        const [acc] = sampleChunksOf(byId.get(it.estimator)!, setup.theta, o.samples, o.stream.fork(`estimator/${it.estimator}`), [it.chunk]);
        return { chunk: acc.toJSON() };
      });
    },
  };
}

/**
 * The comparison record from every item's state (in item order, as `comparisonShardPlan` laid
 * them out): the blocks go to the exact analysis and the chunks, merged in chunk order, stand for
 * each estimator's draws, so the record is the unsharded `compareEstimators`' byte for byte.
 */
export function comparisonFromStates(problem: BinaryProblem, specs: EstimatorSpec[], o: CompareOptions, items: readonly ComparisonItem[], states: readonly unknown[]): ComparisonRecord {
  if (states.length !== items.length) throw new InputError(`merge: the parts hold ${states.length} items, the comparison has ${items.length} (blocks and chunks)`);
  const blocks: EnumerationBlockState[] = [];
  const chunks: Record<string, MomentAccumulator[]> = {};
  items.forEach((it, i) => {
    const s = states[i] as Partial<Record<"block" | "chunk", unknown>> | null;
    try {
      if (it.kind === "block") blocks.push(blockStateFromJSON(s?.block as EnumerationBlockJSON));
      else {
        const c = s?.chunk as { n: number; mean: number[]; m2: number[] } | undefined;
        if (!c || !Number.isInteger(c.n) || c.mean?.length !== problem.nParams || c.m2?.length !== problem.nParams) throw new Error(`not an accumulator of ${problem.nParams} coordinates`);
        (chunks[it.estimator] ??= []).push(MomentAccumulator.fromJSON(c));
      }
    } catch (e) {
      throw new InputError(`merge: item ${i} in the parts (${it.kind === "block" ? `enumeration block ${it.block}` : `chunk ${it.chunk} of ${it.estimator}`}) is not a valid state (${(e as Error).message})`);
    }
  });
  for (const [id, cs] of Object.entries(chunks)) {
    const n = cs.reduce((t, c) => t + c.n, 0);
    if (n !== o.samples) throw new InputError(`merge: the chunks of ${id} hold ${n} draws, the run has ${o.samples}`);
  }
  return compareEstimators(problem, specs, { ...o, pool: undefined, ...(blocks.length ? { blocks } : {}), chunks });
}

/** The charts' title of a comparison record: "compare (<problem kind>)". */
export function comparisonTitle(rec: ComparisonRecord): string {
  return `compare (${(rec.problem as { kind: string }).kind})`;
}

/** Charts of a comparison record: total variance and variance × cost (log scale), and |bias|. */
export function comparisonCharts(rec: ComparisonRecord, title = comparisonTitle(rec)): { name: string; spec: ChartSpec }[] {
  const ids = rec.estimators.map((e) => `${e.id}${e.method === "monte-carlo" ? " (MC)" : ""}`);
  const pos = (x: number) => (x > 0 ? x : Number.NaN);
  const charts: { name: string; spec: ChartSpec }[] = [
    {
      name: "variance",
      spec: {
        title: `${title}: Σₖ Var[ĝₖ] per estimate and at equal loss evaluations`,
        kind: "bar",
        categories: ids,
        x: { label: "estimator ((MC) = seeded Monte Carlo, else exact)" },
        y: { label: "variance (squared gradient units, log scale)", log: true },
        series: [
          { label: "Σ Var[ĝ] per estimate", points: rec.estimators.map((e, i) => [i, pos(e.totalVariance)]) },
          { label: "Σ Var[ĝ] × loss evaluations", points: rec.estimators.map((e, i) => [i, pos(e.varianceTimesCost)]) },
        ],
      },
    },
  ];
  if (rec.gradient) {
    charts.push({
      name: "bias",
      spec: {
        title: `${title}: max |E[ĝ] − ∇E[L]| over parameters`,
        kind: "bar",
        categories: ids,
        x: { label: "estimator ((MC) = seeded Monte Carlo, else exact)" },
        y: { label: "max |bias| (gradient units, log scale; absent = 0)", log: true },
        series: [
          { label: "max |bias| (exact, or Monte Carlo mean − exact gradient)", points: rec.estimators.map((e, i) => [i, pos(maxAbs(e.bias ?? [0]))]) },
          // a Monte Carlo |bias| below z*·SE is not distinguishable from 0 at α
          { label: "Monte Carlo resolution z*·max SE at α", points: rec.estimators.map((e, i) => [i, e.standardError && e.zCritical ? pos(e.zCritical * maxAbs(e.standardError)) : Number.NaN]) },
        ],
      },
    });
  }
  return charts;
}
