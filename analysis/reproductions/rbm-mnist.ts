/**
 * `stochgrad reproduce rbm-mnist`: a Bernoulli RBM on the 60 000 thresholded MNIST digits with the
 * settings of PyDeep's RBM experiments (Melchior, Fischer & Wiskott 2016: PCD-1, 100 chains,
 * η 0.01, batch 100; plain or centered) and of Salakhutdinov & Murray (2008) for comparison.
 * The record holds the training curve — the AIS estimate and the RAISE bound of the test
 * log-likelihood every `--every` epochs (the quick schedule) — the final numbers with the
 * Salakhutdinov–Murray schedule beside the literature's, and every setting. Figures: the curve,
 * the PT sample grid (β = 1 chains) and the filters. Checkpoint after every epoch; rerunning the
 * same command resumes bit for bit.
 */
import { FieldError, InputError } from "../../src/errors.js";
import { baseRateBiases } from "../../src/boltzmann/ais.js";
import { BinaryRows } from "../../src/boltzmann/binary-rows.js";
import { evaluateLikelihood, type LikelihoodEvaluation } from "../../src/boltzmann/likelihood.js";
import { ptSample } from "../../src/boltzmann/negative-phase/pt.js";
import { Rbm } from "../../src/boltzmann/rbm.js";
import { DEFAULT_TRAIN_OPTIONS, RbmTrainer, type RbmTrainerState, type RbmTrainOptions } from "../../src/boltzmann/trainer.js";
import { loadDataSet } from "../../src/data/datasets.js";
import { defaultWorkers, WorkerPool } from "../../src/parallel/pool.js";
import { Stream } from "../../src/random/stream.js";
import type { ChartSpec } from "../charts.js";
import type { Reproduction, ReproductionInput } from "./types.js";
import { requireArray, requireFiniteEntries, requireInteger, requireNumbers, requireRecord, requireString } from "../../src/validate.js";
import { requireFinite } from "../../src/errors.js";

const METHODS = ["pcd", "cd", "pt"] as const;

/** Published test log-likelihoods (nats) of 784×500 RBMs on binarised MNIST. */
const LITERATURE = [
  { source: "PyDeep (Melchior, Fischer & Wiskott 2016), centered, PCD-1, 200 epochs, AIS", hidden: 500, centering: true, testLogLikelihood: -84.86 },
  { source: "PyDeep (Melchior, Fischer & Wiskott 2016), plain, PCD-1, 200 epochs, AIS", hidden: 500, centering: false, testLogLikelihood: -130.81 },
  { source: "Salakhutdinov & Murray 2008, CD-25, AIS", hidden: 500, centering: false, testLogLikelihood: -86.34 },
];

interface Settings {
  hidden: number;
  centering: boolean;
  method: (typeof METHODS)[number];
  epochs: number;
  every: number;
  trainSize: number;
  testSize: number;
  options: RbmTrainOptions;
  curveSteps: number;
  finalSteps: number;
  aisRuns: number;
  raiseExamples: number;
  figureSweeps: number;
  seed: string;
}

function settings(input: ReproductionInput): Settings {
  const o = input.options;
  const int = (name: string, dflt: number, lo: number) => {
    const x = o[name] === undefined ? dflt : Number(o[name]);
    if (!Number.isInteger(x) || x < lo) throw new FieldError(name, `expected an integer ≥ ${lo}, got ${o[name]}`);
    return x;
  };
  const method = String(o.method ?? "pcd") as Settings["method"];
  if (!METHODS.includes(method)) throw new FieldError("method", `expected pcd, cd or pt, got "${o.method}"`);
  const q = input.quick;
  const epochs = int("epochs", q ? 2 : 200, 1);
  const centering = Boolean(o.centering);
  return {
    hidden: int("hidden", q ? 16 : 500, 1),
    centering,
    method,
    epochs,
    every: int("every", q ? 1 : 10, 1),
    trainSize: q ? 2000 : 60000,
    testSize: q ? 200 : 10000,
    options: { ...DEFAULT_TRAIN_OPTIONS, method, k: 1, chains: 100, learningRate: 0.01, batchSize: 100, ...(centering ? { centering: true, offsetDecay: 0.01 } : {}), ...(method === "pt" ? { temperatures: 5, betaMin: 0.5 } : {}) },
    curveSteps: q ? 100 : 1000,
    finalSteps: q ? 300 : 14500,
    aisRuns: q ? 20 : 100,
    raiseExamples: q ? 20 : 100,
    figureSweeps: q ? 20 : 1000,
    seed: input.seed,
  };
}

