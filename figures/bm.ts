/**
 * Figures for the Boltzmann-machine part (Bengio 2013, arXiv 1305.2982, §5): learned MNIST
 * filters, exact log-likelihood training curves per method, B4 convergence in T, and the bias,
 * variance and cosine similarity of RBM gradient estimators against k.
 */
import type { ChartSpec, SeriesSpec } from "../analysis/charts.js";
import { rbmExactGradientFlat, rbmLogLikelihood } from "../src/boltzmann/exact.js";
import { jointStatistics, rbmJointTable, visiblePart } from "../src/boltzmann/joint.js";
import { gradientToFlat, Rbm } from "../src/boltzmann/rbm.js";
import { cdExpectedGradients, unrolledExact, unrolledScoreSample, visibleMarkovMatrix, visibleTransition } from "../src/boltzmann/unrolled.js";
import { baseRateBiases } from "../src/boltzmann/ais.js";
import { barsAndStripes } from "../src/data/bars-and-stripes.js";
import { binarize, loadMnist } from "../src/data/mnist.js";
import { cosine } from "../src/numerics.js";
import type { Stream } from "../src/random/stream.js";
import { randomRbm, modeOf } from "../analysis/claims/bm-common.js";
import type { Figure } from "../analysis/figures/types.js";
import { DEFAULT_TRAIN_OPTIONS, RbmTrainer, type RbmTrainOptions } from "../src/boltzmann/trainer.js";

const norm = (x: ArrayLike<number>) => Math.sqrt(Array.from(x).reduce((s, v) => s + v * v, 0));
const relDist = (a: ArrayLike<number>, b: ArrayLike<number>) => norm(Array.from(a).map((v, k) => v - b[k])) / norm(b);
// ───────────────────────────── filters ─────────────────────────────

export const filtersFigure: Figure = {
  id: "bm-filters",
  title: "Learned RBM filters on MNIST (784×16, PCD-1)",
  caption: "Columns of W (one 28×28 tile per hidden unit, each scaled to its own range, black = most negative) of a 784×16 RBM trained with PCD-1 (100 chains, η = 0.05, batch 100) on thresholded MNIST: 10 000 images × 3 epochs (quick: 2 000 × 2). Labels: exact test log-likelihood is in bm-training-curves.",
  run(ctx) {
    const nImg = ctx.quick ? 2000 : 10000;
    const epochs = ctx.quick ? 2 : 3;
    const tr = loadMnist("train");
    const data = binarize(tr.images, "threshold", undefined, nImg);
    const rbm = Rbm.random(784, 16, ctx.stream.fork("init"), 0.01);
    rbm.b.set(baseRateBiases(data, nImg, 784));
    const t = new RbmTrainer(rbm, { ...DEFAULT_TRAIN_OPTIONS, method: "pcd", chains: 100, learningRate: 0.05, batchSize: 100 }, ctx.stream.fork("train"));
    for (let e = 0; e < epochs; e++) {
      t.epoch(data, nImg);
      ctx.progress(e + 1, epochs);
    }
    t.release();
    const tiles: number[][] = [];
    for (let j = 0; j < 16; j++) {
      const tile: number[] = [];
      for (let i = 0; i < 784; i++) tile.push(Number(rbm.W[i * 16 + j].toPrecision(6)));
      tiles.push(tile);
    }
    const spec: ChartSpec = {
      title: `RBM filters, 784×16, PCD-1 on ${nImg} thresholded MNIST digits × ${epochs} epochs`,
      x: { label: "one tile per hidden unit j: W[:, j] reshaped to 28×28 (grey scale per tile: black = min, white = max)" },
      y: { label: "" },
      series: [],
      kind: "images",
      images: { tiles, tileWidth: 28, tileHeight: 28, columns: 8, scale: 4, labels: tiles.map((_, j) => `h${j}`) },
    };
    return { data: { images: nImg, epochs, shape: [784, 16] }, charts: [{ name: "", spec }] };
  },
};

// ───────────────────────────── training curves ─────────────────────────────

interface Method {
  label: string;
  options: Partial<RbmTrainOptions>;
}

const METHODS: Method[] = [
  { label: "exact gradient", options: { method: "exact" } },
  { label: "CD-1", options: { method: "cd", k: 1 } },
  { label: "CD-10", options: { method: "cd", k: 10 } },
  { label: "PCD-1", options: { method: "pcd", k: 1 } },
];

