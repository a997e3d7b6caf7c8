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

/** Run a figure on its own stream (root.fork(`figure/${id}`)) and return its record; nothing is written. */
export async function runFigure(fig: Figure, opts: Omit<RenderOptions, "dir">): Promise<FigureRecord> {
  const stream = Stream.fromSeed(opts.seed).fork(`figure/${fig.id}`);
  const out = await fig.run({ stream, quick: opts.quick, progress: (d, t) => opts.onProgress?.(d, t) });
  return { kind: "stochgrad.figure", id: fig.id, title: fig.title, caption: fig.caption, ...(fig.claims ? { claims: [...fig.claims] } : {}), seed: opts.seed, quick: opts.quick, ...out };
}

/** Write a figure record (`<id>.json`) and render its charts into dir; returns the file names. */
export function writeFigure(record: FigureRecord, dir: string): string[] {
  requireSafeName(record.id, "record.id");
  const json = `${record.id}.json`;
  writeJsonAtomic(path.join(dir, json), record);
  return [json, ...renderRecord(record, dir)];
}

export async function renderFigure(fig: Figure, opts: RenderOptions): Promise<{ record: FigureRecord; files: string[] }> {
  const record = await runFigure(fig, opts);
  return { record, files: writeFigure(record, opts.dir) };
}

/** Select figures by "all", "none" or comma-separated ids; an unknown id throws naming the known ones. */
export function selectFigures(selection: string, all: Figure[]): Figure[] {
  if (selection === "none") return [];
  if (selection === "all") return all;
  const ids = selection.split(",").map((s) => s.trim());
  for (const id of ids) if (!all.some((x) => x.id === id)) throw new Error(`--figures: unknown figure ${quote(id)} (known: ${all.map((x) => x.id).join(", ")})`);
  return all.filter((x) => ids.includes(x.id));
}