interface CurvePoint {
  epoch: number;
  ais: number;
  aisUpper?: number;
  raise: number;
  raiseLower: number;
  train: number;
}

interface TrainUnit {
  epochs: number;
  model: unknown;
  state: RbmTrainerState;
  curve: CurvePoint[];
}

const point = (epoch: number, ev: LikelihoodEvaluation): CurvePoint => ({
  epoch,
  ais: ev.testLogLikelihood,
  ...(ev.testLogLikelihoodUpper === undefined ? {} : { aisUpper: ev.testLogLikelihoodUpper }),
  raise: ev.raise!.testLogLikelihood,
  raiseLower: ev.raise!.testLogLikelihoodLower,
  train: ev.trainLogLikelihood,
});

export const rbmMnist: Reproduction = {
  id: "rbm-mnist",
  title: "RBM on MNIST: plain or centered, PCD/CD/PT, AIS and RAISE",
  source: "Melchior, Fischer & Wiskott 2016 (JMLR; PyDeep); Salakhutdinov & Murray 2008 (ICML); Burda, Grosse & Salakhutdinov 2015 (AISTATS)",
  summary: "Train a Bernoulli RBM on the thresholded MNIST digits (PCD-1, η 0.01, batch 100) with the AIS estimate and the RAISE bound along the way, final numbers beside the literature's",
  defaultSeeds: 1,
  options: {
    hidden: { type: "int", metavar: "H", description: "hidden units (default 500; --quick 16)" },
    centering: { type: "boolean", description: "the centered RBM (offsets on moving data means, ν = 0.01)" },
    method: { type: "string", metavar: "pcd|cd|pt", description: "negative phase: pcd (default), cd or pt (5 temperatures down to β = 0.5)" },
    epochs: { type: "int", metavar: "E", description: "epochs (default 200; --quick 2)" },
    every: { type: "int", metavar: "N", description: "AIS and RAISE on the curve every N epochs (default 10; --quick 1)" },
  },
  methods: ["rbm"],
  rebuild(json, timings) {
    return present(rbmMnistRecordFromJSON(json), timings);
  },
  validate(input) {
    settings(input);
  },
  run(input, ctx) {
    const s = settings(input);
    const root = Stream.fromSeed(s.seed);
    const d = loadDataSet("mnist", { binarize: "threshold", trainSize: s.trainSize, testSize: s.testSize });
    ctx.checkpoint.open("rbm-mnist", { ...s, version: 1 });
    const pool = new WorkerPool({ workers: defaultWorkers() });
    const rows = BinaryRows.fromMatrix(d.train, d.nTrain, d.dim, "train");
    const timings: Record<string, number> = {};
    let trainSecs = 0;
    let evalSecs = 0;
    try {
      const saved = ctx.checkpoint.get<TrainUnit>("train");
      const rbm = saved ? Rbm.fromJSON(saved.model) : Rbm.random(d.dim, s.hidden, root.fork("init"), 0.01);
      if (!saved) rbm.b.set(baseRateBiases(d.train, d.nTrain, d.dim));
      const trainer = new RbmTrainer(rbm, s.options, root.fork("train"), pool);
      const curve: CurvePoint[] = saved ? saved.curve.slice() : [];
      try {
        if (saved) trainer.restore(saved.state, "checkpoint.train.state");
        else if (trainer.offsets) {
          // μ starts at the data mean, λ at ½ (Melchior et al. 2016)
          const mu = trainer.offsets.visible.fill(0);
          for (let r = 0; r < d.nTrain; r++) for (let i = 0; i < d.dim; i++) mu[i] += d.train[r * d.dim + i] / d.nTrain;
        }
        const evaluate = (steps: number, key: string) =>
          evaluateLikelihood(rbm, d.trainRows, d.testRows, root.fork(key), { method: "ais", aisRuns: s.aisRuns, aisSteps: steps, raiseExamples: s.raiseExamples, pool });
        for (let e = (saved?.epochs ?? 0) + 1; e <= s.epochs; e++) {
          const t0 = Date.now();
          trainer.epoch(rows, undefined, (b, tot) => ctx.progress?.((e - 1) * tot + b, s.epochs * tot, `epoch ${e}`));
          trainSecs += (Date.now() - t0) / 1000;
          if (e % s.every === 0 || e === s.epochs) {
            const t1 = Date.now();
            const p = point(e, evaluate(s.curveSteps, `curve/${e}`));
            evalSecs += (Date.now() - t1) / 1000;
            curve.push(p);
            ctx.log?.(`epoch ${e}: test log-likelihood AIS ${p.ais.toFixed(2)}, RAISE ${p.raise.toFixed(2)} nats (${s.curveSteps} β)`);
          }
          ctx.checkpoint.save("train", { epochs: e, model: rbm.toJSON(), state: trainer.toJSON(), curve } satisfies TrainUnit);
        }
      } finally {
        trainer.release();
      }
      const t2 = Date.now();
      const final = evaluateLikelihood(rbm, d.trainRows, d.testRows, root.fork("final"), { method: "ais", aisRuns: s.aisRuns, aisSteps: s.finalSteps, raiseExamples: s.raiseExamples, pool });
      timings.finalEvaluationSeconds = (Date.now() - t2) / 1000;
      const fig = ptSample(rbm, { chains: 100, temperatures: 10, betaMin: 0.5, sweeps: s.figureSweeps }, root.fork("figures/pt"), pool);
      timings.trainingSeconds = trainSecs;
      timings.curveEvaluationSeconds = evalSecs;
      const tiles = (n: number, f: (t: number, i: number) => number) => Array.from({ length: n }, (_, t) => Array.from({ length: d.dim }, (_, i) => Number(f(t, i).toPrecision(6))));
      const nf = Math.min(100, s.hidden);
      const rates = fig.diagnostics.accepted.map((a, t) => a / fig.diagnostics.attempted[t]);
      const lit = LITERATURE.filter((l) => l.hidden === s.hidden);
      const record: RbmMnistRecord = {
        kind: "stochgrad.reproduction",
        id: "rbm-mnist",
        settings: s,
        data: { name: d.name, binarize: d.binarize, trainSize: d.nTrain, testSize: d.nTest },
        curve,
        final: { ...final, aisSteps: s.finalSteps },
        literature: LITERATURE,
        ptFigure: { chains: 100, temperatures: 10, betaMin: 0.5, sweeps: s.figureSweeps, swapAcceptance: rates, samples: tiles(100, (t, i) => fig.samples[t * d.dim + i]) },
        filters: tiles(nf, (j, i) => rbm.W[i * s.hidden + j]),
        notes: {
          ais: "AIS's test log-likelihood is optimistic in expectation (log Ẑ tends low); RAISE's is conservative (a stochastic lower bound). The literature reports AIS alone.",
          comparability: lit.length ? "same shape as the literature rows with hidden = 500" : `the literature rows are for 500 hidden units; this run has ${s.hidden}`,
        },
      };
      const { charts, table } = present(record, timings);
      return { record: record as unknown as Record<string, unknown>, charts, table, timings };
    } finally {
      rows.release();
      pool.close();
    }
  },
};

