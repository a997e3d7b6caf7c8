/**
 * `stochgrad reproduce conditional-computation`: the experiment of Bengio, Léonard & Courville
 * (2013, arXiv 1308.3432, §6) on real data — a gated MLP on MNIST whose sparse stochastic gater
 * units switch blocks of the main path off, trained with every estimator family under one budget.
 *
 * Design (also written into the record and the README):
 *   - data: MNIST grey levels x/255; train = the first 50 000 training images, validation = the
 *     last 10 000 (tuning only), test = the 10 000 test images (final numbers only);
 *   - model (src/nets/gated-mlp.ts): main path 784 → 256 rectifiers in 16 blocks of 16 → 10
 *     (softmax cross-entropy); gater path 784 → 32 rectifiers → 16 gate logits → 16 gates; gate j
 *     multiplies block j. Gates are binary stochastic units (score-function, antithetic and
 *     straight-through estimators), STS units (the STS estimator) or noisy rectifiers with s = 1
 *     (the pathwise estimator). A KL penalty λ·Σ_j KL(ρ ‖ p̄_j) on the minibatch mean of
 *     P(gate j on) drives the fraction of gates on towards ρ = 0.2 (λ = 1);
 *   - budget: the same for every row — Adam, minibatches of 100, the same epochs, the same
 *     initialisation and minibatch order per seed; the learning rate of each row is chosen from a
 *     grid by the validation error after a short tuning run (seed "tune"), never on the test set;
 *   - measured per row and seed: test error and exact-zero gate fraction with sampled gates, the
 *     fraction of main-path multiply-adds that could be skipped (and of the whole gated net's),
 *     training curves, and the gater units' gradient on a fixed minibatch of training rows at
 *     every epoch boundary: its variance over noise draws, and its bias against the exact gradient
 *     (enumeration of the 2^16 gate configurations per example: Bernoulli and STS gates) or,
 *     for noisy rectifiers, against the mean of many draws of the score-function estimator (with
 *     its standard error), by a Bonferroni z-test at a stated α.
 */
import { describeValue, FieldError, InputError, requireFinite } from "../../src/errors.js";
import { requireArray, requireInteger, requireNumbers, requireRecord, requireString } from "../../src/validate.js";
import { formatAlpha } from "../format.js";
import { mnistSplits, type MnistSplits } from "../../src/nets/data.js";
import { layerEstimators, type LayerEstimatorId } from "../../src/nets/estimators/registry.js";
import type { LayerEstimatorOptions } from "../../src/nets/estimators/types.js";
import { GatedMlp, type GateEvaluation } from "../../src/nets/gated-mlp.js";
import { biasReport, layerGradientMoments, unitDirection, type ReferenceGradient } from "../../src/nets/probe.js";
import { validateSparsity } from "../../src/nets/stochastic.js";
import { Trainer, type TrainerState } from "../../src/nets/train.js";
import { layerUnit, type UnitKind } from "../../src/nets/units.js";
import { Stream } from "../../src/random/stream.js";
import type { ChartSpec, SeriesSpec } from "../charts.js";
import { summary } from "./summary.js";
import type { Reproduction, ReproductionContext, ReproductionInput, ReproductionOutput } from "./types.js";

/** One row of the comparison: the gates' unit kind and layer estimator (none: the dense baseline). */
interface Method {
  title: string;
  /** short name for chart legends */
  label: string;
  unit: UnitKind | null;
  estimator: LayerEstimatorId | null;
  options?: LayerEstimatorOptions;
}

/** Every row, in table order. */
export const METHODS = {
  dense: { title: "Dense MLP (no gates)", label: "dense (no gates)", unit: null, estimator: null },
  correlation: { title: "Correlation (REINFORCE), no baseline", label: "REINFORCE", unit: "bernoulli", estimator: "correlation" },
  "correlation-ma": { title: "Correlation, moving-average baseline", label: "REINFORCE + MA baseline", unit: "bernoulli", estimator: "correlation-ma" },
  "correlation-optimal-online": { title: "Correlation, optimal baseline (online)", label: "REINFORCE + optimal baseline", unit: "bernoulli", estimator: "correlation-optimal-online" },
  "straight-through": { title: "Straight-through (identity)", label: "ST", unit: "bernoulli", estimator: "straight-through" },
  "straight-through-sigmoid": { title: "Straight-through (sigmoid-adjusted)", label: "ST-σ (sigmoid slope)", unit: "bernoulli", estimator: "straight-through-sigmoid" },
  sts: { title: "Stochastic times smooth (STS units)", label: "STS", unit: "sts", estimator: "sts" },
  pathwise: { title: "Noisy rectifier (pathwise)", label: "noisy rectifier", unit: "noisy-rectifier", estimator: "pathwise" },
  rloo: { title: "RLOO (K = 2)", label: "RLOO (K = 2)", unit: "bernoulli", estimator: "rloo", options: { K: 2 } },
  arm: { title: "ARM", label: "ARM", unit: "bernoulli", estimator: "arm" },
  disarm: { title: "DisARM", label: "DisARM", unit: "bernoulli", estimator: "disarm" },
} satisfies Record<string, Method>;

