/**
 * Option handling shared by the layer estimators: defaults filled in, unknown names rejected, each
 * value checked by its rule. Errors are FieldErrors naming the option (`estimatorOptions.K: …`).
 */
import { FieldError } from "../../errors.js";
import type { LayerEstimatorOptions } from "./types.js";

/** A check of one option's value: null when valid, else what was expected. */
export type OptionRule = (v: number) => string | null;

/** decay β ∈ [0, 1) */
export const decayRule: OptionRule = (v) => (Number.isFinite(v) && v >= 0 && v < 1 ? null : "expected a decay in [0, 1)");
/** any finite number */
export const finiteRule: OptionRule = (v) => (Number.isFinite(v) ? null : "expected a finite number");
/** integer sample count in [lo, 4096] */
export const samplesRule =
  (lo: number): OptionRule =>
  (v) =>
    Number.isInteger(v) && v >= lo && v <= 4096 ? null : `expected an integer number of samples in [${lo}, 4096]`;

/** Defaults merged with the given options, every name known and every value valid. */
export function resolveOptions(id: string, defaults: LayerEstimatorOptions, rules: Record<string, OptionRule>, options: LayerEstimatorOptions = {}): LayerEstimatorOptions {
  const out = { ...defaults };
  for (const [k, v] of Object.entries(options)) {
    if (!Object.prototype.hasOwnProperty.call(defaults, k)) {
      const known = Object.keys(defaults);
      throw new FieldError(`estimatorOptions.${k}`, `${id} has no option "${k}" (${known.length ? `known: ${known.join(", ")}` : "it takes no options"})`);
    }
    const why = rules[k]?.(v) ?? null;
    if (why) throw new FieldError(`estimatorOptions.${k}`, `${id}: ${why}, got ${v}`);
    out[k] = v;
  }
  return out;
}
