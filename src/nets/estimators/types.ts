/**
 * The layer-level estimator contract. A stochastic layer of width N, on a minibatch of n examples
 * (sample-major rows), samples h from its logits a and explicit noise u; its estimator returns
 * ∂J/∂a (n×N) for the minibatch objective J = (1/n)·Σ_r f_r + penalties, where f_r is example r's
 * loss downstream of the layer. It reads the layer's own tensors plus whatever the network can
 * supply — the three signals of /work/shared/DESIGN.md ("Notes for the research-scale modules"):
 *
 *   - per-example losses f (n): the score-function family (correlation, RLOO, NVIL's baseline);
 *   - a back-propagated signal δh = ∂J/∂h (n×N), when every node between the layer and the losses
 *     is differentiable: straight-through, STS, pathwise;
 *   - re-runs of the downstream network on other values of h (later stochastic layers re-sampled
 *     from their own stored noise): ARM, DisARM, RLOO's extra samples; and the mean-field pass
 *     with its gradient (MuProp).
 *
 * Sample by sample, on a net that is also a project problem (a sigmoid belief net or a noisy net,
 * one example per row), a layer estimator equals the single-sample estimator of src/estimators
 * named by `singleSample` given the same uniforms (test/unit/nets-estimators.test.ts), so the
 * exact-moment checks of those estimators carry over to the batched code.
 */
import type { LayerUnit, UnitKind } from "../units.js";

/** Numeric options of a layer estimator (decay, K, …). */
export type LayerEstimatorOptions = Record<string, number>;

/** What the network supplies to a stochastic layer's estimator for one minibatch. */
export interface LayerSignals {
  /** rows (examples) in the minibatch */
  readonly n: number;
  /** units in the layer */
  readonly width: number;
  readonly unit: LayerUnit;
  /** logits a (n×width) */
  readonly logits: Float64Array;
  /** P(h ≠ 0 | a) (n×width): σ(a) for Bernoulli units, √σ(a) for STS, Φ(a/s) for the noisy rectifier */
  readonly prob: Float64Array;
  /** the layer's uniforms, rows of stride noiseStride: the main sample reads the first `width`, estimators their extra noise after it */
  readonly noise: Float64Array;
  readonly noiseStride: number;
  /** the units' noise values (n×width): h for Bernoulli units, b for STS, z for the noisy rectifier */
  readonly e: Float64Array;
  /** the layer's output h (n×width) */
  readonly h: Float64Array;
  /** ∂J/∂f_r, the weight of one example's loss in the objective (1/n) */
  readonly weight: number;
  /** per-example losses f (n) at the sampled h */
  readonly losses: Float64Array;
  /** δh = ∂J/∂h (n×width) when the downstream network back-propagates, else null */
  readonly gradOutput: Float64Array | null;
  /**
   * Re-run the downstream network with this layer's output replaced by hAlt (n×width): fOut (n)
   * receives the per-example losses. Later stochastic layers are re-sampled from their own noise.
   */
  rerun(hAlt: Float64Array, fOut: Float64Array): void;
  /**
   * The mean-field downstream pass (MuProp, Gu et al. 2016 §3): this layer's output set to hBar,
   * later stochastic layers replaced by their means E[h | a]; fOut (n) gets f(hBar) and dfdh
   * (n×width) gets ∂f/∂h at hBar (per example, unweighted). Null when the downstream network
   * has no gradient.
   */
  readonly meanField: ((hBar: Float64Array, fOut: Float64Array, dfdh: Float64Array) => void) | null;
  /** the network's input rows (n×inputWidth), for input-dependent baselines (NVIL) */
  readonly input: Float64Array;
  readonly inputWidth: number;
}

/** An estimator bound to one layer; holds its online state (baselines). */
export interface LayerEstimator {
  /** out (n×width) ← the estimate of ∂J/∂a from the signals (overwritten). No allocation. */
  logitGradient(s: LayerSignals, out: Float64Array): void;
  /** Advance the online state (moving averages) from the signals of the last estimate. */
  observe?(s: LayerSignals): void;
  /** Online state as plain numbers (checkpoints and records); restore() reads it back bit for bit. */
  state?(): Record<string, number | number[]>;
  restore?(state: Record<string, number | number[]>): void;
}

export interface LayerEstimatorSpec {
  /** registry key; the same as the single-sample estimator's id where one corresponds */
  readonly id: string;
  readonly title: string;
  /** one-line formula for ∂J/∂a of example r, unit j */
  readonly formula: string;
  /** paper and section */
  readonly source: string;
  /** unbiased for ∂E[J]/∂a by theory */
  readonly unbiased: boolean;
  /** the unit kinds it serves */
  readonly units: readonly UnitKind[];
  /** reads the back-propagated signal δh (so the downstream network must be differentiable) */
  readonly needsBackprop: boolean;
  /** its ∂J/∂a is δh times a slope, so layers upstream still receive a back-propagated signal */
  readonly propagates: boolean;
  /** uses the mean-field pass */
  readonly needsMeanField?: boolean;
  /** option names with defaults */
  readonly defaults: LayerEstimatorOptions;
  /** downstream re-runs per estimate (the cost beyond the main pass) */
  reruns(options: LayerEstimatorOptions): number;
  /** extra uniforms per example, as a multiple of the layer width (RLOO: K − 1) */
  extraNoise(options: LayerEstimatorOptions): number;
  /** the single-sample estimator of src/estimators this equals, and on which nets (see the module comment) */
  readonly singleSample?: { id: string; on: string };
  /** Validated options (defaults filled in); a bad value is a FieldError naming the option. */
  options(options?: LayerEstimatorOptions): LayerEstimatorOptions;
  create(width: number, options: LayerEstimatorOptions): LayerEstimator;
}
