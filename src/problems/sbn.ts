/**
 * Layered sigmoid belief net (Neal 1992) with a constant input x:
 *   h¹ = 1[u¹ < σ(W¹x + b¹)],  hˡ = 1[uˡ < σ(Wˡhˡ⁻¹ + bˡ)],  L = loss(hᴸ).
 * The single binary unit of the seed's Theorem 1 (Bengio 2013, §3) is the case with no input
 * and one layer of one unit, whose bias is the logit a.
 *
 * Parameter layout (flat θ): for each layer l = 1..L, Wˡ row-major (nₗ × nₗ₋₁; Wˡ[i][j] maps
 * unit j of the previous layer, or input j, to unit i), then bˡ (nₗ).
 */
import { sigmoid } from "../numerics.js";
import type { LossFunction } from "./loss.js";
import { InputError, requireFinite, type BinaryProblem, type Workspace } from "./types.js";

export interface SbnLayerSpec {
  /** weights[i][j]: unit j of the previous layer (or input) → unit i */
  weights: number[][];
  bias: number[];
}

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
  private readonly theta0: Float64Array;
  private readonly lossGrad: Float64Array;
  private coefScratch: Float64Array = new Float64Array(0);
  private l0Params: Float64Array = new Float64Array(0);
  private l0A: Float64Array = new Float64Array(0);
  private l0S: Float64Array = new Float64Array(0);
  private l0Valid = false;

  /**
   * @param input constant x (may be empty)
   * @param layers per layer: weights (nₗ × nₗ₋₁) and bias (nₗ)
   * @param loss on the last layer
   * @param kind "sbn" (default) or "single" for the one-unit case
   */
  constructor(input: ArrayLike<number>, layers: SbnLayerSpec[], loss: LossFunction, kind = "sbn") {
    this.kind = kind;
    if (layers.length === 0) throw new InputError("layers: at least one layer is required");
    this.input = Float64Array.from(input);
    this.input.forEach((v, j) => requireFinite(v, `input[${j}]`));
    this.widths = [this.input.length];
    this.unitOffset = [];
    this.weightOffset = [];
    this.biasOffset = [];
    let units = 0;
    let params = 0;
    layers.forEach((L, l) => {
      const where = `layers[${l}]`;
      if (!L || !Array.isArray(L.weights) || !Array.isArray(L.bias)) throw new InputError(`${where}: expected {"weights":[[...]], "bias":[...]}`);
      const nOut = L.bias.length;
      const nIn = this.widths[l];
      if (nOut === 0) throw new InputError(`${where}.bias: a layer needs at least one unit`);
      if (L.weights.length !== nOut) throw new InputError(`${where}.weights: ${L.weights.length} rows but bias has ${nOut} units (weights[i][j] maps previous unit j to unit i)`);
      L.weights.forEach((row, i) => {
        if (!Array.isArray(row) || row.length !== nIn) {
          throw new InputError(`${where}.weights[${i}]: expected ${nIn} entries (one per ${l === 0 ? "input" : `unit of layer ${l - 1}`}), got ${Array.isArray(row) ? row.length : typeof row}`);
        }
        row.forEach((w, j) => requireFinite(w, `${where}.weights[${i}][${j}]`));
      });
      L.bias.forEach((b, i) => requireFinite(b, `${where}.bias[${i}]`));
      this.widths.push(nOut);
      this.unitOffset.push(units);
      this.weightOffset.push(params);
      params += nOut * nIn;
      this.biasOffset.push(params);
      params += nOut;
      units += nOut;
    });
    this.nUnits = units;
    this.nParams = params;
    const last = this.widths[this.widths.length - 1];
    if (loss.arity !== last) throw new InputError(`loss: reads ${loss.arity} units but the last layer has ${last}`);
    this.loss = loss;
    this.lossGrad = new Float64Array(last);
    this.coefScratch = new Float64Array(units);
    this.l0Params = new Float64Array(this.widths[1] * (this.widths[0] + 1));
    this.l0A = new Float64Array(this.widths[1]);
    this.l0S = new Float64Array(this.widths[1]);
    this.theta0 = new Float64Array(params);
    layers.forEach((L, l) => {
      const nIn = this.widths[l];
      L.weights.forEach((row, i) => row.forEach((w, j) => (this.theta0[this.weightOffset[l] + i * nIn + j] = w)));
      L.bias.forEach((b, i) => (this.theta0[this.biasOffset[l] + i] = b));
    });
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
    const out: string[] = [];
    for (let l = 0; l < this.nLayers; l++) {
      const nIn = this.widths[l];
      const nOut = this.widths[l + 1];
      for (let i = 0; i < nOut; i++) for (let j = 0; j < nIn; j++) out.push(`W${l + 1}[${i},${j}]`);
      for (let i = 0; i < nOut; i++) out.push(this.kind === "single" ? "a" : `b${l + 1}[${i}]`);
    }
    return out;
  }

  createWorkspace(): Workspace {
    const n = this.nUnits;
    // scratch: back-propagated dL/dh per unit (n) + last-layer loss gradient
    return { h: new Float64Array(n), a: new Float64Array(n), s: new Float64Array(n), scratch: new Float64Array(n) };
  }

  /** Logit of every unit of layer l from the previous layer's values (θ, h fixed). */
  /**
   * The first layer's logits depend only on θ (its input x is constant), so they are cached by
   * value: the cached parameters are compared (W¹, b¹: n₁(n₀+1) numbers) and, if equal, a¹ and
   * σ(a¹) are copied instead of recomputed. Values, not object identity, so θ mutated in place
   * by an optimiser is always seen.
   */
  private firstLayerFromCache(theta: Float64Array, ws: Workspace): boolean {
    const c = this.l0Params;
    const off = this.weightOffset[0];
    if (!this.l0Valid) return false;
    for (let k = 0; k < c.length; k++) if (theta[off + k] !== c[k]) return false;
    ws.a.set(this.l0A);
    ws.s.set(this.l0S);
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
    for (let i = 0; i < nOut; i++) {
      let z = theta[bOff + i];
      const row = wOff + i * nIn;
      for (let j = 0; j < nIn; j++) z += theta[row + j] * prev[pOff + j];
      a[uOff + i] = z;
      s[uOff + i] = sigmoid(z);
    }
    if (l === 0) {
      // parameters of layer 1 are contiguous: W¹ (n₁×n₀) then b¹ (n₁)
      this.l0Params.set(theta.subarray(wOff, wOff + nOut * (nIn + 1)));
      this.l0A.set(a.subarray(0, nOut));
      this.l0S.set(s.subarray(0, nOut));
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
    let l = this.nLayers - 1;
    while (l > 0 && this.unitOffset[l] > i) l--;
    return l;
  }

  addLogitGradient(_theta: Float64Array, ws: Workspace, i: number, scale: number, g: Float64Array): void {
    const l = this.layerOf(i);
    const r = i - this.unitOffset[l];
    const nIn = this.widths[l];
    const prev = l === 0 ? this.input : ws.h;
    const pOff = l === 0 ? 0 : this.unitOffset[l - 1];
    const row = this.weightOffset[l] + r * nIn;
    for (let j = 0; j < nIn; j++) g[row + j] += scale * prev[pOff + j];
    g[this.biasOffset[l] + r] += scale;
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
    const out: SbnLayerSpec[] = [];
    for (let l = 0; l < this.nLayers; l++) {
      const nIn = this.widths[l];
      const nOut = this.widths[l + 1];
      const weights: number[][] = [];
      for (let i = 0; i < nOut; i++) weights.push(Array.from(theta.subarray(this.weightOffset[l] + i * nIn, this.weightOffset[l] + (i + 1) * nIn)));
      out.push({ weights, bias: Array.from(theta.subarray(this.biasOffset[l], this.biasOffset[l] + nOut)) });
    }
    return out;
  }

  /** A flat vector (gradient, mean, variance) nested like the parameters: {bias:[[..]], weights:[[[..]]]}. */
  nest(v: ArrayLike<number>): { bias: number[][]; weights: number[][][] } | { logit: number } {
    if (this.kind === "single") return { logit: v[0] };
    const layers = this.layersFromParams(Float64Array.from(v));
    return { bias: layers.map((l) => l.bias), weights: layers.map((l) => l.weights) };
  }

  toJSON(): unknown {
    if (this.kind === "single") return { kind: "single", logit: this.theta0[0], loss: this.loss.toJSON() };
    return { kind: "sbn", input: Array.from(this.input), layers: this.layersFromParams(this.theta0), loss: this.loss.toJSON() };
  }
}
