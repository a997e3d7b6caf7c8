/**
 * Exact references for nets with injected noise (src/problems/noisy-net.ts) by nested
 * one-dimensional quadrature over each unit's noise, in unit order:
 *   E[F] = ∫ φ_{s₁}(z₁) ∫ φ_{s₂}(z₂) … F(h(θ, z)) dz,     Bernoulli (STS) noise summed exactly,
 * each Gaussian level by adaptive Gauss–Kronrod (src/exact/quadrature.ts) over the standardised
 * noise z/s, split at the unit's kink or jump (z = −a for the rectifier and the threshold) and
 * around the Gaussian mass (|z/s| ≤ 8), with a per-component error target; errors of the inner
 * levels are carried up, and every returned quantity is certified (1e-9 relative, variances 1e-8) or refused
 * (`certifyQuadrature`, ExactRefusal). The gradient reference is the score-function form, added
 * level by level with the baseline V(z = 0) (NoiseIntegrationOptions.score), which never
 * differentiates through a Gaussian unit — independent of the pathwise gradient it checks
 * (Bengio 2013, arXiv 1305.2982, §4).
 *
 * Cost grows like (≈300 evaluations)^(Gaussian units): `quadratureCost` estimates it and
 * `MAX_QUADRATURE_COST` bounds it; larger nets are checked by seeded Monte Carlo.
 */
import type { EstimatorEntry, ExactMoments } from "../estimators/types.js";
import { NoisyNet, type NoisyWorkspace } from "../problems/noisy-net.js";
import type { BinaryProblem } from "../problems/types.js";
import type { ExactAnalysis } from "./types.js";
import { gaussianExpectationVector, type IntegrateOptions } from "./quadrature.js";
import { ExactRefusal, InputError } from "../errors.js";

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
 * Certification target of every exact quantity the nested quadrature returns: its error estimate
 * (panel errors |K15 − G7|, each panel's rounding floor 50ε∫|f|, and the inner levels' errors
 * carried up) must be ≤ 1e-9 of the quantity's ∞-norm, else the result is refused. The levels
 * themselves aim at 1e-12; what keeps the certified bound above that is the leaves' own rounding,
 * which no subdivision resolves: the score term ψ·(V − V₀) = (z/s²)(L(fl(a + z)) − L(a)) carries
 * ε·|a|/s of relative noise (2e-10 at a/s = 1e6), counted here as if it never averaged out.
 */
export const CERTIFIED_RELATIVE_ERROR = 1e-9;

/**
 * Certification target of variances (Var[L], Var[ĝ]): 1e-8. They are second moments of centred
 * values whose leaves carry the rounding of h = fl(a + z) itself, ε·|a| against a variation of
 * order s, twice over.
 */
export const CERTIFIED_VARIANCE_RELATIVE_ERROR = 1e-8;

/** Rounding noise of one leaf value relative to the magnitudes it was computed from (a few ulp). */
const LEAF_ROUNDING = 4 * Number.EPSILON;

/**
 * Throws ExactRefusal unless the quadrature certified `quantity` (a value vector with its error
 * estimates, per entry): max error ≤ tolerance · max |value| (CERTIFIED_RELATIVE_ERROR by default).
 * A value that is zero only to within its error (a sum that cancelled below its rounding) is
 * refused, not reported as 0; exactly zero integrands give 0 with error 0. Non-finite values or
 * errors (an integrand that overflowed) are refused with that reason.
 */
export function certifyQuadrature(quantity: string, value: ArrayLike<number>, error: ArrayLike<number>, tolerance = CERTIFIED_RELATIVE_ERROR): void {
  let v = 0;
  let e = 0;
  for (let k = 0; k < value.length; k++) {
    v = Math.max(v, Math.abs(value[k]));
    e = Math.max(e, error[k]);
  }
  if (!Number.isFinite(e) || !Number.isFinite(v)) {
    throw new ExactRefusal(quantity, `${quantity}: the integrand is not finite somewhere in the noise (it overflows float64: losses or weights too large for h's range); no exact value can be certified; rescale the problem or estimate it by Monte Carlo (stochgrad estimate)`);
  }
  if (e <= tolerance * v) return;
  throw new ExactRefusal(quantity, `exact quadrature could not certify ${quantity} to ${tolerance} relative: error estimate ${e.toExponential(2)} against |${quantity}| = ${v.toExponential(2)} within its interval budget; use seeded Monte Carlo (stochgrad estimate) for this problem`);
}

