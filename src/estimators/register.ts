/**
 * `registerEstimator`: a user's estimator as a first-class registry entry. The built-in registry
 * (`estimators`) is a constant record, as every registry here is (ARCHITECTURE.md, State), so
 * registering returns a *new* frozen registry: the given one plus the spec. Every lookup that
 * takes an estimator id takes that registry too (`getEstimator`, `parseEstimatorList`,
 * `sgdOptimize({ registry })`, `stochgrad compare|exact|estimate|estimators --register FILE`), and
 * specs go straight to `exactAnalysis` (through `estimatorEntry`), the comparison and the matchers.
 *
 * The spec is checked in full when it is registered, each failure an InputError naming the field:
 * a safe id that no entry of the registry has (a clash is refused, never an overwrite), non-empty
 * title, formula and source, a boolean `unbiased`, a known noise kind, finite defaults that lie
 * in their declared domains (every domain names a default), and the functions `applicable` and
 * `create`.
 */
import { describeValue, InputError, quote } from "../errors.js";
import { describeDomain, inDomain } from "./options.js";
import { estimators, publicSpec } from "./registry.js";
import type { EstimatorRegistry, EstimatorSpec, NoiseKind } from "./types.js";

/** Estimator ids: lower-case letters, digits and '-', '_' or '.', starting with a letter or digit. */
export const ESTIMATOR_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

const NOISE_KINDS: Record<NoiseKind, true> = { units: true, none: true, custom: true };

function has(o: object, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

/** Check a spec as `registerEstimator` does (see the file comment); returns it unchanged. */
export function checkEstimatorSpec<S extends EstimatorSpec>(spec: S): S {
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) throw new InputError(`estimator spec: expected an object, got ${describeValue(spec)}`);
  const o = spec as unknown as Record<string, unknown>;
  if (typeof o.id !== "string" || !ESTIMATOR_ID.test(o.id)) throw new InputError(`estimator spec.id: expected lower-case letters, digits, '-', '_' or '.' (at most 64), got ${typeof o.id === "string" ? quote(o.id) : describeValue(o.id)}`);
  const where = `estimator ${o.id}`;
  for (const k of ["title", "formula", "source"]) {
    if (typeof o[k] !== "string" || (o[k] as string).trim().length === 0) throw new InputError(`${where}.${k}: expected a non-empty string, got ${describeValue(o[k])}`);
  }
  if (typeof o.unbiased !== "boolean") throw new InputError(`${where}.unbiased: expected true or false (unbiased for ∇E[L] by theory), got ${describeValue(o.unbiased)}`);
  if (typeof o.noise !== "string" || !has(NOISE_KINDS, o.noise)) throw new InputError(`${where}.noise: expected one of ${Object.keys(NOISE_KINDS).join(", ")}, got ${typeof o.noise === "string" ? quote(o.noise) : describeValue(o.noise)}`);
  const defaults = o.defaults;
  if (defaults === null || typeof defaults !== "object" || Array.isArray(defaults)) throw new InputError(`${where}.defaults: expected an object of option name → number ({} if it takes none), got ${describeValue(defaults)}`);
  const domains = o.domains;
  if (domains !== undefined && (domains === null || typeof domains !== "object" || Array.isArray(domains))) throw new InputError(`${where}.domains: expected an object of option name → domain, got ${describeValue(domains)}`);
  for (const [name, x] of Object.entries(defaults as Record<string, unknown>)) {
    if (typeof x !== "number" || !Number.isFinite(x)) throw new InputError(`${where}.defaults.${name}: expected a finite number, got ${describeValue(x)}`);
    const d = (domains as Record<string, unknown> | undefined)?.[name];
    if (d !== undefined) {
      if (d === null || typeof d !== "object") throw new InputError(`${where}.domains.${name}: expected a domain object ({ min, max, integer, values, … }), got ${describeValue(d)}`);
      if (!inDomain(x, d)) throw new InputError(`${where}.defaults.${name}: the default ${x} is outside its own domain (${describeDomain(d)})`);
    }
  }
  for (const name of Object.keys((domains as object | undefined) ?? {})) {
    if (!has(defaults, name)) throw new InputError(`${where}.domains.${name}: a domain for an option without a default (defaults: ${Object.keys(defaults).join(", ") || "none"})`);
  }
  for (const k of ["applicable", "create"]) {
    if (typeof o[k] !== "function") throw new InputError(`${where}.${k}: expected a function, got ${describeValue(o[k])}`);
  }
  return spec;
}

/**
 * A new frozen registry: `registry` (default: the built-in `estimators`) plus `spec`, checked in
 * full; its `create` returns the checked face of the instance, as the built-in ones do. An id that the registry already has is refused, naming the entry it would replace; chain
 * calls to register several. Shapes: as the spec's contract (θ nParams, noise noiseSize, out nParams).
 */
export function registerEstimator<S extends EstimatorSpec, R extends EstimatorRegistry = typeof estimators>(spec: S, registry: R = estimators as unknown as R): Readonly<R & Record<S["id"], S>> {
  if (registry === null || typeof registry !== "object") throw new InputError(`registerEstimator: expected a registry (e.g. estimators or an earlier registerEstimator result) as the second argument, got ${describeValue(registry)}`);
  checkEstimatorSpec(spec);
  if (has(registry, spec.id)) {
    const old = registry[spec.id];
    throw new InputError(`estimator ${quote(spec.id)} is already registered (${old.title}, ${old.source}); choose another id`);
  }
  // the registry hands out the checked face of its instances, for a user's spec as for a built-in (publicSpec)
  return Object.freeze({ ...registry, [spec.id]: publicSpec(spec) }) as Readonly<R & Record<S["id"], S>>;
}
