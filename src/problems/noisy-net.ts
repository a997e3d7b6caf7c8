/**
 * A belief net whose units have injected noise (Bengio 2013, arXiv 1305.2982, §4; STS units of
 * Bengio, Léonard & Courville 2013, arXiv 1308.3432, §3). Layered like the sigmoid belief net:
 *   a¹ = W¹x + b¹,  h¹ᵢ = f₁(a¹ᵢ, e¹ᵢ);   aˡ = Wˡhˡ⁻¹ + bˡ,  hˡᵢ = fₗ(aˡᵢ, eˡᵢ);   L = loss(hᴸ)
 * where layer l's unit type fₗ is a noisy rectifier, noisy sigmoid, hard threshold or STS unit
 * (src/neurons). Gradients back-propagate through the smooth part of every unit.
 *
 * Noise contract: `forward(θ, u, ws)` reads one uniform per unit and maps it to the unit's own
 * noise (z = s·Φ⁻¹(u) or b = 1[u < √σ(a)]); `forwardNoise(θ, e, ws)` takes the noise values
 * directly (used by the quadrature engine). Units are not Bernoulli(σ(a)), so `unitNoise` is
 * "injected": enumeration-based estimators do not apply, and `exactAnalysis` dispatches on that
 * noise kind to nested adaptive quadrature (src/exact/noisy.ts).
 *
 * Parameter layout (flat θ): per layer l, Wˡ row-major (nₗ × nₗ₋₁), then bˡ — as in sbn.ts.
 *
 * JSON (problem format, kinds "noisy-net" and "noisy-single"):
 *   {"kind":"noisy-net","input":[1,0],"layers":[{"unit":{"type":"noisy-rectifier","s":0.5},
 *     "weights":[[..],..],"bias":[..]}, ...],"loss":{"kind":"squared","target":[..]}}
 *   {"kind":"noisy-single","unit":{"type":"sts"},"a":0.3,"loss":{"kind":"linear","weights":[1]}}
 * unit types: noisy-rectifier | noisy-sigmoid | hard-threshold (need "s" > 0) | sts.
 * losses: {"kind":"squared","target":t|[..]} (Σ (h−t)²) or {"kind":"linear","weights":[..]} (Σ cₖhₖ).
 */
import { unitFromJSON } from "../neurons/index.js";
import type { NoisyUnit } from "../neurons/types.js";
import { SquaredLoss, type LossFunction } from "./loss.js";
import { LayerLayout, layerRecords } from "./layout.js";
import { type BinaryProblem, type Workspace } from "./types.js";
import { describeValue, InputError, requireFinite } from "../errors.js";
import { requireNumbers, requireRecord } from "../validate.js";
import type { NdArray } from "../ndarray.js";

/** L(h) = Σ_k c_k h_k: a loss linear in the last layer (ST-sigmoid is unbiased on it for one unit). */
export class LinearLoss implements LossFunction {
  readonly arity: number;
  readonly weights: Float64Array;
  constructor(weights: ArrayLike<number>) {
    this.arity = weights.length;
    this.weights = Float64Array.from(weights);
  }
  value(y: Float64Array, off: number): number {
    let s = 0;
    for (let k = 0; k < this.arity; k++) s += this.weights[k] * y[off + k];
    return s;
  }
  grad(_y: Float64Array, _off: number, out: Float64Array): void {
    out.set(this.weights);
  }
  /** Σ_k c_k (y_k − y0_k) */
  difference(y: Float64Array, off: number, y0: Float64Array, off0: number): number {
    let s = 0;
    for (let k = 0; k < this.arity; k++) s += this.weights[k] * (y[off + k] - y0[off0 + k]);
    return s;
  }
  toJSON(): unknown {
    return { kind: "linear", weights: Array.from(this.weights) };
  }
}