function trainingCurve(rbm0: Rbm, train: Float64Array, nTrain: number, test: Float64Array, nTest: number, opts: RbmTrainOptions, epochs: number, every: number, stream: Stream): [number, number][] {
  const rbm = rbm0.clone();
  const t = new RbmTrainer(rbm, opts, stream);
  const pts: [number, number][] = [[0, rbmLogLikelihood(rbm, test, nTest)]];
  for (let e = 1; e <= epochs; e++) {
    t.epoch(train, nTrain);
    if (e % every === 0 || e === epochs) pts.push([e, Number(rbmLogLikelihood(rbm, test, nTest).toPrecision(10))]);
  }
  t.release();
  return pts;
}

export const trainingCurvesFigure: Figure = {
  id: "bm-training-curves",
  title: "Exact log-likelihood during training: exact gradient vs CD-1, CD-10, PCD-1",
  caption:
    "Mean exact log-likelihood (nats per pattern, by enumeration) against epochs. Bars-and-stripes 3×3 (14 patterns, 9×6 RBM) and 4×4 (30 patterns, 16×8 RBM): η = 0.2, momentum 0.5, batch 10, PCD with 10 chains, same initial weights and seed for every method. MNIST: 784×16 RBM on the first 5 000 thresholded training digits (quick: 2 000; η = 0.1, batch 100, PCD with 100 chains), exact test log-likelihood on 1 000 test digits.",
  run(ctx) {
    const charts: { name: string; spec: ChartSpec }[] = [];
    const data: Record<string, unknown> = {};
    const sets: [string, number, number][] = [
      ["bars-and-stripes-3", 3, 6],
      ["bars-and-stripes-4", 4, 8],
    ];
    let step = 0;
    const total = sets.length * METHODS.length + 3;
    for (const [name, size, nH] of sets) {
      const d = barsAndStripes(size);
      const epochs = ctx.quick ? 120 : 400;
      const rbm0 = Rbm.random(d.dim, nH, ctx.stream.fork(`${name}/init`), 0.1);
      const series: SeriesSpec[] = [];
      const curves: Record<string, [number, number][]> = {};
      METHODS.forEach((m, i) => {
        const opts: RbmTrainOptions = { ...DEFAULT_TRAIN_OPTIONS, learningRate: 0.2, momentum: 0.5, batchSize: 10, chains: 10, k: 1, ...m.options } as RbmTrainOptions;
        const pts = trainingCurve(rbm0, d.data, d.count, d.data, d.count, opts, epochs, ctx.quick ? 4 : 8, ctx.stream.fork(`${name}/${m.label}`));
        curves[m.label] = pts;
        series.push({ label: m.label, points: pts, color: i });
        ctx.progress(++step, total);
      });
      series.push({ label: `uniform over the ${d.count} patterns (optimum)`, points: [[0, -Math.log(d.count)], [epochs, -Math.log(d.count)]], style: "dashed", color: 8 });
      data[name] = { nHidden: nH, epochs, curves, optimum: -Math.log(d.count) };
      charts.push({ name, spec: { title: `${size}×${size} bars-and-stripes, ${d.dim}×${nH} RBM: exact log-likelihood vs epoch`, x: { label: "epoch" }, y: { label: "mean log p(v) over the data (nats)" }, series, legend: "top" } });
    }
    // MNIST, small enough for verify
    const nImg = ctx.quick ? 2000 : 5000;
    const epochs = ctx.quick ? 3 : 5;
    const tr = loadMnist("train");
    const te = loadMnist("test");
    const train = binarize(tr.images, "threshold", undefined, nImg);
    const test = binarize(te.images, "threshold", undefined, 1000);
    const rbm0 = Rbm.random(784, 16, ctx.stream.fork("mnist/init"), 0.01);
    rbm0.b.set(baseRateBiases(train, nImg, 784));
    const mseries: SeriesSpec[] = [];
    const mcurves: Record<string, [number, number][]> = {};
    METHODS.slice(1).forEach((m, i) => {
      const opts: RbmTrainOptions = { ...DEFAULT_TRAIN_OPTIONS, learningRate: 0.1, batchSize: 100, chains: 100, ...m.options } as RbmTrainOptions;
      const pts = trainingCurve(rbm0, train, nImg, test, 1000, opts, epochs, 1, ctx.stream.fork(`mnist/${m.label}`));
      mcurves[m.label] = pts;
      mseries.push({ label: m.label, points: pts, color: i + 1 });
      ctx.progress(++step, total);
    });
    data.mnist = { images: nImg, epochs, testImages: 1000, curves: mcurves };
    charts.push({ name: "mnist", spec: { title: `MNIST 784×16 RBM (${nImg} thresholded digits): exact test log-likelihood vs epoch`, x: { label: "epoch" }, y: { label: "mean test log p(v) (nats per digit)" }, series: mseries, legend: "top" } });
    return { data, charts };
  },
};

