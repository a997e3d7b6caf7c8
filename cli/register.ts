/**
 * `--register FILE`: a user's estimators on the command line. FILE is an ES module whose default
 * export is an estimator spec or an array of them; each is registered (registerEstimator: checked
 * in full, no clash with a built-in id) beside the built-in registry, so `compare`, `exact`,
 * `estimate` and `estimators` treat it like a built-in. A missing file, a module that fails to
 * load or exports no spec is one InputError naming the flag.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { InputError, quote } from "../src/errors.js";
import { estimators } from "../src/estimators/registry.js";
import { registerEstimator } from "../src/estimators/register.js";
import type { EstimatorRegistry, EstimatorSpec } from "../src/estimators/types.js";
import type { FlagSpec } from "./args.js";

/** The flag, shared by every command that looks estimators up by id. */
export const REGISTER_FLAG: FlagSpec = { type: "string", metavar: "FILE.js", description: "ES module whose default export is an estimator spec (or an array of them), registered beside the built-in ones" };

/** The built-in registry, plus the estimators of `file` when given. */
export async function registryFrom(file: string | undefined): Promise<EstimatorRegistry> {
  if (file === undefined) return estimators;
  const abs = path.resolve(file);
  if (!fs.existsSync(abs) || !fs.statSync(abs).isFile()) throw new InputError(`--register: no such file ${quote(file)}`);
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(abs).href)) as { default?: unknown };
  } catch (e) {
    throw new InputError(`--register: cannot load ${quote(file)} as an ES module: ${(e as Error)?.message ?? String(e)}`);
  }
  const d = mod.default;
  const specs = Array.isArray(d) ? d : [d];
  if (d === undefined || specs.length === 0) throw new InputError(`--register: ${quote(file)} has no default export (export default a spec, or an array of specs)`);
  let reg: EstimatorRegistry = estimators;
  for (const [i, s] of specs.entries()) {
    try {
      reg = registerEstimator(s as EstimatorSpec, reg);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      throw new InputError(`--register: ${quote(file)}${Array.isArray(d) ? `[${i}]` : ""}: ${e.message}`);
    }
  }
  return reg;
}
