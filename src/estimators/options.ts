/**
 * Checking an estimator's options against its spec, once at `create`: every name must be one the
 * spec lists in `defaults` (a typo such as `baselin` is an error that suggests `baseline`; an
 * estimator that takes no options says so), every value must be a finite number, and a value
 * must lie in the option's declared domain (`spec.domains`), so `decay = 2` is refused instead
 * of giving NaN. Returns the defaults with the given options applied: the options used, which
 * the CLI echoes in its records.
 */
import { describeValue, InputError, quote } from "../errors.js";
import type { EstimatorOptions, EstimatorSpec, OptionDomain } from "./types.js";

/** Levenshtein distance (small strings: option names). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const t = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = t;
    }
  }
  return d[b.length];
}

/** The closest known name within two edits, for "did you mean". */
export function suggestName(name: string, known: string[]): string | null {
  let best: string | null = null;
  let bestD = 3;
  for (const k of known) {
    const dk = distance(name.toLowerCase(), k.toLowerCase());
    if (dk < bestD) [best, bestD] = [k, dk];
  }
  return best;
}

/** The domain as words, e.g. "a number in [0, 1]", "an integer ≥ 2", "0 or 1". */
export function describeDomain(d: OptionDomain): string {
  if (d.values) return d.values.join(" or ");
  const kind = d.integer ? "an integer" : "a number";
  const lo = d.min === undefined ? null : `${d.minOpen ? "(" : "["}${d.min}`;
  const hi = d.max === undefined ? null : `${d.max}${d.maxOpen ? ")" : "]"}`;
  if (lo && hi) return `${kind} in ${lo}, ${hi}`;
  if (lo) return `${kind} ${d.minOpen ? ">" : "≥"} ${d.min}`;
  if (hi) return `${kind} ${d.maxOpen ? "<" : "≤"} ${d.max}`;
  return `a finite ${d.integer ? "integer" : "number"}`;
}

/** True when x lies in the domain. */
export function inDomain(x: number, d: OptionDomain): boolean {
  if (!Number.isFinite(x)) return false;
  if (d.values) return d.values.includes(x);
  if (d.integer && !Number.isInteger(x)) return false;
  if (d.min !== undefined && (d.minOpen ? !(x > d.min) : !(x >= d.min))) return false;
  if (d.max !== undefined && (d.maxOpen ? !(x < d.max) : !(x <= d.max))) return false;
  return true;
}

/**
 * The options an estimator runs with: `spec.defaults` with `options` applied, after checking
 * names, finiteness and domains (see the file comment). Errors read `<id> option <name>: …`.
 */
export function resolveOptions(spec: Pick<EstimatorSpec, "id" | "defaults" | "domains">, options: EstimatorOptions | undefined): EstimatorOptions {
  const known = Object.keys(spec.defaults);
  const out: EstimatorOptions = { ...spec.defaults };
  if (options === undefined) return out;
  if (options === null || typeof options !== "object" || Array.isArray(options)) throw new InputError(`${spec.id} options: expected an object of name → number, got ${describeValue(options)}`);
  for (const [name, x] of Object.entries(options)) {
    if (!known.includes(name)) {
      if (known.length === 0) throw new InputError(`${spec.id} takes no options, got ${quote(name)}`);
      const near = suggestName(name, known);
      throw new InputError(`${spec.id}: unknown option ${quote(name)}${near ? ` (did you mean ${near}?)` : ""}; its options are ${known.join(", ")}`);
    }
    const d = spec.domains?.[name] ?? {};
    if (typeof x !== "number" || !inDomain(x, d)) throw new InputError(`${spec.id} option ${name}: expected ${describeDomain(d)}${d.why ? ` (${d.why})` : ""}, got ${describeValue(x)}`);
    out[name] = x;
  }
  return out;
}

/** The subset of `options` that `spec` takes (the names in its defaults): one shared option set split among estimators. */
export function optionsFor(spec: Pick<EstimatorSpec, "defaults">, options: EstimatorOptions): EstimatorOptions {
  return Object.fromEntries(Object.entries(options).filter(([k]) => Object.prototype.hasOwnProperty.call(spec.defaults, k)));
}
