/**
 * Layered antithetic chains shared by AR, ARM and DisARM (Yin & Zhou 2019 §2 and §3 "multiple
 * stochastic layers"; Dong, Mnih & Tucker 2020 §3–4). Units are grouped in layers whose units
 * are conditionally independent given earlier layers (a sigmoid belief net's layers; one unit
 * per layer for sequential problems such as the delayed reward). With one uniform uᵢ per unit:
 *   main chain:   b = forward(u)                     (bᵢ = 1[uᵢ < σ(aᵢ)])
 *   branch l:     b⁽ˡ⁾ = forward(u with u_l → 1 − u_l)  (layer l antithetic: b̃_l = 1[1 − u_l < σ(a_l)],
 *                 later layers re-sampled from the same u_{>l}, earlier layers unchanged)
 * Conditional on u_{<l} and u_{>l}, f is a function F(b_l) of layer l only, so the factorised
 * ARM/DisARM identities apply to layer l's logits; ∂aᵢ/∂θ is taken on the main chain (parents
 * are shared by both branches). Cost: 1 + L loss evaluations.
 */
import { SigmoidBeliefNet } from "../problems/sbn.js";
import type { BinaryProblem, Workspace } from "../problems/types.js";

/** Layer boundaries [start, end) of the units: SBN layers, else one unit per layer. */
export function unitLayers(problem: BinaryProblem): [number, number][] {
  if (problem instanceof SigmoidBeliefNet) return problem.unitOffset.map((o, l) => [o, o + problem.widths[l + 1]]);
  return Array.from({ length: problem.nUnits }, (_, i) => [i, i + 1] as [number, number]);
}

/** Main and branch chains over explicit noise; reusable buffers, no allocation per estimate. */
export class AntitheticChains {
  readonly n: number;
  readonly layers: [number, number][];
  readonly layerOf: Int32Array;
  readonly main: Workspace;
  readonly branch: Workspace;
  readonly ub: Float64Array;
  constructor(readonly problem: BinaryProblem) {
    this.n = problem.nUnits;
    this.layers = unitLayers(problem);
    this.layerOf = new Int32Array(this.n);
    this.layers.forEach(([s, e], l) => this.layerOf.fill(l, s, e));
    this.main = problem.createWorkspace();
    this.branch = problem.createWorkspace();
    this.ub = new Float64Array(this.n);
  }
  /** f on the main chain from u (fills main.h, main.a, main.s). */
  forwardMain(theta: Float64Array, u: Float64Array): number {
    return this.problem.forward(theta, u, this.main);
  }
  /**
   * f on branch l: u with layer l replaced by 1 − v_l, v = u[vOffset …] (vOffset = 0 for
   * ARM/DisARM; n for the negative control's independent u′). Fills branch.*. No allocation.
   */
  forwardBranch(theta: Float64Array, u: Float64Array, l: number, vOffset = 0): number {
    const ub = this.ub;
    for (let i = 0; i < this.n; i++) ub[i] = u[i];
    const [s, e] = this.layers[l];
    for (let i = s; i < e; i++) ub[i] = 1 - u[vOffset + i];
    return this.problem.forward(theta, ub, this.branch);
  }
  /**
   * Breakpoints of noise dimension d (< n: main uniform u_d) given the earlier noise: where the
   * main chain's b_d flips (σ(a_d)), where branch l_d's antithetic b̃_d flips (1 − σ(a_d)), and
   * where each earlier branch's re-sampled b_d flips (σ(a_d⁽ˡ⁾)). `antitheticOnU`: whether the
   * branch for d's own layer reads u_d (ARM/DisARM) or an independent u′_d (control: none).
   */
  breakpoints(theta: Float64Array, d: number, w: Float64Array, branches: boolean, antitheticOnU = true): number[] {
    this.forwardMain(theta, w);
    const s = this.main.s[d];
    const cuts = [s];
    if (!branches) return cuts;
    if (antitheticOnU) cuts.push(1 - s);
    const ld = this.layerOf[d];
    for (let l = 0; l < ld; l++) {
      this.forwardBranchFor(theta, w, l, antitheticOnU);
      cuts.push(this.branch.s[d]);
    }
    return cuts;
  }
  private forwardBranchFor(theta: Float64Array, w: Float64Array, l: number, antitheticOnU: boolean): void {
    this.forwardBranch(theta, w, l, antitheticOnU ? 0 : this.n);
  }
}

/** Upper bound on the cells of the layered antithetic partition: Πᵢ (2 + layer(i)) (× 2ⁿ with u′). */
export function antitheticCellBound(ch: AntitheticChains, independent = false): number {
  let c = 1;
  for (let i = 0; i < ch.n; i++) c *= (independent ? 2 : 1) * (2 + ch.layerOf[i]);
  return c;
}
