/**
 * Every record the CLI writes that has charts or reports, and how `stochgrad render` rebuilds
 * them without recomputing: a typed record keyed by the record's `kind`. Each entry validates the
 * record in full before anything is written and names the files it rebuilds:
 * - `stochgrad.figure` (`<out>/figures/<id>.json`, `spsa-optimize-figure.json`): its charts;
 * - `stochgrad.comparison` (`comparison.json` of `compare`): comparison-variance and -bias charts;
 * - `stochgrad.claims` (`claims.json` of `verify`): report.md and report.html, with the figure
 *   records found in `figures/` beside it re-rendered into `<out>/figures`.
 * Chart files are `<stem>.png|svg|csv`, byte-identical to the ones the command wrote.
 */
import fs from "node:fs";
import path from "node:path";
import { describeValue, InputError, quote } from "../src/errors.js";
import { figures as allFigures } from "../figures/index.js";
import { renderChart, type ChartSpec } from "./charts.js";
import { claimsRecordFromJSON } from "./claims-record.js";
import { comparisonCharts } from "./compare.js";
import { comparisonRecordFromJSON } from "./comparison-record.js";
import { figureRecordFromJSON } from "./figures/record.js";
import { renderRecord } from "./figures/runner.js";
import type { FigureRecord } from "./figures/types.js";
import { ensureWritableDir, readJsonFile, writeFileAtomic } from "./io.js";
import { writeReports } from "./verify.js";

/** One record kind `render` knows. */
export interface RecordKind {
  /** what the record is, in words (errors, help) */
  what: string;
  /**
   * Validate `json` (read from `file`) and return the work that writes its outputs into a folder,
   * without writing anything yet. The work returns the paths it wrote.
   */
  prepare(json: unknown, file: string): (outDir: string) => string[];
}

/** Render `charts` as `<outDir>/<stem>.png|svg|csv`; returns the paths. */
export function renderCharts(charts: { stem: string; spec: ChartSpec }[], outDir: string): string[] {
  const files: string[] = [];
  for (const c of charts) {
    const r = renderChart(c.spec, path.join(outDir, c.stem));
    files.push(...[r.png, r.svg, r.csv].map((f) => path.join(outDir, f)));
  }
  return files;
}

/** The figure records in `dir` (every `*.json` whose kind is stochgrad.figure), in report order: registry order, then by id. */
function figureRecordsIn(dir: string): { record: FigureRecord; file: string }[] {
  if (!fs.existsSync(dir)) return [];
  const order = new Map(allFigures.map((f, i) => [f.id, i] as const));
  const recs: { record: FigureRecord; file: string }[] = [];
  for (const name of fs.readdirSync(dir).filter((x) => x.endsWith(".json")).sort()) {
    const file = path.join(dir, name);
    const json = readJsonFile(file, "figure record");
    if ((json as { kind?: unknown } | null)?.kind !== "stochgrad.figure") continue;
    try {
      recs.push({ record: figureRecordFromJSON(json), file });
    } catch (e) {
      if (e instanceof InputError) throw new InputError(`figure record ${file}: ${e.message}`);
      throw e;
    }
  }
  const rank = (r: FigureRecord) => order.get(r.id) ?? allFigures.length;
  return recs.sort((a, b) => rank(a.record) - rank(b.record) || (a.record.id < b.record.id ? -1 : a.record.id > b.record.id ? 1 : 0));
}

export const RECORD_KINDS: Record<string, RecordKind> = {
  "stochgrad.figure": {
    what: "figure record",
    prepare(json) {
      const rec = figureRecordFromJSON(json);
      return (dir) => renderRecord(rec, dir).map((f) => path.join(dir, f));
    },
  },
  "stochgrad.comparison": {
    what: "comparison record (stochgrad compare)",
    prepare(json) {
      const rec = comparisonRecordFromJSON(json);
      const charts = comparisonCharts(rec).map((c) => ({ stem: `comparison-${c.name}`, spec: c.spec }));
      return (dir) => renderCharts(charts, dir);
    },
  },
  "stochgrad.claims": {
    what: "claims record (stochgrad verify)",
    prepare(json, file) {
      const rec = claimsRecordFromJSON(json);
      const figs = figureRecordsIn(path.join(path.dirname(file), "figures"));
      return (dir) => {
        const figDir = path.join(dir, "figures");
        if (figs.length) ensureWritableDir(figDir, "--out");
        const rendered = figs.map(({ record, file: src }) => {
          const json = path.join(figDir, `${record.id}.json`);
          // the report links each record: copy it, byte for byte, when rendering elsewhere
          if (path.resolve(json) !== path.resolve(src)) writeFileAtomic(json, fs.readFileSync(src));
          return { record, files: [`${record.id}.json`, ...renderRecord(record, figDir)] };
        });
        return [...rendered.flatMap((r) => r.files.map((f) => path.join(figDir, f))), ...writeReports(dir, rec, rendered)];
      };
    },
  },
};

/**
 * Validate a record read from `file` and return the work that rebuilds its outputs (see
 * RECORD_KINDS). An unknown kind is an InputError that lists the known ones.
 */
export function prepareRender(json: unknown, file: string, kinds: Record<string, RecordKind> = RECORD_KINDS): (outDir: string) => string[] {
  const kind = json !== null && typeof json === "object" && !Array.isArray(json) ? (json as { kind?: unknown }).kind : undefined;
  const entry = typeof kind === "string" && Object.hasOwn(kinds, kind) ? kinds[kind] : undefined;
  if (!entry) throw new InputError(`record.kind: expected one of ${Object.keys(kinds).map((k) => JSON.stringify(k)).join(", ")} (${Object.values(kinds).map((k) => k.what).join("; ")}), got ${kind === undefined ? "no kind" : typeof kind === "string" ? quote(kind) : describeValue(kind)}`);
  try {
    return entry.prepare(json, file);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`${entry.what} ${file}: ${e.message}`);
    throw e;
  }
}
