/**
 * Layered sigmoid belief net (Neal 1992) with a constant input x:
 *   h¹ = 1[u¹ < σ(W¹x + b¹)],  hˡ = 1[uˡ < σ(Wˡhˡ⁻¹ + bˡ)],  L = loss(hᴸ).
 * The single binary unit of the seed's Theorem 1 (Bengio 2013, §3) is the case with no input
 * and one layer of one unit, whose bias is the logit a.
 *
 * Parameter layout (flat θ): for each layer l = 1..L, Wˡ row-major (nₗ × nₗ₋₁; Wˡ[i][j] maps
 * unit j of the previous layer, or input j, to unit i), then bˡ (nₗ).
 */
import { sigmoidComplement } from "../numerics.js";
import type { LossFunction } from "./loss.js";
import { LayerLayout, type LayerSpec } from "./layout.js";
import { type BinaryProblem, type Workspace } from "./types.js";
import { InputError } from "../errors.js";
import type { NdArray } from "../ndarray.js";

/** weights[i][j]: unit j of the previous layer (or input) → unit i; bias per unit. */
export type SbnLayerSpec = LayerSpec;

export class SigmoidBeliefNet implements BinaryProblem {
  readonly kind: string;
  readonly nUnits: number;
  readonly nParams: number;
  /** constant input x (length n₀) */
  readonly input: Float64Array;
  /** layer widths n₀ (input), n₁, …, n_L */
  readonly widths: number[];
  /** offset of layer l's first unit in h (l = 1..L; index l−1) */
  readonly unitOffset: number[];
  /** offset of Wˡ in θ, and of bˡ */
  readonly weightOffset: number[];
  readonly biasOffset: number[];
  readonly loss: LossFunction;
  /** the shared layered layout (offsets, validation, labels, nesting) */
  readonly layout: LayerLayout;
  private readonly theta0: Float64Array;
  private readonly lossGrad: Float64Array;
  private coefScratch: Float64Array = new Float64Array(0);
  private l0Params: Float64Array = new Float64Array(0);
  private l0A: Float64Array = new Float64Array(0);
  private l0S: Float64Array = new Float64Array(0);
  private l0C: Float64Array = new Float64Array(0);
  private l0Valid = false;

  /**
   * @param input constant x (may be empty)
   * @param layers per layer: weights (nₗ × nₗ₋₁) and bias (nₗ)
   * @param loss on the last layer
   * @param kind "sbn" (default) or "single" for the one-unit case
   */
  constructor(input: ArrayLike<number>, layers: SbnLayerSpec[], loss: LossFunction, kind = "sbn") {
    this.kind = kind;
    const lay = new LayerLayout(input, layers);
    this.layout = lay;
    this.input = lay.input;
    this.widths = lay.widths;
    this.unitOffset = lay.unitOffset;
    this.weightOffset = lay.weightOffset;
    this.biasOffset = lay.biasOffset;
    this.nUnits = lay.nUnits;
    this.nParams = lay.nParams;
    const last = this.widths[this.widths.length - 1];
    if (loss.arity !== last) throw new InputError(`loss: reads ${loss.arity} units but the last layer has ${last}`);
    this.loss = loss;
    this.lossGrad = new Float64Array(last);
    this.theta0 = lay.theta0;
    this.coefScratch = new Float64Array(lay.nUnits);
    this.l0Params = new Float64Array(this.widths[1] * (this.widths[0] + 1));
    this.l0A = new Float64Array(this.widths[1]);
    this.l0S = new Float64Array(this.widths[1]);
    this.l0C = new Float64Array(this.widths[1]);
  }

  /** The last layer's units are parents of no unit. */
  get leafUnits(): number {
    return this.widths[this.widths.length - 1];
  }

  /** Unit whose logit each parameter enters (Wˡ row i and bˡᵢ → unit i of layer l). */
  paramUnit(): Int32Array {
    const out = new Int32Array(this.nParams);
    for (let l = 0; l < this.nLayers; l++) {
      const nIn = this.widths[l];
      for (let i = 0; i < this.widths[l + 1]; i++) {
        const u = this.unitOffset[l] + i;
        out.fill(u, this.weightOffset[l] + i * nIn, this.weightOffset[l] + (i + 1) * nIn);
        out[this.biasOffset[l] + i] = u;
      }
    }
    return out;
  }

  get nLayers(): number {
    return this.widths.length - 1;
  }

