/**
 * The REBAR/RELAX optimisation toy (Tucker et al. 2017 §5.1; Grathwohl et al. 2018 §6.1, Fig. 1):
 * minimise E[(b − 0.499)²] over the logit a of b ~ Bern(σ(a)), from σ(a) = 0.5, with Adam
 * (learning rate 0.01) for 5000 steps, one estimate per step, for every estimator and several
 * seeds. The optimum is σ(a) → 0 (∂E/∂p = 1 − 2t = 0.002 > 0): low-variance unbiased estimators
 * get there, high-variance ones wander, and relaxations aim at the relaxed optimum instead.
 * RELAX trains its control variate alongside (Algorithm 2: one variance-gradient Adam step per step),
 * and REBAR tunes η the same way (Tucker et al. 2017 §3.3; λ = 0.5 fixed for both).
 */
import { estimators } from "../src/estimators/registry.js";
import { Adam } from "../src/optim/adam.js";
import { sigmoid } from "../src/numerics.js";
import { singleUnitToy } from "../analysis/claims/toys.js";
import type { Stream } from "../src/random/stream.js";
import type { Figure, FigureOutput } from "../analysis/figures/types.js";
import type { SeriesSpec } from "../analysis/charts.js";
import { TOY_ESTIMATORS, TOY_OPTIONS } from "./toy-variance.js";

/** σ(a) every `every` steps of Adam(lr) on the toy with estimator id. Shapes: returns steps/every + 1. */
export function optimiseToy(id: keyof typeof estimators, t: number, steps: number, lr: number, every: number, stream: Stream): Float64Array {
  const prob = singleUnitToy(0.5, t);
  const theta = prob.initialParams();
  const inst = estimators[id].create(prob, theta, TOY_OPTIONS[id] ?? {});
  const adam = new Adam(1, { lr });
  const noise = new Float64Array(inst.noiseSize);
  const g = new Float64Array(1);
  const trace = new Float64Array(Math.floor(steps / every) + 1);
  trace[0] = sigmoid(theta[0]);
  for (let s = 1; s <= steps; s++) {
    stream.uniforms(noise);
    inst.estimate(theta, noise, g);
    inst.observe?.();
    adam.step(theta, g);
    if (s % every === 0) trace[s / every] = sigmoid(theta[0]);
  }
  return trace;
}

export const toyOptimisationFigure: Figure = {
  id: "toy-optimisation",
  claims: ["REBAR-unbiased", "RELAX-unbiased"],
  title: "REBAR/RELAX toy: σ(a) under Adam (lr 0.01) minimising E[(b − 0.499)²]",
  caption: "σ(a) against the Adam step (learning rate 0.01, 5000 steps, from σ(a) = 0.5; the optimum is σ(a) = 0), mean over seeds with a min–max band. One estimate per step. REBAR tunes η and RELAX its control variate online (Adam, lr 0.01, on the single-sample variance gradient).",
  run(ctx): FigureOutput {
    const t = 0.499;
    const steps = 5000;
    const every = 50;
    const seeds = ctx.quick ? 3 : 10;
    const ids: (keyof typeof estimators)[] = TOY_ESTIMATORS.filter((id) => id !== "correlation-optimal");
    const result: Record<string, { final: number[]; trace: number[][] }> = {};
    let done = 0;
    for (const id of ids) {
      const traces: number[][] = [];
      for (let s = 0; s < seeds; s++) {
        traces.push(Array.from(optimiseToy(id, t, steps, 0.01, every, ctx.stream.fork(`${id}/seed/${s}`))));
        ctx.progress(++done, ids.length * seeds);
      }
      result[id] = { final: traces.map((tr) => tr[tr.length - 1]), trace: traces };
    }
    const xs = Array.from({ length: steps / every + 1 }, (_, k) => k * every);
    const series = (subset: (keyof typeof estimators)[]): SeriesSpec[] =>
      subset.map((id) => {
        const tr = result[id].trace;
        const mean = xs.map((_, k) => tr.reduce((a, r) => a + r[k], 0) / tr.length);
        return { label: id, points: xs.map((x, k) => [x, mean[k]] as [number, number]), style: "band" as const, lower: xs.map((_, k) => Math.min(...tr.map((r) => r[k]))), upper: xs.map((_, k) => Math.max(...tr.map((r) => r[k]))), color: ids.indexOf(id) };
      });
    const unbiased = ids.filter((id) => estimators[id].unbiased);
    const biased = ids.filter((id) => !estimators[id].unbiased);
    const spec = (title: string, sub: (keyof typeof estimators)[]) => ({
      title,
      x: { label: "Adam step (learning rate 0.01)", min: 0, max: steps },
      y: { label: "σ(a) = P(b = 1) (optimum 0)", min: 0, max: 1 },
      series: series(sub),
      legend: "right" as const,
      width: 1100,
    });
    return {
      data: { t, steps, lr: 0.01, every, seeds, final: Object.fromEntries(ids.map((id) => [id, { values: result[id].final, mean: result[id].final.reduce((a, b) => a + b, 0) / seeds }])), traces: result },
      charts: [
        { name: "unbiased", spec: spec(`Unbiased estimators: σ(a) vs step (mean and min–max over ${seeds} seeds)`, unbiased) },
        { name: "biased", spec: spec(`Biased estimators: σ(a) vs step (mean and min–max over ${seeds} seeds)`, biased) },
      ],
    };
  },
};