export type MethodId = keyof typeof METHODS;

/** Everything that determines the record (with the seed). */
export interface CcSettings {
  quick: boolean;
  seed: string;
  seeds: number;
  methods: MethodId[];
  data: { trainSize: number; validationSize: number; testSize: number };
  model: { hidden: number; gates: number; gaterHidden: number; noiseScale: number };
  sparsity: { target: number; weight: number };
  training: { optimizer: "adam"; batchSize: number; epochs: number; tuneEpochs: number; learningRates: number[] };
  probe: { rows: number; draws: number; pilotDraws: number; referenceDraws: number; referenceK: number; alpha: number };
}

const FULL: Omit<CcSettings, "quick" | "seed" | "seeds" | "methods"> = {
  data: { trainSize: 50000, validationSize: 10000, testSize: 10000 },
  model: { hidden: 256, gates: 16, gaterHidden: 32, noiseScale: 1 },
  sparsity: { target: 0.2, weight: 1 },
  training: { optimizer: "adam", batchSize: 100, epochs: 6, tuneEpochs: 2, learningRates: [3e-4, 1e-3, 3e-3] },
  probe: { rows: 100, draws: 500, pilotDraws: 500, referenceDraws: 2000, referenceK: 8, alpha: 1e-3 },
};

const QUICK: Omit<CcSettings, "quick" | "seed" | "seeds" | "methods"> = {
  data: { trainSize: 600, validationSize: 200, testSize: 200 },
  model: { hidden: 64, gates: 8, gaterHidden: 16, noiseScale: 1 },
  sparsity: { target: 0.2, weight: 1 },
  training: { optimizer: "adam", batchSize: 100, epochs: 1, tuneEpochs: 1, learningRates: [1e-3, 3e-3] },
  probe: { rows: 20, draws: 100, pilotDraws: 50, referenceDraws: 200, referenceK: 4, alpha: 1e-3 },
};

const DEFAULT_SEEDS = 3;

/** Settings from the command's input; bad values are FieldErrors named after the option. */
export function ccSettings(input: ReproductionInput): CcSettings {
  const base = input.quick ? QUICK : FULL;
  const s: CcSettings = structuredClone({ ...base, quick: input.quick, seed: input.seed, seeds: input.seeds ?? (input.quick ? 1 : DEFAULT_SEEDS), methods: Object.keys(METHODS) as MethodId[] });
  if (!Number.isInteger(s.seeds) || s.seeds < 1 || s.seeds > 100) throw new FieldError("seeds", `expected an integer in [1, 100], got ${s.seeds}`);
  if (input.estimators) {
    if (input.estimators.length === 0) throw new FieldError("estimators", "expected a comma-separated list of methods");
    for (const id of input.estimators) if (!Object.prototype.hasOwnProperty.call(METHODS, id)) throw new FieldError("estimators", `unknown method "${id}" (known: ${Object.keys(METHODS).join(", ")})`);
    s.methods = (Object.keys(METHODS) as MethodId[]).filter((id) => input.estimators!.includes(id));
  }
  const o = input.options;
  for (const k of Object.keys(o)) if (o[k] !== undefined && !Object.prototype.hasOwnProperty.call(conditionalComputation.options, k)) throw new FieldError(k, "not an option of conditional-computation");
  if (o.epochs !== undefined) {
    const e = o.epochs as number;
    if (!Number.isInteger(e) || e < 1 || e > 1000) throw new FieldError("epochs", `expected an integer in [1, 1000], got ${e}`);
    s.training.epochs = e;
  }
  if (o.sparsity !== undefined) s.sparsity = validateSparsity({ target: o.sparsity as number, weight: s.sparsity.weight });
  return s;
}

interface EpochRecord {
  epoch: number;
  step: number;
  objective: number;
  loss: number;
  validationError: number;
  validationZeroGates: number;
}

interface ProbeRecord {
  epoch: number;
  step: number;
  reference: string;
  referenceDraws: number;
  draws: number;
  meanVariance: number;
  relativeBias: number;
  relativeNoise: number;
  cosine: number;
  /** mean of ĝ·d over the draws, the reference's ∇·d, and the standard error of their difference */
  alongEstimate: number;
  alongReference: number;
  alongSe: number;
  /** the bias test along d (the verdict): z, its two-sided critical value at α per probe, significant */
  z: number;
  critical: number;
  significant: boolean;
  /**
   * secondary: the coordinate-wise Bonferroni test (over-rejects where rare draws dominate a
   * coordinate's variance): the largest finite |z|, and the number of coordinates whose draws were
   * all equal (sample variance 0) yet differ from the reference — a flip no draw showed, which the
   * test rejects at any α.
   */
  coordinateMaxAbsZ: number;
  coordinatesWithoutSpread: number;
  coordinateCritical: number;
}

interface FinalResult {
  testError: number;
  testCrossEntropy: number;
  zeroGateFraction: number;
  skippableFraction: number;
  netSkippableFraction: number;
}

