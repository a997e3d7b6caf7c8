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
import { FieldError } from "../../src/errors.js";
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
      const rates = fig.diagnostics.accepted.map((a, t) => a / fig.diagnostics.attempted[t]);
      const lit = LITERATURE.filter((l) => l.hidden === s.hidden);
      const record = {
        kind: "stochgrad.reproduction.rbm-mnist",
        settings: s,
        data: { name: d.name, binarize: d.binarize, trainSize: d.nTrain, testSize: d.nTest },
        curve,
        final: { ...final, aisSteps: s.finalSteps },
        literature: LITERATURE,
        ptFigure: { chains: 100, temperatures: 10, betaMin: 0.5, sweeps: s.figureSweeps, swapAcceptance: rates },
        notes: {
          ais: "AIS's test log-likelihood is optimistic in expectation (log Ẑ tends low); RAISE's is conservative (a stochastic lower bound). The literature reports AIS alone.",
          comparability: lit.length ? "same shape as the literature rows with hidden = 500" : `the literature rows are for 500 hidden units; this run has ${s.hidden}`,
        },
      };
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
      const tiles = (n: number, f: (t: number, i: number) => number) => Array.from({ length: n }, (_, t) => Array.from({ length: d.dim }, (_, i) => Number(f(t, i).toPrecision(6))));
      const samplesSpec: ChartSpec = {
        title: `${shape} RBM: parallel-tempering samples (β = 1 chains)`,
        x: { label: `${s.figureSweeps} sweeps, 10 temperatures to β = 0.5; swap acceptance ${Math.min(...rates).toFixed(2)}–${Math.max(...rates).toFixed(2)}; black 0, white 1` },
        y: { label: "" },
        series: [],
        kind: "images",
        images: { tiles: tiles(100, (t, i) => fig.samples[t * d.dim + i]), tileWidth: 28, tileHeight: 28, columns: 10, scale: 2, range: [0, 1] },
      };
      const nf = Math.min(100, s.hidden);
      const filtersSpec: ChartSpec = {
        title: `${shape} RBM: filters W[:, j], first ${nf} hidden units`,
        x: { label: "W[:, j] as 28×28; grey scale per tile: black = min, white = max" },
        y: { label: "" },
        series: [],
        kind: "images",
        images: { tiles: tiles(nf, (j, i) => rbm.W[i * s.hidden + j]), tileWidth: 28, tileHeight: 28, columns: 10, scale: 2 },
      };
      const fmt = (x: number | undefined) => (x === undefined ? "—" : x.toFixed(2));
      const table = [
        `| ${shape} ${s.centering ? "centered" : "plain"}, ${s.method}-1, ${s.epochs} epochs | test log-likelihood (nats) |`,
        "|---|---|",
        `| AIS estimate (${s.aisRuns} runs, ${s.finalSteps} β) | ${fmt(final.testLogLikelihood)} (upper end ${fmt(final.testLogLikelihoodUpper)}) |`,
        `| RAISE bound (${final.raise!.runs} test digits) | ${fmt(final.raise!.testLogLikelihood)} (lower end ${fmt(final.raise!.testLogLikelihoodLower)}) |`,
        ...LITERATURE.map((l) => `| ${l.source} (784×${l.hidden}) | ${l.testLogLikelihood} |`),
        `| training wall time | ${trainSecs.toFixed(0)} s |`,
        "",
      ].join("\n");
      return { record, charts: [{ name: "curve", spec: curveSpec }, { name: "pt-samples", spec: samplesSpec }, { name: "filters", spec: filtersSpec }], table, timings };
    } finally {
      rows.release();
      pool.close();
    }
  },
};
