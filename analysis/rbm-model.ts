/**
 * The RBM model file written by `stochgrad rbm train` and read by `rbm eval` and `--resume`:
 * the parameters (Rbm.toJSON), and, when written by training, the training record: data set,
 * split, seed, options, epochs, the per-epoch likelihood history and the trainer state for a
 * bit-exact resume. Reading checks every field, so a corrupt file is one error naming the field
 * (`training.history: expected an array`) instead of a crash, or a model of null weights when
 * `training.epochs` is a string.
 */
import { Rbm, type RbmJson } from "../src/boltzmann/rbm.js";
import { validateTrainOptions, type RbmTrainOptions, type RbmTrainerState } from "../src/boltzmann/trainer.js";
import type { LikelihoodEvaluation } from "../src/boltzmann/likelihood.js";
import { dataSets } from "../src/data/datasets.js";
import type { Binarize } from "../src/data/mnist.js";
import { describeValue, FieldError, InputError, requireFinite } from "../src/errors.js";
import { requireArray, requireInteger, requireRecord, requireString } from "../src/validate.js";

/** One history entry: the epoch and its likelihood evaluation. */
export type HistoryEntry = { epoch: number } & LikelihoodEvaluation;

export interface TrainingRecord {
  data: string;
  binarize: Binarize;
  trainSize: number;
  testSize: number;
  seed: string;
  options: RbmTrainOptions;
  epochs: number;
  history: HistoryEntry[];
  state: RbmTrainerState;
  versions: { stochgrad: string; node: string };
}

/** The parameters (Rbm.toJSON) and, when written by training, its record. */
export interface ModelRecord extends RbmJson {
  training?: TrainingRecord;
}

const OPTION_KEYS = ["method", "k", "chains", "learningRate", "momentum", "weightDecay", "batchSize", "meanFieldHidden", "lrDecay", "dtype"];

function historyEntry(v: unknown, where: string, after: number, epochs: number): HistoryEntry {
  // "method" is the name files written before the likelihood was named apart from the training method used
  const o = requireRecord(v, where, ["epoch", "likelihood", "method", "logZ", "logZLower", "logZUpper", "aisRuns", "aisSteps", "trainLogLikelihood", "testLogLikelihood"]);
  // one entry per evaluated epoch, in order (`rbm train --eval none` evaluates none)
  const epoch = o.epoch;
  if (typeof epoch !== "number" || !Number.isInteger(epoch) || epoch <= after || epoch > epochs) throw new InputError(`${where}.epoch: expected an epoch in [${after + 1}, ${epochs}] (entries are evaluated epochs in increasing order), got ${describeValue(o.epoch)}`);
  const how = requireString(o.likelihood ?? o.method, `${where}.likelihood`, ["exact", "ais"]) as LikelihoodEvaluation["likelihood"];
  const e: HistoryEntry = { epoch, likelihood: how, logZ: requireFinite(o.logZ, `${where}.logZ`), trainLogLikelihood: requireFinite(o.trainLogLikelihood, `${where}.trainLogLikelihood`), testLogLikelihood: requireFinite(o.testLogLikelihood, `${where}.testLogLikelihood`) };
  if (how === "ais") {
    e.logZLower = requireFinite(o.logZLower, `${where}.logZLower`);
    e.logZUpper = requireFinite(o.logZUpper, `${where}.logZUpper`);
    e.aisRuns = requireInteger(o.aisRuns, `${where}.aisRuns`, 1);
    e.aisSteps = requireInteger(o.aisSteps, `${where}.aisSteps`, 1);
  }
  return e;
}

function trainingRecord(v: unknown): TrainingRecord {
  const w = "training";
  const o = requireRecord(v, w, ["data", "binarize", "trainSize", "testSize", "seed", "options", "epochs", "history", "state", "versions"]);
  const data = requireString(o.data, `${w}.data`, Object.keys(dataSets));
  const binarize = requireString(o.binarize, `${w}.binarize`, ["threshold", "stochastic"]) as Binarize;
  const trainSize = requireInteger(o.trainSize, `${w}.trainSize`, 1);
  const testSize = requireInteger(o.testSize, `${w}.testSize`, 1);
  const seed = requireString(o.seed, `${w}.seed`);
  const optsIn = requireRecord(o.options, `${w}.options`, OPTION_KEYS);
  let options: RbmTrainOptions;
  try {
    options = validateTrainOptions({ ...(optsIn as unknown as RbmTrainOptions) });
  } catch (e) {
    if (e instanceof FieldError) throw new InputError(`${w}.options.${e.field}: ${e.detail}`);
    throw e;
  }
  const epochs = requireInteger(o.epochs, `${w}.epochs`, 0);
  const entries = requireArray(o.history, `${w}.history`);
  if (entries.length > epochs) throw new InputError(`${w}.history: ${entries.length} entries for ${epochs} epochs trained (at most one per epoch)`);
  const history: HistoryEntry[] = [];
  entries.forEach((h, i) => history.push(historyEntry(h, `${w}.history[${i}]`, i === 0 ? 0 : history[i - 1].epoch, epochs)));
  // the state's keys and arrays are checked by RbmTrainer.restore, against the model it resumes
  const state = requireRecord(o.state, `${w}.state`, ["format", "stream", "updates", "velocity", "positive", "sampler"]) as unknown as RbmTrainerState;
  const ver = requireRecord(o.versions, `${w}.versions`, ["stochgrad", "node"]);
  const versions = { stochgrad: requireString(ver.stochgrad, `${w}.versions.stochgrad`), node: requireString(ver.node, `${w}.versions.node`) };
  return { data, binarize, trainSize, testSize, seed, options, epochs, history, state, versions };
}

/**
 * A model file's parsed JSON, checked in full: the RBM (Rbm.fromJSON) and, if present, the
 * training record. The trainer state's arrays are checked against the model when it is
 * restored (RbmTrainer.restore). Errors name the field.
 */
export function modelFromJSON(j: unknown): { rbm: Rbm; record: ModelRecord } {
  const o = requireRecord(j, "model", ["kind", "nVisible", "nHidden", "W", "b", "c", "training"], `{"kind": "stochgrad.rbm", nVisible, nHidden, W, b, c}`);
  const rbm = Rbm.fromJSON(o, "model");
  const training = o.training === undefined ? undefined : trainingRecord(o.training);
  return { rbm, record: { ...(o as unknown as ModelRecord), ...(training ? { training } : {}) } };
}