  initialParams(): Float64Array {
    return this.theta0.slice();
  }

  paramLabels(): string[] {
    return this.layout.paramLabels(this.kind === "single" ? "a" : undefined);
  }

  createWorkspace(): Workspace {
    const n = this.nUnits;
    // scratch: back-propagated dL/dh per unit (n) + last-layer loss gradient
    return { h: new Float64Array(n), a: new Float64Array(n), s: new Float64Array(n), c: new Float64Array(n), scratch: new Float64Array(n) };
  }

  /** Logit of every unit of layer l from the previous layer's values (θ, h fixed). */
  /**
   * The first layer's logits depend only on θ (its input x is constant), so they are cached by
   * value: the cached parameters are compared (W¹, b¹: n₁(n₀+1) numbers) and, if equal, a¹,
   * σ(a¹) and σ(−a¹) are copied instead of recomputed. Values, not object identity, so θ mutated in place
   * by an optimiser is always seen.
   */
  private firstLayerFromCache(theta: Float64Array, ws: Workspace): boolean {
    const c = this.l0Params;
    const off = this.weightOffset[0];
    if (!this.l0Valid) return false;
    for (let k = 0; k < c.length; k++) if (theta[off + k] !== c[k]) return false;
    ws.a.set(this.l0A);
    ws.s.set(this.l0S);
    ws.c.set(this.l0C);
    return true;
  }

  private layerLogits(theta: Float64Array, ws: Workspace, l: number): void {
    if (l === 0 && this.firstLayerFromCache(theta, ws)) return;
    const nIn = this.widths[l];
    const nOut = this.widths[l + 1];
    const prev = l === 0 ? this.input : ws.h;
    const pOff = l === 0 ? 0 : this.unitOffset[l - 1];
    const wOff = this.weightOffset[l];
    const bOff = this.biasOffset[l];
    const uOff = this.unitOffset[l];
    const a = ws.a;
    const s = ws.s;
    const c = ws.c;
    for (let i = 0; i < nOut; i++) {
      let z = theta[bOff + i];
      const row = wOff + i * nIn;
      for (let j = 0; j < nIn; j++) z += theta[row + j] * prev[pOff + j];
      a[uOff + i] = z;
      // σ(z) = 1/(1 + e^{−z}) (numerics.sigmoid's arithmetic) and σ(−z) from the same exponential
      const e = Math.exp(-z);
      const si = 1 / (1 + e);
      s[uOff + i] = si;
      c[uOff + i] = sigmoidComplement(e, si);
    }
    if (l === 0) {
      // parameters of layer 1 are contiguous: W¹ (n₁×n₀) then b¹ (n₁)
      this.l0Params.set(theta.subarray(wOff, wOff + nOut * (nIn + 1)));
      this.l0A.set(a.subarray(0, nOut));
      this.l0S.set(s.subarray(0, nOut));
      this.l0C.set(c.subarray(0, nOut));
      this.l0Valid = true;
    }
  }

  forward(theta: Float64Array, u: Float64Array, ws: Workspace): number {
    const h = ws.h;
    const s = ws.s;
    for (let l = 0; l < this.nLayers; l++) {
      this.layerLogits(theta, ws, l);
      const off = this.unitOffset[l];
      const end = off + this.widths[l + 1];
      // branch-free Bernoulli draw: h = (u < p) | 0
      for (let i = off; i < end; i++) h[i] = +(u[i] < s[i]);
    }
    return this.loss.value(h, this.unitOffset[this.nLayers - 1]);
  }

  evaluate(theta: Float64Array, ws: Workspace): number {
    for (let l = 0; l < this.nLayers; l++) this.layerLogits(theta, ws, l);
    return this.loss.value(ws.h, this.unitOffset[this.nLayers - 1]);
  }

  /**
   * Gray-code step of the exact engine: unit i has just been flipped in ws.h; recompute only the
   * logits of the next layer (O(fan-out · fan-in), from scratch so no rounding drift) and L.
   */
  flipUnit(theta: Float64Array, ws: Workspace, i: number): number {
    const l = this.layerOf(i);
    if (l + 1 < this.nLayers) this.layerLogits(theta, ws, l + 1);
    return this.loss.value(ws.h, this.unitOffset[this.nLayers - 1]);
  }

  /** Layer index of unit i. */
  layerOf(i: number): number {
    return this.layout.unitLayer[i];
  }

