/**
 * Strict checks of untrusted JSON values (problem files, model files, figure records). Nothing is
 * coerced: "1", null and [1] are not numbers. Objects may carry only the keys their format
 * lists, and an unknown key is named in the error. No check recurses into the value it rejects,
 * so a value nested 20 000 levels deep gets one error, not a stack overflow. Every error is an
 * `InputError` that names the path (`layers[0].weights[1][2]`).
 */
import { describeValue, InputError, quote, requireFinite } from "./errors.js";

/** `v` as a plain object whose keys are all in `keys`; `form` shows the expected form in the error. */
export function requireRecord(v: unknown, where: string, keys: readonly string[], form?: string): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v) || ArrayBuffer.isView(v)) throw new InputError(`${where}: expected ${form ?? "an object"}, got ${describeValue(v)}`);
  const o = v as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !keys.includes(k));
  if (unknown.length) {
    const shown = unknown.slice(0, 5).map((k) => quote(k, 32));
    throw new InputError(`${where}: unknown key${unknown.length > 1 ? "s" : ""} ${shown.join(", ")}${unknown.length > 5 ? `, … (${unknown.length} in all)` : ""} (allowed: ${keys.join(", ")})`);
  }
  return o;
}

/** `v` as an array (of `length` entries when given; `what` names an entry, e.g. "one per input"). */
export function requireArray(v: unknown, where: string, length?: number, what = ""): unknown[] {
  if (!Array.isArray(v)) throw new InputError(`${where}: expected an array${length === undefined ? "" : ` of ${length} entries`}${what ? ` (${what})` : ""}, got ${describeValue(v)}`);
  if (length !== undefined && v.length !== length) throw new InputError(`${where}: expected ${length} entr${length === 1 ? "y" : "ies"}${what ? ` (${what})` : ""}, got ${v.length}`);
  return v;
}

/** `v` as an array of finite numbers (of `length` entries when given); errors name the entry. */
export function requireNumbers(v: unknown, where: string, length?: number, what = ""): number[] {
  const a = requireArray(v, where, length, what);
  for (let k = 0; k < a.length; k++) requireFinite(a[k], `${where}[${k}]`);
  return a as number[];
}

/** Every entry of an array-like (a plain array or a typed array) is a finite number. */
export function requireFiniteEntries(v: ArrayLike<unknown>, where: string): void {
  for (let k = 0; k < v.length; k++) requireFinite(v[k], `${where}[${k}]`);
}

/** `v` as an integer in [min, max]. */
export function requireInteger(v: unknown, where: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw new InputError(`${where}: expected an integer ${max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in [${min}, ${max}]`}, got ${describeValue(v)}`);
  }
  return v;
}

/** `v` as a string (one of `values` when given). */
export function requireString(v: unknown, where: string, values?: readonly string[]): string {
  if (typeof v !== "string" || (values && !values.includes(v))) throw new InputError(`${where}: expected ${values ? values.map((x) => JSON.stringify(x)).join(" | ") : "a string"}, got ${describeValue(v)}`);
  return v;
}
