/**
 * `stochgrad reproduce binary-vae`: the standard benchmark of gradient estimators for binary
 * latent variables, in the protocol of DisARM (Dong, Mnih & Tucker 2020, NeurIPS, §6.1, which
 * follows ARM, Yin & Zhou 2019, and RELAX, Grathwohl et al. 2018): a VAE with 200 Bernoulli
 * latents on dynamically binarised MNIST, trained by maximising the single-sample ELBO with each
 * estimator of the encoder's gradient.
 *
 * Design (also written into the record):
 *   - data: MNIST grey levels; train = the first 50 000 training images, validation = the last
 *     10 000 (monitoring only), test = the 10 000 test images (the final 100-sample bound only);
 *     training minibatches are binarised afresh at every step (x = 1[u < grey level]); the
 *     evaluation sets are binarised once, with the same stream for every estimator;
 *   - model (src/nets/binary-vae.ts): linear encoder 784 → 200 logits, 200 Bernoulli latents,
 *     factorised Bernoulli prior with learned logits, linear decoder 200 → 784 Bernoulli pixels;
 *     decoder biases start at the logits of the training set's mean pixel values;
 *   - training: Adam, lr 1e-4 on every parameter, minibatches of 50, the same number of steps,
 *     initialisation, minibatch order and binarisation for every estimator of one seed;
 *   - measured at every `eval-every` steps: the single-sample ELBO on the first 10 000 training
 *     digits and on the validation set (fixed binarisation, the same evaluation noise for every
 *     estimator), the mean minibatch ELBO of the steps since the last point, and the variance of
 *     the estimator's gradient of the encoder parameters (W_e, b_e) on a fixed probe minibatch of
 *     50 training digits across `probe-draws` noise draws, averaged over the parameters;
 *   - final: the 100-sample importance-weighted bound on the test set.
 */
import { FieldError, InputError, requireFinite } from "../../src/errors.js";
import { requireArray, requireInteger, requireNumbers, requireRecord, requireString } from "../../src/validate.js";
import { requireTime } from "../../src/limits.js";
import { binarise, binaryVae, BinaryVaeTrainer, encoderGradient, importanceBound, initBinaryVae, meanPixelLogits, type BinaryVae, type VaeTrainerState } from "../../src/nets/binary-vae.js";
import { mnistSplits } from "../../src/nets/data.js";
import { layerEstimators, type LayerEstimatorId } from "../../src/nets/estimators/registry.js";
import type { LayerEstimatorOptions } from "../../src/nets/estimators/types.js";
import { layerGradientMoments } from "../../src/nets/probe.js";
import { Stream } from "../../src/random/stream.js";
import type { ChartSpec, SeriesSpec } from "../charts.js";
import { summary } from "./summary.js";
import type { Reproduction, ReproductionContext, ReproductionInput, ReproductionOutput } from "./types.js";

/** One row of the comparison: a layer estimator for the latent layer, with its options. */
interface Method {
  title: string;
  label: string;
  estimator: LayerEstimatorId;
  options: LayerEstimatorOptions;
}

/** The nine rows, in table order. */
export const VAE_METHODS = {
  "reinforce-ma": { title: "REINFORCE, moving-average baseline (β = 0.9)", label: "REINFORCE + MA baseline", estimator: "correlation-ma", options: { decay: 0.9 } },
  rloo: { title: "RLOO (K = 2)", label: "RLOO (K = 2)", estimator: "rloo", options: { K: 2 } },
  arm: { title: "ARM", label: "ARM", estimator: "arm", options: {} },
  disarm: { title: "DisARM", label: "DisARM", estimator: "disarm", options: {} },
  muprop: { title: "MuProp (no extra baseline)", label: "MuProp", estimator: "muprop", options: { baselineDecay: 0 } },
  nvil: { title: "NVIL (linear input baseline, normalisation)", label: "NVIL", estimator: "nvil", options: { lr: 1e-3, decay: 0.8, normalise: 1, inputBaseline: 1 } },
  relax: { title: "RELAX (η f(σ(z/λ)) + one-hidden-layer r_ρ, λ = 0.5)", label: "RELAX", estimator: "relax", options: { eta: 1, temperature: 0.5, hidden: 32, lr: 1e-3, seed: 0 } },
  "straight-through": { title: "Straight-through (identity)", label: "straight-through", estimator: "straight-through", options: {} },
  "gumbel-softmax": { title: "Gumbel-Softmax / Concrete (τ = 0.5)", label: "Gumbel-Softmax (τ = 0.5)", estimator: "gumbel-softmax", options: { temperature: 0.5 } },
} satisfies Record<string, Method>;