/** The record `reproduce rbm-mnist` writes (what `render` reads back). */
interface RbmMnistRecord {
  kind: "stochgrad.reproduction";
  id: "rbm-mnist";
  settings: Settings;
  data: { name: string; binarize: string; trainSize: number; testSize: number };
  curve: CurvePoint[];
  final: LikelihoodEvaluation & { aisSteps: number };
  literature: typeof LITERATURE;
  /** the β = 1 chains of parallel tempering after `sweeps` sweeps: 100 tiles of 784 values in [0, 1] */
  ptFigure: { chains: number; temperatures: number; betaMin: number; sweeps: number; swapAcceptance: number[]; samples: number[][] };
  /** W[:, j] of the first min(100, hidden) hidden units, one 784-value tile each */
  filters: number[][];
  notes: { ais: string; comparability: string };
}

/**
 * A record read back, checked where `present` reads it (one InputError naming the field): the
 * settings it names, the curve's numbers, the final evaluation and the figure tiles.
 */
function rbmMnistRecordFromJSON(json: unknown): RbmMnistRecord {
  const o = requireRecord(json, "record", ["kind", "id", "settings", "data", "curve", "final", "literature", "ptFigure", "filters", "notes"]);
  requireString(o.kind, "record.kind", ["stochgrad.reproduction"]);
  requireString(o.id, "record.id", ["rbm-mnist"]);
  const st = requireRecord(o.settings, "record.settings", ["hidden", "centering", "method", "epochs", "every", "trainSize", "testSize", "options", "curveSteps", "finalSteps", "aisRuns", "raiseExamples", "figureSweeps", "seed"]);
  requireInteger(st.hidden, "record.settings.hidden", 1);
  requireInteger(st.epochs, "record.settings.epochs", 1);
  requireInteger(st.finalSteps, "record.settings.finalSteps", 1);
  requireInteger(st.aisRuns, "record.settings.aisRuns", 1);
  requireInteger(st.figureSweeps, "record.settings.figureSweeps", 1);
  requireString(st.method, "record.settings.method", METHODS);
  if (typeof st.centering !== "boolean") throw new InputError(`record.settings.centering: expected true or false`);
  requireArray(o.curve, "record.curve").forEach((p, k) => {
    const c = requireRecord(p, `record.curve[${k}]`, ["epoch", "ais", "aisUpper", "raise", "raiseLower", "train"]);
    requireInteger(c.epoch, `record.curve[${k}].epoch`, 1);
    for (const key of ["ais", "raise", "raiseLower", "train"]) requireFinite(c[key], `record.curve[${k}].${key}`);
    if (c.aisUpper !== undefined) requireFinite(c.aisUpper, `record.curve[${k}].aisUpper`);
  });
  const f = requireRecord(o.final, "record.final", ["likelihood", "logZ", "logZLower", "logZUpper", "aisRuns", "aisSteps", "trainLogLikelihood", "testLogLikelihood", "testLogLikelihoodUpper", "raise"]);
  requireFinite(f.testLogLikelihood, "record.final.testLogLikelihood");
  if (f.testLogLikelihoodUpper !== undefined) requireFinite(f.testLogLikelihoodUpper, "record.final.testLogLikelihoodUpper");
  const r = requireRecord(f.raise, "record.final.raise", ["logZ", "logZUpper", "runs", "testLogLikelihood", "testLogLikelihoodLower"]);
  requireInteger(r.runs, "record.final.raise.runs", 1);
  requireFinite(r.testLogLikelihood, "record.final.raise.testLogLikelihood");
  requireFinite(r.testLogLikelihoodLower, "record.final.raise.testLogLikelihoodLower");
  const pt = requireRecord(o.ptFigure, "record.ptFigure", ["chains", "temperatures", "betaMin", "sweeps", "swapAcceptance", "samples"]);
  requireNumbers(pt.swapAcceptance, "record.ptFigure.swapAcceptance");
  const tilesOf = (v: unknown, where: string) => requireArray(v, where, undefined, "one 784-value tile each").forEach((t, k) => requireFiniteEntries(requireArray(t, `${where}[${k}]`, 784, "a 28×28 tile"), `${where}[${k}]`));
  tilesOf(pt.samples, "record.ptFigure.samples");
  tilesOf(o.filters, "record.filters");
  return json as RbmMnistRecord;
}

