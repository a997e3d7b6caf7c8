// The JSON Schemas (schemas/) and stochgrad's own validators agree on every fixture: the problem
// fixtures of test/fixtures/problems, every problem and model file of the fuzz corpus, and a model
// file written by `rbm train` (whose $schema names the schema). Agreement means: a file the
// validator accepts, the schema accepts (an editor never flags a good file); a file the schema
// rejects, the validator rejects; and a file only the validator rejects fails a check JSON Schema
// cannot state (lengths that depend on each other, size limits), listed in SEMANTIC.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SCHEMA_DIR, SCHEMA_FILES, schemaUri } from "../../analysis/schemas.js";
import { negativePhases } from "../../src/boltzmann/negative-phase/registry.js";
import { DEFAULT_TRAIN_OPTIONS } from "../../src/boltzmann/trainer.js";
import { dataSets } from "../../src/data/datasets.js";
import { unitTypes } from "../../src/neurons/index.js";
import { MAX_FLOAT64_ENTRIES } from "../../src/limits.js";
import { PROBLEM_KINDS } from "../../src/problems/json.js";
import { ajv, disagreement, load, schemaOf, SEMANTIC, validateModel, validateProblem } from "../fuzz/schema-agreement.js";

const ROOT = path.resolve(__dirname, "../..");
const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string }).version;

type Text = string | { $text: (string | { repeat: string; times: number })[] };
function text(t: Text | unknown): string {
  if (typeof t === "string") return t;
  if (t && typeof t === "object" && "$text" in t) return (t as { $text: (string | { repeat: string; times: number })[] }).$text.map((p) => (typeof p === "string" ? p : p.repeat.repeat(p.times))).join("");
  return JSON.stringify(t);
}

/** Every input file of the fuzz corpus that is a problem or a model file (by its kind). */
function corpusFiles(): { name: string; kind: "problem" | "model"; value: unknown }[] {
  const dir = path.join(ROOT, "test/fuzz/corpus");
  const out: { name: string; kind: "problem" | "model"; value: unknown }[] = [];
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith(".json")).sort()) {
    const c = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as { files?: Record<string, unknown> };
    for (const [name, raw] of Object.entries(c.files ?? {})) {
      let value: unknown;
      try {
        value = JSON.parse(text(raw));
      } catch {
        continue; // malformed JSON: neither a validator's nor a schema's business
      }
      const k = value !== null && typeof value === "object" ? (value as { kind?: unknown }).kind : undefined;
      if (k === "stochgrad.rbm") out.push({ name: `${f}:${name}`, kind: "model", value });
      else if (typeof k === "string" ? Object.hasOwn(PROBLEM_KINDS, k) : f.includes("input") || f.includes("weights") || f.includes("target")) out.push({ name: `${f}:${name}`, kind: "problem", value });
    }
  }
  return out;
}

