/**
 * Reference problems used by the claims, figures, tests and benchmarks. All are deterministic:
 * random weights come from a Stream seeded by a fixed key.
 */
import { Stream } from "../random/stream.js";
import { DelayedReward } from "./delayed.js";
import { SquaredLoss, TableLoss, type LossFunction } from "./loss.js";
import { SigmoidBeliefNet, type SbnLayerSpec } from "./sbn.js";

/** One unit h = 1[u < σ(a)] with L = (h − t)² (the seed's running example). */
export function singleUnit(a: number, t: number): SigmoidBeliefNet {
  return new SigmoidBeliefNet([], [{ weights: [[]], bias: [a] }], new SquaredLoss([t]), "single");
}

/** One unit with a table loss L = [f(0), f(1)][h]. */
export function singleUnitTable(a: number, f0: number, f1: number): SigmoidBeliefNet {
  return new SigmoidBeliefNet([], [{ weights: [[]], bias: [a] }], new TableLoss([f0, f1]), "single");
}

/**
 * Random layered belief net: widths = [n₀ (inputs), n₁, …, n_L]; weights ~ N(0, scale²),
 * biases ~ N(0, (scale/2)²), input x ∈ {0,1}^n₀ alternating 1,0,1,…; squared loss to a target
 * that alternates 1,0,1,… over the last layer unless `loss` is given.
 */
export function randomSbn(widths: number[], seed: string, scale = 1.5, loss?: LossFunction): SigmoidBeliefNet {
  const s = Stream.fromSeed(seed);
  const layers: SbnLayerSpec[] = [];
  for (let l = 1; l < widths.length; l++) {
    const weights: number[][] = [];
    for (let i = 0; i < widths[l]; i++) weights.push(Array.from({ length: widths[l - 1] }, () => scale * s.normal()));
    layers.push({ weights, bias: Array.from({ length: widths[l] }, () => 0.5 * scale * s.normal()) });
  }
  const x = Array.from({ length: widths[0] }, (_, j) => (j % 2 === 0 ? 1 : 0));
  const last = widths[widths.length - 1];
  return new SigmoidBeliefNet(x, layers, loss ?? new SquaredLoss(Array.from({ length: last }, (_, k) => (k % 2 === 0 ? 1 : 0))));
}

/** The reference 3-layer net: x ∈ {0,1}³, layers 4-4-4, squared loss. */
export function referenceNet(): SigmoidBeliefNet {
  return randomSbn([3, 4, 4, 4], "reference-net/4-4-4");
}

/** The reference net with a table loss over the last layer's 16 configurations (values in [0, 2]). */
export function referenceNetTable(): SigmoidBeliefNet {
  const s = Stream.fromSeed("reference-net/table");
  const table = Array.from({ length: 16 }, () => 2 * s.uniform());
  return randomSbn([3, 4, 4, 4], "reference-net/4-4-4", 1.5, new TableLoss(table));
}

/** The reference delayed-reward problem: T = 6 decisions in a 5-state corridor, reward 1 at the right end and 0.3 at the left end. */
export function referenceDelayed(): DelayedReward {
  return new DelayedReward({ kind: "delayed", steps: 6, states: 5, start: 2, policy: [0.4, -0.3, 0.2, 0.8, -0.5], reward: [0.3, 0, 0, 0, 1] });
}