/** Options of a nested integration: the per-level adaptive rule's, plus level-wise score terms. */
export interface NoiseIntegrationOptions extends IntegrateOptions {
  /**
   * Add the score-function gradient level by level: at unit i, Jᵢ·E_{eᵢ}[ψᵢ(eᵢ)(V(eᵢ) − V(eᵢ = 0))]
   * is added to out[gradient … gradient + nParams), where V is the inner integral of component
   * `value` (the loss), ψᵢ = zᵢ/sᵢ² for Gaussian units (exactly q'(V(1) − V(0)) for STS units) and Jᵢ
   * = daᵢ/dθ through STS smooth paths (`NoisyNet.scoreDirection`). Equal in exact arithmetic to
   * the leaf form L·ψᵢ·Jᵢ, but the baseline V(0) removes the cancellation of order E[L]/(s·|∇|)
   * that made the leaf form lose six digits at s = 1e-7, and STS units need no division by q(1 − q).
   */
  score?: { value: number; gradient: number };
  /** hears (nodes of the outermost level done, an estimate of their total) as the integration advances */
  onProgress?: (done: number, total: number) => void;
}

/** A nested integral's bookkeeping: leaf evaluations, and per component the error estimate (with the leaves' rounding). */
export interface NoiseIntegral {
  evaluations: number;
  error: Float64Array;
}

/**
 * out[d] = E[leaf_d] over all units' noise, by nested quadrature. `leaf(ws, L, out, noise)` is
 * called with ws.h, ws.a, ws.e set for one noise point and L its loss; it may write to noise (zeroed)
 * the absolute rounding noise of each value (a centred value L − c carries that of L and c). Each Gaussian level integrates
 * over τ = z/s split at the unit's kinks and around the Gaussian mass (quadrature.ts), with a
 * per-component target (relTol default 1e-12, absTol default 0); inner errors are
 * integrated along and carried up with the leaves' own rounding, so the returned errors bound the
 * whole nest. Nothing is certified here: callers pass the errors to `certifyQuadrature`.
 * Shapes: out (dim).
 */
