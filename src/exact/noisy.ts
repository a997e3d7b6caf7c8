/**
 * Exact references for nets with injected noise (src/problems/noisy-net.ts) by nested
 * one-dimensional quadrature over each unit's noise, in unit order:
 *   E[F] = ∫ φ_{s₁}(z₁) ∫ φ_{s₂}(z₂) … F(h(θ, z)) dz,     Bernoulli (STS) noise summed exactly,
 * each Gaussian level by adaptive Gauss–Kronrod (src/exact/quadrature.ts) split at the unit's
 * kink or jump (z = −a for the rectifier and the threshold), so piecewise-smooth integrands reach
 * ~1e-12. The gradient reference is the score-function form (noisy-net.ts `scoreGradient`),
 * which never differentiates through a Gaussian unit — independent of the pathwise gradient it
 * checks (Bengio 2013, arXiv 1305.2982, §4).
 *
 * Cost grows like (≈300 evaluations)^(Gaussian units): `quadratureCost` estimates it and
 * `MAX_QUADRATURE_COST` bounds it; larger nets are checked by seeded Monte Carlo.
 */
import type { EstimatorEntry, ExactMoments } from "../estimators/types.js";
import { NoisyNet, type NoisyWorkspace } from "../problems/noisy-net.js";
import type { BinaryProblem } from "../problems/types.js";
import type { ExactAnalysis } from "./types.js";
import { gaussianExpectationVector, type IntegrateOptions } from "./quadrature.js";
import { InputError } from "../errors.js";

/** Upper bound on the estimated number of leaf evaluations of one nested integration. */
export const MAX_QUADRATURE_COST = 4e6;

/** Rough leaf-evaluation count: Π over units (≈ 300 per Gaussian unit, 2 per STS unit). */
export function quadratureCost(net: NoisyNet): number {
  let c = 1;
  for (const u of net.units) c *= u.noise === "gaussian" ? 300 : 2;
  return c;
}

/** null if the net is small enough for nested quadrature, else the reason. */
export function quadratureApplicable(net: NoisyNet): string | null {
  const c = quadratureCost(net);
  return c > MAX_QUADRATURE_COST ? `nested quadrature over ${net.nUnits} noisy units would take ~${c.toExponential(1)} evaluations (limit ${MAX_QUADRATURE_COST.toExponential(0)}); use seeded Monte Carlo (stochgrad estimate)` : null;
}

/**
 * out[d] = E[leaf_d] over all units' noise, by nested quadrature. `leaf(ws, L, out)` is called
 * with ws.h, ws.a, ws.e set for one noise point and L its loss. Shapes: out (dim).
 * Returns the number of leaf evaluations.
 */
export function integrateNoise(net: NoisyNet, theta: Float64Array, dim: number, leaf: (ws: NoisyWorkspace, L: number, out: Float64Array) => void, out: Float64Array, opts: IntegrateOptions = {}): number {
  const why = quadratureApplicable(net);
  if (why) throw new InputError(why);
  const n = net.nUnits;
  const ws = net.createWorkspace();
  const levelBuf = Array.from({ length: n + 1 }, () => new Float64Array(dim));
  let evaluations = 0;
  const rec = (i: number, o: Float64Array): void => {
    if (i === n) {
      evaluations++;
      leaf(ws, net.lossValue(ws), o);
      return;
    }
    const a = net.logit(theta, ws, i);
    const unit = net.units[i];
    if (unit.noise === "bernoulli") {
      const q = unit.noiseProbability!(a);
      const tmp = levelBuf[i + 1];
      o.fill(0);
      for (const b of [0, 1]) {
        const p = b === 1 ? q : 1 - q;
        if (p === 0) continue;
        ws.a[i] = a;
        ws.e[i] = b;
        ws.h[i] = unit.forward(a, b);
        rec(i + 1, tmp);
        for (let d = 0; d < dim; d++) o[d] += p * tmp[d];
      }
      return;
    }
    gaussianExpectationVector(
      (z, oz) => {
        ws.a[i] = a;
        ws.e[i] = z;
        ws.h[i] = unit.forward(a, z);
        rec(i + 1, oz);
      },
      dim,
      unit.s,
      o,
      { ...opts, breakpoints: unit.breakpoints(a) },
    );
  };
  rec(0, out);
  return evaluations;
}