  addLogitGradient(_theta: Float64Array, ws: Workspace, i: number, scale: number, g: Float64Array): void {
    this.layout.addLogitGradient(ws.h, i, scale, g);
  }

  /** g += Σᵢ coef[i]·∂aᵢ/∂θ: for unit i of layer l, W row i gets coef[i]·prev, bias i gets coef[i]. */
  addLogitGradients(_theta: Float64Array, ws: Workspace, coef: Float64Array, g: Float64Array): void {
    for (let l = 0; l < this.nLayers; l++) {
      const nIn = this.widths[l];
      const nOut = this.widths[l + 1];
      const prev = l === 0 ? this.input : ws.h;
      const pOff = l === 0 ? 0 : this.unitOffset[l - 1];
      const uOff = this.unitOffset[l];
      const wOff = this.weightOffset[l];
      const bOff = this.biasOffset[l];
      for (let i = 0; i < nOut; i++) {
        const c = coef[uOff + i];
        if (c === 0) continue;
        const row = wOff + i * nIn;
        for (let j = 0; j < nIn; j++) g[row + j] += c * prev[pOff + j];
        g[bOff + i] += c;
      }
    }
  }

  /**
   * Per-unit back-propagated coefficients δaᵢ = dL̃/daᵢ where each hᵢ is treated as
   * differentiable in aᵢ with slope dhdaᵢ (identity ST: 1; sigmoid-adjusted ST: σ'(aᵢ)),
   * evaluated at the sampled h: δhᴸ = ∂L/∂hᴸ, δaᵢ = δhᵢ·dhdaᵢ, δhⱼ = Σᵢ Wᵢⱼ δaᵢ.
   * Shapes: dhda, coef (nUnits).
   */
  surrogateCoefficients(theta: Float64Array, ws: Workspace, dhda: Float64Array, coef: Float64Array): void {
    const dh = ws.scratch; // dL/dh per unit
    dh.fill(0);
    const L = this.nLayers;
    const lastOff = this.unitOffset[L - 1];
    this.loss.grad(ws.h, lastOff, this.lossGrad);
    for (let k = 0; k < this.widths[L]; k++) dh[lastOff + k] = this.lossGrad[k];
    for (let l = L - 1; l >= 0; l--) {
      const nIn = this.widths[l];
      const nOut = this.widths[l + 1];
      const uOff = this.unitOffset[l];
      const pOff = l === 0 ? 0 : this.unitOffset[l - 1];
      const wOff = this.weightOffset[l];
      for (let i = 0; i < nOut; i++) {
        const da = dh[uOff + i] * dhda[uOff + i];
        coef[uOff + i] = da;
        if (da === 0 || l === 0) continue;
        const row = wOff + i * nIn;
        for (let j = 0; j < nIn; j++) dh[pOff + j] += da * theta[row + j];
      }
    }
  }

  /** g = dL̃/dθ = Σᵢ δaᵢ ∂aᵢ/∂θ for the straight-through surrogate (see surrogateCoefficients). */
  backpropSurrogate(theta: Float64Array, ws: Workspace, dhda: Float64Array, g: Float64Array): void {
    g.fill(0);
    this.surrogateCoefficients(theta, ws, dhda, this.coefScratch);
    this.addLogitGradients(theta, ws, this.coefScratch, g);
  }

  /** The parameters as the JSON problem format's nested layers. */
  layersFromParams(theta: Float64Array): SbnLayerSpec[] {
    return this.layout.layersFromParams(theta);
  }

  /** Zero-copy ndarray views per layer of a parameter-shaped vector (θ, a gradient): weights nₗ×nₗ₋₁, bias nₗ. */
  paramViews(v: Float64Array): { weights: NdArray<Float64Array>; bias: NdArray<Float64Array> }[] {
    return this.layout.views(v);
  }

  /** A flat vector (gradient, mean, variance) nested like the parameters: {bias:[[..]], weights:[[[..]]]}. */
  nest(v: ArrayLike<number>): { bias: number[][]; weights: number[][][] } | { logit: number } {
    if (this.kind === "single") return { logit: v[0] };
    return this.layout.nest(v);
  }

  toJSON(): unknown {
    if (this.kind === "single") return { kind: "single", logit: this.theta0[0], loss: this.loss.toJSON() };
    return { kind: "sbn", input: Array.from(this.input), layers: this.layersFromParams(this.theta0), loss: this.loss.toJSON() };
  }
}