/** Parse a loss on continuous outputs: squared or linear (table losses assume binary h). */
export function parseContinuousLoss(spec: unknown, arity: number, where = "loss"): LossFunction {
  const form = `{"kind":"squared","target":[...]} or {"kind":"linear","weights":[...]}`;
  const o = requireRecord(spec, where, ["kind", "target", "weights", "table"], form);
  if (o.kind === "squared" || o.kind === "linear") {
    const key = o.kind === "squared" ? "target" : "weights";
    requireRecord(o, where, ["kind", key], form);
    const raw = o[key];
    const t = typeof raw === "number" ? [raw] : raw;
    if (!Array.isArray(t)) throw new InputError(`${where}.${key}: expected a number or an array of numbers, got ${describeValue(raw)}`);
    if (t.length !== arity) throw new InputError(`${where}.${key}: length ${t.length} does not match the last layer's ${arity} units`);
    const v = requireNumbers(t, `${where}.${key}`);
    return o.kind === "squared" ? new SquaredLoss(v) : new LinearLoss(v);
  }
  throw new InputError(`${where}.kind: unknown loss kind ${describeValue(o.kind)} for noisy units (expected "squared" or "linear"; table losses need binary units)`);
}

export interface NoisyLayerSpec {
  unit: NoisyUnit;
  /** weights[i][j]: unit j of the previous layer (or input) → unit i */
  weights: number[][];
  bias: number[];
}

/** Workspace with the noise values e and a back-propagation buffer. */
export interface NoisyWorkspace extends Workspace {
  /** noise per unit: z (gaussian units) or b (STS) */
  readonly e: Float64Array;
  /** dL/dh per unit (back-propagation) */
  readonly dh: Float64Array;
  /** ∂h/∂a per unit (back-propagation) */
  readonly dhda: Float64Array;
  /** loss gradient on the last layer */
  readonly lossGrad: Float64Array;
}

export class NoisyNet implements BinaryProblem {
  readonly kind: string;
  readonly unitNoise = "injected" as const;
  readonly nUnits: number;
  readonly nParams: number;
  readonly input: Float64Array;
  readonly widths: number[];
  readonly unitOffset: number[];
  readonly weightOffset: number[];
  readonly biasOffset: number[];
  /** the unit type of each layer */
  readonly layerUnits: NoisyUnit[];
  /** unit type per unit (length nUnits) */
  readonly units: NoisyUnit[];
  /** layer index per unit */
  readonly unitLayer: Int32Array;
  readonly loss: LossFunction;
  /** the shared layered layout (offsets, validation, labels, nesting) */
  readonly layout: LayerLayout;
  private readonly theta0: Float64Array;

  constructor(input: ArrayLike<number>, layers: NoisyLayerSpec[], loss: LossFunction, kind = "noisy-net") {
    this.kind = kind;
    const lay = new LayerLayout(input, layers, `{"unit":{...},"weights":[[...]],"bias":[...]}`);
    this.layout = lay;
    this.input = lay.input;
    this.widths = lay.widths;
    this.unitOffset = lay.unitOffset;
    this.weightOffset = lay.weightOffset;
    this.biasOffset = lay.biasOffset;
    this.unitLayer = lay.unitLayer;
    this.nUnits = lay.nUnits;
    this.nParams = lay.nParams;
    this.layerUnits = layers.map((L) => L.unit);
    this.units = Array.from(lay.unitLayer, (l) => this.layerUnits[l]);
    const last = this.widths[this.widths.length - 1];
    if (loss.arity !== last) throw new InputError(`loss: reads ${loss.arity} units but the last layer has ${last}`);
    this.loss = loss;
    this.theta0 = lay.theta0;
  }

  get nLayers(): number {
    return this.widths.length - 1;
  }

  /** true when every unit is of the given kinds */
  allUnits(pred: (u: NoisyUnit) => boolean): boolean {
    return this.layerUnits.every(pred);
  }

  initialParams(): Float64Array {
    return this.theta0.slice();
  }

  paramLabels(): string[] {
    return this.layout.paramLabels(this.kind === "noisy-single" ? "a" : undefined);
  }

