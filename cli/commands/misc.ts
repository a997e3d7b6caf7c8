import path from "node:path";
import { readJsonFile, withOutputDir } from "../../analysis/io.js";
import { figureRecordFromJSON } from "../../analysis/figures/record.js";
import { REGISTER_FLAG, registryFrom } from "../register.js";
import { prepareRender } from "../../analysis/records.js";
import { estimators } from "../../src/estimators/registry.js";
import { describeDomain } from "../../src/estimators/options.js";
import type { EstimatorSpec } from "../../src/estimators/types.js";
import type { Command } from "../types.js";
import { InputError } from "../../src/errors.js";

/** `stochgrad estimators`: the registry, with formulas and sources. */
export const estimatorsCommand: Command = {
  name: "estimators",
  summary: "List the estimator registry: id, unbiased?, formula, source.",
  flags: { json: { type: "boolean", description: "print JSON" }, register: REGISTER_FLAG, help: { type: "boolean", description: "show this help" } },
  async run(args) {
    const registry = await registryFrom(args.flags.register as string | undefined);
    const rows = Object.values(registry).map((e) => ({
      id: e.id,
      unbiased: e.unbiased,
      noise: e.noise,
      formula: e.formula,
      source: e.source,
      options: e.defaults,
      // what each option accepts, in words (what --option checks)
      domains: Object.fromEntries(Object.keys(e.defaults).map((k) => [k, describeDomain((e as EstimatorSpec).domains?.[k] ?? {})])),
    }));
    if (args.flags.json) process.stdout.write(JSON.stringify(rows, null, 2) + "\n");
    else for (const r of rows) process.stdout.write(`${r.id.padEnd(28)} ${r.unbiased ? "unbiased" : "biased  "}  ${r.formula}\n${"".padEnd(28)} ${r.source}\n`);
    return 0;
  },
};

/** `stochgrad render record.json`: rebuild a record's charts or reports without recomputing (analysis/records.ts). */
export const renderCommand: Command = {
  name: "render",
  positional: "record.json",
  summary: "Rebuild what a record shows without recomputing: the charts (PNG, SVG, CSV) of a figure record, comparison.json or a reproduction record (and its table), claims.json's report.md and report.html.",
  flags: { out: { type: "string", metavar: "DIR", description: "output folder (default: the record's folder)" }, help: { type: "boolean", description: "show this help" } },
  async run(args) {
    const file = args.positional[0];
    if (!file) throw new InputError("render: missing record file");
    const work = prepareRender(readJsonFile(file, "record"), file);
    const files = await withOutputDir(String(args.flags.out ?? path.dirname(file)), "--out", work);
    process.stdout.write(files.join("\n") + "\n");
    return 0;
  },
};