export function integrateNoise(net: NoisyNet, theta: Float64Array, dim: number, leaf: (ws: NoisyWorkspace, L: number, out: Float64Array, noise: Float64Array) => void, out: Float64Array, opts: NoiseIntegrationOptions = {}): NoiseIntegral {
  const why = quadratureApplicable(net);
  if (why) throw new InputError(why);
  const n = net.nUnits;
  const P = net.nParams;
  const score = opts.score;
  const K = dim + (score ? 1 : 0);
  // Each nested value carries its error estimate e: the panel errors and rounding floors of every
  // level below plus the leaf values' own rounding (reported by the leaf), counted as if it never
  // averaged out. No panel can be resolved below the error of its integrand's values, so the inner
  // e is also the subdivision's floor. Integrand of a Gaussian level: [values (K), e (K)].
  const noiseIndex = Array.from({ length: K }, (_, d) => K + d);
  const qopts: IntegrateOptions = { relTol: opts.relTol ?? 1e-12, absTol: opts.absTol ?? 0, maxIntervals: opts.maxIntervals, controlled: K, noise: noiseIndex };
  const ws = net.createWorkspace();
  interface Nested {
    o: Float64Array;
    e: Float64Array;
  }
  const buffers = (): Nested => ({ o: new Float64Array(dim), e: new Float64Array(dim) });
  const level = Array.from({ length: n + 1 }, () => ({ at: buffers(), at0: buffers(), vec: new Float64Array(2 * K), J: new Float64Array(P) }));
  let evaluations = 0;
  const addScore = (i: number, S: number, eS: number, r: Nested) => {
    const J = level[i].J;
    net.scoreDirection(theta, ws, i, J);
    const g = score!.gradient;
    for (let k = 0; k < P; k++) {
      const j = Math.abs(J[k]);
      if (j === 0) continue;
      r.o[g + k] += S * J[k];
      r.e[g + k] += eS * j;
    }
  };
  const rec = (i: number, r: Nested): void => {
    if (i === n) {
      evaluations++;
      r.e.fill(0);
      leaf(ws, net.lossValue(ws), r.o, r.e);
      return;
    }
    const a = net.logit(theta, ws, i);
    const unit = net.units[i];
    const { at: B, at0: B0 } = level[i + 1];
    const set = (noise: number) => {
      ws.a[i] = a;
      ws.e[i] = noise;
      ws.h[i] = unit.forward(a, noise);
    };
    if (unit.noise === "bernoulli") {
      // both branches always: P(b = 0) = 1 − q may be tiny but the score needs V(0)
      const q = unit.noiseProbability!(a);
      const qb = unit.noiseComplement!(a);
      set(1);
      rec(i + 1, B);
      set(0);
      rec(i + 1, B0);
      for (let d = 0; d < dim; d++) {
        r.o[d] = q * B.o[d] + qb * B0.o[d];
        r.e[d] = q * B.e[d] + qb * B0.e[d];
      }
      if (score) {
        const v = score.value;
        const dq = unit.noiseProbabilityDerivative!(a);
        addScore(i, dq * (B.o[v] - B0.o[v]), dq * (B.e[v] + B0.e[v]), r);
      }
      return;
    }
    let c0 = 0;
    if (score) {
      set(0);
      rec(i + 1, B0);
      c0 = B0.o[score.value];
    }
    const s2 = unit.s * unit.s;
    const vec = level[i].vec;
    let nodes = 0;
    const res = gaussianExpectationVector(
      (z, oz) => {
        // the outermost level's node count against its usual ≈ 300 (capped below the end)
        if (i === 0 && opts.onProgress && (++nodes & 7) === 0) opts.onProgress(Math.min(nodes, 290), 300);
        set(z);
        rec(i + 1, B);
        for (let d = 0; d < dim; d++) {
          oz[d] = B.o[d];
          oz[K + d] = B.e[d];
        }
        if (score) {
          const v = score.value;
          oz[dim] = (z / s2) * (B.o[v] - c0);
          oz[K + dim] = Math.abs(z / s2) * (B.e[v] + B0.e[v]);
        }
      },
      2 * K,
      unit.s,
      vec,
      { ...qopts, breakpoints: unit.breakpoints(a) },
    );
    const errs = res.errors!;
    for (let d = 0; d < dim; d++) {
      r.o[d] = vec[d];
      r.e[d] = errs[d] + vec[K + d];
    }
    if (score) addScore(i, vec[dim], errs[dim] + vec[K + dim], r);
  };
  const top: Nested = { o: out, e: new Float64Array(dim) };
  rec(0, top);
  return { evaluations, error: top.e };
}

/**
 * The loss at each unit's mode noise (z = 0, b = 1[q ≥ ½]), leaving ws filled there: the centre c
 * the exact sums subtract (E[L] = c + E[L − c]), so small noise keeps Var[L] = O(s²) and the
 * estimators' variances from cancelling against E[L]².
 */
function modeForward(net: NoisyNet, theta: Float64Array, ws: NoisyWorkspace): number {
  for (let i = 0; i < net.nUnits; i++) {
    const a = net.logit(theta, ws, i);
    const unit = net.units[i];
    const e = unit.modeNoise(a);
    ws.a[i] = a;
    ws.e[i] = e;
    ws.h[i] = unit.forward(a, e);
  }
  return net.lossValue(ws);
}

/**
 * L − c for the leaf in ws, with c = L(h₀) at the mode noise (ws0 filled there): by the loss's
 * `difference` (no cancellation of L and c) where it has one. Writes the value's rounding noise to
 * noise[1]: a few ulp of L − c plus the rounding of each output that differs from its mode value,
 * ½ε·|∂L/∂yₖ|(|yₖ| + |y₀ₖ|) (h = fl(a + z) is only known to ½ulp; outputs equal to their mode value
 * bitwise, such as a threshold's 1 or an STS unit with the same b, carry no difference);
 * 4ε(|L| + |c|) for a loss without `difference`.
 */