  createWorkspace(): NoisyWorkspace {
    const n = this.nUnits;
    return {
      h: new Float64Array(n),
      a: new Float64Array(n),
      s: new Float64Array(n),
      c: new Float64Array(n),
      scratch: new Float64Array(n),
      e: new Float64Array(n),
      dh: new Float64Array(n),
      dhda: new Float64Array(n),
      lossGrad: new Float64Array(this.widths[this.nLayers]),
    };
  }

  /** a_i = bᵢ + Σ_j W[i][j]·prev_j for unit i (its parents' h must be set). */
  logit(theta: Float64Array, ws: Workspace, i: number): number {
    const l = this.unitLayer[i];
    const r = i - this.unitOffset[l];
    const nIn = this.widths[l];
    const prev = l === 0 ? this.input : ws.h;
    const pOff = l === 0 ? 0 : this.unitOffset[l - 1];
    const row = this.weightOffset[l] + r * nIn;
    let z = theta[this.biasOffset[l] + r];
    for (let j = 0; j < nIn; j++) z += theta[row + j] * prev[pOff + j];
    return z;
  }

  /** L(h) of the last layer in ws.h */
  lossValue(ws: Workspace): number {
    return this.loss.value(ws.h, this.unitOffset[this.nLayers - 1]);
  }

  /** Sample with uniforms u (nUnits): eᵢ from uᵢ, hᵢ = fᵢ(aᵢ, eᵢ); fills h, a, e. Returns L. */
  forward(theta: Float64Array, u: Float64Array, ws: Workspace): number {
    const w = ws as NoisyWorkspace;
    for (let i = 0; i < this.nUnits; i++) {
      const a = this.logit(theta, w, i);
      const unit = this.units[i];
      const e = unit.noiseFromUniform(a, u[i]);
      w.a[i] = a;
      w.e[i] = e;
      w.h[i] = unit.forward(a, e);
    }
    return this.lossValue(w);
  }

  /** Forward with explicit noise values e (nUnits). Returns L. */
  forwardNoise(theta: Float64Array, e: Float64Array, ws: NoisyWorkspace): number {
    for (let i = 0; i < this.nUnits; i++) {
      const a = this.logit(theta, ws, i);
      ws.a[i] = a;
      ws.e[i] = e[i];
      ws.h[i] = this.units[i].forward(a, e[i]);
    }
    return this.lossValue(ws);
  }

  /** Given ws.h, recompute the logits; returns L(h). */
  evaluate(theta: Float64Array, ws: Workspace): number {
    for (let i = 0; i < this.nUnits; i++) ws.a[i] = this.logit(theta, ws, i);
    return this.lossValue(ws);
  }

  addLogitGradient(_theta: Float64Array, ws: Workspace, i: number, scale: number, g: Float64Array): void {
    this.layout.addLogitGradient(ws.h, i, scale, g);
  }

  /**
   * Back-propagation through the sampled net with ∂hᵢ/∂aᵢ := ws.dhda[i], plus an optional
   * direct term extraDa[i] added to ∂L̃/∂aᵢ (the score terms): g = dL̃/dθ (overwritten).
   * Shapes: g (nParams), extraDa (nUnits).
   */
  backprop(theta: Float64Array, ws: NoisyWorkspace, g: Float64Array, extraDa?: Float64Array): void {
    g.fill(0);
    const dh = ws.dh;
    dh.fill(0);
    const L = this.nLayers;
    const lastOff = this.unitOffset[L - 1];
    this.loss.grad(ws.h, lastOff, ws.lossGrad);
    for (let k = 0; k < this.widths[L]; k++) dh[lastOff + k] = ws.lossGrad[k];
    for (let l = L - 1; l >= 0; l--) {
      const nIn = this.widths[l];
      const nOut = this.widths[l + 1];
      const uOff = this.unitOffset[l];
      const prev = l === 0 ? this.input : ws.h;
      const pOff = l === 0 ? 0 : this.unitOffset[l - 1];
      const wOff = this.weightOffset[l];
      const bOff = this.biasOffset[l];
      for (let i = 0; i < nOut; i++) {
        let da = dh[uOff + i] * ws.dhda[uOff + i];
        if (extraDa) da += extraDa[uOff + i];
        if (da === 0) continue;
        const row = wOff + i * nIn;
        for (let j = 0; j < nIn; j++) g[row + j] += da * prev[pOff + j];
        g[bOff + i] += da;
        if (l > 0) for (let j = 0; j < nIn; j++) dh[pOff + j] += da * theta[row + j];
      }
    }
  }

