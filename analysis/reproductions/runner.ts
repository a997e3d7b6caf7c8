/**
 * Runs a reproduction into a folder: DIR/<id>.json (the record, byte-identical for the same
 * input), the charts rendered from it (DIR/<id>-<chart>.{png,svg,csv}), DIR/<id>-table.md and
 * DIR/<id>-timings.json (wall times: not deterministic, kept out of the record), with the
 * checkpoint in DIR/<id>-checkpoint.json. The input is validated, and then the folder checked
 * writable, before any work starts.
 */
import fs from "node:fs";
import path from "node:path";
import { FieldError } from "../../src/errors.js";
import { renderChart } from "../charts.js";
import { ensureWritableDir, writeFileAtomic, writeJsonAtomic } from "../io.js";
import { CheckpointStore } from "./checkpoint.js";
import type { Reproduction, ReproductionInput, ReproductionOutput } from "./types.js";

export interface RunReproductionOptions {
  outDir: string;
  progress?(done: number, total: number, label: string): void;
  log?(line: string): void;
  /** tests: stop (CheckpointStop) after this many checkpoint saves */
  stopAfter?: number;
  /** output folders of runs split across processes (same settings, other --estimators): their checkpoints' units are taken in */
  mergeFrom?: string[];
}

export async function runReproduction(rep: Reproduction, input: ReproductionInput, o: RunReproductionOptions): Promise<{ output: ReproductionOutput; files: string[] }> {
  rep.validate(input);
  const from = (o.mergeFrom ?? []).map((d) => path.join(d, `${rep.id}-checkpoint.json`));
  for (const f of from) if (!fs.existsSync(f)) throw new FieldError("merge", `no checkpoint ${f}`);
  const dir = ensureWritableDir(o.outDir);
  const checkpoint = new CheckpointStore(path.join(dir, `${rep.id}-checkpoint.json`), o.stopAfter, from);
  const output = await rep.run(input, { progress: o.progress, log: o.log, checkpoint });
  const files: string[] = [];
  const rec = path.join(dir, `${rep.id}.json`);
  writeJsonAtomic(rec, output.record);
  files.push(rec);
  for (const c of output.charts) {
    const r = renderChart(c.spec, path.join(dir, `${rep.id}-${c.name}`));
    files.push(...[r.png, r.svg, r.csv].map((f) => path.join(dir, f)));
  }
  const table = path.join(dir, `${rep.id}-table.md`);
  writeFileAtomic(table, output.table);
  const timings = path.join(dir, `${rep.id}-timings.json`);
  writeJsonAtomic(timings, output.timings);
  files.push(table, timings);
  return { output, files };
}
