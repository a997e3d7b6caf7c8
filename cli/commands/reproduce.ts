/**
 * `stochgrad reproduce <id>`: one subcommand per reproduction of analysis/reproductions (its
 * flags generated from the reproduction's declared options). Thin: parse, run, print the table.
 */
import path from "node:path";
import { reproductions } from "../../analysis/reproductions/index.js";
import { runReproduction } from "../../analysis/reproductions/runner.js";
import type { Reproduction } from "../../analysis/reproductions/types.js";
import { InputError } from "../../src/errors.js";
import type { FlagSpec } from "../args.js";
import { withFlags } from "../common.js";
import { Progress } from "../progress.js";
import type { Command, CommandGroup } from "../types.js";

function command(rep: Reproduction): Command {
  const own: Record<string, FlagSpec> = Object.fromEntries(Object.entries(rep.options).map(([k, o]) => [k, { type: o.type, description: o.description, metavar: o.metavar }]));
  const flagOf: Record<string, string> = Object.fromEntries(["seeds", "estimators", "merge", ...Object.keys(rep.options)].map((k) => [k, `--${k}`]));
  return {
    name: `reproduce ${rep.id}`,
    summary: `${rep.summary} (${rep.source})`,
    flags: {
      out: { type: "string", metavar: "DIR", required: true, description: `output folder: ${rep.id}.json (record), charts, table, timings, checkpoint (resumed when rerun with the same settings)` },
      quick: { type: "boolean", description: "a fast smoke run on small data (same code paths)" },
      estimators: { type: "string", metavar: "a,b,…", description: `methods to run (default all: ${rep.methods.join(", ")})` },
      seeds: { type: "int", metavar: "K", description: `seeds per method (default ${rep.defaultSeeds}; --quick 1)` },
      seed: { type: "string", metavar: "S", description: "root seed", default: "stochgrad" },
      merge: { type: "string", metavar: "DIR,…", description: "take in the finished work of runs split across processes (the same command with other --estimators, each with its own --out)" },
      ...own,
      help: { type: "boolean", description: "show this help" },
    },
    async run(args) {
      if (args.positional.length) throw new InputError(`reproduce ${rep.id}: unexpected argument "${args.positional[0]}"`);
      const f = args.flags;
      if (!f.out) throw new InputError(`reproduce ${rep.id}: --out DIR is required`);
      const options = Object.fromEntries(Object.keys(rep.options).map((k) => [k, f[k]]));
      const estimators = f.estimators === undefined ? undefined : String(f.estimators).split(",").map((x) => x.trim()).filter((x) => x.length > 0);
      const mergeFrom = f.merge === undefined ? undefined : String(f.merge).split(",").map((x) => x.trim()).filter((x) => x.length > 0);
      const bar = new Progress(`reproduce ${rep.id}`);
      const t0 = Date.now();
      const { output, files } = await withFlags(flagOf, () =>
        runReproduction(rep, { quick: Boolean(f.quick), seed: String(f.seed), seeds: f.seeds as number | undefined, estimators, options }, { outDir: String(f.out), mergeFrom, progress: (d, t, l) => bar.update(d, t, l), log: (l) => bar.log(l) }),
      );
      bar.done();
      process.stdout.write(output.table);
      process.stdout.write(`wrote ${files.length} files in ${path.relative(process.cwd(), path.resolve(String(f.out))) || "."} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
      return 0;
    },
  };
}

/** `stochgrad reproduce <id>`, one subcommand per registered reproduction. */
export const reproduceCommand: CommandGroup = {
  name: "reproduce",
  summary: "Re-run a published experiment end to end: one JSON record, figures rendered from it, checkpoints with resume.",
  subcommands: Object.fromEntries(Object.values(reproductions).map((r) => [r.id, command(r)])),
};