// ───────────────────────────── B4 convergence ─────────────────────────────

export const b4ConvergenceFigure: Figure = {
  id: "bm-b4-convergence",
  title: "BM-B4: the finite-T derivative ∂P(v_T = v_data)/∂θ converges to p(v_data)(X⁺ − X⁻)",
  caption:
    "Exact (transition-matrix) derivative of P(v_T = v_data | v₀ = 0) for the 3×2 RBM of claim BM-B4, against the chain length T: relative distance ‖∂P_T − p(v_data)(X⁺ − X⁻)‖/‖p(v_data)(X⁺ − X⁻)‖ and |P_T − p(v_data)|/p(v_data). Markers: the seeded Monte Carlo mean of Theorem 1's estimator (200 000 chains; quick: 50 000) at a few T, same distance — it follows the exact curve until it reaches its Monte Carlo noise floor (≈ 1e−2 here).",
  run(ctx) {
    const rbm = randomRbm(3, 2, ctx.stream.fork("rbm"), 1.5);
    const tr = visibleTransition(rbm);
    const mode = modeOf(rbm);
    const limit = rbmExactGradientFlat(rbm, mode.v, 1).gradient.map((g) => g * mode.prob);
    const Ts = Array.from({ length: 40 }, (_, i) => i + 1);
    const dist: [number, number][] = [];
    const pdist: [number, number][] = [];
    for (const T of Ts) {
      const e = unrolledExact(tr, 0, mode.index, T);
      dist.push([T, Math.max(1e-17, relDist(e.gradient, limit))]);
      pdist.push([T, Math.max(1e-17, Math.abs(e.prob - mode.prob) / mode.prob)]);
    }
    const mcT = ctx.quick ? [1, 2, 4] : [1, 2, 4, 8];
    const n = ctx.quick ? 50_000 : 200_000;
    const mcPts: [number, number][] = [];
    const scratch = { v: new Float64Array(3), vPrev: new Float64Array(3), h: new Float64Array(2), sh: new Float64Array(2), sv: new Float64Array(3) };
    const v0 = new Float64Array(3);
    for (const T of mcT) {
      const s = ctx.stream.fork(`mc/T${T}`);
      const u = new Float64Array(T * 5);
      const g = new Float64Array(tr.P);
      const sum = new Float64Array(tr.P);
      for (let k = 0; k < n; k++) {
        s.uniforms(u);
        unrolledScoreSample(rbm, v0, mode.index, T, u, g, scratch);
        for (let p = 0; p < tr.P; p++) sum[p] += g[p];
      }
      mcPts.push([T, relDist(sum.map((x) => x / n), limit)]);
    }
    const spec: ChartSpec = {
      title: "Unrolled block-Gibbs chain: exact finite-T derivative → p(v_data)(X⁺ − X⁻)",
      x: { label: "chain length T (block-Gibbs steps)" },
      y: { label: "relative distance to the T → ∞ limit", log: true },
      series: [
        { label: "‖∂P_T/∂θ − p(v_data)(X⁺−X⁻)‖ / ‖p(v_data)(X⁺−X⁻)‖ (exact)", points: dist, color: 0 },
        { label: "|P_T − p(v_data)| / p(v_data) (exact)", points: pdist, style: "dashed", color: 1 },
        { label: `Theorem 1 estimator, MC mean of ${n} chains`, points: mcPts, style: "scatter", color: 2 },
      ],
    };
    return { data: { pData: mode.prob, vData: Array.from(mode.v), distances: dist, probabilityDistances: pdist, monteCarlo: mcPts, chains: n }, charts: [{ name: "", spec }] };
  },
};

// ───────────────────────────── estimators vs k ─────────────────────────────