/** A unit of work as saved in the checkpoint. */
interface RunSaved {
  done: boolean;
  /** the trainer's state between epochs (absent once the run is done) */
  trainer?: TrainerState;
  curve: EpochRecord[];
  probes: ProbeRecord[];
  /** validation numbers of every run; the test numbers of a final run (tuning runs see no test data) */
  result?: { validationError: number; zeroGateFraction: number } & Partial<FinalResult>;
  seconds: number;
}

interface RunSpec {
  key: string;
  method: MethodId;
  learningRate: number;
  /** the seed key: "tune" or "seed/<s>" */
  seedKey: string;
  epochs: number;
  final: boolean;
}

function buildModel(s: CcSettings, method: Method, maxRows: number, estimatorOverride?: { id: LayerEstimatorId; options: LayerEstimatorOptions }): GatedMlp {
  const gated = method.unit !== null;
  const estId = estimatorOverride?.id ?? method.estimator;
  return new GatedMlp({
    inputWidth: 784,
    classes: 10,
    hidden: s.model.hidden,
    gates: gated ? s.model.gates : 0,
    gaterHidden: s.model.gaterHidden,
    unit: gated ? layerUnit(method.unit!, { s: s.model.noiseScale }) : undefined,
    estimator: estId ? layerEstimators[estId] : undefined,
    estimatorOptions: estimatorOverride?.options ?? method.options,
    sparsity: gated ? s.sparsity : null,
    maxRows,
  });
}

/**
 * The gater gradient's moments and bias at one point of training. The reference and the test
 * direction d = ∇/‖∇‖ come first: exact for discrete gates; for noisy rectifiers d from a pilot
 * run of the score-function estimator and the reference from an independent main run, projected
 * on d per draw. Then the row's estimator's draws, projected on d too.
 */
function probe(s: CcSettings, model: GatedMlp, refModel: GatedMlp | null, batch: { n: number; x: Float64Array; labels: Uint8Array }, stream: Stream, epoch: number, step: number, alphaPerProbe: number): ProbeRecord {
  const gate = model.gateLayer!;
  const dim = model.gaterParams().length;
  const project = (m: GatedMlp) => (dA: Float64Array, out: Float64Array) => m.gaterGradient(dA, out);
  let ref: ReferenceGradient;
  let direction: Float64Array;
  if (gate.unit.discrete) {
    // the exact gradient needs only the logits and the main path of a forward pass on the probe batch
    model.network.fillNoise(stream.fork("estimator").fork("upstream"), batch.n);
    model.network.forward(batch);
    const dA = new Float64Array(batch.n * gate.width);
    model.exactGateGradient(dA);
    const mean = new Float64Array(dim);
    model.gaterGradient(dA, mean);
    ref = { mean, se: new Float64Array(dim), source: "exact", draws: 0 };
    direction = unitDirection(mean);
  } else {
    const rn = refModel!.network;
    rn.theta.set(model.network.theta);
    const pilot = layerGradientMoments(rn, refModel!.gateLayer!, batch, s.probe.pilotDraws, stream.fork("pilot"), dim, project(refModel!));
    direction = unitDirection(pilot.mean);
    const r = layerGradientMoments(rn, refModel!.gateLayer!, batch, s.probe.referenceDraws, stream.fork("reference"), dim, project(refModel!), direction);
    ref = { mean: r.mean, se: r.variance.map((v) => Math.sqrt(v / r.draws)), source: `score-injected (K = ${s.probe.referenceK})`, draws: r.draws, along: { mean: r.along!.mean, se: Math.sqrt(r.along!.variance / r.draws) } };
  }
  const mom = layerGradientMoments(model.network, gate, batch, s.probe.draws, stream.fork("estimator"), dim, project(model), direction);
  const rep = biasReport(mom, ref, alphaPerProbe, direction);
  const along = rep.along!;
  return {
    epoch,
    step,
    reference: ref.source,
    referenceDraws: ref.draws,
    draws: mom.draws,
    meanVariance: rep.meanVariance,
    relativeBias: rep.relativeBias,
    relativeNoise: rep.relativeNoise,
    cosine: rep.cosine,
    alongEstimate: along.estimate,
    alongReference: along.reference,
    alongSe: along.se,
    z: along.z,
    critical: along.critical,
    significant: along.significant,
    coordinateMaxAbsZ: rep.coordinateMaxFiniteAbsZ,
    coordinatesWithoutSpread: rep.coordinatesWithoutSpread,
    coordinateCritical: rep.coordinates.critical,
  };
}