function centredLoss(net: NoisyNet, ws0: NoisyWorkspace, c: number): (ws: NoisyWorkspace, L: number, noise: Float64Array) => number {
  const loss = net.loss;
  const off = net.unitOffset[net.nLayers - 1];
  const y0 = ws0.h;
  const g = new Float64Array(loss.arity);
  if (!loss.difference) {
    return (_ws, L, noise) => {
      noise[1] = LEAF_ROUNDING * (Math.abs(L) + Math.abs(c));
      return L - c;
    };
  }
  return (ws, _L, noise) => {
    const d = loss.difference!(ws.h, off, y0, off);
    loss.grad(ws.h, off, g);
    let sens = 0;
    for (let k = 0; k < loss.arity; k++) {
      const y = ws.h[off + k];
      const b = y0[off + k];
      if (y !== b) sens += Math.abs(g[k]) * (Math.abs(y) + Math.abs(b));
    }
    noise[1] = Number.EPSILON * (2 * Math.abs(d) + 0.5 * sens);
    return d;
  };
}

/**
 * Exact E[ĝ] and Var[ĝ] of an estimator given as a function of a filled workspace
 * (g = grad(ws, L, g)), by nested quadrature of [g − g₀, (g − g₀)²] with g₀ the estimate at the
 * mode noise (so Var = E[(g − g₀)²] − (E[g] − g₀)² does not cancel at small noise), certified to
 * CERTIFIED_RELATIVE_ERROR or refused (ExactRefusal naming `name`). Shapes: mean, variance (nParams).
 */
export function noisyEstimatorMoments(net: NoisyNet, theta: Float64Array, grad: (ws: NoisyWorkspace, L: number, g: Float64Array) => void, name = "the estimator", opts: IntegrateOptions = {}): ExactMoments {
  const P = net.nParams;
  const g = new Float64Array(P);
  const g0 = new Float64Array(P);
  const ws0 = net.createWorkspace();
  grad(ws0, modeForward(net, theta, ws0), g0);
  const out = new Float64Array(2 * P);
  const r = integrateNoise(
    net,
    theta,
    2 * P,
    (ws, L, o, noise) => {
      grad(ws, L, g);
      for (let k = 0; k < P; k++) {
        const d = g[k] - g0[k];
        o[k] = d;
        o[P + k] = d * d;
        noise[k] = LEAF_ROUNDING * (Math.abs(g[k]) + Math.abs(g0[k]));
        noise[P + k] = 2 * Math.abs(d) * noise[k];
      }
    },
    out,
    opts,
  );
  const mean = new Float64Array(P);
  const variance = new Float64Array(P);
  const meanErr = r.error.subarray(0, P);
  const varErr = new Float64Array(P);
  for (let k = 0; k < P; k++) {
    const d = out[k];
    mean[k] = g0[k] + d;
    variance[k] = Math.max(0, out[P + k] - d * d);
    varErr[k] = r.error[P + k] + 2 * Math.abs(d) * r.error[k];
  }
  certifyQuadrature(`E[ĝ] of ${name}`, mean, meanErr);
  certifyQuadrature(`Var[ĝ] of ${name}`, variance, varErr, CERTIFIED_VARIANCE_RELATIVE_ERROR);
  return { mean, variance };
}

/**
 * The exact engine for a noisy net: one nested integration of [1, L − c, (L − c)², ∇_smooth,
 * 1[hᵢ=0], hᵢ] plus the level-wise score terms (NoiseIntegrationOptions.score) gives E[L], Var[L],
 * ∇θE[L] (score form: independent of the pathwise gradient it checks), the total probability
 * (∫1 = 1 up to quadrature error) and each unit's exact zero rate and mean output; each is
 * certified to CERTIFIED_RELATIVE_ERROR or refused. c is the loss at the mode noise.
 * "custom"-noise instances contribute via their own `exactMoments`, deterministic ("none")
 * instances by one evaluation; "units" instances (built on Bernoulli units) are not meaningful
 * here and are omitted.
 */