export type VaeMethodId = keyof typeof VAE_METHODS;

/** Everything that determines the record (with the seed). */
export interface VaeSettings {
  quick: boolean;
  seed: string;
  seeds: number;
  methods: VaeMethodId[];
  data: { trainSize: number; validationSize: number; testSize: number; trainEvalRows: number };
  model: { pixels: number; latents: number };
  training: { optimizer: "adam"; learningRate: number; batchSize: number; steps: number; evalEvery: number };
  evaluation: { testSamples: number };
  probe: { rows: number; draws: number };
}

const FULL: Omit<VaeSettings, "quick" | "seed" | "seeds" | "methods"> = {
  data: { trainSize: 50000, validationSize: 10000, testSize: 10000, trainEvalRows: 10000 },
  model: { pixels: 784, latents: 200 },
  training: { optimizer: "adam", learningRate: 1e-4, batchSize: 50, steps: 100000, evalEvery: 10000 },
  evaluation: { testSamples: 100 },
  probe: { rows: 50, draws: 100 },
};

const QUICK: Omit<VaeSettings, "quick" | "seed" | "seeds" | "methods"> = {
  data: { trainSize: 500, validationSize: 100, testSize: 50, trainEvalRows: 100 },
  model: { pixels: 784, latents: 20 },
  training: { optimizer: "adam", learningRate: 1e-3, batchSize: 50, steps: 20, evalEvery: 10 },
  evaluation: { testSamples: 5 },
  probe: { rows: 50, draws: 5 },
};

const DEFAULT_SEEDS = 3;

