import path from "node:path";
import { renderRecord } from "../../analysis/figures/runner.js";
import { readJsonFile, withOutputDir } from "../../analysis/io.js";
import { figureRecordFromJSON } from "../../analysis/figures/record.js";
import { estimators } from "../../src/estimators/registry.js";
import { describeDomain } from "../../src/estimators/options.js";
import type { EstimatorSpec } from "../../src/estimators/types.js";
import type { Command } from "../types.js";
import { InputError } from "../../src/errors.js";

/** `stochgrad estimators`: the registry, with formulas and sources. */
export const estimatorsCommand: Command = {
  name: "estimators",
  summary: "List the estimator registry: id, unbiased?, formula, source.",
  flags: { json: { type: "boolean", description: "print JSON" }, help: { type: "boolean", description: "show this help" } },
  async run(args) {
    const rows = Object.values(estimators).map((e) => ({
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

/** `stochgrad render record.json`: re-render a figure record's charts without recomputing. */
export const renderCommand: Command = {
  name: "render",
  positional: "record.json",
  summary: "Re-render the charts of a figure record (JSON) to PNG, SVG and CSV without recomputing.",
  flags: { out: { type: "string", metavar: "DIR", description: "output folder (default: the record's folder)" }, help: { type: "boolean", description: "show this help" } },
  async run(args) {
    const file = args.positional[0];
    if (!file) throw new InputError("render: missing record file");
    const json = readJsonFile(file, "figure record");
    let rec;
    try {
      rec = figureRecordFromJSON(json);
    } catch (e) {
      if (e instanceof InputError) throw new InputError(`figure record ${file}: ${e.message}`);
      throw e;
    }
    const { dir, files } = await withOutputDir(String(args.flags.out ?? path.dirname(file)), "--out", (dir) => ({ dir, files: renderRecord(rec, dir) }));
    process.stdout.write(files.map((f) => path.join(dir, f)).join("\n") + "\n");
    return 0;
  },
};
