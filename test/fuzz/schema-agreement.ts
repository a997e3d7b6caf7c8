/**
 * The agreement rule between the JSON Schemas (schemas/) and stochgrad's validators, shared by the
 * fixture test (test/unit/schemas.test.ts) and the fast-check property (schema-agreement.fuzz.test.ts):
 * a file the validator accepts, the schema accepts; a file the schema rejects, the validator
 * rejects; a file only the validator rejects fails a check JSON Schema cannot state (SEMANTIC).
 */
import fs from "node:fs";
import path from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import { modelFromJSON } from "../../analysis/rbm-model.js";
import { SCHEMA_DIR, SCHEMA_FILES } from "../../analysis/schemas.js";
import { RBM_PARAMETER_VECTORS } from "../../src/boltzmann/rbm.js";
import { RbmTrainer } from "../../src/boltzmann/trainer.js";
import { requireMemory } from "../../src/limits.js";
import { problemFromJSON } from "../../src/problems/json.js";
import { Stream } from "../../src/random/stream.js";

export const load = (name: keyof typeof SCHEMA_FILES) => JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, SCHEMA_FILES[name]), "utf8")) as Record<string, unknown> & { definitions: Record<string, Record<string, unknown>> };
export const ajv = new Ajv({ strict: true, strictRequired: false, allowUnionTypes: true });
export const schemaOf: Record<"problem" | "model", ValidateFunction> = { problem: ajv.compile(load("problem")), model: ajv.compile(load("model")) };

/** Checks JSON Schema cannot state: the validator's messages for them. */
export const SEMANTIC: [RegExp, string][] = [
  [/does not match the last layer's|reads \d+ units but the last layer has|expected \d+ entr(y|ies)( \(|, got)|expected \d+ (rows|entries)|must be 2\^\d+|length \d+ must be/, "a length that depends on another field"],
  [/\d+ rows but bias has \d+ units/, "a layer's rows against its units"],
  [/start: expected an integer in \[0, \d+\]/, "start below states"],
  [/at most|exceeds|the limit|LIMITS|needs 2\^/, "a size limit"],
  [/epoch: expected an epoch in \[\d+, \d+\]|entries for \d+ epochs trained/, "history entries: evaluated epochs in increasing order, at most the epochs trained"],
  [/: unexpected \(/, "a trainer-state part the options do not keep"],
  [/expected \d+ generator states|chainsH: expected \d+/, "the sampler's state against the method and the chains"],
  [/chainsH: expected \d+ entries|velocity: expected \d+ entries|keeps no chains/, "the trainer state against the options and the model"],
];

export function validateProblem(v: unknown): string | null {
  try {
    problemFromJSON(v);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** What `--resume` checks: the model file, the memory it asks for, then its trainer state restored into a trainer. */
export function validateModel(v: unknown): string | null {
  try {
    const { rbm, record } = modelFromJSON(v);
    if (record.training) {
      // the CLI prices the run (parameters and persistent chains) before it builds the trainer
      requireMemory((rbm.nVisible + 1) * (rbm.nHidden + 1) * RBM_PARAMETER_VECTORS + record.training.options.chains * rbm.nHidden, "--resume", "the model");
      const trainer = new RbmTrainer(rbm, record.training.options, Stream.fromSeed("schema-test"));
      try {
        trainer.restore(record.training.state);
      } finally {
        trainer.release();
      }
    }
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** The agreement rule of the file comment; returns a disagreement in words, or null. */
export function disagreement(kind: "problem" | "model", v: unknown): string | null {
  const validator = kind === "problem" ? validateProblem(v) : validateModel(v);
  const schema = schemaOf[kind](v);
  if (validator === null && !schema) return `the validator accepts it, the schema rejects it: ${ajv.errorsText(schemaOf[kind].errors)}`;
  if (validator !== null && schema && !SEMANTIC.some(([re]) => re.test(validator))) return `the schema accepts it, the validator rejects it for a reason the schema should state: ${validator}`;
  return null;
}
