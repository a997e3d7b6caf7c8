import { describeValue, InputError, requireFinite } from "../errors.js";
import { requireMemory } from "../limits.js";
import { requireArray, requireFiniteEntries, requireNumbers, requireRecord } from "../validate.js";
import { matrixView, vectorView, type NdArray } from "../ndarray.js";
/**
 * The layered parameter layout shared by belief nets with binary units (sbn.ts) and with
 * injected-noise units (noisy-net.ts): constant input x (n₀), layers l = 1..L of nₗ units with
 * logits aˡ = Wˡ·(previous layer or x) + bˡ, and the flat parameter vector
 *   θ = [W¹ (n₁ × n₀, row-major), b¹, W², b², …],   Wˡ[i][j]: unit j of the previous layer → unit i.
 * Validation errors name the offending path (layers[l].weights[i][j]).
 */

export interface LayerSpec {
  /** weights[i][j]: unit j of the previous layer (or input) → unit i */
  weights: number[][];
  bias: number[];
}

/** Parameter-length vectors a request on a net holds at once (θ, estimates, means, variances, scratch), for the memory limit. */
const PARAMETER_VECTORS = 16;

export class LayerLayout {
  /** constant input x (n₀) */
  readonly input: Float64Array;
  /** layer widths n₀ (input), n₁, …, n_L */
  readonly widths: number[];
  /** offset of layer l's first unit in h (index l−1 for layer l) */
  readonly unitOffset: number[];
  /** offsets of Wˡ and bˡ in θ */
  readonly weightOffset: number[];
  readonly biasOffset: number[];
  /** layer index (0-based) of every unit */
  readonly unitLayer: Int32Array;
  readonly nUnits: number;
  readonly nParams: number;
  /** θ as given by the layer specs */
  readonly theta0: Float64Array;

  /**
   * @param layers per layer: weights (nₗ × nₗ₋₁) and bias (nₗ), validated
   * @param layerForm the expected form of one layer, for the error message
   */
  constructor(input: ArrayLike<number>, layers: LayerSpec[], layerForm = `{"weights":[[...]], "bias":[...]}`) {
    if (!Array.isArray(layers) || layers.length === 0) throw new InputError(`layers: at least one layer is required, got ${describeValue(layers)}`);
    if (input === null || typeof input !== "object" || typeof input.length !== "number") throw new InputError(`input: expected an array of numbers (the constant x), got ${describeValue(input)}`);
    // checked before the copy: Float64Array.from would coerce "1" to 1, null to 0 and [[2]] to 2
    requireFiniteEntries(input, "input");
    this.input = Float64Array.from(input);
    this.widths = [this.input.length];
    this.unitOffset = [];
    this.weightOffset = [];
    this.biasOffset = [];
    const unitLayer: number[] = [];
    let units = 0;
    let params = 0;
    layers.forEach((L, l) => {
      const where = `layers[${l}]`;
      if (!L || !Array.isArray(L.weights) || !Array.isArray(L.bias)) throw new InputError(`${where}: expected ${layerForm}`);
      const nOut = L.bias.length;
      const nIn = this.widths[l];
      if (nOut === 0) throw new InputError(`${where}.bias: a layer needs at least one unit`);
      if (L.weights.length !== nOut) throw new InputError(`${where}.weights: ${L.weights.length} rows but bias has ${nOut} units (weights[i][j] maps previous unit j to unit i)`);
      requireMemory((params + nOut * (nIn + 1)) * PARAMETER_VECTORS, `${where}.weights`, `a net with ${params + nOut * (nIn + 1)} parameters (about ${PARAMETER_VECTORS} vectors of them for estimates and moments)`);
      L.weights.forEach((row, i) => requireNumbers(row, `${where}.weights[${i}]`, nIn, `one per ${l === 0 ? "input" : `unit of layer ${l - 1}`}`));
      requireFiniteEntries(L.bias, `${where}.bias`);
      this.widths.push(nOut);
      this.unitOffset.push(units);
      this.weightOffset.push(params);
      params += nOut * nIn;
      this.biasOffset.push(params);
      params += nOut;
      units += nOut;
      for (let i = 0; i < nOut; i++) unitLayer.push(l);
    });
    this.unitLayer = Int32Array.from(unitLayer);
    this.nUnits = units;
    this.nParams = params;
    this.theta0 = new Float64Array(params);
    layers.forEach((L, l) => {
      const nIn = this.widths[l];
      L.weights.forEach((row, i) => row.forEach((w, j) => (this.theta0[this.weightOffset[l] + i * nIn + j] = w)));
      L.bias.forEach((b, i) => (this.theta0[this.biasOffset[l] + i] = b));
    });
  }

