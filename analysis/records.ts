/**
 * Every record the CLI writes that has charts or reports, and how `stochgrad render` rebuilds
 * them without recomputing: a typed record keyed by the record's `kind`. Each entry validates the
 * record in full before anything is written and names the files it rebuilds:
 * - `stochgrad.figure` (`<out>/figures/<id>.json`, `spsa-optimize-figure.json`): its charts;
 * - `stochgrad.comparison` (`comparison.json` of `compare`): comparison-variance and -bias charts;
 * - `stochgrad.claims` (`claims.json` of `verify`): report.md and report.html, with the figure
 *   records found in `figures/` beside it re-rendered into `<out>/figures`;
 * - `stochgrad.reproduction` (`<id>.json` of `reproduce <id>`): its charts and `<id>-table.md`
 *   (wall times from `<id>-timings.json` beside it, when present), by the reproduction's `rebuild`.
 * Chart files are `<stem>.png|svg|csv`, byte-identical to the ones the command wrote.
 */
import fs from "node:fs";
import path from "node:path";
import { describeValue, InputError, quote, requireFinite } from "../src/errors.js";
import { reproductions } from "./reproductions/index.js";
import type { Reproduction } from "./reproductions/types.js";
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
  "stochgrad.reproduction": {
    what: "reproduction record (stochgrad reproduce)",
    prepare(json, file) {
      const id = (json as { id?: unknown }).id;
      if (typeof id !== "string" || !Object.hasOwn(reproductions, id)) throw new InputError(`record.id: expected one of ${Object.keys(reproductions).join(", ")}, got ${id === undefined ? "no id" : describeValue(id)}`);
      const rep: Reproduction = reproductions[id as keyof typeof reproductions];
      const timingsFile = path.join(path.dirname(file), `${id}-timings.json`);
      const timings = fs.existsSync(timingsFile) ? timingsFromJSON(readJsonFile(timingsFile, "timings"), timingsFile) : {};
      const { charts, table } = rep.rebuild(json, timings);
      return (dir) => {
        const files = renderCharts(charts.map((c) => ({ stem: `${id}-${c.name}`, spec: c.spec })), dir);
        const tableFile = path.join(dir, `${id}-table.md`);
        writeFileAtomic(tableFile, table);
        return [...files, tableFile];
      };
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

/** Records the CLI writes that have nothing to render, and where their charts are instead. */
export const RECORDS_WITHOUT_CHARTS: Record<string, string> = {
  "stochgrad.spsa-optimize": "spsa optimize writes its chart's record beside it as spsa-optimize-figure.json: render that file",
  "stochgrad.rbm": "an RBM model file has no charts (stochgrad rbm eval evaluates it)",
  "stochgrad.checkpoint": "a checkpoint holds a run's partial state, not results (rerun the command to resume it)",
};

/** `<id>-timings.json`: seconds by unit of work. */
function timingsFromJSON(v: unknown, file: string): Record<string, number> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw new InputError(`timings ${file}: expected an object of seconds, got ${describeValue(v)}`);
  for (const [k, x] of Object.entries(v)) requireFinite(x, `timings ${file}: ${quote(k)}`);
  return v as Record<string, number>;
}

/**
 * Validate a record read from `file` and return the work that rebuilds its outputs (see
 * RECORD_KINDS). An unknown kind is an InputError that lists the known ones.
 */
export function prepareRender(json: unknown, file: string, kinds: Record<string, RecordKind> = RECORD_KINDS): (outDir: string) => string[] {
  const kind = json !== null && typeof json === "object" && !Array.isArray(json) ? (json as { kind?: unknown }).kind : undefined;
  const entry = typeof kind === "string" && Object.hasOwn(kinds, kind) ? kinds[kind] : undefined;
  if (!entry && typeof kind === "string" && Object.hasOwn(RECORDS_WITHOUT_CHARTS, kind)) throw new InputError(`${file}: nothing to render: ${RECORDS_WITHOUT_CHARTS[kind]}`);
  if (!entry) throw new InputError(`record.kind: expected one of ${Object.keys(kinds).map((k) => JSON.stringify(k)).join(", ")} (${Object.values(kinds).map((k) => k.what).join("; ")}), got ${kind === undefined ? "no kind" : typeof kind === "string" ? quote(kind) : describeValue(kind)}`);
  try {
    return entry.prepare(json, file);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`${entry.what} ${file}: ${e.message}`);
    throw e;
  }
}