describe("JSON Schemas", () => {
  it("compile as draft-07 and list exactly the kinds, unit types, data sets and methods of the registries", () => {
    const p = load("problem");
    const m = load("model");
    expect((p.properties as { kind: { enum: string[] } }).kind.enum.sort()).toEqual(Object.keys(PROBLEM_KINDS).sort());
    const units = (p.definitions.unit.oneOf as { properties: { type: { enum?: string[]; const?: string } } }[]).flatMap((o) => o.properties.type.enum ?? [o.properties.type.const!]);
    expect(units.sort()).toEqual([...unitTypes].sort());
    expect((m.definitions.training.properties as { data: { enum: string[] } }).data.enum.sort()).toEqual(Object.keys(dataSets).sort());
    const opts = m.definitions.options as { properties: Record<string, { enum?: string[] }> };
    expect(opts.properties.method.enum!.sort()).toEqual(Object.keys(negativePhases).sort());
    for (const k of Object.keys(DEFAULT_TRAIN_OPTIONS)) expect(Object.keys(opts.properties)).toContain(k);
    expect(opts.properties.dtype.enum).toContain(DEFAULT_TRAIN_OPTIONS.dtype);
    expect((p.definitions.delayed.properties as { states: { maximum: number } }).states.maximum).toBe(MAX_FLOAT64_ENTRIES);
    for (const [name, file] of Object.entries(SCHEMA_FILES)) expect((load(name as keyof typeof SCHEMA_FILES).$id as string).endsWith(`/schemas/${file}`)).toBe(true);
  });

  const fixtures = (sub: string) => fs.readdirSync(path.join(ROOT, "test/fixtures/problems", sub)).sort().map((f) => [f, JSON.parse(fs.readFileSync(path.join(ROOT, "test/fixtures/problems", sub, f), "utf8"))] as const);

  it("valid problem fixtures: both accept (and they name the schema by $schema)", () => {
    const fx = fixtures("valid");
    expect(fx.length).toBeGreaterThanOrEqual(8);
    for (const [f, v] of fx) {
      expect(validateProblem(v), f).toBeNull();
      expect(schemaOf.problem(v), `${f}: ${ajv.errorsText(schemaOf.problem.errors)}`).toBe(true);
    }
    expect(fx.filter(([, v]) => typeof v.$schema === "string").map(([, v]) => path.resolve(ROOT, "test/fixtures/problems/valid", v.$schema as string))).toContain(path.join(SCHEMA_DIR, SCHEMA_FILES.problem));
    for (const kind of Object.keys(PROBLEM_KINDS)) expect(fx.some(([, v]) => v.kind === kind), kind).toBe(true);
  });

  it("invalid problem fixtures: both reject", () => {
    for (const [f, v] of fixtures("invalid")) {
      expect(validateProblem(v), f).not.toBeNull();
      expect(schemaOf.problem(v), f).toBe(false);
    }
  });

  it("semantic problem fixtures: the schema accepts them, the validator rejects them for a listed reason", () => {
    for (const [f, v] of fixtures("semantic")) {
      const why = validateProblem(v);
      expect(why, f).not.toBeNull();
      expect(schemaOf.problem(v), f).toBe(true);
      expect(SEMANTIC.some(([re]) => re.test(why!)), `${f}: ${why}`).toBe(true);
    }
  });

  it("every problem and model file of the fuzz corpus: the schema and the validator agree", () => {
    const files = corpusFiles();
    expect(files.filter((f) => f.kind === "model").length).toBeGreaterThanOrEqual(5);
    expect(files.filter((f) => f.kind === "problem").length).toBeGreaterThanOrEqual(10);
    const bad = files.map((f) => [f.name, disagreement(f.kind, f.value)]).filter(([, d]) => d !== null);
    expect(bad).toEqual([]);
  });

  it("a model file written by rbm train names its schema and passes both", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stochgrad-schema-"));
    const out = path.join(dir, "m.json");
    const r = spawnSync(process.execPath, [path.join(ROOT, "dist/cli/main.js"), "rbm", "train", "--data", "bars-and-stripes-3", "--hidden", "2", "--epochs", "1", "--out", out], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const m = JSON.parse(fs.readFileSync(out, "utf8"));
    expect(m.$schema).toBe(schemaUri("model", VERSION));
    expect(Object.keys(m)[0]).toBe("$schema");
    expect(validateModel(m)).toBeNull();
    expect(schemaOf.model(m), ajv.errorsText(schemaOf.model.errors)).toBe(true);
    // the same file with a string where the schema wants a number: both reject (negative control)
    const broken = { ...m, training: { ...m.training, epochs: "1" } };
    expect(validateModel(broken)).not.toBeNull();
    expect(schemaOf.model(broken)).toBe(false);
  });

  it("the agreement check itself flags a schema that is too strict or too lax (negative control)", () => {
    const lax = ajv.compile({ type: "object" });
    const strict = ajv.compile({ type: "object", required: ["nope"] });
    const good = { kind: "single", logit: 0.3, loss: { kind: "squared", target: 0.45 } };
    const typo = { ...good, logitt: 1 };
    const saved = schemaOf.problem;
    try {
      schemaOf.problem = strict;
      expect(disagreement("problem", good)).toMatch(/validator accepts it, the schema rejects it/);
      schemaOf.problem = lax;
      expect(disagreement("problem", typo)).toMatch(/schema accepts it, the validator rejects it/);
    } finally {
      schemaOf.problem = saved;
    }
    expect(disagreement("problem", good)).toBeNull();
    expect(disagreement("problem", typo)).toBeNull();
  });
});
