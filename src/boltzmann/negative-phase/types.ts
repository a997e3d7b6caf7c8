/**
 * The negative-phase contract of RBM training. The log-likelihood gradient is X⁺ − X⁻ (Bengio
 * 2013, arXiv 1305.2982, §5): the positive phase comes from the batch, the negative phase from the
 * model. A sampler supplies the negative phase — samples from Markov chains (CD-k, PCD-k, and
 * tempered chains such as parallel tempering) or the exact model expectation — and the trainer
 * turns it into one parameter step (trainer.ts), whichever sampler it is.
 *
 * Samplers run on the compute core (`RbmCore`, ../gibbs.ts): its conditionals are pool jobs, its
 * lists and matrices live in the shared memory, and every random draw comes from a `ChunkStreams`
 * the sampler derives from the Stream it is given (one generator state per row chunk), so the
 * negative phase is the same for any number of workers.
 *
 * Adding a sampler: one file exporting a `NegativePhaseSpec`, one line in `registry.ts`.
 */
import type { BinaryIndex, FloatArray } from "../../linalg/kernels.js";
import type { Stream } from "../../random/stream.js";
import type { RbmCore } from "../gibbs.js";

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

/** The positive phase of one batch, on the core. */
export interface PositivePhase {
  /** row lists of the batch v⁺ (n rows) */
  readonly v: BinaryIndex;
  /** h⁺ (n×nH): p(h|v⁺), or sampled 0/1 h when meanFieldHidden is off */
  readonly H: FloatArray;
  /** row lists of the sampled h⁺ when meanFieldHidden is off (CD starts its chains there), else null */
  readonly h: BinaryIndex | null;
  readonly n: number;
}

/**
 * What a sampler hands to the parameter step: samples from (an approximation of) the model, on the
 * core — row lists v of v⁻ (n rows) and h⁻ (n×nH: p(h|v⁻), or sampled 0/1 h) — or the model
 * expectations E[v] (nV), E[h] (nH), E[v hᵀ] (nV×nH row-major).
 */
export type NegativeStatistics =
  | { readonly kind: "samples"; readonly v: BinaryIndex; readonly H: FloatArray; readonly n: number }
  | { readonly kind: "expectations"; readonly v: Float64Array; readonly h: Float64Array; readonly vh: Float64Array };

/** A sampler bound to one core: buffers allocated once (in the core's arena), `sample` allocates none. */
export interface NegativePhaseSampler {
  /** The negative phase for the batch whose positive phase is `pos`. Randomness from the sampler's own streams only. */
  sample(pos: PositivePhase): NegativeStatistics;
  /**
   * The state carried across updates (persistent chains, generator positions), as plain JSON, for
   * bit-exact resume; undefined when the sampler keeps none.
   */
  toJSON(): unknown;
  /** Restore what `toJSON` wrote (undefined for none); every error is an InputError naming `where` and the field. */
  restore(state: unknown, where: string): void;
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
  /** A sampler on `core`; its randomness derives from `stream` only (keyed forks). */
  create(core: RbmCore, options: NegativePhaseOptions, stream: Stream): NegativePhaseSampler;
}
