/**
 * The fraction of exact zeros of a noisy rectifier h = max(0, a + z), z ~ N(0, s²), against a
 * for several s: exact P(h = 0) = Φ(−a/s) (quadrature of the indicator, equal to the closed
 * form) as lines, and seeded Monte Carlo rates as markers. Source: 1305.2982 §4.
 */
import { integrateNoise } from "../src/exact/noisy.js";
import { NoisyRectifier } from "../src/neurons/index.js";
import { SquaredLoss } from "../src/problems/loss.js";
import { noisySingle } from "../src/problems/noisy-net.js";
import type { Figure } from "../analysis/figures/types.js";

const SCALES = [0.25, 0.5, 1, 2];

export const nrZeroRate: Figure = {
  id: "nr-zero-rate",
  claims: ["NR-sparse"],
  title: "Zero rate of the noisy rectifier against a and s",
  caption: "P(h = 0) = Φ(−a/s) for h = max(0, a + z): exact by quadrature (lines) and by seeded sampling (markers, n draws each). The rate of exact zeros is set by a/s.",
  run(ctx) {
    const n = ctx.quick ? 2000 : 20000;
    // exact on a fine grid (step 0.05), sampled on every fifth point
    const as: number[] = [];
    for (let i = -60; i <= 60; i++) as.push(Number((i * 0.05).toFixed(2)));
    const rows: Record<string, unknown>[] = [];
    const exactSeries: [number, number][][] = SCALES.map(() => []);
    const mcSeries: [number, number][][] = SCALES.map(() => []);
    const u = new Float64Array(1);
    SCALES.forEach((s, j) => {
      for (const [ia, a] of as.entries()) {
        const sampled = ia % 5 === 0;
        const net = noisySingle(new NoisyRectifier(s), a, new SquaredLoss([0]));
        const theta = net.initialParams();
        const out = new Float64Array(1);
        integrateNoise(net, theta, 1, (ws, _L, o) => (o[0] = +(ws.h[0] === 0)), out);
        const ws = net.createWorkspace();
        const st = ctx.stream.fork(`s=${s}/a=${a}`);
        let zeros = 0;
        for (let k = 0; k < (sampled ? n : 0); k++) {
          st.uniforms(u);
          net.forward(theta, u, ws);
          zeros += +(ws.h[0] === 0);
        }
        exactSeries[j].push([a, out[0]]);
        if (sampled) mcSeries[j].push([a, zeros / n]);
        rows.push({ s, a, exactZeroRate: out[0], closedForm: net.units[0].zeroProbability(a), sampledZeroRate: sampled ? zeros / n : null, n: sampled ? n : 0 });
      }
      ctx.progress(j + 1, SCALES.length);
    });
    return {
      data: { rows },
      charts: [
        {
          name: "",
          spec: {
            title: "Noisy rectifier: fraction of exact zeros",
            x: { label: "pre-activation a" },
            y: { label: "P(h = 0)", min: 0, max: 1 },
            series: [
              ...SCALES.map((s, j) => ({ label: `exact, s = ${s}`, points: exactSeries[j], style: "line" as const, color: j })),
              ...SCALES.map((s, j) => ({ label: `sampled (n = ${n}), s = ${s}`, points: mcSeries[j], style: "scatter" as const, color: j })),
            ],
          },
        },
      ],
    };
  },
};