  /**
   * Pathwise (reparameterisation) gradient at the sampled noise: back-propagation with each
   * unit's own ∂f(a, e)/∂a (1[a+z>0], σ'(a+z), 0 for the hard threshold, b·d√σ/da for STS).
   */
  pathwiseGradient(theta: Float64Array, ws: NoisyWorkspace, g: Float64Array): void {
    for (let i = 0; i < this.nUnits; i++) ws.dhda[i] = this.units[i].derivative(ws.a[i], ws.e[i]);
    this.backprop(theta, ws, g);
  }

  /**
   * Score-function (likelihood-ratio) gradient for the injected noise, the continuous analogue
   * of Theorem 1's estimator. Writing each Gaussian unit as hᵢ = f(yᵢ), yᵢ = aᵢ + zᵢ ~ N(aᵢ, s²)
   * (so h depends on θ only through the density of y) and each STS unit as hᵢ = bᵢ√σ(aᵢ),
   * bᵢ ~ Bernoulli(q(aᵢ)) (θ enters through b's density and the smooth factor):
   *   ∇E[L] = E[ L̃-backprop with ∂L̃/∂aᵢ += L·ψᵢ and ∂hᵢ/∂aᵢ = (STS: bᵢ q'(aᵢ); Gaussian: 0) ],
   * ψᵢ = zᵢ/s² (Gaussian) or ∂ log P(bᵢ)/∂aᵢ (STS: q'/q or −q'/(1 − q), `noiseScore`). The score terms are carried back through
   * the smooth factors of STS parents (aᵢ depends on θ through them). Unbiased; it never
   * differentiates f through a Gaussian unit, so it is an independent reference for the
   * pathwise gradient. Shapes: g (nParams), overwritten.
   */
  scoreGradient(theta: Float64Array, ws: NoisyWorkspace, L: number, g: Float64Array): void {
    const extra = ws.scratch;
    for (let i = 0; i < this.nUnits; i++) {
      const u = this.units[i];
      if (u.noise === "bernoulli") {
        ws.dhda[i] = u.derivative(ws.a[i], ws.e[i]);
        extra[i] = L * u.noiseScore!(ws.a[i], ws.e[i]);
      } else {
        ws.dhda[i] = 0;
        extra[i] = (L * ws.e[i]) / (u.s * u.s);
      }
    }
    this.backprop(theta, ws, g, extra);
  }

  /**
   * The part of the score-form gradient that is not a score term: back-propagation of ∂L/∂h
   * through the smooth factors of STS units only (∂h/∂a := b·d√σ/da there, 0 through Gaussian
   * units), g = dL̃/dθ. Zero for nets without STS units. Shapes: g (nParams), overwritten.
   */
  smoothPathGradient(theta: Float64Array, ws: NoisyWorkspace, g: Float64Array): void {
    for (let i = 0; i < this.nUnits; i++) {
      const u = this.units[i];
      ws.dhda[i] = u.noise === "bernoulli" ? u.derivative(ws.a[i], ws.e[i]) : 0;
    }
    this.backprop(theta, ws, g);
  }