  get nLayers(): number {
    return this.widths.length - 1;
  }

  /** "W1[i,j]" and "b1[i]" per parameter; a one-unit net with no input names its bias `single`. */
  paramLabels(single?: string): string[] {
    const out: string[] = [];
    for (let l = 0; l < this.nLayers; l++) {
      const nIn = this.widths[l];
      const nOut = this.widths[l + 1];
      for (let i = 0; i < nOut; i++) for (let j = 0; j < nIn; j++) out.push(`W${l + 1}[${i},${j}]`);
      for (let i = 0; i < nOut; i++) out.push(single ?? `b${l + 1}[${i}]`);
    }
    return out;
  }

  /**
   * g += scale · ∂aᵢ/∂θ for unit i, parents' values h held fixed: row i of Wˡ gets
   * scale·(previous layer or x), bᵢ gets scale. Shapes: h (nUnits), g (nParams).
   */
  addLogitGradient(h: Float64Array, i: number, scale: number, g: Float64Array): void {
    const l = this.unitLayer[i];
    const r = i - this.unitOffset[l];
    const nIn = this.widths[l];
    const prev = l === 0 ? this.input : h;
    const pOff = l === 0 ? 0 : this.unitOffset[l - 1];
    const row = this.weightOffset[l] + r * nIn;
    for (let j = 0; j < nIn; j++) g[row + j] += scale * prev[pOff + j];
    g[this.biasOffset[l] + r] += scale;
  }

  /** θ (or any parameter-shaped vector) as nested layers {weights, bias}. */
  layersFromParams(theta: ArrayLike<number>): LayerSpec[] {
    const v = Float64Array.from(theta);
    const out: LayerSpec[] = [];
    for (let l = 0; l < this.nLayers; l++) {
      const nIn = this.widths[l];
      const nOut = this.widths[l + 1];
      const weights: number[][] = [];
      for (let i = 0; i < nOut; i++) weights.push(Array.from(v.subarray(this.weightOffset[l] + i * nIn, this.weightOffset[l] + (i + 1) * nIn)));
      out.push({ weights, bias: Array.from(v.subarray(this.biasOffset[l], this.biasOffset[l] + nOut)) });
    }
    return out;
  }

  /**
   * Zero-copy ndarray views of a parameter-shaped vector (θ, a gradient, a variance) per layer:
   * weights nₗ×nₗ₋₁ (weights.get(i, j): unit j of the previous layer → unit i) and bias (nₗ).
   * Writes through the views change v. Shapes: v (nParams).
   */
  views(v: Float64Array): { weights: NdArray<Float64Array>; bias: NdArray<Float64Array> }[] {
    if (v.length !== this.nParams) throw new InputError(`parameter vector: expected ${this.nParams} entries, got ${v.length}`);
    const out: { weights: NdArray<Float64Array>; bias: NdArray<Float64Array> }[] = [];
    for (let l = 0; l < this.nLayers; l++) {
      const nOut = this.widths[l + 1];
      out.push({ weights: matrixView(v, nOut, this.widths[l], this.weightOffset[l]), bias: vectorView(v.subarray(this.biasOffset[l], this.biasOffset[l] + nOut)) });
    }
    return out;
  }

  /** A parameter-shaped vector nested as {bias: [[…] per layer], weights: [[[…]]] per layer}. */
  nest(v: ArrayLike<number>): { bias: number[][]; weights: number[][][] } {
    const layers = this.layersFromParams(v);
    return { bias: layers.map((l) => l.bias), weights: layers.map((l) => l.weights) };
  }
}

/**
 * The layers of a layered net as records with the given keys: a non-empty array of objects whose
 * `weights` is an array of rows and whose `bias` is an array of numbers (shapes and entries are
 * checked by LayerLayout). Checked before the loss, so a missing bias is not blamed on the loss.
 */
export function layerRecords(v: unknown, keys: readonly string[], form: string): Record<string, unknown>[] {
  const layers = requireArray(v, "layers", undefined, `of ${form}`);
  if (layers.length === 0) throw new InputError(`layers: expected a non-empty array of ${form}`);
  return layers.map((L, l) => {
    const r = requireRecord(L, `layers[${l}]`, keys, form);
    requireArray(r.weights, `layers[${l}].weights`, undefined, "one row per unit");
    requireNumbers(r.bias, `layers[${l}].bias`, undefined, "one per unit");
    return r;
  });
}
