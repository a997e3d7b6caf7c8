/**
 * The negative-phase contract of RBM training. The log-likelihood gradient is X⁺ − X⁻ (Bengio
 * 2013, arXiv 1305.2982, §5): the positive phase comes from the batch, the negative phase from the
 * model. A sampler supplies the negative phase — samples from a Markov chain (CD-k, PCD-k,
 * parallel tempering) or the exact model expectation — and the trainer turns it into a gradient
 * with `phaseGradient` (rbm.ts), whichever sampler it is.
 *
 * Adding a sampler: one file exporting a `NegativePhaseSpec`, one line in `registry.ts`.
 */
import type { NegativePhase, Rbm } from "../rbm.js";
import type { Stream } from "../../random/stream.js";

/** The training options a sampler reads (a subset of `RbmTrainOptions`). */
export interface NegativePhaseOptions {
  /** Gibbs steps per update (CD-k, PCD-k) */
  readonly k: number;
  /** number of persistent chains (PCD) */
  readonly chains: number;
  /** rows per minibatch (CD starts one chain per row) */
  readonly batchSize: number;
  /** use p(h|v) for hNeg (Rao–Blackwellised, as scikit-learn) rather than sampled h */
  readonly meanFieldHidden: boolean;
}

/** A sampler bound to one model: buffers allocated once, `sample` allocates no arrays. */
export interface NegativePhaseSampler {
  /**
   * The negative phase for the batch V (n×nV rows) whose positive hiddens are hPos (n×nH: p(h|v),
   * or sampled h when meanFieldHidden is off). Randomness from `stream` only.
   */
  sample(V: Float64Array, hPos: Float64Array, n: number, stream: Stream): NegativePhase;
  /**
   * Persistent 0/1 chain state carried across updates (PCD's hidden states, chains×nH), saved with
   * the model for bit-exact resume; absent when the sampler keeps no state between updates.
   */
  readonly persistent?: Float64Array;
}

export interface NegativePhaseSpec {
  /** registry key and the value of `RbmTrainOptions.method` */
  readonly id: string;
  /** short title for logs and legends */
  readonly title: string;
  /** the paper that introduced it */
  readonly source: string;
  /** null when usable for this model and these options, else the reason */
  applicable(shape: { readonly nVisible: number; readonly nHidden: number }, options: NegativePhaseOptions): string | null;
  create(rbm: Rbm, options: NegativePhaseOptions): NegativePhaseSampler;
}