/** The charts (curve, PT samples, filters) and the table of a record; `timings` gives the training wall time when known. */
function present(record: RbmMnistRecord, timings: Record<string, number>): { charts: { name: string; spec: ChartSpec }[]; table: string } {
  const s = record.settings;
  const curve = record.curve;
  const final = record.final;
  const lit = LITERATURE.filter((l) => l.hidden === s.hidden);
  const ep = curve.map((p) => p.epoch);
  const series = [
    { label: "AIS estimate", points: curve.map((p) => [p.epoch, p.ais] as [number, number]) },
    { label: "RAISE bound", points: curve.map((p) => [p.epoch, p.raise] as [number, number]) },
    ...lit.map((l) => ({ label: `${l.source.split(" (")[0].split(",")[0]}${l.source.startsWith("PyDeep") ? (l.centering ? " centered" : " plain") : ""} (${l.testLogLikelihood})`, style: "dashed" as const, points: [[ep[0], l.testLogLikelihood], [ep[ep.length - 1], l.testLogLikelihood]] as [number, number][] })),
  ];
  const shape = `784×${s.hidden}`;
  const curveSpec: ChartSpec = {
    title: `${shape} ${s.centering ? "centered " : ""}RBM, ${s.method.toUpperCase()}-1, η 0.01: test log-likelihood`,
    x: { label: "epoch" },
    y: { label: "test log-likelihood (nats per digit)" },
    series,
  };
  const rates = record.ptFigure.swapAcceptance;
  const lo = rates.reduce((m, x) => Math.min(m, x), Infinity);
  const hi = rates.reduce((m, x) => Math.max(m, x), -Infinity);
  const samplesSpec: ChartSpec = {
    title: `${shape} RBM: parallel-tempering samples (β = 1 chains)`,
    x: { label: `${record.ptFigure.sweeps} sweeps, ${record.ptFigure.temperatures} temperatures to β = ${record.ptFigure.betaMin}; swap acceptance ${lo.toFixed(2)}–${hi.toFixed(2)}; black 0, white 1` },
    y: { label: "" },
    series: [],
    kind: "images",
    images: { tiles: record.ptFigure.samples, tileWidth: 28, tileHeight: 28, columns: 10, scale: 2, range: [0, 1] },
  };
  const filtersSpec: ChartSpec = {
    title: `${shape} RBM: filters W[:, j], first ${record.filters.length} hidden units`,
    x: { label: "W[:, j] as 28×28; grey scale per tile: black = min, white = max" },
    y: { label: "" },
    series: [],
    kind: "images",
    images: { tiles: record.filters, tileWidth: 28, tileHeight: 28, columns: 10, scale: 2 },
  };
  const fmt = (x: number | undefined) => (x === undefined ? "—" : x.toFixed(2));
  const train = timings.trainingSeconds;
  const table = [
    `| ${shape} ${s.centering ? "centered" : "plain"}, ${s.method}-1, ${s.epochs} epochs | test log-likelihood (nats) |`,
    "|---|---|",
    `| AIS estimate (${s.aisRuns} runs, ${s.finalSteps} β) | ${fmt(final.testLogLikelihood)} (upper end ${fmt(final.testLogLikelihoodUpper)}) |`,
    `| RAISE bound (${final.raise!.runs} test digits) | ${fmt(final.raise!.testLogLikelihood)} (lower end ${fmt(final.raise!.testLogLikelihoodLower)}) |`,
    ...LITERATURE.map((l) => `| ${l.source} (784×${l.hidden}) | ${l.testLogLikelihood} |`),
    `| training wall time | ${train === undefined ? "—" : `${train.toFixed(0)} s`} |`,
    "",
  ].join("\n");
  return { charts: [{ name: "curve", spec: curveSpec }, { name: "pt-samples", spec: samplesSpec }, { name: "filters", spec: filtersSpec }], table };
}
