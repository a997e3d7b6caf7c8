/**
 * Bias of the relaxations as a function of the temperature τ (Jang et al. 2017 §2; Maddison et al.
 * 2017 §3.3): exact E[ĝ] − ∇E[f(b)] and the exact variance of Gumbel-Softmax (binary Concrete) and
 * ST-Gumbel on the single unit f(b) = (b − 0.45)², p ∈ {0.1, 0.3, 0.7}, by adaptive quadrature over u.
 */
import { biasVersusTemperature } from "../analysis/claims/relaxation-bias.js";
import { singleUnitToy } from "../analysis/claims/toys.js";
import { createGumbelSoftmax } from "../src/estimators/gumbel-softmax.js";
import { createStGumbel } from "../src/estimators/st-gumbel.js";
import type { SeriesSpec } from "../analysis/charts.js";
import type { Figure, FigureOutput } from "../analysis/figures/types.js";

export const relaxationBiasFigure: Figure = {
  id: "relaxation-bias",
  claims: ["GS-bias", "STG-bias"],
  title: "Gumbel-Softmax and ST-Gumbel: exact bias against the temperature τ",
  caption: "Exact E[ĝ] − ∇E[f(b)] (left) and exact Var[ĝ] (right) against τ on one unit with f(b) = (b − 0.45)², by quadrature. Solid: Gumbel-Softmax (binary Concrete); dashed: ST-Gumbel. Both biases shrink as τ → 0 while the variance grows; at larger τ the bias can cross zero at one p (Gumbel-Softmax at p = 0.7) without the estimator being unbiased elsewhere.",
  run(ctx): FigureOutput {
    const nTau = ctx.quick ? 9 : 25;
    const taus = Array.from({ length: nTau }, (_, k) => 0.05 * Math.pow(100, k / (nTau - 1)));
    const ps = [0.1, 0.3, 0.7];
    const rows: Record<string, ReturnType<typeof biasVersusTemperature>> = {};
    let done = 0;
    for (const p of ps) {
      const prob = singleUnitToy(p, 0.45);
      rows[`gumbel-softmax/p=${p}`] = biasVersusTemperature(prob, createGumbelSoftmax, false, taus);
      rows[`st-gumbel/p=${p}`] = biasVersusTemperature(prob, createStGumbel, true, taus);
      ctx.progress(++done, ps.length);
    }
    const series = (key: "bias" | "variance"): SeriesSpec[] =>
      Object.entries(rows).map(([name, r]) => ({
        label: name,
        points: r.map((x) => [x.tau, x[key]] as [number, number]),
        style: name.startsWith("st-") ? ("dashed" as const) : ("line" as const),
        color: ps.indexOf(Number(name.split("=")[1])),
      }));
    return {
      data: { t: 0.45, ps, taus, rows },
      charts: [
        { name: "bias", spec: { title: "Exact bias E[ĝ] − ∇E[f(b)] vs τ (f = (b − 0.45)²)", x: { label: "temperature τ (log scale)", log: true }, y: { label: "bias (per unit logit)" }, series: series("bias"), legend: "right" } },
        { name: "variance", spec: { title: "Exact Var[ĝ] vs τ (f = (b − 0.45)²)", x: { label: "temperature τ (log scale)", log: true }, y: { label: "Var[ĝ] (per unit logit², log scale)", log: true }, series: series("variance"), legend: "right" } },
      ],
    };
  },
};