/** A 6×4 RBM trained with the exact gradient on 4 far-apart patterns: strongly multimodal. */
function multimodalRbm(stream: Stream): { rbm: Rbm; data: Float64Array; n: number } {
  const pats = [
    [1, 1, 1, 0, 0, 0],
    [0, 0, 0, 1, 1, 1],
    [1, 1, 0, 0, 1, 1],
    [0, 0, 1, 1, 0, 0],
  ];
  const data = Float64Array.from(pats.flat());
  const rbm = Rbm.random(6, 4, stream, 0.1);
  const t = new RbmTrainer(rbm, { ...DEFAULT_TRAIN_OPTIONS, method: "exact", learningRate: 0.5, batchSize: 4 }, stream.fork("train"));
  for (let e = 0; e < 400; e++) t.epoch(data, 4);
  t.release();
  // gradients are taken on 8 random patterns (at its own training data the gradient is ≈ 0)
  const probe = new Float64Array(8 * 6);
  stream.fork("probe").uniforms(probe);
  for (let k = 0; k < probe.length; k++) probe[k] = +(probe[k] < 0.5);
  return { rbm, data: probe, n: 8 };
}

function mixingRbm(stream: Stream): { rbm: Rbm; data: Float64Array; n: number } {
  const rbm = randomRbm(6, 4, stream, 0.5);
  const data = new Float64Array(8 * 6);
  stream.fork("data").uniforms(data);
  for (let k = 0; k < data.length; k++) data[k] = +(data[k] < 0.5);
  return { rbm, data, n: 8 };
}

interface EstimatorRow {
  relBias: number;
  variance: number;
  cosineOfMean: number;
  meanCosine: number;
}