/**
 * Exact E[ĝ] and Var[ĝ] of an estimator given as a function of a filled workspace
 * (g = grad(ws, L, g)), by nested quadrature of [g, g²]. Shapes: mean, variance (nParams).
 */
export function noisyEstimatorMoments(net: NoisyNet, theta: Float64Array, grad: (ws: NoisyWorkspace, L: number, g: Float64Array) => void): ExactMoments {
  const P = net.nParams;
  const g = new Float64Array(P);
  const out = new Float64Array(2 * P);
  integrateNoise(net, theta, 2 * P, (ws, L, o) => {
    grad(ws, L, g);
    for (let k = 0; k < P; k++) {
      o[k] = g[k];
      o[P + k] = g[k] * g[k];
    }
  }, out);
  const mean = out.slice(0, P);
  const variance = new Float64Array(P);
  for (let k = 0; k < P; k++) variance[k] = Math.max(0, out[P + k] - mean[k] * mean[k]);
  return { mean, variance };
}

/**
 * The exact engine for a noisy net: one nested integration of [1, L, L², ∇_score, 1[hᵢ=0], hᵢ]
 * gives E[L], Var[L], ∇θE[L], the total probability (∫1 = 1 up to quadrature error) and each
 * unit's exact zero rate and mean output; "custom"-noise
 * instances contribute via their own `exactMoments`, deterministic ("none") instances by one
 * evaluation; "units" instances (built on Bernoulli units) are not meaningful here and are omitted.
 */
export function noisyExactAnalysis(net: NoisyNet, theta: Float64Array, instances: Record<string, EstimatorEntry> = {}): ExactAnalysis {
  const P = net.nParams;
  const n = net.nUnits;
  const g = new Float64Array(P);
  const out = new Float64Array(3 + P + 2 * n);
  const evals = integrateNoise(net, theta, 3 + P + 2 * n, (ws, L, o) => {
    net.scoreGradient(theta, ws, L, g);
    o[0] = 1;
    o[1] = L;
    o[2] = L * L;
    for (let k = 0; k < P; k++) o[3 + k] = g[k];
    for (let i = 0; i < n; i++) {
      o[3 + P + i] = +(ws.h[i] === 0);
      o[3 + P + n + i] = ws.h[i];
    }
  }, out);
  const estimators: Record<string, ExactMoments> = {};
  for (const [key, e] of Object.entries(instances)) {
    if (e.noise === "custom" && e.instance.exactMoments) estimators[key] = e.instance.exactMoments(theta);
    if (e.noise === "none") {
      // deterministic estimators (e.g. "exact"): one evaluation, zero variance
      const mean = new Float64Array(P);
      e.instance.estimate(theta, new Float64Array(e.instance.noiseSize), mean);
      estimators[key] = { mean, variance: new Float64Array(P) };
    }
  }
  return {
    expectedLoss: out[1],
    lossVariance: Math.max(0, out[2] - out[1] * out[1]),
    gradient: out.slice(3, 3 + P),
    units: net.units.map((u, i) => ({ index: i, layer: net.unitLayer[i], type: u.type, s: u.noise === "gaussian" ? u.s : null, zeroProbability: out[3 + P + i], meanOutput: out[3 + P + n + i] })),
    estimators,
    states: evals,
    totalProbability: out[0],
  };
}

/** The problem as a NoisyNet: the quadrature engine needs its unit types and noise layout. */
export function requireNoisyNet(problem: BinaryProblem): NoisyNet {
  if (problem instanceof NoisyNet) return problem;
  throw new InputError(`problem kind "${problem.kind}" declares injected unit noise, but the quadrature engine integrates NoisyNet problems only (src/problems/noisy-net.ts)`);
}
