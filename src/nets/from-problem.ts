/**
 * A project problem as a batched network: the tie between src/nets and the single-sample world.
 * A layered sigmoid belief net (src/problems/sbn.ts) or noisy net (src/problems/noisy-net.ts)
 * with a squared loss becomes input x → [dense → stochastic layer] per layer → squared loss, each
 * stochastic layer with its own layer estimator. With one row per minibatch, row r's noise taken
 * from the single-sample noise vector and θ converted, the network's gradient equals the
 * single-sample estimate (test/unit/nets-estimators.test.ts).
 *
 * Conversions: the problems store Wˡ unit-major (nₗ × nₗ₋₁, W[i][j] from j to unit i), the network
 * input-major (nₗ₋₁ × nₗ); biases are the same.
 */
import { InputError } from "../errors.js";
import { SquaredLoss } from "../problems/loss.js";
import type { LayerLayout } from "../problems/layout.js";
import { NoisyNet } from "../problems/noisy-net.js";
import { SigmoidBeliefNet } from "../problems/sbn.js";
import type { BinaryProblem } from "../problems/types.js";
import type { LayerEstimatorOptions, LayerEstimatorSpec } from "./estimators/types.js";
import type { DenseNode } from "./layers.js";
import { Network, NetworkBuilder } from "./network.js";
import type { StochasticNode } from "./stochastic.js";
import { layerUnit, type LayerUnit } from "./units.js";

export interface ProblemNetwork {
  network: Network;
  /** the problem's layer layout */
  layout: LayerLayout;
  dense: DenseNode[];
  layers: StochasticNode[];
  /** the constant input x as a batch row source (n₀) */
  input: Float64Array;
  /** θ (problem layout) → network θ */
  setParams(theta: Float64Array): void;
  /** network gradient → problem layout (nParams) */
  gradientOf(g: Float64Array, out: Float64Array): void;
  /** Write row r's noise from the single-sample noise vector u (unit order; extra noise at u[k·nUnits + unit] for copy k). */
  setNoiseRow(r: number, u: Float64Array): void;
}

function unitsOf(problem: SigmoidBeliefNet | NoisyNet, layout: LayerLayout): LayerUnit[] {
  if (problem instanceof NoisyNet) {
    return problem.layerUnits.map((u, l) => {
      if (u.type === "noisy-rectifier") return layerUnit("noisy-rectifier", { s: u.s });
      if (u.type === "sts") return layerUnit("sts");
      throw new InputError(`layers[${l}].unit: ${u.type} units have no layer form in src/nets (noisy-rectifier and sts do)`);
    });
  }
  return layout.widths.slice(1).map(() => layerUnit("bernoulli"));
}

/**
 * The network of a layered problem, one estimator (spec and options) per stochastic layer.
 * Shapes: estimators (nLayers).
 */
export function networkFromProblem(problem: BinaryProblem, estimators: { spec: LayerEstimatorSpec; options?: LayerEstimatorOptions }[], maxRows = 1): ProblemNetwork {
  if (!(problem instanceof SigmoidBeliefNet) && !(problem instanceof NoisyNet)) throw new InputError(`problem kind "${problem.kind}": only layered belief nets (sbn, single, noisy-net, noisy-single) have a network form`);
  const p = problem;
  const layout = p.layout;
  const units = unitsOf(problem, layout);
  if (!(p.loss instanceof SquaredLoss)) throw new InputError(`loss: only the squared loss has a network form, got ${JSON.stringify(p.loss.toJSON())}`);
  if (estimators.length !== layout.nLayers) throw new InputError(`estimators: expected one per layer (${layout.nLayers}), got ${estimators.length}`);
  const b = new NetworkBuilder();
  const n0 = layout.widths[0];
  // a net with no input (a single unit's logit is its bias) reads one zero column
  const x = b.input("x", Math.max(1, n0), true);
  const dense: DenseNode[] = [];
  const layers: StochasticNode[] = [];
  let prev: DenseNode | StochasticNode | typeof x = x;
  for (let l = 0; l < layout.nLayers; l++) {
    const d = b.dense(`dense${l + 1}`, prev, layout.widths[l + 1]);
    const s = b.stochastic(`h${l + 1}`, d, { unit: units[l], estimator: estimators[l].spec, estimatorOptions: estimators[l].options });
    dense.push(d);
    layers.push(s);
    prev = s;
  }
  b.squared("loss", prev, p.loss.target);
  const network = b.build(maxRows);
  const input = n0 > 0 ? layout.input.slice() : new Float64Array(1);
  const nUnits = layout.nUnits;
  return {
    network,
    layout,
    dense,
    layers,
    input,
    setParams(theta) {
      for (let l = 0; l < layout.nLayers; l++) {
        const nIn = layout.widths[l];
        const nOut = layout.widths[l + 1];
        const { W, b: bias } = dense[l].split(network.paramsOf(dense[l]));
        W.fill(0);
        for (let i = 0; i < nOut; i++) for (let j = 0; j < nIn; j++) W[j * nOut + i] = theta[layout.weightOffset[l] + i * nIn + j];
        for (let i = 0; i < nOut; i++) bias[i] = theta[layout.biasOffset[l] + i];
      }
    },
    gradientOf(g, out) {
      for (let l = 0; l < layout.nLayers; l++) {
        const nIn = layout.widths[l];
        const nOut = layout.widths[l + 1];
        const { W, b: bias } = dense[l].split(network.paramsOf(dense[l], g));
        for (let i = 0; i < nOut; i++) for (let j = 0; j < nIn; j++) out[layout.weightOffset[l] + i * nIn + j] = W[j * nOut + i];
        for (let i = 0; i < nOut; i++) out[layout.biasOffset[l] + i] = bias[i];
      }
    },
    setNoiseRow(r, u) {
      layers.forEach((s, l) => {
        const N = s.width;
        const off = layout.unitOffset[l];
        const copies = s.noiseStride / N;
        for (let k = 0; k < copies; k++) for (let j = 0; j < N; j++) s.noise[r * s.noiseStride + k * N + j] = u[k * nUnits + off + j];
      });
    },
  };
}