export const estimatorsFigure: Figure = {
  id: "bm-estimators-k",
  title: "RBM gradient estimators: exact bias, variance and cosine similarity against k",
  caption:
    "Two 6×4 RBMs: a well-mixing random one (W ~ N(0, 0.5²), 8 random patterns) and a multimodal one (trained with the exact gradient on 4 far-apart patterns, gradients then taken on 8 random patterns). Minibatch = the 8 patterns, one chain per pattern. CD-k: exact expected gradient from the visible transition matrix (q_k = q_data Mᵏ); B4 (T = k): Theorem 1 on the chain unrolled from v₀ = 0, normalised by P_T(v_r), exact mean; B2: free model samples with R = 1[v = v_r]/p(v_r) (unbiased, exact variance); PCD-1: persistent chains at stationarity (MC). Relative bias = ‖E[ĝ] − ∇‖/‖∇‖; variance = tr Cov[ĝ] per draw over seeds.",
  run(ctx) {
    const ks = ctx.quick ? [1, 2, 5, 10, 20] : [1, 2, 3, 5, 8, 13, 20, 30, 50];
    const draws = ctx.quick ? 200 : 1000;
    const models: [string, { rbm: Rbm; data: Float64Array; n: number }][] = [
      ["well-mixing", mixingRbm(ctx.stream.fork("mixing"))],
      ["multimodal", multimodalRbm(ctx.stream.fork("multimodal"))],
    ];
    const biasSeries: SeriesSpec[] = [];
    const varSeries: SeriesSpec[] = [];
    const cosSeries: SeriesSpec[] = [];
    const table: Record<string, Record<string, EstimatorRow>> = {};
    models.forEach(([name, { rbm, data, n }], mi) => {
      const grad = rbmExactGradientFlat(rbm, data, n).gradient;
      const P = grad.length;
      const M = visibleMarkovMatrix(rbm);
      const cdMeans = cdExpectedGradients(rbm, data, n, ks, M);
      const rows: Record<string, EstimatorRow> = {};
      const mcStats = (draw: (s: Stream, out: Float64Array) => void, key: string): { mean: Float64Array; variance: number; meanCosine: number } => {
        const s = ctx.stream.fork(`${name}/${key}`);
        const g = new Float64Array(P);
        const sum = new Float64Array(P);
        const sq = new Float64Array(P);
        let cs = 0;
        for (let d = 0; d < draws; d++) {
          draw(s, g);
          for (let p = 0; p < P; p++) {
            sum[p] += g[p];
            sq[p] += g[p] * g[p];
          }
          // an estimate of exactly zero (B4 with R = 0) has no direction: it counts as cosine 0
          cs += g.some((x) => x !== 0) ? cosine(g, grad) : 0;
        }
        let v = 0;
        for (let p = 0; p < P; p++) v += (sq[p] - (sum[p] * sum[p]) / draws) / (draws - 1);
        return { mean: sum.map((x) => x / draws), variance: v, meanCosine: cs / draws };
      };
      // CD-k: exact mean, MC variance via the trainer's estimator
      const cdBias: [number, number][] = [];
      const cdVar: [number, number][] = [];
      const cdCos: [number, number][] = [];
      ks.forEach((k, i) => {
        const tr = new RbmTrainer(rbm.clone(), { ...DEFAULT_TRAIN_OPTIONS, method: "cd", k, batchSize: n }, ctx.stream.fork(`${name}/cd${k}/trainer`));
        const st = mcStats((_s, out) => void gradientToFlat(tr.estimate(data, n), out), `cd${k}`);
        tr.release();
        const rb = relDist(cdMeans[i], grad);
        rows[`CD-${k}`] = { relBias: rb, variance: st.variance, cosineOfMean: cosine(cdMeans[i], grad), meanCosine: st.meanCosine };
        cdBias.push([k, Math.max(rb, 1e-16)]);
        cdVar.push([k, st.variance]);
        cdCos.push([k, st.meanCosine]);
      });
      // B4 with T = k: (1/n) Σ_r R_r·score / P_T(v_r); exact mean (1/n) Σ_r ∂P_T(v_r)/P_T(v_r)
      const tr4 = visibleTransition(rbm);
      const idx: number[] = [];
      for (let r = 0; r < n; r++) {
        let x = 0;
        for (let i = 0; i < 6; i++) if (data[r * 6 + i]) x |= 1 << i;
        idx.push(x);
      }
      const b4Bias: [number, number][] = [];
      const b4Var: [number, number][] = [];
      const b4Cos: [number, number][] = [];
      const scratch = { v: new Float64Array(6), vPrev: new Float64Array(6), h: new Float64Array(4), sh: new Float64Array(4), sv: new Float64Array(6) };
      const v0 = new Float64Array(6);
      ks.forEach((T) => {
        const exMean = new Float64Array(P);
        const PT = new Map<number, number>();
        for (const x of idx) {
          const e = unrolledExact(tr4, 0, x, T);
          PT.set(x, e.prob);
          for (let p = 0; p < P; p++) exMean[p] += e.gradient[p] / e.prob / n;
        }
        const u = new Float64Array(T * 10);
        const g1 = new Float64Array(P);
        const st = mcStats((s, out) => {
          s.uniforms(u);
          // one chain; R_r = 1[v_T = v_r] for every pattern at once
          unrolledScoreSample(rbm, v0, -1, T, u, g1, scratch);
          let vT = 0;
          for (let i = 0; i < 6; i++) if (scratch.v[i]) vT |= 1 << i;
          out.fill(0);
          let w = 0;
          for (const x of idx) if (x === vT) w += 1 / (n * PT.get(x)!);
          if (w === 0) return;
          // recompute the score (unrolledScoreSample zeroes it when R = 0 for vData = −1)
          unrolledScoreSample(rbm, v0, vT, T, u, g1, scratch);
          for (let p = 0; p < P; p++) out[p] = w * g1[p];
        }, `b4T${T}`);
        const rb = relDist(exMean, grad);
        rows[`B4 T=${T}`] = { relBias: rb, variance: st.variance, cosineOfMean: cosine(exMean, grad), meanCosine: st.meanCosine };
        b4Bias.push([T, Math.max(rb, 1e-16)]);
        b4Var.push([T, st.variance]);
        b4Cos.push([T, st.meanCosine]);
      });
      // B2: exact variance by enumeration of the joint table
      const table2 = rbmJointTable(rbm);
      const pv = new Map<number, number>();
      for (let s = 0; s < table2.prob.length; s++) pv.set(visiblePart(table2, s), (pv.get(visiblePart(table2, s)) ?? 0) + table2.prob[s]);
      const X = new Float64Array(P);
      const m1 = new Float64Array(P);
      const m2 = new Float64Array(P);
      let cosB2 = 0;
      for (let s = 0; s < table2.prob.length; s++) {
        jointStatistics(table2, s, X);
        const v = visiblePart(table2, s);
        let f = -1;
        for (const x of idx) if (x === v) f += 1 / (n * pv.get(x)!);
        for (let p = 0; p < P; p++) {
          const gval = X[p] * f;
          m1[p] += table2.prob[s] * gval;
          m2[p] += table2.prob[s] * gval * gval;
          X[p] = gval;
        }
        cosB2 += table2.prob[s] * (norm(X) > 0 ? cosine(X, grad) : 0);
      }
      let varB2 = 0;
      for (let p = 0; p < P; p++) varB2 += m2[p] - m1[p] * m1[p];
      rows.B2 = { relBias: relDist(m1, grad), variance: varB2, cosineOfMean: cosine(m1, grad), meanCosine: cosB2 };
      // PCD-1 with stationary chains (fixed θ): burn in, then draws
      const pcd = new RbmTrainer(rbm.clone(), { ...DEFAULT_TRAIN_OPTIONS, method: "pcd", k: 1, chains: n, batchSize: n }, ctx.stream.fork(`${name}/pcd/trainer`));
      for (let b = 0; b < 500; b++) pcd.estimate(data, n);
      const stP = mcStats((_s, out) => void gradientToFlat(pcd.estimate(data, n), out), "pcd");
      pcd.release();
      rows["PCD-1 (stationary)"] = { relBias: relDist(stP.mean, grad), variance: stP.variance, cosineOfMean: cosine(stP.mean, grad), meanCosine: stP.meanCosine };
      table[name] = rows;
      const kmin = ks[0];
      const kmax = ks[ks.length - 1];
      const dash = mi === 0 ? "line" : "dashed";
      biasSeries.push({ label: `CD-k, ${name} (exact)`, points: cdBias, color: 0 + mi * 4, style: dash });
      biasSeries.push({ label: `B4 T = k, ${name} (exact)`, points: b4Bias, color: 1 + mi * 4, style: dash });
      biasSeries.push({ label: `PCD-1 stationary, ${name} (MC, ${draws} draws: includes MC noise)`, points: [[kmin, rows["PCD-1 (stationary)"].relBias], [kmax, rows["PCD-1 (stationary)"].relBias]], color: 2 + mi * 4, style: "dashed" });
      varSeries.push({ label: `CD-k, ${name}`, points: cdVar, color: 0 + mi * 4, style: dash });
      varSeries.push({ label: `B4 T = k, ${name}`, points: b4Var, color: 1 + mi * 4, style: dash });
      varSeries.push({ label: `B2 (exact), ${name}`, points: [[kmin, varB2], [kmax, varB2]], color: 3 + mi * 4, style: "dashed" });
      varSeries.push({ label: `PCD-1 stationary, ${name}`, points: [[kmin, stP.variance], [kmax, stP.variance]], color: 2 + mi * 4, style: "dashed" });
      cosSeries.push({ label: `CD-k, ${name}`, points: cdCos, color: 0 + mi * 4, style: dash });
      cosSeries.push({ label: `B4 T = k, ${name}`, points: b4Cos, color: 1 + mi * 4, style: dash });
      cosSeries.push({ label: `B2, ${name}`, points: [[kmin, cosB2], [kmax, cosB2]], color: 3 + mi * 4, style: "dashed" });
      cosSeries.push({ label: `PCD-1 stationary, ${name}`, points: [[kmin, stP.meanCosine], [kmax, stP.meanCosine]], color: 2 + mi * 4, style: "dashed" });
      ctx.progress(mi + 1, models.length);
    });
    const round = (t: typeof table) => JSON.parse(JSON.stringify(t, (_k, v) => (typeof v === "number" ? Number(v.toPrecision(6)) : v)));
    return {
      data: { ks, draws, table: round(table) },
      charts: [
        { name: "bias", spec: { title: "Relative bias ‖E[ĝ] − ∇log-lik‖/‖∇‖ against k (CD-k steps, B4 chain length T = k)", x: { label: "k (Gibbs steps)", log: true }, y: { label: "relative bias (dimensionless)", log: true }, series: biasSeries, height: 640 } },
        { name: "variance", spec: { title: "Variance over seeds tr Cov[ĝ] of one minibatch estimate against k", x: { label: "k (Gibbs steps)", log: true }, y: { label: "tr Cov[ĝ] (squared gradient units)", log: true }, series: varSeries, height: 640 } },
        { name: "cosine", spec: { title: "Mean cosine similarity of one estimate to the exact gradient against k", x: { label: "k (Gibbs steps)", log: true }, y: { label: "E[cos(ĝ, ∇)]", min: -0.2, max: 1 }, series: cosSeries, height: 640 } },
      ],
    };
  },
};

export const bmFigures: Figure[] = [filtersFigure, trainingCurvesFigure, b4ConvergenceFigure, estimatorsFigure];