  /**
   * Jᵢ = daᵢ/dθ as the score form sees it: the direct ∂aᵢ/∂θ plus the paths through the smooth
   * factors of STS ancestors (Gaussian ancestors held fixed). The score term of unit i in
   * `scoreGradient` is L·ψᵢ·Jᵢ; the exact engine adds E[ψᵢ(V − V₀)]·Jᵢ level by level instead.
   * Reads ws.a, ws.e, ws.h of the units before i only. Shapes: g (nParams), overwritten.
   */
  scoreDirection(theta: Float64Array, ws: NoisyWorkspace, i: number, g: Float64Array): void {
    g.fill(0);
    const dh = ws.dh;
    dh.fill(0);
    const li = this.unitLayer[i];
    for (let l = li; l >= 0; l--) {
      const nIn = this.widths[l];
      const uOff = this.unitOffset[l];
      const prev = l === 0 ? this.input : ws.h;
      const pOff = l === 0 ? 0 : this.unitOffset[l - 1];
      const wOff = this.weightOffset[l];
      const bOff = this.biasOffset[l];
      for (let r = 0; r < this.widths[l + 1]; r++) {
        const u = uOff + r;
        let da: number;
        if (l === li) {
          if (u !== i) continue;
          da = 1;
        } else {
          const unit = this.units[u];
          if (unit.noise !== "bernoulli" || dh[u] === 0) continue;
          da = dh[u] * unit.derivative(ws.a[u], ws.e[u]);
        }
        if (da === 0) continue;
        const row = wOff + r * nIn;
        for (let j = 0; j < nIn; j++) g[row + j] += da * prev[pOff + j];
        g[bOff + r] += da;
        if (l > 0) for (let j = 0; j < nIn; j++) dh[pOff + j] += da * theta[row + j];
      }
    }
  }

  /** true when some unit is an STS (Bernoulli-noise) unit */
  get hasBernoulliUnits(): boolean {
    return this.layerUnits.some((u) => u.noise === "bernoulli");
  }

  layersFromParams(theta: Float64Array): { unit: unknown; weights: number[][]; bias: number[] }[] {
    return this.layout.layersFromParams(theta).map((L, l) => ({ unit: this.layerUnits[l].toJSON(), weights: L.weights, bias: L.bias }));
  }

  /** Zero-copy ndarray views per layer of a parameter-shaped vector (θ, a gradient): weights nₗ×nₗ₋₁, bias nₗ. */
  paramViews(v: Float64Array): { weights: NdArray<Float64Array>; bias: NdArray<Float64Array> }[] {
    return this.layout.views(v);
  }

  nest(v: ArrayLike<number>): unknown {
    if (this.kind === "noisy-single") return { a: v[0] };
    return this.layout.nest(v);
  }

  toJSON(): unknown {
    if (this.kind === "noisy-single") return { kind: "noisy-single", unit: this.layerUnits[0].toJSON(), a: this.theta0[0], loss: this.loss.toJSON() };
    return { kind: "noisy-net", input: Array.from(this.input), layers: this.layersFromParams(this.theta0), loss: this.loss.toJSON() };
  }
}

/** One noisy unit with pre-activation a (the only parameter) and a loss on its output. */
export function noisySingle(unit: NoisyUnit, a: number, loss: LossFunction): NoisyNet {
  return new NoisyNet([], [{ unit, weights: [[]], bias: [a] }], loss, "noisy-single");
}

/** JSON parsers for the kinds "noisy-net" and "noisy-single" (listed in the problem-kind table, src/problems/json.ts). */
export function noisyNetFromJSON(o: Record<string, unknown>): NoisyNet {
  requireRecord(o, "problem", ["kind", "input", "layers", "loss"]);
  const input = requireNumbers(o.input, "input", undefined, "the constant x");
  const layers = layerRecords(o.layers, ["unit", "weights", "bias"], `{"unit":{...},"weights":[[...]],"bias":[...]}`).map((L, l) => ({
    unit: unitFromJSON(L.unit, `layers[${l}].unit`),
    weights: L.weights as number[][],
    bias: L.bias as number[],
  }));
  return new NoisyNet(input, layers, parseContinuousLoss(o.loss, layers[layers.length - 1].bias.length));
}

/** Parser of the JSON kind "noisy-single": one noisy unit with pre-activation `a`. */
export function noisySingleFromJSON(o: Record<string, unknown>): NoisyNet {
  requireRecord(o, "problem", ["kind", "unit", "a", "loss"]);
  const unit = unitFromJSON(o.unit, "unit");
  const a = requireFinite(o.a, "a");
  return noisySingle(unit, a, parseContinuousLoss(o.loss, 1));
}
