/**
 * Registers the JSON problem kinds "noisy-net" and "noisy-single" (src/problems/noisy-net.ts)
 * and installs their exact engine (nested quadrature, src/exact/noisy.ts). Imported for its
 * side effect by the estimator registry and the CLI.
 */
import "../exact/noisy.js";
import { registerProblemKind } from "./json.js";
import { noisyNetFromJSON, noisySingleFromJSON } from "./noisy-net.js";

registerProblemKind("noisy-net", noisyNetFromJSON);
registerProblemKind("noisy-single", noisySingleFromJSON);
