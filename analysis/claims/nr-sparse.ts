/**
 * NR-sparse (Bengio 2013, arXiv 1305.2982, §4; 1308.3432 §1 on sparsity for conditional
 * computation): a noisy rectifier outputs exact zeros with probability P(h = 0) = Φ(−a/s), a
 * rate set by a/s, while its pathwise gradient stays unbiased. For target rates ρ the
 * pre-activation a = −s·Φ⁻¹(ρ) is set; the zero rate is measured by quadrature (∫ 1[h = 0]) and
 * by sampling, the gradient bias by quadrature. Control: a noisy sigmoid at the same (a, s),
 * which never outputs an exact zero.
 */
import { formatAlpha } from "../format.js";
import { sampleMoments } from "../../src/estimators/sample.js";
import { integrateNoise } from "../../src/exact/noisy.js";
import { HardThreshold, NoisyRectifier, NoisySigmoid, StochasticTimesSmooth, type NoisyUnit } from "../../src/neurons/index.js";
import { SquaredLoss } from "../../src/problems/loss.js";
import { noisySingle, type NoisyNet } from "../../src/problems/noisy-net.js";
import type { EstimatorInstance } from "../../src/estimators/types.js";
import { normalQuantile, zCritical } from "../../src/stats/tests.js";
import { monteCarloMeanCheck, samplesForPower } from "./checks.js";
import { exactWith, r6 } from "./exact-helpers.js";
import { verdict, type Claim } from "./types.js";
import { maxRelativeError } from "../../src/numerics.js";

const RATES = [0.5, 0.8, 0.95, 0.99];
const SCALES = [0.25, 1, 2];
const TARGET = 0.3;

/** Exact P(h = 0) of a single unit by quadrature of the indicator. */
function zeroRate(net: NoisyNet): number {
  const out = new Float64Array(1);
  integrateNoise(net, net.initialParams(), 1, (ws, _L, o) => (o[0] = +(ws.h[0] === 0)), out);
  return out[0];
}

/** An "estimator" whose output is the indicator 1[h = 0] (to z-test the sampled rate). */
function zeroIndicator(net: NoisyNet): EstimatorInstance {
  const ws = net.createWorkspace();
  return {
    noiseSize: 1,
    lossEvaluations: 1,
    estimate(theta, u, out) {
      const L = net.forward(theta, u, ws);
      out[0] = +(ws.h[0] === 0);
      return L;
    },
  };
}

export const nrSparse: Claim = {
  id: "NR-sparse",
  statement: "Noisy rectifiers produce exact zeros at a rate set by a/s (P(h=0) = Φ(−a/s)) while their back-propagated gradient stays unbiased.",
  source: "Bengio 2013, arXiv 1305.2982, §4 (sparse representations and hard decisions)",
  control: "noisy sigmoid σ(a+z) at the same (a, s): unbiased but never exactly zero",
  run(ctx) {
    const table: Record<string, unknown>[] = [];
    const run = (mk: (s: number) => NoisyUnit, name: string) => {
      let rateErr = 0;
      let biasErr = 0;
      for (const s of SCALES) {
        for (const rho of RATES) {
          const a = -s * normalQuantile(rho);
          const net = ctx.problem(`${name} s=${s}, P(h=0)=${rho}`, noisySingle(mk(s), a, new SquaredLoss([TARGET])));
          const r = exactWith(net, net.initialParams(), { g: ["pathwise"] });
          const zr = zeroRate(net);
          rateErr = Math.max(rateErr, Math.abs(zr - rho));
          const rel = maxRelativeError(r.estimators.g.mean, r.gradient);
          biasErr = Math.max(biasErr, rel);
          if (name === "rectifier") table.push({ s, a: r6(a), targetRate: rho, zeroRate: zr, closedForm: mk(s).zeroProbability(a), gradient: r6(r.gradient[0]), pathwiseBias: r.estimators.g.mean[0] - r.gradient[0], pathwiseVariance: r6(r.estimators.g.variance[0]) });
        }
      }
      return [
        // 1e-10: the quadrature target (1e-12 relative) with margin for the indicator's jump at z = −a
        verdict(`max |P(h=0) by quadrature − target rate| (${name}, ${SCALES.length * RATES.length} (a, s) pairs)`, rateErr, 1e-10, "exact", "probability-error"),
        verdict(`max relative error of the pathwise mean vs ∂E[L]/∂a (${name})`, biasErr, 1e-9, "exact", "relative-error"),
      ];
    };
    const checks = run((s) => new NoisyRectifier(s), "rectifier");
    const controls = run((s) => new NoisySigmoid(s), "sigmoid").slice(0, 1);
    // Sampled zero rate at ρ = 0.95, s = 1: z-test at α; n gives power against a 1% rate offset.
    const mc = (mk: (s: number) => NoisyUnit, name: string) => {
      const a = -normalQuantile(0.95);
      const net = noisySingle(mk(1), a, new SquaredLoss([TARGET]));
      const n = Math.min(ctx.quick ? 50000 : 400000, samplesForPower(0.01, Math.sqrt(0.95 * 0.05), zCritical(ctx.alpha, 1)));
      const m = sampleMoments(zeroIndicator(net), net.initialParams(), n, ctx.stream.fork(`zeros/${name}`));
      return monteCarloMeanCheck(`z-test at α = ${formatAlpha(ctx.alpha)} of the sampled exact-zero rate vs the target 0.95 (${name})`, m, [0.95], ctx.alpha);
    };
    checks.push(mc((s) => new NoisyRectifier(s), "rectifier"));
    // Sparsity against bias at equal zero rates (s = 1): noisy rectifier (pathwise), hard
    // threshold (pathwise, 0 a.e.), STS unit with √σ(a) = 1 − ρ (its own STS gradient).
    const sparsityVsBias = RATES.map((rho) => {
      const a = -normalQuantile(rho);
      const rel = (net: NoisyNet, id: "pathwise" | "pathwise-threshold" | "sts") => {
        const r = exactWith(net, net.initialParams(), { g: [id] });
        return { gradient: r6(r.gradient[0]), bias: r6(r.estimators.g.mean[0] - r.gradient[0]), relativeBias: r6((r.estimators.g.mean[0] - r.gradient[0]) / Math.abs(r.gradient[0])), variance: r6(r.estimators.g.variance[0]) };
      };
      const q = 1 - rho;
      const aSts = Math.log((q * q) / (1 - q * q));
      return {
        zeroRate: rho,
        rectifier: { a: r6(a), s: 1, ...rel(noisySingle(new NoisyRectifier(1), a, new SquaredLoss([TARGET])), "pathwise") },
        hardThreshold: { a: r6(a), s: 1, ...rel(noisySingle(new HardThreshold(1), a, new SquaredLoss([TARGET])), "pathwise-threshold") },
        sts: { a: r6(aSts), ...rel(noisySingle(new StochasticTimesSmooth(), aSts, new SquaredLoss([TARGET])), "sts") },
      };
    });
    controls.push(mc((s) => new NoisySigmoid(s), "sigmoid"));
    return {
      reference: "P(h=0) and ∂E[L]/∂a by adaptive quadrature split at z = −a; closed form Φ(−a/s) reported beside it",
      checks,
      controls,
      data: { loss: `(h − ${TARGET})²`, table, sparsityVsBias },
    };
  },
};
