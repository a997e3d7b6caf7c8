/**
 * The mean-field network of a belief net and the first-order Taylor expansion of its loss
 * (Gu, Levine, Sutskever & Mnih 2016, "MuProp", §3 and Algorithm 1): the deterministic pass
 *   h̄¹ = σ(W¹x + b¹),  h̄ˡ = σ(Wˡh̄ˡ⁻¹ + bˡ),  f̄ = L̃(h̄ᴸ),
 * with every stochastic unit replaced by its mean, and back-propagation through that pass,
 *   slopeᴸ = ∇L̃(h̄ᴸ),  slopeˡ⁻¹ⱼ = Σᵢ Wˡᵢⱼ σ'(āˡᵢ) slopeˡᵢ,
 * so slopeᵢ = ∂f̄/∂h̄ᵢ with the downstream layers mean-field. L̃ is the loss on real-valued
 * units: the squared loss itself, the multilinear extension of a table loss
 * (src/estimators/relaxation.ts, `continuousLoss`).
 *
 * What MuProp needs from a problem: (1) this expansion, which depends on θ only (never on the
 * sampled h), and (2) a layer index per unit such that units of one layer are conditionally
 * independent given earlier layers and none descends from another in its layer (so the Taylor
 * term of layer l has zero mean against each of its units' scores given the earlier layers).
 * Sigmoid belief nets (kinds "single", "sbn") with a squared or table loss have both, built in
 * here; any other problem may supply them by implementing {@link MeanFieldProblem}.
 */
import { sigmoid, sigmoidDerivative } from "../numerics.js";
import { SigmoidBeliefNet } from "../problems/sbn.js";
import type { BinaryProblem } from "../problems/types.js";
import { continuousLoss } from "./relaxation.js";

/**
 * Fills mean (h̄, nUnits) and slope (∂f̄/∂h̄ᵢ, nUnits) for parameters θ and returns f̄. Pure in θ.
 */
export type MeanFieldExpansion = (theta: Float64Array, mean: Float64Array, slope: Float64Array) => number;

/** The optional problem capability that MuProp reads when a problem is not a built-in belief net. */
export interface MeanFieldProblem extends BinaryProblem {
  /** see {@link MeanFieldExpansion} */
  meanFieldExpansion(theta: Float64Array, mean: Float64Array, slope: Float64Array): number;
  /** layer of unit i (units of one layer are conditionally independent given earlier layers) */
  layerOf(i: number): number;
}

function isMeanFieldProblem(p: BinaryProblem): p is MeanFieldProblem {
  const q = p as Partial<MeanFieldProblem>;
  return typeof q.meanFieldExpansion === "function" && typeof q.layerOf === "function";
}

/** A problem's mean-field expansion and layer map, or the reason it has none. */
export function meanFieldOf(problem: BinaryProblem): { expand: MeanFieldExpansion; layer: Int32Array } | string {
  if (problem.unitNoise === "injected") return `problem kind "${problem.kind}" has units with injected noise, not Bernoulli(σ(a)) units`;
  const layer = new Int32Array(problem.nUnits);
  if (problem instanceof SigmoidBeliefNet) {
    const loss = continuousLoss(problem.loss);
    if (!loss) return `the loss of this belief net has no real-valued extension, so the mean-field network has no loss (MuProp needs a squared or table loss)`;
    for (let i = 0; i < problem.nUnits; i++) layer[i] = problem.layerOf(i);
    return { expand: sbnMeanField(problem, loss), layer };
  }
  if (isMeanFieldProblem(problem)) {
    for (let i = 0; i < problem.nUnits; i++) layer[i] = problem.layerOf(i);
    return { expand: (t, m, s) => problem.meanFieldExpansion(t, m, s), layer };
  }
  return `problem kind "${problem.kind}" has no mean-field network: MuProp needs the loss as a differentiable function of real-valued unit means, back-propagated through a deterministic mean-field pass (a sigmoid belief net with a squared or table loss, or a problem implementing meanFieldExpansion and layerOf)`;
}

/** The mean-field pass and its back-propagation for a sigmoid belief net (see module comment). */
function sbnMeanField(net: SigmoidBeliefNet, loss: NonNullable<ReturnType<typeof continuousLoss>>): MeanFieldExpansion {
  const L = net.nLayers;
  const lastOff = net.unitOffset[L - 1];
  const lossGrad = new Float64Array(loss.arity);
  const dsig = new Float64Array(net.nUnits);
  return (theta, mean, slope) => {
    for (let l = 0; l < L; l++) {
      const nIn = net.widths[l];
      const prev = l === 0 ? net.input : mean;
      const pOff = l === 0 ? 0 : net.unitOffset[l - 1];
      const uOff = net.unitOffset[l];
      for (let i = 0; i < net.widths[l + 1]; i++) {
        const row = net.weightOffset[l] + i * nIn;
        let z = theta[net.biasOffset[l] + i];
        for (let j = 0; j < nIn; j++) z += theta[row + j] * prev[pOff + j];
        const s = sigmoid(z);
        mean[uOff + i] = s;
        dsig[uOff + i] = sigmoidDerivative(z);
      }
    }
    const value = loss.value(mean, lastOff);
    slope.fill(0);
    loss.grad(mean, lastOff, lossGrad);
    for (let k = 0; k < loss.arity; k++) slope[lastOff + k] = lossGrad[k];
    for (let l = L - 1; l >= 1; l--) {
      const nIn = net.widths[l];
      const uOff = net.unitOffset[l];
      const pOff = net.unitOffset[l - 1];
      for (let i = 0; i < net.widths[l + 1]; i++) {
        const d = slope[uOff + i] * dsig[uOff + i];
        if (d === 0) continue;
        const row = net.weightOffset[l] + i * nIn;
        for (let j = 0; j < nIn; j++) slope[pOff + j] += d * theta[row + j];
      }
    }
    return value;
  };
}