/** Train one (method, learning rate, seed) to the end, resuming from and saving to the checkpoint after every epoch. */
function executeRun(s: CcSettings, data: MnistSplits, spec: RunSpec, ctx: ReproductionContext, tick: () => void): RunSaved {
  const saved = ctx.checkpoint.get<RunSaved>(spec.key);
  if (saved?.done) {
    for (let e = 0; e < spec.epochs; e++) tick();
    return saved;
  }
  const t0 = performance.now();
  const method: Method = METHODS[spec.method];
  const root = Stream.fromSeed(s.seed);
  const B = s.training.batchSize;
  const model = buildModel(s, method, B);
  model.network.init(root.fork(`init/${spec.seedKey}`));
  const trainer = new Trainer(model.network, data.train, { batchSize: B, learningRate: spec.learningRate, optimizer: s.training.optimizer }, root.fork(`train/${spec.seedKey}`));
  const run: RunSaved = saved ? { ...saved, curve: saved.curve.slice(), probes: saved.probes.slice() } : { done: false, curve: [], probes: [], seconds: 0 };
  if (saved?.trainer) trainer.restore(saved.trainer);
  for (let e = 0; e < trainer.epochs; e++) tick();
  const probing = spec.final && method.unit !== null;
  const refModel = probing && method.unit === "noisy-rectifier" ? buildModel(s, method, s.probe.rows, { id: "score-injected", options: { K: s.probe.referenceK } }) : null;
  const probeBatch = { n: s.probe.rows, x: data.train.x.subarray(0, s.probe.rows * 784), labels: data.train.labels.subarray(0, s.probe.rows) };
  const alphaPerProbe = s.probe.alpha / (spec.epochs + 1);
  // the trained network itself (its next step starts with a fresh forward pass), with the estimator's online state frozen
  const doProbe = (epoch: number) => run.probes.push(probe(s, model, refModel, probeBatch, root.fork(`probe/${spec.method}/${spec.seedKey}/epoch/${epoch}`), epoch, trainer.steps, alphaPerProbe));
  const saveRun = () => {
    run.trainer = trainer.state();
    run.seconds = (saved?.seconds ?? 0) + (performance.now() - t0) / 1000;
    ctx.checkpoint.save(spec.key, run);
  };
  if (probing && run.probes.length === 0) doProbe(0);
  while (trainer.epochs < spec.epochs) {
    const st = trainer.epoch();
    const val = model.evaluate(data.validation, root.fork(`eval/validation/${spec.seedKey}/epoch/${trainer.epochs}`));
    run.curve.push({ epoch: trainer.epochs, step: trainer.steps, objective: st.objective, loss: st.loss, validationError: val.error, validationZeroGates: val.zeroGateFraction });
    if (probing) doProbe(trainer.epochs);
    tick();
    if (trainer.epochs < spec.epochs) saveRun();
  }
  const last = run.curve[run.curve.length - 1];
  const test: GateEvaluation | null = spec.final ? model.evaluate(data.test, root.fork(`eval/test/${spec.seedKey}`)) : null;
  run.result = {
    validationError: last.validationError,
    zeroGateFraction: test ? test.zeroGateFraction : last.validationZeroGates,
    // absent for a tuning run (a NaN would be written as null)
    ...(test ? { testError: test.error, testCrossEntropy: test.crossEntropy, skippableFraction: test.skippableFraction, netSkippableFraction: test.netSkippableFraction } : {}),
  };
  run.done = true;
  delete run.trainer;
  run.seconds = (saved?.seconds ?? 0) + (performance.now() - t0) / 1000;
  ctx.checkpoint.save(spec.key, run);
  return run;
}

const pct = (x: number) => (100 * x).toFixed(2);

function design(s: CcSettings): Record<string, unknown> {
  const H = s.model.hidden;
  const G = s.model.gates;
  return {
    source: "Bengio, Léonard & Courville 2013, arXiv 1308.3432, §6 (conditional computation), as described there; the architecture is this reproduction's",
    mainPath: `784 → ${H} rectifiers in ${G} blocks of ${H / G} → 10 (softmax cross-entropy)`,
    gaterPath: `784 → ${s.model.gaterHidden} rectifiers → ${G} gate logits → ${G} stochastic gates; gate j multiplies block j of the main path`,
    gates: "binary stochastic units h = 1[u < σ(a)] (score-function, antithetic and straight-through rows), STS units h = b·√σ(a) (sts), noisy rectifiers h = max(0, a + z), z ~ N(0, s²) (pathwise)",
    sparsity: `λ·Σ_j KL(ρ ‖ p̄_j), p̄_j = minibatch mean of P(gate j on), ρ = ${s.sparsity.target}, λ = ${s.sparsity.weight}; gate biases start at P(on) = ρ`,
    evaluation: "test error and exact-zero gates with sampled gates (one noise draw per test digit)",
    skippable: `per gate at 0: its block's ${H / G}·(784 + 10) main-path multiply-adds; skippableFraction divides by the main path's 784·${H} + ${H}·10, netSkippableFraction by main + gater path`,
    tuning: `learning rate from {${s.training.learningRates.join(", ")}} by validation error after ${s.training.tuneEpochs} epoch(s) (seed "tune"); the test set is used only for the final numbers`,
    layers: { dense: buildModel(s, METHODS.dense, 1).network.describe(), gated: buildModel(s, METHODS.disarm, 1).network.describe() },
    probes: `the gater units' (last gater layer's) gradient on the first ${s.probe.rows} training rows at every epoch boundary: ${s.probe.draws} draws of the row's estimator; reference ∇: exact (enumeration of the 2^${G} gate configurations per example) for Bernoulli and STS gates, else the mean of ${s.probe.referenceDraws} draws of the score-function estimator with a leave-one-out baseline over K = ${s.probe.referenceK} samples (its direction from ${s.probe.pilotDraws} independent pilot draws); bias test along d = ∇/‖∇‖: z = (mean ĝ·d − ∇·d)/se with se from the per-draw projections (and the reference's), significant at α = ${formatAlpha(s.probe.alpha)} per run (α/(epochs+1) per probe, two-sided). The coordinate-wise Bonferroni test is recorded too but is no verdict: for score-function estimators on gates that are almost surely off, rare flips carry most of a coordinate's variance and ${s.probe.draws} draws need not show them, so sample standard errors are too small there`,
  };
}

