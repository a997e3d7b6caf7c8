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

/**
 * One history entry: the epoch, its likelihood evaluation (absent with --eval none) and, for
 * parallel tempering, the epoch's swap acceptance per neighbour pair.
 */
export type HistoryEntry = { epoch: number; swapAcceptance?: number[] } & Partial<LikelihoodEvaluation>;

export interface TrainingRecord {
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
  evaluation?: { eval: "auto" | "exact" | "ais" | "none"; aisRuns: number; aisSteps: number };
  history: HistoryEntry[];
  state: RbmTrainerState;
  versions: { stochgrad: string; node: string };
}

/** The parameters (Rbm.toJSON) and, when written by training, its record. */
export interface ModelRecord extends RbmJson {
  /** the schema the file follows (schemaUri("model", version)); ignored when read */
  $schema?: string;
  /** centered training: the offsets μ (visible) and λ (hidden) of the centered form; W, b, c are the equivalent plain parameters */
  offsets?: { visible: number[]; hidden: number[] };
  training?: TrainingRecord;
}

const OPTION_KEYS = ["method", "k", "chains", "learningRate", "momentum", "weightDecay", "batchSize", "meanFieldHidden", "lrDecay", "dtype", "centering", "offsetDecay", "temperatures", "betaMin"];

function historyEntry(v: unknown, where: string, after: number, epochs: number): HistoryEntry {
  // "method" is the name files written before the likelihood was named apart from the training method used
  const o = requireRecord(v, where, ["epoch", "likelihood", "method", "logZ", "logZLower", "logZUpper", "aisRuns", "aisSteps", "trainLogLikelihood", "testLogLikelihood", "testLogLikelihoodUpper", "swapAcceptance"]);
  // one entry per evaluated epoch, in order (`rbm train --eval none` evaluates none)
  const epoch = o.epoch;
  if (typeof epoch !== "number" || !Number.isInteger(epoch) || epoch <= after || epoch > epochs) throw new InputError(`${where}.epoch: expected an epoch in [${after + 1}, ${epochs}] (entries are evaluated epochs in increasing order), got ${describeValue(o.epoch)}`);
  const swaps = o.swapAcceptance === undefined ? undefined : requireArray(o.swapAcceptance, `${where}.swapAcceptance`).map((x, t) => requireProbability(x, `${where}.swapAcceptance[${t}]`));
  // an epoch of parallel tempering under --eval none records its swap acceptance only
  if (swaps && o.likelihood === undefined && o.method === undefined) return { epoch, swapAcceptance: swaps };
  const how = requireString(o.likelihood ?? o.method, `${where}.likelihood`, ["exact", "ais"]) as LikelihoodEvaluation["likelihood"];
  const e: HistoryEntry = { epoch, likelihood: how, logZ: requireFinite(o.logZ, `${where}.logZ`), trainLogLikelihood: requireFinite(o.trainLogLikelihood, `${where}.trainLogLikelihood`), testLogLikelihood: requireFinite(o.testLogLikelihood, `${where}.testLogLikelihood`) };
  if (how === "ais") {
    if (o.logZLower !== undefined) e.logZLower = requireFinite(o.logZLower, `${where}.logZLower`); // absent when AIS's spread has no finite lower end
    e.logZUpper = requireFinite(o.logZUpper, `${where}.logZUpper`);
    e.aisRuns = requireInteger(o.aisRuns, `${where}.aisRuns`, 1);
    e.aisSteps = requireInteger(o.aisSteps, `${where}.aisSteps`, 1);
    if (o.testLogLikelihoodUpper !== undefined) e.testLogLikelihoodUpper = requireFinite(o.testLogLikelihoodUpper, `${where}.testLogLikelihoodUpper`);
  }
  if (swaps) e.swapAcceptance = swaps;
  return e;
}

function requireProbability(x: unknown, where: string): number {
  const p = requireFinite(x, where);
  if (p < 0 || p > 1) throw new InputError(`${where}: expected a rate in [0, 1], got ${p}`);
  return p;
}

const EVAL_MODES = ["auto", "exact", "ais", "none"] as const;

function trainingRecord(v: unknown): TrainingRecord {
  const w = "training";
  const o = requireRecord(v, w, ["data", "binarize", "trainSize", "testSize", "seed", "options", "epochs", "targetEpochs", "evaluation", "history", "state", "versions"]);
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
  const targetEpochs = o.targetEpochs === undefined ? undefined : requireInteger(o.targetEpochs, `${w}.targetEpochs`, epochs);
  let evaluation: TrainingRecord["evaluation"];
  if (o.evaluation !== undefined) {
    const ev = requireRecord(o.evaluation, `${w}.evaluation`, ["eval", "aisRuns", "aisSteps"]);
    evaluation = { eval: requireString(ev.eval, `${w}.evaluation.eval`, EVAL_MODES) as (typeof EVAL_MODES)[number], aisRuns: requireInteger(ev.aisRuns, `${w}.evaluation.aisRuns`, 2), aisSteps: requireInteger(ev.aisSteps, `${w}.evaluation.aisSteps`, 3) };
  }
  const entries = requireArray(o.history, `${w}.history`);
  if (entries.length > epochs) throw new InputError(`${w}.history: ${entries.length} entries for ${epochs} epochs trained (at most one per epoch)`);
  const history: HistoryEntry[] = [];
  entries.forEach((h, i) => history.push(historyEntry(h, `${w}.history[${i}]`, i === 0 ? 0 : history[i - 1].epoch, epochs)));
  // the state's keys and arrays are checked by RbmTrainer.restore, against the model it resumes
  const state = requireRecord(o.state, `${w}.state`, ["format", "stream", "updates", "velocity", "positive", "sampler", "offsets"]) as unknown as RbmTrainerState;
  const ver = requireRecord(o.versions, `${w}.versions`, ["stochgrad", "node"]);
  const versions = { stochgrad: requireString(ver.stochgrad, `${w}.versions.stochgrad`), node: requireString(ver.node, `${w}.versions.node`) };
  return { data, binarize, trainSize, testSize, seed, options, epochs, ...(targetEpochs === undefined ? {} : { targetEpochs }), ...(evaluation ? { evaluation } : {}), history, state, versions };
}

/**
 * A model file's parsed JSON, checked in full: the RBM (Rbm.fromJSON) and, if present, the
 * training record. The trainer state's arrays are checked against the model when it is
 * restored (RbmTrainer.restore). Errors name the field.
 */
export function modelFromJSON(j: unknown): { rbm: Rbm; record: ModelRecord } {
  const o = requireRecord(j, "model", ["$schema", "kind", "nVisible", "nHidden", "W", "b", "c", "offsets", "training"], `{"kind": "stochgrad.rbm", nVisible, nHidden, W, b, c}`);
  if (o.$schema !== undefined) requireString(o.$schema, "model.$schema");
  const rbm = Rbm.fromJSON(o, "model");
  if (o.offsets !== undefined) {
    const off = requireRecord(o.offsets, "model.offsets", ["visible", "hidden"]);
    requireArray(off.visible, "model.offsets.visible", rbm.nVisible).forEach((x, i) => requireFinite(x, `model.offsets.visible[${i}]`));
    requireArray(off.hidden, "model.offsets.hidden", rbm.nHidden).forEach((x, j) => requireFinite(x, `model.offsets.hidden[${j}]`));
  }
  const training = o.training === undefined ? undefined : trainingRecord(o.training);
  return { rbm, record: { ...(o as unknown as ModelRecord), ...(training ? { training } : {}) } };
}
