/**
 * Run a figure module, write its JSON record, and render every chart from the record.
 */
import path from "node:path";
import { Stream } from "../src/random/stream.js";
import type { Figure, FigureRecord } from "../figures/types.js";
import { renderChart } from "./charts.js";
import { writeJsonAtomic } from "./io.js";

export interface RenderOptions {
  seed: string;
  quick: boolean;
  dir: string;
  onProgress?: (done: number, total: number) => void;
}

/** Render all charts of a record into dir; returns the file names written. */
export function renderRecord(record: FigureRecord, dir: string): string[] {
  const files: string[] = [];
  for (const c of record.charts) {
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
