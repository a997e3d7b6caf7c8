/**
 * The JSON Schemas shipped in the package (`schemas/`, listed in package.json `files`): the
 * problem format and the RBM model file. Files stochgrad writes name theirs in `$schema` (a URL
 * of the schema as published with this version), so editors validate them; stochgrad's readers
 * accept a `$schema` string and ignore it. The validators and the schemas agree on every fixture
 * (test/unit/schemas.test.ts); the schemas check structure, the validators also the lengths that
 * depend on each other and the size limits.
 */
import path from "node:path";
import { PACKAGE_ROOT } from "./provenance.js";

/** Schema file names by what they describe. */
export const SCHEMA_FILES = { problem: "problem.schema.json", model: "rbm-model.schema.json" } as const;

/** The folder holding the schemas in this installation (or checkout). */
export const SCHEMA_DIR = path.join(PACKAGE_ROOT, "schemas");

/** The `$schema` written into a file: the schema as published with `version` (deterministic for a version). */
export function schemaUri(name: keyof typeof SCHEMA_FILES, version: string): string {
  return `https://unpkg.com/stochgrad@${version}/schemas/${SCHEMA_FILES[name]}`;
}
