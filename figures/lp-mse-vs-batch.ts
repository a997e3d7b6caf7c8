/**
 * MSE of the learned predictor against the exact gradient, as a function of the batch size used
 * to fit it (exact moments for each fitted predictor; mean over R seeded fits), split into bias²
 * and variance, with ĝ_corr and ĝ_ST as references and the exact-fit (infinite batch) predictor
 * as the limit. Source: 1305.2982 §3.
 */
import { lpEvaluate, lpProblems } from "../analysis/claims/lp-variance-reduction.js";
import { fitLearnedPredictor } from "../src/estimators/learned-predictor.js";
import type { Figure } from "../analysis/figures/types.js";

export const lpMseVsBatch: Figure = {
  id: "lp-mse-vs-batch",
  claims: ["LP-variance-reduction"],
  title: "Learned predictor: MSE against the fitting batch size",
  caption: "Exact E‖ĝ − ∇E[L]‖² of the learned predictor fitted on n seeded draws (mean over R fits), its bias² and variance, against ĝ_corr, ĝ_ST and the exact-fit predictor, on the 4-example task of LP-variance-reduction (2→3→2 sigmoid belief net; MSE is the mean over examples against each example's exact gradient).",
  run(ctx) {
    const problems = lpProblems();
    const theta = problems[0].initialParams();
    const batches = ctx.quick ? [50, 200, 1000, 5000] : [20, 50, 100, 200, 500, 1000, 2000, 5000, 20000];
    const R = ctx.quick ? 4 : 16;
    const exactFit = lpEvaluate(problems, theta, fitLearnedPredictor(problems, theta, 0, null));
    // the noise-free feature alone (σ·∂a/∂θ, mask 8), exact fit: shows where the gain comes from
    const sigmaOnly = lpEvaluate(problems, theta, fitLearnedPredictor(problems, theta, 0, null, 0, 8), 8).rows["learned predictor"];
    const rows: Record<string, unknown>[] = [];
    const mse: [number, number][] = [];
    const b2: [number, number][] = [];
    const vr: [number, number][] = [];
    batches.forEach((n, i) => {
      let m = 0;
      let bb = 0;
      let vv = 0;
      for (let r = 0; r < R; r++) {
        const coef = fitLearnedPredictor(problems, theta, n, ctx.stream.fork(`n=${n}/r=${r}`), 0);
        const s = lpEvaluate(problems, theta, coef).rows["learned predictor"];
        m += s.mse / R;
        bb += s.bias2 / R;
        vv += s.variance / R;
      }
      mse.push([n, m]);
      b2.push([n, bb]);
      vr.push([n, vv]);
      rows.push({ batch: n, fits: R, mse: m, bias2: bb, variance: vv });
      ctx.progress(i + 1, batches.length);
    });
    const x0 = batches[0];
    const x1 = batches[batches.length - 1];
    const hline = (y: number): [number, number][] => [[x0, y], [x1, y]];
    const ref = exactFit.rows;
    return {
      data: { rows, references: ref, sigmaFeatureOnlyExactFit: sigmaOnly, fitsPerBatch: R },
      charts: [
        {
          name: "",
          spec: {
            title: "Learned predictor: exact MSE against fitting batch size",
            x: { label: "fitting batch size n (draws)", log: true },
            y: { label: "E‖ĝ − ∇E[L]‖² (log scale)", log: true },
            series: [
              { label: `predictor MSE (mean of ${R} fits)`, points: mse, style: "line" },
              { label: "predictor bias²", points: b2, style: "line" },
              { label: "predictor variance", points: vr, style: "line" },
              { label: "ĝ_corr (no baseline)", points: hline(ref["ĝ_corr (no baseline)"].mse), style: "dashed" },
              { label: "ĝ_ST (identity)", points: hline(ref["ĝ_ST (identity)"].mse), style: "dashed" },
              { label: "ĝ_ST (sigmoid-adjusted)", points: hline(ref["ĝ_ST (sigmoid-adjusted)"].mse), style: "dashed" },
              { label: "ĝ_corr (optimal baseline)", points: hline(ref["ĝ_corr (optimal baseline)"].mse), style: "dashed" },
              { label: "predictor, exact fit (n → ∞)", points: hline(ref["learned predictor"].mse), style: "dashed" },
              { label: "predictor on σ·∂a/∂θ only, exact fit", points: hline(sigmaOnly.mse), style: "dashed" },
            ],
            legend: "right",
          },
        },
      ],
    };
  },
};
