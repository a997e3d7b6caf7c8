/**
 * The figure runner: run a figure module with its own stream (root.fork(`figure/${id}`)), write
 * its JSON record, and render every chart from the record (PNG, SVG, CSV).
 */
import path from "node:path";
import { Stream } from "../../src/random/stream.js";
import { renderChart } from "../charts.js";
import { writeJsonAtomic } from "../io.js";
import type { Figure, FigureRecord } from "./types.js";
import { requireSafeName } from "./record.js";
import { quote } from "../../src/errors.js";

export interface RenderOptions {
  seed: string;
  quick: boolean;
  dir: string;
  onProgress?: (done: number, total: number) => void;
}

/** Render all charts of a record into dir; returns the file names written (never outside dir: names are checked). */
export function renderRecord(record: FigureRecord, dir: string): string[] {
  const files: string[] = [];
  requireSafeName(record.id, "record.id");
  for (const c of record.charts) {
    if (c.name) requireSafeName(c.name, "chart name");
    const base = path.join(dir, c.name ? `${record.id}-${c.name}` : record.id);
    const r = renderChart(c.spec, base);
    files.push(r.png, r.svg, r.csv);
  }
  return files;
}

export async function renderFigure(fig: Figure, opts: RenderOptions): Promise<{ record: FigureRecord; files: string[] }> {
  const stream = Stream.fromSeed(opts.seed).fork(`figure/${fig.id}`);
  const out = await fig.run({ stream, quick: opts.quick, progress: (d, t) => opts.onProgress?.(d, t) });
  const record: FigureRecord = { kind: "stochgrad.figure", id: fig.id, title: fig.title, caption: fig.caption, seed: opts.seed, quick: opts.quick, ...out };
  const json = `${fig.id}.json`;
  writeJsonAtomic(path.join(opts.dir, json), record);
  return { record, files: [json, ...renderRecord(record, opts.dir)] };
}

/** Select figures by "all", "none" or comma-separated ids; an unknown id throws naming the known ones. */
export function selectFigures(selection: string, all: Figure[]): Figure[] {
  if (selection === "none") return [];
  if (selection === "all") return all;
  const ids = selection.split(",").map((s) => s.trim());
  for (const id of ids) if (!all.some((x) => x.id === id)) throw new Error(`--figures: unknown figure ${quote(id)} (known: ${all.map((x) => x.id).join(", ")})`);
  return all.filter((x) => ids.includes(x.id));
}
