/**
 * Moments of a layer estimator's gradient on a fixed minibatch: the network's upstream state is
 * computed once (forward), then each draw re-samples the layer and its downstream network with
 * fresh noise (Network.resample), runs the backward pass down to the layer (backwardTo), and maps
 * the estimator's ∂J/∂a to a parameter gradient (`project`, e.g. the gater units' weights and
 * biases). The draws' mean and per-coordinate variance come from a Welford accumulator.
 *
 * Bias is judged against a reference ∇ at a stated α along a fixed direction d (the reference's,
 * chosen before the draws): z = (mean_d(ĝ_d·d) − ∇·d)/se, the standard error from the per-draw
 * projections (and the reference's, for a Monte Carlo reference). A projection sums the
 * contributions of every example and unit, so its mean is close to normal even where single
 * coordinates are not: a score-function estimator on a gate that is almost surely off puts most of
 * a coordinate's variance in rare flips that a few hundred draws may never show, and a
 * coordinate-wise z-test with sample standard errors then rejects unbiased estimators. That
 * coordinate-wise test (Bonferroni over coordinates, src/stats) is reported beside it, as a
 * secondary statistic.
 */
import { maxRelativeError } from "../numerics.js";
import type { Stream } from "../random/stream.js";
import { MomentAccumulator } from "../stats/accumulator.js";
import { zCritical, zTest, type ZTestResult } from "../stats/tests.js";
import type { Batch } from "./layers.js";
import type { Network } from "./network.js";
import type { StochasticNode } from "./stochastic.js";

/** Sample moments of a gradient estimate over independent noise draws. */
export interface GradientMoments {
  draws: number;
  /** per coordinate (dim) */
  mean: Float64Array;
  /** unbiased sample variance per coordinate (dim) */
  variance: Float64Array;
  /** mean and unbiased sample variance of the per-draw projections ĝ·d, when a direction d was given */
  along: { mean: number; variance: number } | null;
}

/**
 * `draws` estimates of project(layer.dLogits) on the minibatch: the upstream noise comes once from
 * stream.fork("upstream"), the layer's noise of every draw, in sequence, from stream.fork("draws").
 * With a direction d (dim), the projections ĝ·d are accumulated too. Shapes: the projected
 * gradient has `dim` entries. The estimator's online state is read, never advanced. Needs at
 * least 2 draws.
 */
export function layerGradientMoments(net: Network, layer: StochasticNode, batch: Batch, draws: number, stream: Stream, dim: number, project: (dLogits: Float64Array, out: Float64Array) => void, direction: Float64Array | null = null): GradientMoments {
  if (!Number.isInteger(draws) || draws < 2) throw new Error(`probe: at least 2 draws, got ${draws}`);
  net.fillNoise(stream.fork("upstream"), batch.n);
  net.forward(batch);
  const acc = new MomentAccumulator(dim);
  const along = new MomentAccumulator(1);
  const p = new Float64Array(1);
  const g = new Float64Array(dim);
  const ds = stream.fork("draws");
  for (let d = 0; d < draws; d++) {
    net.fillLayerNoise(layer, ds, batch.n);
    net.resample(layer);
    net.backwardTo(layer);
    project(layer.dLogits, g);
    acc.push(g);
    if (direction) {
      let s = 0;
      for (let k = 0; k < dim; k++) s += g[k] * direction[k];
      p[0] = s;
      along.push(p);
    }
  }
  const variance = new Float64Array(dim);
  for (let k = 0; k < dim; k++) variance[k] = acc.m2[k] / (draws - 1);
  return { draws, mean: acc.mean.slice(), variance, along: direction ? { mean: along.mean[0], variance: along.m2[0] / (draws - 1) } : null };
}

/** A reference gradient: exact (se = 0) or a Monte Carlo mean with its standard errors. */
export interface ReferenceGradient {
  mean: Float64Array;
  se: Float64Array;
  /** "exact" or the id of the unbiased estimator whose mean it is */
  source: string;
  draws: number;
  /** a Monte Carlo reference's own projection onto the test direction, with its standard error (exact references project their mean) */
  along?: { mean: number; se: number };
}