function charts(record: CcRecord): { name: string; spec: ChartSpec }[] {
  const ids = Object.keys(record.methods) as MethodId[];
  const color = (id: MethodId) => (Object.keys(METHODS) as MethodId[]).indexOf(id);
  // a log axis only where the values span more than a decade
  const logIf = (ys: number[]) => Math.max(...ys) > 10 * Math.min(...ys.filter((y) => y > 0));
  // gated rows as points with ±1 sd bars; the dense baseline (no gates, 0 % zeros) as a dashed line at its error
  const gatedIds = ids.filter((id) => record.methods[id].unit !== null);
  const sparsity: SeriesSpec[] = gatedIds.map((id) => {
    const m = record.methods[id];
    return {
      label: m.label,
      points: [[100 * m.zeroGateFraction.mean, 100 * m.testError.mean]],
      xError: [100 * (m.zeroGateFraction.sd ?? 0)],
      yError: [100 * (m.testError.sd ?? 0)],
      style: "scatter",
      color: color(id),
      size: 5,
    };
  });
  const xs = gatedIds.flatMap((id) => [100 * (record.methods[id].zeroGateFraction.mean - (record.methods[id].zeroGateFraction.sd ?? 0)), 100 * (record.methods[id].zeroGateFraction.mean + (record.methods[id].zeroGateFraction.sd ?? 0))]);
  const xRange = xs.length ? [Math.floor(Math.min(...xs) - 0.5), Math.ceil(Math.max(...xs) + 0.5)] : [0, 100];
  if (record.methods.dense) {
    const e = 100 * record.methods.dense.testError.mean;
    sparsity.unshift({ label: `dense, no gates (${e.toFixed(2)} %)`, points: [[xRange[0], e], [xRange[1], e]], style: "dashed", color: color("dense") });
  }
  const meanCurve = (id: MethodId, pick: (e: EpochRecord) => number): [number, number][] => {
    const runs = record.methods[id].seeds.map((r) => r.curve);
    return runs[0].map((e, i) => [e.epoch, runs.reduce((a, c) => a + pick(c[i]), 0) / runs.length]);
  };
  const gated = ids.filter((id) => record.methods[id].unit !== null);
  // per probe point: the mean over seeds (or, with `max`, the largest value)
  const probeSeries = (pick: (p: ProbeRecord) => number, max = false): SeriesSpec[] =>
    gated.map((id) => {
      const m = record.methods[id];
      const runs = m.seeds.map((r) => r.probes);
      const bias = m.bias!;
      return {
        label: `${m.label}${bias.significant > 0 ? `: biased in ${bias.significant}/${bias.probes}` : ""}`,
        points: runs[0].map((p, i) => [p.step, max ? Math.max(...runs.map((r) => pick(r[i]))) : runs.reduce((a, r) => a + pick(r[i]), 0) / runs.length] as [number, number]),
        color: color(id),
      };
    });
  const plural = (k: number, w: string) => `${k} ${w}${k === 1 ? "" : "s"}`;
  const seedsNote = `mean over ${plural(record.settings.seeds, "seed")}`;
  const curves = (pick: (e: EpochRecord) => number): SeriesSpec[] => ids.map((id) => ({ label: record.methods[id].label, points: meanCurve(id, pick), color: color(id) }));
  const ys = (series: SeriesSpec[]) => series.flatMap((x) => x.points.map((p) => p[1]));
  const valErr = curves((e) => 100 * e.validationError);
  const trainLoss = curves((e) => e.loss);
  const bias = probeSeries((p) => p.relativeBias);
  const variance = probeSeries((p) => p.meanVariance);
  const zs = probeSeries((p) => Math.abs(p.z), true);
  const firstProbes = record.methods[gated[0]]?.seeds[0].probes ?? [];
  if (firstProbes.length > 0) {
    const crit = firstProbes[0].critical;
    zs.push({ label: `critical |z| = ${crit.toFixed(2)} (α = ${formatAlpha(record.settings.probe.alpha)}/run)`, points: [[firstProbes[0].step, crit], [firstProbes[firstProbes.length - 1].step, crit]], style: "dashed", color: 7 });
  }
  const line = (name: string, title: string, x: string, y: string, series: SeriesSpec[]) => ({ name, spec: { title, x: { label: x }, y: { label: y, log: logIf(ys(series)) }, series, legend: "right" as const, width: 1100 } });
  return [
    {
      name: "error-vs-sparsity",
      spec: {
        title: `Test error against gate sparsity (MNIST, ${plural(record.settings.training.epochs, "epoch")}; bars: ±1 sd over ${plural(record.settings.seeds, "seed")})`,
        x: { label: "gates at exact zero on the test set (%)", min: xRange[0], max: xRange[1] },
        y: { label: "test error (%)", log: logIf(ys(sparsity)) },
        series: sparsity,
        legend: "right",
        width: 1000,
      },
    },
    line("validation-error", `Validation error during training (${seedsNote})`, "epoch", "validation error (%)", valErr),
    line("training-loss", `Training cross-entropy per epoch (${seedsNote})`, "epoch", "mean training cross-entropy (nats)", trainLoss),
    line("gradient-bias", `Gater-gradient bias on a fixed minibatch (${seedsNote})`, "training step (minibatches)", "relative bias ‖E[ĝ] − ∇‖ / ‖∇‖ (noise floor for unbiased rows)", bias),
    line("gradient-bias-z", `Bias test along ∇ on a fixed minibatch (largest |z| over ${plural(record.settings.seeds, "seed")})`, "training step (minibatches)", "|z| = |mean ĝ·d − ∇·d| / se,  d = ∇/‖∇‖", zs),
    line("gradient-variance", `Gater-gradient variance on a fixed minibatch (${seedsNote})`, "training step (minibatches)", "mean variance per gater parameter (gradient units²)", variance),
  ];
}