export function noisyExactAnalysis(net: NoisyNet, theta: Float64Array, instances: Record<string, EstimatorEntry> = {}, opts: IntegrateOptions = {}, onProgress?: (done: number, total: number, what: string) => void): ExactAnalysis {
  const P = net.nParams;
  const n = net.nUnits;
  const g = new Float64Array(P);
  const dim = 3 + P + 2 * n;
  const out = new Float64Array(dim);
  const custom = Object.values(instances).filter((e) => e.noise === "custom" && e.instance.exactMoments).length;
  const phases = 1 + custom;
  const ws0 = net.createWorkspace();
  const c = modeForward(net, theta, ws0);
  const centred = centredLoss(net, ws0, c);
  const smooth = net.hasBernoulliUnits;
  const r = integrateNoise(
    net,
    theta,
    dim,
    (ws, L, o, noise) => {
      const Lc = centred(ws, L, noise);
      o[0] = 1;
      o[1] = Lc;
      o[2] = Lc * Lc;
      noise[2] = 2 * Math.abs(Lc) * noise[1];
      if (smooth) {
        net.smoothPathGradient(theta, ws, g);
        for (let k = 0; k < P; k++) o[3 + k] = g[k];
      } else for (let k = 0; k < P; k++) o[3 + k] = 0;
      for (let i = 0; i < n; i++) {
        o[3 + P + i] = +(ws.h[i] === 0);
        o[3 + P + n + i] = ws.h[i];
      }
    },
    out,
    { ...opts, score: { value: 1, gradient: 3 }, onProgress: onProgress ? (d, t) => onProgress(d / t, phases, "nested quadrature of E[L], ∇E[L] and the unit facts") : undefined },
  );
  const err = r.error;
  const expectedLoss = c + out[1];
  const lossVariance = Math.max(0, out[2] - out[1] * out[1]);
  certifyQuadrature("E[L]", [expectedLoss], [err[1]]);
  certifyQuadrature("Var[L]", [lossVariance], [err[2] + 2 * Math.abs(out[1]) * err[1]], CERTIFIED_VARIANCE_RELATIVE_ERROR);
  const gradient = out.slice(3, 3 + P);
  certifyQuadrature("∇E[L]", gradient, err.subarray(3, 3 + P));
  certifyQuadrature("P(h = 0)", out.subarray(3 + P, 3 + P + n), err.subarray(3 + P, 3 + P + n));
  certifyQuadrature("E[h]", out.subarray(3 + P + n), err.subarray(3 + P + n));
  const estimators: Record<string, ExactMoments> = {};
  const unavailable: Record<string, string> = {};
  let phase = 1;
  for (const [key, e] of Object.entries(instances)) {
    if (e.noise === "custom" && e.instance.exactMoments) {
      onProgress?.(phase++, phases, `exact moments of ${key}`);
      try {
        estimators[key] = e.instance.exactMoments(theta);
      } catch (err) {
        // an estimator whose own moments cannot be certified is refused alone, with the reason
        if (!(err instanceof InputError)) throw err;
        unavailable[key] = err.message;
      }
    }
    if (e.noise === "none") {
      // deterministic estimators (e.g. "exact"): one evaluation, zero variance
      const mean = new Float64Array(P);
      e.instance.estimate(theta, new Float64Array(e.instance.noiseSize), mean);
      estimators[key] = { mean, variance: new Float64Array(P) };
    }
  }
  return {
    expectedLoss,
    lossVariance,
    gradient,
    units: net.units.map((u, i) => ({ index: i, layer: net.unitLayer[i], type: u.type, ...(u.noise === "gaussian" ? { s: u.s } : {}), zeroProbability: out[3 + P + i], meanOutput: out[3 + P + n + i] })),
    estimators,
    states: r.evaluations,
    totalProbability: out[0],
    ...(Object.keys(unavailable).length > 0 ? { unavailable } : {}),
  };
}

/** The problem as a NoisyNet: the quadrature engine needs its unit types and noise layout. */
export function requireNoisyNet(problem: BinaryProblem): NoisyNet {
  if (problem instanceof NoisyNet) return problem;
  throw new InputError(`problem kind "${problem.kind}" declares injected unit noise, but the quadrature engine integrates NoisyNet problems only (src/problems/noisy-net.ts)`);
}
