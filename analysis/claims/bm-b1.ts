/**
 * BM-B1: the Boltzmann machine log-likelihood gradient is positive minus negative phase,
 *   ∂ log p(v)/∂bᵢ = X⁺ᵢ − X⁻ᵢ,  ∂ log p(v)/∂Wᵢⱼ = ⟨XᵢXⱼ⟩⁺ − ⟨XᵢXⱼ⟩⁻,
 * with both phases computed exactly by enumeration, checked against central finite differences
 * of the exact log-likelihood (an independent route: only log Z and free energies).
 */
import { BoltzmannMachine, bmExactGradient, bmLogLikelihood } from "../../src/boltzmann/bm.js";
import { rbmExactGradient, rbmExactGradientFlat, rbmLogLikelihood } from "../../src/boltzmann/exact.js";
import { gradientToFlat, Rbm } from "../../src/boltzmann/rbm.js";
import { randomRbm, SEED_BM } from "./bm-common.js";
import { verdict, type Claim } from "./types.js";
import { maxRelativeError } from "../../src/numerics.js";

/**
 * Tolerance 1e-6 relative. Central differences with step h = 1e-5 have truncation
 * error h²|f'''|/6 ≈ 2e-11·|f'''| and rounding error ≈ ε·|f|/h ≈ 2e-10 for |f| ≲ 10 nats, so the
 * correct gradient sits ~1e-9 away while a missing phase is off by O(1).
 */
const FD_TOL = 1e-6;
const H = 1e-5;

function centralDifference(f: (t: Float64Array) => number, theta: Float64Array): Float64Array {
  const g = new Float64Array(theta.length);
  const t = theta.slice();
  for (let k = 0; k < theta.length; k++) {
    t[k] = theta[k] + H;
    const up = f(t);
    t[k] = theta[k] - H;
    const dn = f(t);
    t[k] = theta[k];
    g[k] = (up - dn) / (2 * H);
  }
  return g;
}

function randomData(rows: number, nV: number, s: import("../../src/random/stream.js").Stream): Float64Array {
  const d = new Float64Array(rows * nV);
  s.uniforms(d);
  for (let k = 0; k < d.length; k++) d[k] = +(d[k] < 0.5);
  return d;
}

export const bmB1: Claim = {
  id: "BM-B1",
  statement: "For a Boltzmann machine, ∂log p(v)/∂bᵢ = X⁺ᵢ − X⁻ᵢ and ∂log p(v)/∂Wᵢⱼ = ⟨XᵢXⱼ⟩⁺ − ⟨XᵢXⱼ⟩⁻ (clamped minus free phase).",
  source: SEED_BM,
  control: "the positive (clamped) phase alone, X⁺, as the gradient",
  run(ctx) {
    const rbmShapes: [number, number][] = [
      [4, 3],
      [3, 5],
      [6, 4],
    ];
    const bmShapes: [number, number][] = [
      [3, 3],
      [4, 2],
      [2, 5],
    ];
    let worst = 0;
    let worstControl = Infinity;
    const models: Record<string, unknown>[] = [];
    rbmShapes.forEach(([nV, nH], m) => {
      const s = ctx.stream.fork(`rbm/${m}`);
      const rbm = ctx.problem(`RBM ${nV}×${nH}`, randomRbm(nV, nH, s, 1));
      const data = randomData(4, nV, s.fork("data"));
      ctx.problem(`RBM ${nV}×${nH} data`, { rows: 4, v: Array.from(data) });
      const g = rbmExactGradientFlat(rbm, data, 4).gradient;
      const fd = centralDifference((t) => rbmLogLikelihood(Rbm.fromFlat(nV, nH, t), data, 4), rbm.toFlat());
      const pos = rbmExactGradient(rbm, data, 4).positive;
      const posFlat = gradientToFlat({ W: pos.vh, b: pos.v, c: pos.h });
      const e = maxRelativeError(g, fd);
      const ec = maxRelativeError(posFlat, fd);
      worst = Math.max(worst, e);
      worstControl = Math.min(worstControl, ec);
      models.push({ kind: "rbm", shape: [nV, nH], params: g.length, relError: e, controlRelError: ec });
      ctx.progress(m + 1, 6);
    });
    bmShapes.forEach(([nV, nH], m) => {
      const s = ctx.stream.fork(`bm/${m}`);
      const bm = BoltzmannMachine.random(nV, nH, s, 1, 0.5);
      const data = randomData(4, nV, s.fork("data"));
      const r = bmExactGradient(bm, data, 4);
      const fd = centralDifference((t) => bmLogLikelihood(BoltzmannMachine.fromFlat(nV, nH, t), data, 4), bm.toFlat());
      const e = maxRelativeError(r.gradient, fd);
      const ec = maxRelativeError(r.positive, fd);
      worst = Math.max(worst, e);
      worstControl = Math.min(worstControl, ec);
      models.push({ kind: "bm", shape: [nV, nH], params: r.gradient.length, relError: e, controlRelError: ec });
      ctx.progress(4 + m, 6);
    });
    return {
      reference: "central finite differences (h = 1e-5) of the exact log-likelihood (log Z and free energies by enumeration)",
      checks: [verdict(`max relative ∞-norm error of X⁺ − X⁻ vs finite differences, over ${models.length} random RBMs and general BMs`, worst, FD_TOL, "exact", "relative-error")],
      controls: [verdict("same check for the positive phase alone (best case over the models)", worstControl, FD_TOL, "exact", "relative-error")],
      data: { step: H, models },
    };
  },
};