interface MethodRecord {
  title: string;
  label: string;
  unit: { kind: UnitKind; s?: number } | null;
  estimator: string | null;
  formula: string | null;
  estimatorSource: string | null;
  unbiased: boolean | null;
  tuning: { learningRate: number; validationError: number }[];
  learningRate: number;
  seeds: ({ seed: string } & FinalResult & { curve: EpochRecord[]; probes: ProbeRecord[] })[];
  testError: ReturnType<typeof summary>;
  zeroGateFraction: ReturnType<typeof summary>;
  skippableFraction: ReturnType<typeof summary>;
  netSkippableFraction: ReturnType<typeof summary>;
  /** the bias tests along ∇ over every probe of every seed: how many were significant at α/(epochs+1) each, the largest and smallest |z| */
  bias: { alpha: number; probes: number; significant: number; maxAbsZ: number; minAbsZ: number; critical: number; verdict: string } | null;
}

interface CcRecord {
  kind: "stochgrad.reproduction";
  id: "conditional-computation";
  title: string;
  source: string;
  settings: CcSettings;
  design: Record<string, unknown>;
  literature: string;
  methods: Record<string, MethodRecord>;
}

function table(record: CcRecord, seconds: Record<string, number>): string {
  const lines = [
    `| method | lr | test error % (mean ± sd) | gates at 0 % | skippable main-path MACs % | skippable of whole net % | gater-gradient bias (α = ${formatAlpha(record.settings.probe.alpha)}) | wall time (s) |`,
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const [id, m] of Object.entries(record.methods)) {
    const sd = (x: { sd?: number }) => (x.sd === undefined ? "" : ` ± ${pct(x.sd)}`);
    const bias = m.bias ? `${m.bias.verdict} (${m.bias.significant}/${m.bias.probes} probes; |z| ${m.bias.minAbsZ.toPrecision(3)} … ${m.bias.maxAbsZ.toPrecision(3)}, critical ${m.bias.critical.toFixed(2)})` : "—";
    lines.push(`| ${id} | ${m.learningRate} | ${pct(m.testError.mean)}${sd(m.testError)} | ${m.unit ? pct(m.zeroGateFraction.mean) + sd(m.zeroGateFraction) : "—"} | ${m.unit ? pct(m.skippableFraction.mean) : "0"} | ${m.unit ? pct(m.netSkippableFraction.mean) : "0"} | ${bias} | ${(seconds[id] ?? 0).toFixed(0)} |`);
  }
  return lines.join("\n") + "\n";
}