const own = (o: Record<string, unknown>, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** Settings from the command's input; bad values are FieldErrors named after the option. */
export function vaeSettings(input: ReproductionInput): VaeSettings {
  const base = input.quick ? QUICK : FULL;
  const s: VaeSettings = structuredClone({ ...base, quick: input.quick, seed: input.seed, seeds: input.seeds ?? (input.quick ? 1 : DEFAULT_SEEDS), methods: Object.keys(VAE_METHODS) as VaeMethodId[] });
  if (!Number.isInteger(s.seeds) || s.seeds < 1 || s.seeds > 100) throw new FieldError("seeds", `expected an integer in [1, 100], got ${s.seeds}`);
  if (input.estimators) {
    if (input.estimators.length === 0) throw new FieldError("estimators", "expected a comma-separated list of methods");
    for (const id of input.estimators) if (!own(VAE_METHODS, id)) throw new FieldError("estimators", `unknown method "${id}" (known: ${Object.keys(VAE_METHODS).join(", ")})`);
    s.methods = (Object.keys(VAE_METHODS) as VaeMethodId[]).filter((id) => input.estimators!.includes(id));
  }
  const o = input.options;
  for (const k of Object.keys(o)) if (o[k] !== undefined && !own(binaryVaeReproduction.options, k)) throw new FieldError(k, "not an option of binary-vae");
  const epoch = s.data.trainSize / s.training.batchSize;
  if (o["eval-every"] !== undefined) {
    const e = o["eval-every"] as number;
    if (!Number.isInteger(e) || e < epoch || e > Number.MAX_SAFE_INTEGER || e % epoch !== 0) throw new FieldError("eval-every", `expected a whole number of epochs of ${epoch} steps (${epoch}, ${2 * epoch}, …), got ${e}`);
    s.training.evalEvery = e;
  }
  if (o.steps !== undefined) {
    const n = o.steps as number;
    if (!Number.isInteger(n) || n < 1 || n > Number.MAX_SAFE_INTEGER || n % s.training.evalEvery !== 0) throw new FieldError("steps", `expected a positive multiple of the evaluation interval (${s.training.evalEvery} steps), got ${n}`);
    s.training.steps = n;
  }
  if (s.training.steps % s.training.evalEvery !== 0) throw new FieldError("steps", `${s.training.steps} steps are not a whole number of evaluation intervals of ${s.training.evalEvery}; give --steps too`);
  if (o["probe-draws"] !== undefined) {
    const d = o["probe-draws"] as number;
    if (!Number.isInteger(d) || d < 2 || d > 100000) throw new FieldError("probe-draws", `expected an integer in [2, 100000], got ${d}`);
    s.probe.draws = d;
  }
  requireTime(estimatedSeconds(s), `${s.training.steps} steps × ${s.seeds} seed${s.seeds === 1 ? "" : "s"} × ${s.methods.length} estimator${s.methods.length === 1 ? "" : "s"}`, "training and evaluation");
  return s;
}

/**
 * Seconds of one training step of the 784 → 200 → 784 model on minibatches of 50, per downstream
 * pass (the main pass plus the estimator's re-runs): measured on the development machine (2 shared
 * cores, load ≈ 7): 9 ms for one pass (REINFORCE), 10 ms for two (DisARM), 26 ms for RELAX.
 */
const STEP_SECONDS_PER_PASS = 0.009;

/** The run time of the settings at STEP_SECONDS_PER_PASS: training steps, evaluation points (forward passes ≈ a third of a step) and the test bound. */
export function estimatedSeconds(s: VaeSettings): number {
  const tau = (STEP_SECONDS_PER_PASS * (s.training.batchSize * s.model.pixels * s.model.latents)) / (50 * 784 * 200);
  const B = s.training.batchSize;
  const points = s.training.steps / s.training.evalEvery + 1;
  let total = 0;
  for (const id of s.methods) {
    const m: Method = VAE_METHODS[id];
    const spec = layerEstimators[m.estimator];
    const passes = 1 + spec.reruns(spec.options(m.options));
    const evalSeconds = ((s.data.trainEvalRows + s.data.validationSize) / B) * (tau / 3) + s.probe.draws * passes * tau;
    total += s.seeds * (s.training.steps * passes * tau + points * evalSeconds + (s.data.testSize / B) * s.evaluation.testSamples * (tau / 3));
  }
  return total;
}

/** One evaluation point of a run. */
interface CurvePoint {
  step: number;
  /** single-sample ELBO on the first trainEvalRows training digits (nats per digit) */
  trainElbo: number;
  validationElbo: number;
  /** mean minibatch ELBO of the training steps since the previous point (absent at step 0) */
  minibatchElbo?: number;
  /** mean over the encoder parameters of Var[ĝ] on the probe minibatch */
  gradientVariance: number;
}

/** A unit of work as saved in the checkpoint. */
interface RunSaved {
  done: boolean;
  /** the trainer at the last evaluation point (absent once done) */
  trainer?: VaeTrainerState;
  curve: CurvePoint[];
  /** the final bound (present once done) */
  testBound?: number;
  seconds: number;
}

/** The evaluation sets, binarised once (the same for every estimator and seed). */
interface EvalSets {
  grey: Float64Array;
  train: Float64Array;
  validation: Float64Array;
  test: Float64Array;
  probe: Float64Array;
  decoderBias: Float64Array;
}

function binariseSet(grey: Float64Array, rows: number, dim: number, stream: Stream): Float64Array {
  const out = new Float64Array(rows * dim);
  const u = new Float64Array(rows * dim);
  binarise(grey, 0, rows * dim, stream, u, out);
  return out;
}

function evalSets(s: VaeSettings, root: Stream): EvalSets {
  const data = mnistSplits({ trainSize: s.data.trainSize, validationSize: s.data.validationSize, testSize: s.data.testSize });
  const D = data.train.dim;
  if (D !== s.model.pixels) throw new InputError(`MNIST: images of ${D} pixels, the model reads ${s.model.pixels}`);
  const b = root.fork("binarise");
  return {
    grey: data.train.x,
    train: binariseSet(data.train.x, s.data.trainEvalRows, D, b.fork("train")),
    validation: binariseSet(data.validation.x, data.validation.n, D, b.fork("validation")),
    test: binariseSet(data.test.x, data.test.n, D, b.fork("test")),
    probe: binariseSet(data.train.x, s.probe.rows, D, b.fork("probe")),
    decoderBias: meanPixelLogits(data.train.x, data.train.n, D),
  };
}

function buildVae(s: VaeSettings, id: VaeMethodId): BinaryVae {
  const m: Method = VAE_METHODS[id];
  return binaryVae({ pixels: s.model.pixels, latents: s.model.latents, estimator: layerEstimators[m.estimator], estimatorOptions: m.options, maxRows: s.training.batchSize });
}

/** The evaluation point at the trainer's current step (its noise keyed by the step, shared by every estimator). */
function evaluate(s: VaeSettings, vae: BinaryVae, sets: EvalSets, root: Stream, step: number, minibatchElbo?: number): CurvePoint {
  const ev = root.fork(`eval/${step}`);
  const trainElbo = importanceBound(vae, sets.train, s.data.trainEvalRows, 1, ev.fork("train"));
  const validationElbo = importanceBound(vae, sets.validation, s.data.validationSize, 1, ev.fork("validation"));
  const N = s.model.latents;
  const dim = s.model.pixels * N + N;
  const m = layerGradientMoments(vae.network, vae.latent, { n: s.probe.rows, x: sets.probe }, s.probe.draws, ev.fork("probe"), dim, (_d, out) => encoderGradient(vae, s.probe.rows, out));
  let v = 0;
  for (let k = 0; k < dim; k++) v += m.variance[k];
  return { step, trainElbo, validationElbo, ...(minibatchElbo === undefined ? {} : { minibatchElbo }), gradientVariance: v / dim };
}

function executeRun(s: VaeSettings, sets: EvalSets, id: VaeMethodId, seedKey: string, ctx: ReproductionContext, tick: (steps: number) => void): RunSaved {
  const key = `run/${id}/${seedKey}`;
  const saved = ctx.checkpoint.get<RunSaved>(key);
  if (saved?.done) {
    tick(s.training.steps);
    return saved;
  }
  const root = Stream.fromSeed(s.seed);
  const seedStream = root.fork(seedKey);
  const vae = buildVae(s, id);
  const t0 = performance.now();
  try {
    initBinaryVae(vae, seedStream.fork("init"), sets.decoderBias);
    const trainer = new BinaryVaeTrainer(vae, sets.grey, s.data.trainSize, s.training.batchSize, s.training.learningRate, seedStream.fork("train"));
    const run: RunSaved = saved ?? { done: false, curve: [], seconds: 0 };
    if (run.trainer) trainer.restore(run.trainer);
    else run.curve.push(evaluate(s, vae, sets, root, 0));
    tick(trainer.steps);
    while (trainer.steps < s.training.steps) {
      for (let k = 0; k < s.training.evalEvery; k++) trainer.step();
      tick(s.training.evalEvery);
      run.curve.push(evaluate(s, vae, sets, root, trainer.steps, trainer.takeMeanElbo()));
      run.trainer = trainer.state();
      run.seconds = (saved?.seconds ?? 0) + (performance.now() - t0) / 1000;
      if (trainer.steps < s.training.steps) ctx.checkpoint.save(key, run);
    }
    run.testBound = importanceBound(vae, sets.test, s.data.testSize, s.evaluation.testSamples, root.fork("test-bound"));
    run.done = true;
    delete run.trainer;
    run.seconds = (saved?.seconds ?? 0) + (performance.now() - t0) / 1000;
    ctx.checkpoint.save(key, run);
    return run;
  } finally {
    vae.network.release();
  }
}

interface MethodRecord {
  title: string;
  label: string;
  estimator: string;
  options: LayerEstimatorOptions;
  formula: string;
  estimatorSource: string;
  unbiased: boolean;
  seeds: { seed: string; testBound: number; curve: CurvePoint[] }[];
  steps: number;
  /** at the last evaluation point */
  trainElbo: ReturnType<typeof summary>;
  validationElbo: ReturnType<typeof summary>;
  testBound: ReturnType<typeof summary>;
  /** mean over the evaluation points after step 0 (and the seeds) of log₁₀ of the mean gradient variance */
  meanLog10Variance: number;
  /** mean over the same points of log₁₀(variance / DisARM's variance at the same step and seed); absent without a DisARM row */
  meanLog10VarianceRatioToDisarm?: number;
}

interface VaeRecord {
  kind: "stochgrad.reproduction";
  id: "binary-vae";
  title: string;
  source: string;
  settings: VaeSettings;
  design: Record<string, unknown>;
  literature: Record<string, unknown>;
  methods: Record<string, MethodRecord>;
}

function design(s: VaeSettings): Record<string, unknown> {
  return {
    source: "Dong, Mnih & Tucker 2020, NeurIPS, DisARM §6.1 (the linear binary VAE on dynamically binarised MNIST), following Yin & Zhou 2019 (ARM) and Grathwohl et al. 2018 (RELAX)",
    model: `q(h|x) = Π Bernoulli(σ(xW_e + b_e)), ${s.model.pixels} → ${s.model.latents}; p(h) = Π Bernoulli(σ(c)), c learned; p(x|h) = Π Bernoulli(σ(hW_d + b_d)), ${s.model.latents} → ${s.model.pixels}; Glorot-uniform weights, zero encoder biases and prior logits, decoder biases at the logits of the mean training pixel`,
    objective: "per-example f = −log p(x|h) − log p(h) + log q(h|x) (the negative single-sample ELBO); the latent layer's estimator gives the encoder logits' gradient, the decoder and the prior get the exact gradient at the sampled h; the log q term's direct gradient h − σ(a) has mean zero and is left out (src/nets/elbo.ts)",
    data: `dynamic binarisation x = 1[u < grey level] per training step; train = first ${s.data.trainSize} training images, validation = last ${s.data.validationSize}, test = ${s.data.testSize} test images (final bound only); evaluation sets binarised once`,
    training: `Adam (β = 0.9, 0.999, ε = 1e-8), lr ${s.training.learningRate} on every parameter, minibatches of ${s.training.batchSize}, ${s.training.steps} steps; the same initialisation, minibatch order and binarisation for every row of one seed`,
    evaluation: `every ${s.training.evalEvery} steps: single-sample ELBO on the first ${s.data.trainEvalRows} training digits and on the validation digits; mean minibatch ELBO since the previous point; gradient variance = mean over the ${s.model.pixels * s.model.latents + s.model.latents} encoder parameters of the sample variance of the row's encoder gradient on a fixed minibatch of ${s.probe.rows} training digits over ${s.probe.draws} noise draws (its baselines read, never advanced); final: ${s.evaluation.testSamples}-sample importance-weighted bound on the test set`,
    estimatorNotes: "relax: the control variate is trained by Adam on the squared per-example logit gradients (a surrogate of the gradient variance) with λ held fixed; gumbel-softmax: the encoder logits get the relaxed gradient, the decoder and prior the hard sample's (so the ELBO reported is the discrete model's); nvil: a linear input baseline (the paper's MNIST baseline was an MLP)",
    layers: buildVae(s, "disarm").network.describe(),
  };
}

/** The DisARM paper's figures, as far as they are quoted here. */
const LITERATURE = {
  source: "Dong, Mnih & Tucker 2020, arXiv 2006.10680v2, §6.1 Fig. 5 (linear model, dynamically binarised MNIST): curves of train ELBO, 100-sample test bound and gradient variance over 10⁶ steps for DisARM, RELAX, REINFORCE LOO (RLOO, K = 2) and ARM, 5 runs each",
  note: "The paper's numbers are read off its figures and tables by hand; they are not transcribed into this record (no offline copy of the table was available to this reproduction). Compare the ordering of the variance curves (DisARM < RLOO ≈ RELAX < ARM in the paper's Fig. 5) with the chart gradient-variance.",
};

function charts(record: VaeRecord): { name: string; spec: ChartSpec }[] {
  const ids = Object.keys(record.methods) as VaeMethodId[];
  const color = (id: VaeMethodId) => (Object.keys(VAE_METHODS) as VaeMethodId[]).indexOf(id);
  const plural = (k: number, w: string) => `${k} ${w}${k === 1 ? "" : "s"}`;
  const seedsNote = `mean over ${plural(record.settings.seeds, "seed")}`;
  const curve = (id: VaeMethodId, pick: (p: CurvePoint) => number, skipFirst = false): [number, number][] => {
    const runs = record.methods[id].seeds.map((r) => r.curve);
    return runs[0].slice(skipFirst ? 1 : 0).map((p, i) => [p.step, runs.reduce((a, c) => a + pick(c[i + (skipFirst ? 1 : 0)]), 0) / runs.length]);
  };
  const elbo: SeriesSpec[] = ids.map((id) => ({ label: record.methods[id].label, points: curve(id, (p) => p.trainElbo, true), color: color(id) }));
  const variance: SeriesSpec[] = ids.map((id) => ({ label: record.methods[id].label, points: curve(id, (p) => p.gradientVariance), color: color(id) }));
  const t = record.settings.training;
  return [
    { name: "elbo", spec: { title: `Training ELBO (first ${record.settings.data.trainEvalRows} training digits, single sample; ${seedsNote})`, x: { label: `training step (minibatches of ${t.batchSize})` }, y: { label: "ELBO (nats per digit)" }, series: elbo, legend: "right", width: 1100 } },
    { name: "gradient-variance", spec: { title: `Variance of the encoder gradient on a fixed minibatch (${record.settings.probe.draws} draws; ${seedsNote})`, x: { label: `training step (minibatches of ${t.batchSize})` }, y: { label: "mean variance per encoder parameter (nats², log scale)", log: true }, series: variance, legend: "right", width: 1100 } },
  ];
}

function table(record: VaeRecord, seconds: Record<string, number>): string {
  const f = (x: { mean: number; sd?: number }) => `${x.mean.toFixed(2)}${x.sd === undefined ? "" : ` ± ${x.sd.toFixed(2)}`}`;
  const lines = [
    `| estimator | steps | train ELBO | validation ELBO | test bound (${record.settings.evaluation.testSamples} samples) | mean log₁₀ gradient variance | log₁₀ variance ratio to DisARM | wall time (s) |`,
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const [id, m] of Object.entries(record.methods)) {
    const ratio = m.meanLog10VarianceRatioToDisarm;
    lines.push(`| ${id} | ${m.steps} | ${f(m.trainElbo)} | ${f(m.validationElbo)} | ${f(m.testBound)} | ${m.meanLog10Variance.toFixed(3)} | ${ratio === undefined ? "—" : ratio.toFixed(3)} | ${(seconds[id] ?? 0).toFixed(0)} |`);
  }
  return lines.join("\n") + "\n";
}

async function run(input: ReproductionInput, ctx: ReproductionContext): Promise<ReproductionOutput> {
  const s = vaeSettings(input);
  // units are per method and seed and independent of the other methods, so the fingerprint leaves
  // the method list out: a run with more methods resumes from the units of a run with fewer
  const { methods: _m, ...fingerprint } = s;
  ctx.checkpoint.open("binary-vae", fingerprint);
  const sets = evalSets(s, Stream.fromSeed(s.seed));
  const total = s.methods.length * s.seeds * s.training.steps;
  let done = 0;
  const tick = (k: number) => ctx.progress?.((done += k), total, "steps");
  const timings: Record<string, number> = {};
  const runs: Record<string, RunSaved[]> = {};
  for (const id of s.methods) {
    runs[id] = [];
    for (let k = 0; k < s.seeds; k++) {
      const r = executeRun(s, sets, id, `seed/${k}`, ctx, tick);
      timings[`run/${id}/seed=${k}`] = r.seconds;
      runs[id].push(r);
    }
    timings[`method/${id}`] = runs[id].reduce((a, r) => a + r.seconds, 0);
  }
  const logVar = (r: RunSaved) => r.curve.slice(1).map((p) => Math.log10(p.gradientVariance));
  const methods: Record<string, MethodRecord> = {};
  for (const id of s.methods) {
    const m: Method = VAE_METHODS[id];
    const spec = layerEstimators[m.estimator];
    const rs = runs[id];
    const last = (r: RunSaved) => r.curve[r.curve.length - 1];
    const all = rs.flatMap(logVar);
    const d = runs.disarm?.flatMap(logVar);
    const ratio = d ? { meanLog10VarianceRatioToDisarm: all.reduce((a, v, i) => a + v - d[i], 0) / all.length } : {};
    methods[id] = {
      title: m.title,
      label: m.label,
      estimator: m.estimator,
      options: spec.options(m.options),
      formula: spec.formula,
      estimatorSource: spec.source,
      unbiased: spec.unbiased,
      // a point saved without its minibatch mean (step 0) leaves the key out, whatever wrote the checkpoint
      seeds: rs.map((r, k) => ({ seed: `seed/${k}`, testBound: r.testBound!, curve: r.curve.map(({ minibatchElbo, ...p }) => (typeof minibatchElbo === "number" ? { ...p, minibatchElbo } : p)) })),
      steps: s.training.steps,
      trainElbo: summary(rs.map((r) => last(r).trainElbo)),
      validationElbo: summary(rs.map((r) => last(r).validationElbo)),
      testBound: summary(rs.map((r) => r.testBound!)),
      meanLog10Variance: all.reduce((a, b) => a + b, 0) / all.length,
      ...ratio,
    };
  }
  const record: VaeRecord = {
    kind: "stochgrad.reproduction",
    id: "binary-vae",
    title: binaryVaeReproduction.title,
    source: binaryVaeReproduction.source,
    settings: s,
    design: design(s),
    literature: LITERATURE,
    methods,
  };
  const perMethod = Object.fromEntries(s.methods.map((id) => [id, timings[`method/${id}`]]));
  return { record: record as unknown as Record<string, unknown>, charts: charts(record), table: table(record, perMethod), timings };
}

export const binaryVaeReproduction: Reproduction = {
  id: "binary-vae",
  title: "Binary-latent VAE on dynamically binarised MNIST, trained with nine gradient estimators",
  source: "Dong, Mnih & Tucker 2020, NeurIPS, DisARM §6.1 (linear model)",
  summary: "Linear VAE 784 → 200 Bernoulli latents → 784 on dynamically binarised MNIST (DisARM protocol), trained with REINFORCE+MA, RLOO, ARM, DisARM, MuProp, NVIL, RELAX, straight-through and Gumbel-Softmax; training ELBO, 100-sample test bound, encoder-gradient variance over training.",
  defaultSeeds: DEFAULT_SEEDS,
  methods: Object.keys(VAE_METHODS),
  options: {
    steps: { type: "int", metavar: "N", description: `training steps per run (default ${FULL.training.steps}; --quick ${QUICK.training.steps}); a multiple of --eval-every` },
    "eval-every": { type: "int", metavar: "N", description: `steps between evaluation points (default ${FULL.training.evalEvery}; --quick ${QUICK.training.evalEvery}); whole epochs` },
    "probe-draws": { type: "int", metavar: "D", description: `noise draws per gradient-variance probe (default ${FULL.probe.draws}; --quick ${QUICK.probe.draws})` },
  },
  validate: (input) => void vaeSettings(input),
  run,
  rebuild(json, timings) {
    const record = vaeRecordFromJSON(json);
    return { charts: charts(record), table: table(record, Object.fromEntries(Object.keys(record.methods).map((id) => [id, timings[`method/${id}`] ?? 0]))) };
  },
};

/**
 * A binary-vae record read back for `render`, checked where the charts and the table read it
 * (one InputError naming the field): the settings they print, and per method its label, steps,
 * summaries, variances and every seed's curve (the same steps in every seed, variances > 0).
 */
function vaeRecordFromJSON(json: unknown): VaeRecord {
  const o = requireRecord(json, "record", ["kind", "id", "title", "source", "settings", "design", "literature", "methods"]);
  requireString(o.kind, "record.kind", ["stochgrad.reproduction"]);
  requireString(o.id, "record.id", ["binary-vae"]);
  const st = o.settings as Record<string, unknown>;
  if (st === null || typeof st !== "object") throw new InputError("record.settings: expected an object");
  requireInteger(st.seeds, "record.settings.seeds", 1);
  const sub = (k: string) => {
    const v = st[k];
    if (v === null || typeof v !== "object" || Array.isArray(v)) throw new InputError(`record.settings.${k}: expected an object`);
    return v as Record<string, unknown>;
  };
  requireInteger(sub("data").trainEvalRows, "record.settings.data.trainEvalRows", 1);
  requireInteger(sub("training").batchSize, "record.settings.training.batchSize", 1);
  requireInteger(sub("probe").draws, "record.settings.probe.draws", 1);
  requireInteger(sub("evaluation").testSamples, "record.settings.evaluation.testSamples", 1);
  const methods = o.methods as Record<string, unknown>;
  if (methods === null || typeof methods !== "object" || Array.isArray(methods) || Object.keys(methods).length === 0) throw new InputError("record.methods: expected an object with one entry per estimator");
  const summaryAt = (v: unknown, where: string) => {
    const x = requireRecord(v, where, ["mean", "sd", "values"]);
    requireFinite(x.mean, `${where}.mean`);
    if (x.sd !== undefined) requireFinite(x.sd, `${where}.sd`);
    requireNumbers(x.values, `${where}.values`);
  };
  for (const [id, mv] of Object.entries(methods)) {
    const w = `record.methods.${id}`;
    if (!Object.prototype.hasOwnProperty.call(VAE_METHODS, id)) throw new InputError(`${w}: not an estimator of this benchmark (${Object.keys(VAE_METHODS).join(", ")})`);
    const m = requireRecord(mv, w, ["title", "label", "estimator", "options", "formula", "estimatorSource", "unbiased", "seeds", "steps", "trainElbo", "validationElbo", "testBound", "meanLog10Variance", "meanLog10VarianceRatioToDisarm"]);
    requireString(m.label, `${w}.label`);
    requireInteger(m.steps, `${w}.steps`, 1);
    for (const k of ["trainElbo", "validationElbo", "testBound"]) summaryAt(m[k], `${w}.${k}`);
    requireFinite(m.meanLog10Variance, `${w}.meanLog10Variance`);
    if (m.meanLog10VarianceRatioToDisarm !== undefined) requireFinite(m.meanLog10VarianceRatioToDisarm, `${w}.meanLog10VarianceRatioToDisarm`);
    const seeds = requireArray(m.seeds, `${w}.seeds`);
    if (seeds.length === 0) throw new InputError(`${w}.seeds: expected at least one seed`);
    let steps: number[] | undefined;
    seeds.forEach((sv, k) => {
      const r = requireRecord(sv, `${w}.seeds[${k}]`, ["seed", "testBound", "curve"]);
      const pts = requireArray(r.curve, `${w}.seeds[${k}].curve`).map((pv, i) => {
        const q = requireRecord(pv, `${w}.seeds[${k}].curve[${i}]`, ["step", "trainElbo", "validationElbo", "minibatchElbo", "gradientVariance"]);
        for (const key of ["trainElbo", "validationElbo"]) requireFinite(q[key], `${w}.seeds[${k}].curve[${i}].${key}`);
        if (!(requireFinite(q.gradientVariance, `${w}.seeds[${k}].curve[${i}].gradientVariance`) > 0)) throw new InputError(`${w}.seeds[${k}].curve[${i}].gradientVariance: expected a variance > 0 (it is drawn on a log scale)`);
        return requireInteger(q.step, `${w}.seeds[${k}].curve[${i}].step`, 0);
      });
      if (pts.length < 2) throw new InputError(`${w}.seeds[${k}].curve: expected at least two evaluation points`);
      if (steps && (steps.length !== pts.length || steps.some((x, i) => x !== pts[i]))) throw new InputError(`${w}.seeds[${k}].curve: its steps differ from seed 0's (the chart averages seeds point by point)`);
      steps ??= pts;
    });
  }
  return json as VaeRecord;
}
