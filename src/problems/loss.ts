import { describeValue, InputError } from "../errors.js";
import { requireNumbers, requireRecord } from "../validate.js";
/**
 * Losses on the last layer's configuration y ∈ {0,1}^m.
 */

export interface LossFunction {
  /** Number of units the loss reads (the last layer's width). */
  readonly arity: number;
  /** L(y), y = values[off .. off+arity) */
  value(y: Float64Array, off: number): number;
  /**
   * dL/dy_k for a differentiable surrogate (out has length arity). Squared error: 2(y−t).
   * Table: the multilinear extension's slope L(y with y_k=1) − L(y with y_k=0).
   */
  grad(y: Float64Array, off: number, out: Float64Array): void;
  /**
   * Optional: L(y) − L(y0) written without the cancellation of the two values (y at off, y0 at
   * off0), so that a loss centred at a reference configuration keeps its digits when y is close to
   * y0 (the exact engines' centring; e.g. Σ (y − y0)(y + y0 − 2t) for the squared loss).
   */
  difference?(y: Float64Array, off: number, y0: Float64Array, off0: number): number;
  toJSON(): unknown;
}

/** L(y) = Σ_k (y_k − t_k)², the seed's running example for a single unit: (h − t)². */
export class SquaredLoss implements LossFunction {
  readonly arity: number;
  readonly target: Float64Array;
  constructor(target: ArrayLike<number>) {
    this.arity = target.length;
    this.target = Float64Array.from(target);
  }
  value(y: Float64Array, off: number): number {
    let s = 0;
    for (let k = 0; k < this.arity; k++) {
      const d = y[off + k] - this.target[k];
      s += d * d;
    }
    return s;
  }
  grad(y: Float64Array, off: number, out: Float64Array): void {
    for (let k = 0; k < this.arity; k++) out[k] = 2 * (y[off + k] - this.target[k]);
  }
  /** Σ_k (y_k − y0_k)(y_k + y0_k − 2t_k) */
  difference(y: Float64Array, off: number, y0: Float64Array, off0: number): number {
    let s = 0;
    for (let k = 0; k < this.arity; k++) {
      const a = y[off + k];
      const b = y0[off0 + k];
      s += (a - b) * (a + b - 2 * this.target[k]);
    }
    return s;
  }
  toJSON(): unknown {
    return { kind: "squared", target: this.arity === 1 ? this.target[0] : Array.from(this.target) };
  }
}

/** L(y) = table[Σ_k y_k 2^k]: any function of the last layer, e.g. [f(0), f(1)] for one unit. */
export class TableLoss implements LossFunction {
  readonly arity: number;
  readonly table: Float64Array;
  constructor(table: ArrayLike<number>) {
    const n = table.length;
    const arity = Math.round(Math.log2(n));
    if (n < 2 || 2 ** arity !== n) throw new InputError(`loss.table: length must be a power of two ≥ 2, got ${n}`);
    this.arity = arity;
    this.table = Float64Array.from(table);
  }
  private index(y: Float64Array, off: number): number {
    let idx = 0;
    for (let k = 0; k < this.arity; k++) idx |= (y[off + k] > 0.5 ? 1 : 0) << k;
    return idx;
  }
  value(y: Float64Array, off: number): number {
    return this.table[this.index(y, off)];
  }
  grad(y: Float64Array, off: number, out: Float64Array): void {
    const idx = this.index(y, off);
    for (let k = 0; k < this.arity; k++) out[k] = this.table[idx | (1 << k)] - this.table[idx & ~(1 << k)];
  }
  difference(y: Float64Array, off: number, y0: Float64Array, off0: number): number {
    return this.table[this.index(y, off)] - this.table[this.index(y0, off0)];
  }
  toJSON(): unknown {
    return { kind: "table", table: Array.from(this.table) };
  }
}

/** A table loss reads at most this many units (2^24 entries, the enumeration limit). */
export const MAX_TABLE_ARITY = 24;

/** Parse a loss spec {"kind":"squared","target":t|[...]} or {"kind":"table","table":[...]}. */
export function parseLoss(spec: unknown, arity: number, where = "loss"): LossFunction {
  const form = `{"kind":"squared","target":[...]} or {"kind":"table","table":[...]}`;
  const o = requireRecord(spec, where, ["kind", "target", "table"], form);
  if (o.kind === "squared") {
    requireRecord(o, where, ["kind", "target"], form);
    const t = typeof o.target === "number" ? [o.target] : o.target;
    if (!Array.isArray(t)) throw new InputError(`${where}.target: expected a number or an array of numbers, got ${describeValue(o.target)}`);
    if (t.length !== arity) throw new InputError(`${where}.target: length ${t.length} does not match the last layer's ${arity} units`);
    return new SquaredLoss(requireNumbers(t, `${where}.target`));
  }
  if (o.kind === "table") {
    requireRecord(o, where, ["kind", "table"], form);
    if (arity > MAX_TABLE_ARITY) throw new InputError(`${where}.table: a table loss over the last layer's ${arity} units needs 2^${arity} = ${(2 ** arity).toExponential(2)} entries; at most ${MAX_TABLE_ARITY} units (use a squared loss)`);
    const table = requireNumbers(o.table, `${where}.table`);
    if (table.length !== 2 ** arity) throw new InputError(`${where}.table: length ${table.length} must be 2^${arity} = ${2 ** arity} (one entry per configuration of the last layer)`);
    return new TableLoss(table);
  }
  throw new InputError(`${where}.kind: unknown loss kind ${describeValue(o.kind)} (expected "squared" or "table")`);
}