/** How an estimator's mean compares with the reference. */
export interface BiasReport {
  /** ‖E[ĝ] − ∇‖ / ‖∇‖ (E[ĝ] estimated by the draws' mean) */
  relativeBias: number;
  /** √(Σ se²) / ‖∇‖: the relative bias pure noise would show */
  relativeNoise: number;
  /** cos∠(mean, reference) */
  cosine: number;
  /** mean over coordinates of Var[ĝ] */
  meanVariance: number;
  /** max relative error in the ∞-norm */
  maxRelativeError: number;
  /** the test along d: z = (mean(ĝ·d) − ∇·d)/se, two-sided at α (null without a direction) */
  along: { estimate: number; reference: number; se: number; z: number; critical: number; significant: boolean } | null;
  /** secondary: Bonferroni z-test of E[ĝ] = ∇ over every coordinate, se² = se_ĝ² + se_ref² (see the module comment) */
  coordinates: ZTestResult;
  /** max |z| over the coordinates whose se > 0 (finite, unlike `coordinates.maxAbsZ`) */
  coordinateMaxFiniteAbsZ: number;
  /** coordinates with se = 0 whose mean differs from the reference (no draw showed a flip): rejected at any α */
  coordinatesWithoutSpread: number;
}

/** Compare moments with a reference at level α (along the direction the moments were projected on, and coordinate-wise). */
export function biasReport(m: GradientMoments, ref: ReferenceGradient, alpha: number, direction: Float64Array | null = null): BiasReport {
  const dim = m.mean.length;
  const se = new Float64Array(dim);
  let diff2 = 0;
  let ref2 = 0;
  let noise2 = 0;
  let dot = 0;
  let mm = 0;
  let v = 0;
  let finiteZ = 0;
  let withoutSpread = 0;
  for (let k = 0; k < dim; k++) {
    se[k] = Math.sqrt(m.variance[k] / m.draws + ref.se[k] * ref.se[k]);
    const d = m.mean[k] - ref.mean[k];
    if (se[k] > 0) finiteZ = Math.max(finiteZ, Math.abs(d) / se[k]);
    else if (d !== 0) withoutSpread++;
    diff2 += d * d;
    ref2 += ref.mean[k] * ref.mean[k];
    noise2 += se[k] * se[k];
    dot += m.mean[k] * ref.mean[k];
    mm += m.mean[k] * m.mean[k];
    v += m.variance[k];
  }
  let along: BiasReport["along"] = null;
  if (direction && m.along) {
    let r = 0;
    for (let k = 0; k < dim; k++) r += ref.mean[k] * direction[k];
    const refAlong = ref.along ?? { mean: r, se: 0 };
    const s = Math.sqrt(m.along.variance / m.draws + refAlong.se * refAlong.se);
    const z = (m.along.mean - refAlong.mean) / s;
    const critical = zCritical(alpha);
    along = { estimate: m.along.mean, reference: refAlong.mean, se: s, z, critical, significant: !(Math.abs(z) <= critical) };
  }
  const norm = Math.sqrt(ref2);
  return {
    relativeBias: Math.sqrt(diff2) / norm,
    relativeNoise: Math.sqrt(noise2) / norm,
    cosine: dot / Math.sqrt(mm * ref2),
    meanVariance: v / dim,
    maxRelativeError: maxRelativeError(m.mean, ref.mean),
    along,
    coordinates: zTest(m.mean, se, ref.mean, alpha),
    coordinateMaxFiniteAbsZ: finiteZ,
    coordinatesWithoutSpread: withoutSpread,
  };
}

/** d = v/‖v‖ (a test direction from a reference mean). */
export function unitDirection(v: Float64Array): Float64Array {
  let s = 0;
  for (let k = 0; k < v.length; k++) s += v[k] * v[k];
  const n = Math.sqrt(s);
  return v.map((x) => x / n);
}
