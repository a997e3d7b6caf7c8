/**
 * Moments of a layer estimator's gradient on a fixed minibatch: the network's upstream state is
 * computed once (forward), then each draw re-samples the layer and its downstream network with
 * fresh noise (Network.resample), runs the backward pass down to the layer (backwardTo), and maps
 * the estimator's ∂J/∂a to a parameter gradient (`project`, e.g. the gater units' weights and
 * biases). The draws' mean and per-coordinate variance come from a Welford accumulator; bias is
 * then judged against a reference by a Bonferroni z-test (src/stats) at a stated α.
 */
import { maxRelativeError } from "../numerics.js";
import type { Stream } from "../random/stream.js";
import { MomentAccumulator } from "../stats/accumulator.js";
import { zTest, type ZTestResult } from "../stats/tests.js";
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
}

/**
 * `draws` estimates of project(layer.dLogits) on the minibatch: the upstream noise comes once from
 * stream.fork("upstream"), the layer's noise of every draw, in sequence, from stream.fork("draws").
 * Shapes: the projected gradient has `dim` entries. The estimator's online state is read, never
 * advanced. Needs at least 2 draws.
 */
export function layerGradientMoments(net: Network, layer: StochasticNode, batch: Batch, draws: number, stream: Stream, dim: number, project: (dLogits: Float64Array, out: Float64Array) => void): GradientMoments {
  if (!Number.isInteger(draws) || draws < 2) throw new Error(`probe: at least 2 draws, got ${draws}`);
  net.fillNoise(stream.fork("upstream"), batch.n);
  net.forward(batch);
  const acc = new MomentAccumulator(dim);
  const g = new Float64Array(dim);
  const ds = stream.fork("draws");
  for (let d = 0; d < draws; d++) {
    net.fillLayerNoise(layer, ds, batch.n);
    net.resample(layer);
    net.backwardTo(layer);
    project(layer.dLogits, g);
    acc.push(g);
  }
  const variance = new Float64Array(dim);
  for (let k = 0; k < dim; k++) variance[k] = acc.m2[k] / (draws - 1);
  return { draws, mean: acc.mean.slice(), variance };
}

/** A reference gradient: exact (se = 0) or a Monte Carlo mean with its standard errors. */
export interface ReferenceGradient {
  mean: Float64Array;
  se: Float64Array;
  /** "exact" or the id of the unbiased estimator whose mean it is */
  source: string;
  draws: number;
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
  /** Bonferroni z-test of E[ĝ] = reference over every coordinate, se² = se_ĝ² + se_ref² */
  test: ZTestResult;
}

/** Compare moments with a reference at family-wise level α (Bonferroni over the coordinates). */
export function biasReport(m: GradientMoments, ref: ReferenceGradient, alpha: number): BiasReport {
  const dim = m.mean.length;
  const se = new Float64Array(dim);
  let diff2 = 0;
  let ref2 = 0;
  let noise2 = 0;
  let dot = 0;
  let mm = 0;
  let v = 0;
  for (let k = 0; k < dim; k++) {
    se[k] = Math.sqrt(m.variance[k] / m.draws + ref.se[k] * ref.se[k]);
    const d = m.mean[k] - ref.mean[k];
    diff2 += d * d;
    ref2 += ref.mean[k] * ref.mean[k];
    noise2 += se[k] * se[k];
    dot += m.mean[k] * ref.mean[k];
    mm += m.mean[k] * m.mean[k];
    v += m.variance[k];
  }
  const norm = Math.sqrt(ref2);
  return {
    relativeBias: Math.sqrt(diff2) / norm,
    relativeNoise: Math.sqrt(noise2) / norm,
    cosine: dot / Math.sqrt(mm * ref2),
    meanVariance: v / dim,
    maxRelativeError: maxRelativeError(m.mean, ref.mean),
    test: zTest(m.mean, se, ref.mean, alpha),
  };
}