async function run(input: ReproductionInput, ctx: ReproductionContext): Promise<ReproductionOutput> {
  const s = ccSettings(input);
  ctx.checkpoint.open("conditional-computation", s);
  const data = mnistSplits(s.data);
  if (s.probe.rows > Math.min(data.train.n, s.training.batchSize)) throw new InputError(`probe: ${s.probe.rows} rows, more than the training set or a minibatch`);
  const tuneRuns: RunSpec[] = s.methods.flatMap((method) => s.training.learningRates.map((lr) => ({ key: `tune/${method}/lr=${lr}`, method, learningRate: lr, seedKey: "tune", epochs: s.training.tuneEpochs, final: false })));
  const total = tuneRuns.length * s.training.tuneEpochs + s.methods.length * s.seeds * s.training.epochs;
  let done = 0;
  const tick = () => ctx.progress?.(++done, total, "epochs");
  const timings: Record<string, number> = {};
  const tuning: Record<string, { learningRate: number; validationError: number }[]> = {};
  for (const spec of tuneRuns) {
    const r = executeRun(s, data, spec, ctx, tick);
    timings[spec.key] = r.seconds;
    (tuning[spec.method] ??= []).push({ learningRate: spec.learningRate, validationError: r.result!.validationError });
  }
  const methods: Record<string, MethodRecord> = {};
  const perMethodSeconds: Record<string, number> = {};
  for (const id of s.methods) {
    const method: Method = METHODS[id];
    // lowest validation error; ties go to the smaller learning rate (the grid is ascending)
    const best = tuning[id].reduce((a, b) => (b.validationError < a.validationError ? b : a));
    const seeds: MethodRecord["seeds"] = [];
    let secs = tuning[id].reduce((a, t) => a + timings[`tune/${id}/lr=${t.learningRate}`], 0);
    for (let k = 0; k < s.seeds; k++) {
      const spec: RunSpec = { key: `final/${id}/seed=${k}`, method: id, learningRate: best.learningRate, seedKey: `seed/${k}`, epochs: s.training.epochs, final: true };
      const r = executeRun(s, data, spec, ctx, tick);
      timings[spec.key] = r.seconds;
      secs += r.seconds;
      // a final run evaluated the test set, so every FinalResult field is present
      const { validationError: _v, ...final } = r.result! as FinalResult & { validationError: number };
      seeds.push({ seed: spec.seedKey, ...final, curve: r.curve, probes: r.probes });
    }
    perMethodSeconds[id] = secs;
    const est = method.estimator ? layerEstimators[method.estimator] : null;
    const probes = seeds.flatMap((x) => x.probes);
    const worst = probes.reduce<ProbeRecord | null>((a, p) => (a === null || !(Math.abs(p.z) <= Math.abs(a.z)) ? p : a), null);
    const significant = probes.filter((p) => p.significant).length;
    methods[id] = {
      title: method.title,
      label: method.label,
      unit: method.unit ? layerUnit(method.unit, { s: s.model.noiseScale }).toJSON() : null,
      estimator: method.estimator,
      formula: est ? est.formula : null,
      estimatorSource: est ? est.source : null,
      unbiased: est ? est.unbiased : null,
      tuning: tuning[id],
      learningRate: best.learningRate,
      seeds,
      testError: summary(seeds.map((x) => x.testError)),
      zeroGateFraction: summary(seeds.map((x) => x.zeroGateFraction)),
      skippableFraction: summary(seeds.map((x) => x.skippableFraction)),
      netSkippableFraction: summary(seeds.map((x) => x.netSkippableFraction)),
      bias: worst
        ? {
            alpha: s.probe.alpha,
            probes: probes.length,
            significant,
            maxAbsZ: Math.abs(worst.z),
            minAbsZ: Math.min(...probes.map((p) => Math.abs(p.z))),
            critical: worst.critical,
            verdict: significant > 0 ? "significant bias" : "no significant bias",
          }
        : null,
    };
  }
  const record: CcRecord = {
    kind: "stochgrad.reproduction",
    id: "conditional-computation",
    title: conditionalComputation.title,
    source: conditionalComputation.source,
    settings: s,
    design: design(s),
    literature: "Not transcribed: the paper's own numbers are not quoted here (its text was not available to this reproduction offline); compare the qualitative ranking in its §6 by hand.",
    methods,
  };
  return { record: record as unknown as Record<string, unknown>, charts: charts(record), table: table(record, perMethodSeconds), timings: { ...timings, ...Object.fromEntries(Object.entries(perMethodSeconds).map(([k, v]) => [`method/${k}`, v])) } };
}

export const conditionalComputation: Reproduction = {
  id: "conditional-computation",
  title: "Conditional computation on MNIST, trained with every estimator family",
  source: "Bengio, Léonard & Courville 2013, arXiv 1308.3432, §6",
  summary: "Gated MLP on MNIST (sparse stochastic gaters switch blocks of the main path off), every estimator family under one tuned budget; test error, exact-zero gates, skippable compute, curves, gater-gradient bias and variance.",
  defaultSeeds: DEFAULT_SEEDS,
  methods: Object.keys(METHODS),
  options: {
    epochs: { type: "int", metavar: "N", description: `training epochs of the final runs (default ${FULL.training.epochs}; --quick ${QUICK.training.epochs})` },
    sparsity: { type: "number", metavar: "ρ", description: `target fraction of gates on, in [0, 1] (default ${FULL.sparsity.target})` },
  },
  validate: (input) => void ccSettings(input),
  run,
  rebuild(json, timings) {
    const record = ccRecordFromJSON(json);
    const seconds = Object.fromEntries(Object.keys(record.methods).map((id) => [id, timings[`method/${id}`] ?? 0]));
    return { charts: charts(record), table: table(record, seconds) };
  },
};

function summaryFromJSON(v: unknown, where: string): ReturnType<typeof summary> {
  const o = requireRecord(v, where, ["mean", "sd", "values"], `{"mean", "sd"?, "values"}`);
  // sd is absent over one seed (records written before that held null there)
  const sd = o.sd === undefined || o.sd === null ? undefined : requireFinite(o.sd, `${where}.sd`);
  return { mean: requireFinite(o.mean, `${where}.mean`), ...(sd === undefined ? {} : { sd }), values: requireNumbers(o.values, `${where}.values`) };
}

/** A numeric field of a record whose other fields are not read here. */
function numberAt(o: Record<string, unknown>, key: string, where: string): number {
  return requireFinite(o[key], `${where}.${key}`);
}

/**
 * The record of `stochgrad reproduce conditional-computation` read back for `stochgrad render`:
 * every field the charts and the table read is checked (types, finiteness, method ids, and the
 * same number of epochs and probes in every seed, which the charts average over); fields they
 * do not read are kept as written. Errors name the field (`methods.disarm.seeds[1].curve[3].loss`).
 */
export function ccRecordFromJSON(v: unknown): CcRecord {
  const o = requireRecord(v, "record", ["kind", "id", "title", "source", "settings", "design", "literature", "methods"], `a conditional-computation record`);
  if (o.id !== "conditional-computation") throw new InputError(`record.id: expected "conditional-computation", got ${describeValue(o.id)}`);
  const settings = requireRecord(o.settings, "record.settings", ["quick", "seed", "seeds", "methods", "data", "model", "sparsity", "training", "probe"]);
  requireInteger(settings.seeds, "record.settings.seeds", 1);
  const training = settings.training as Record<string, unknown> | undefined;
  if (training === null || typeof training !== "object") throw new InputError(`record.settings.training: expected an object, got ${describeValue(training)}`);
  requireInteger(training.epochs, "record.settings.training.epochs", 1);
  const probe = settings.probe as Record<string, unknown> | undefined;
  if (probe === null || typeof probe !== "object") throw new InputError(`record.settings.probe: expected an object, got ${describeValue(probe)}`);
  requireFinite(probe.alpha, "record.settings.probe.alpha");
  const methods = o.methods;
  if (methods === null || typeof methods !== "object" || Array.isArray(methods)) throw new InputError(`record.methods: expected an object keyed by method id, got ${describeValue(methods)}`);
  const ids = Object.keys(methods);
  if (ids.length === 0) throw new InputError("record.methods: the record holds no method");
  for (const id of ids) {
    const w = `record.methods.${id}`;
    if (!Object.hasOwn(METHODS, id)) throw new InputError(`${w}: unknown method (known: ${Object.keys(METHODS).join(", ")})`);
    const m = (methods as Record<string, unknown>)[id] as Record<string, unknown>;
    if (m === null || typeof m !== "object" || Array.isArray(m)) throw new InputError(`${w}: expected an object, got ${describeValue(m)}`);
    requireString(m.label, `${w}.label`);
    if (m.unit !== null && (typeof m.unit !== "object" || Array.isArray(m.unit))) throw new InputError(`${w}.unit: expected an object or null, got ${describeValue(m.unit)}`);
    numberAt(m, "learningRate", w);
    for (const k of ["testError", "zeroGateFraction", "skippableFraction", "netSkippableFraction"]) summaryFromJSON(m[k], `${w}.${k}`);
    const seeds = requireArray(m.seeds, `${w}.seeds`);
    if (seeds.length === 0) throw new InputError(`${w}.seeds: no seed`);
    let epochs = -1;
    let probes = -1;
    seeds.forEach((s, i) => {
      const sw = `${w}.seeds[${i}]`;
      if (s === null || typeof s !== "object" || Array.isArray(s)) throw new InputError(`${sw}: expected an object, got ${describeValue(s)}`);
      const curve = requireArray((s as Record<string, unknown>).curve, `${sw}.curve`);
      const prb = requireArray((s as Record<string, unknown>).probes, `${sw}.probes`);
      if (curve.length === 0) throw new InputError(`${sw}.curve: no epoch`);
      if (epochs >= 0 && curve.length !== epochs) throw new InputError(`${sw}.curve: ${curve.length} epochs, but seed 0 has ${epochs} (the charts average over seeds)`);
      if (probes >= 0 && prb.length !== probes) throw new InputError(`${sw}.probes: ${prb.length} probes, but seed 0 has ${probes}`);
      epochs = curve.length;
      probes = prb.length;
      curve.forEach((e, k) => {
        const ew = `${sw}.curve[${k}]`;
        if (e === null || typeof e !== "object" || Array.isArray(e)) throw new InputError(`${ew}: expected an object, got ${describeValue(e)}`);
        for (const key of ["epoch", "loss", "validationError"]) numberAt(e as Record<string, unknown>, key, ew);
      });
      prb.forEach((p, k) => {
        const pw = `${sw}.probes[${k}]`;
        if (p === null || typeof p !== "object" || Array.isArray(p)) throw new InputError(`${pw}: expected an object, got ${describeValue(p)}`);
        for (const key of ["step", "relativeBias", "meanVariance", "z", "critical"]) numberAt(p as Record<string, unknown>, key, pw);
      });
    });
    if (m.unit !== null) {
      const b = requireRecord(m.bias, `${w}.bias`, ["alpha", "probes", "significant", "maxAbsZ", "minAbsZ", "critical", "verdict"], "the bias tests' summary of a gated method");
      requireInteger(b.probes, `${w}.bias.probes`, 0);
      requireInteger(b.significant, `${w}.bias.significant`, 0);
      for (const key of ["maxAbsZ", "minAbsZ", "critical"]) numberAt(b, key, `${w}.bias`);
      requireString(b.verdict, `${w}.bias.verdict`);
    }
  }
  return o as unknown as CcRecord;
}
